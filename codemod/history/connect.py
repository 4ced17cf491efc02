"""Connect to the database of a Prisma URL, with one-line errors and never the password.

Prisma's URLs carry parameters that libpq rejects (``schema``, ``connection_limit``, …); they are
taken out here, and ``schema`` becomes the schema where ``_prisma_migrations`` lives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from codemod.dburl import redact, scrub
from codemod.errors import CodemodError

# Parameters Prisma understands and libpq does not (they are dropped before connecting).
PRISMA_ONLY_PARAMS = {
    "schema",
    "connection_limit",
    "pool_timeout",
    "pgbouncer",
    "socket_timeout",
    "statement_cache_size",
    "sslaccept",
    "sslidentity",
    "sslpassword",
    "connect_timeout_ms",
    "max_connection_lifetime",
    "max_idle_connection_lifetime",
    "single_use_connections",
}
DEFAULT_CONNECT_TIMEOUT = 10


class ConnectionFailed(CodemodError):
    """Cannot reach or log in to the database: one line, exit code 2."""


@dataclass(frozen=True)
class DatabaseUrl:
    """A parsed Prisma database URL: what libpq gets, what the user may see, and the schema."""

    original: str
    libpq: str
    display: str
    schema: str
    password: str | None


def parse_url(url: str | None) -> DatabaseUrl:
    if not url or not url.strip():
        raise ConnectionFailed("no database URL: pass --database-url or set DATABASE_URL")
    url = url.strip()
    try:
        parts = urlsplit(url)
        password = parts.password
        _ = parts.port  # raises ValueError on a bad port
    except ValueError as error:
        raise ConnectionFailed(f"not a valid database URL ({scrub(str(error), url)}): {redact(url)}") from None
    if parts.scheme not in ("postgresql", "postgres"):
        shown = parts.scheme or "none"
        raise ConnectionFailed(
            f"only PostgreSQL URLs (postgresql://…) are supported, got scheme {shown!r}: {redact(url)}"
        )
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    schema = "public"
    kept = []
    for key, value in pairs:
        if key == "schema":
            schema = value or "public"
        elif key.lower() == "password" and password is None:
            password = value
        if key not in PRISMA_ONLY_PARAMS:
            kept.append((key, value))
    if not any(key == "connect_timeout" for key, _ in kept):
        kept.append(("connect_timeout", str(DEFAULT_CONNECT_TIMEOUT)))
    libpq = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), ""))
    return DatabaseUrl(url, libpq, redact(url), unquote(schema), unquote(password) if password else None)


def classify(message: str) -> str:
    """Name the usual connection failures in words a user acts on."""
    lowered = message.lower()
    if "password authentication failed" in lowered or "authentication failed" in lowered:
        return "authentication failed (wrong user or password)"
    if "no password supplied" in lowered or "fe_sendauth" in lowered:
        return "the server wants a password and the URL has none"
    if "does not exist" in lowered and "database" in lowered:
        return "no such database on this server"
    if "role" in lowered and "does not exist" in lowered:
        return "no such user (role) on this server"
    if "server does not support ssl" in lowered:
        return "TLS required by the URL (sslmode) but the server does not support SSL"
    if "ssl" in lowered or "certificate" in lowered or "tls" in lowered:
        return "TLS/SSL problem"
    if "no pg_hba.conf entry" in lowered:
        return "the server refuses this host/user/database (pg_hba.conf)"
    if "connection refused" in lowered:
        return "connection refused (is the server running, host and port right?)"
    if "could not translate host name" in lowered or "name or service not known" in lowered:
        return "unknown host name"
    if "timeout" in lowered or "timed out" in lowered:
        return "connection timed out"
    if "invalid" in lowered and ("dsn" in lowered or "uri" in lowered or "connection option" in lowered):
        return "the URL is not valid for PostgreSQL"
    return "cannot connect"


def _first_line(message: str) -> str:
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    if not lines:
        return message.strip()
    # libpq: "connection failed: connection to server at "h", port p failed: FATAL:  <reason>"
    line = lines[0]
    for prefix in ("connection failed: ", "connection is bad: "):
        if line.startswith(prefix):
            line = line[len(prefix):]
    return " ".join(line.split())


def connect(url: str | DatabaseUrl | None, *, autocommit: bool = True, read_only: bool = False) -> Any:
    """A psycopg connection; every failure is a :class:`ConnectionFailed` with one clean line."""
    parsed = url if isinstance(url, DatabaseUrl) else parse_url(url)
    try:
        import psycopg
    except ImportError:  # pragma: no cover - depends on the installation
        raise ConnectionFailed("psycopg (v3) is not installed: pip install 'psycopg[binary]'") from None
    try:
        conn = psycopg.connect(parsed.libpq, autocommit=autocommit)
    except psycopg.Error as error:
        reason = classify(str(error))
        detail = scrub(_first_line(str(error)), parsed.original, parsed.password)
        raise ConnectionFailed(f"{reason}: {parsed.display} ({detail})") from None
    except Exception as error:  # e.g. bad option values rejected before libpq
        detail = scrub(_first_line(str(error)), parsed.original, parsed.password)
        raise ConnectionFailed(f"cannot connect: {parsed.display} ({detail})") from None
    if read_only:
        conn.execute("SET default_transaction_read_only = on")
    return conn
