"""Database URLs in messages: one place that hides passwords, whatever form the URL takes.

Prisma-style URLs (``postgresql://user:pass@host/db?schema=…``) and libpq key/value strings both
reach messages; every command shows them through these helpers, so a password never prints.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

SECRET_PARAMS = {"password", "sslpassword"}


def redact(url: str) -> str:
    """The URL with its password (user-info or ``?password=``) replaced by ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable database URL>"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":***"
        netloc = f"{userinfo}@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, "***" if k.lower() in SECRET_PARAMS else v) for k, v in pairs], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def scrub(text: str, url: str, password: str | None = None) -> str:
    """Remove every form of the password from a message (plain, percent-encoded, whole URL)."""
    raw = url
    secrets: set[str] = {password} if password else set()
    try:
        parts = urlsplit(raw)
        if parts.password:
            secrets.add(parts.password)
            secrets.add(unquote(parts.password))
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            if key.lower() in SECRET_PARAMS and value:
                secrets.add(value)
    except ValueError:
        pass
    if "://" not in raw:  # a libpq key/value string
        import psycopg  # here, not at the top: `codemod check` never loads the database driver
        from psycopg import conninfo

        try:
            secret = conninfo.conninfo_to_dict(raw).get("password")
        except psycopg.ProgrammingError:
            secret = None
        if secret:
            secrets.add(str(secret))
    if raw:
        text = text.replace(raw, redact(raw))
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, "***").replace(quote(secret, safe=""), "***")
    return text


def mask_url(url: str) -> str:
    """The URL without its password, for messages."""
    import psycopg
    from psycopg import conninfo

    try:
        params = conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "<database url>"
    host = params.get("host") or "localhost"
    port = params.get("port") or "5432"
    user = params.get("user")
    dbname = params.get("dbname") or ""
    who = f"{user}@" if user else ""
    return f"postgresql://{who}{host}:{port}/{dbname}"
