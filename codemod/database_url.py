"""Where the database URL comes from, as Prisma users keep it.

In order: ``--database-url``; the ``DATABASE_URL`` environment variable; ``DATABASE_URL`` in a
``.env`` file beside the project (the directory holding ``prisma/``, then ``prisma/`` itself);
then the datasource of ``schema.prisma`` (``url = env("NAME")``, NAME read from the environment,
then from those ``.env`` files; or a literal URL), or ``prisma.config.ts``'s ``env("NAME")``.

The URL is never printed from here; callers show it through :mod:`codemod.dburl`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

ENV_NAME = "DATABASE_URL"
SCHEMA_FILES = ("schema.prisma",)
CONFIG_FILES = ("prisma.config.ts", "prisma.config.mts", "prisma.config.js", "prisma.config.mjs")

_DATASOURCE = re.compile(r"^\s*datasource\s+\w+\s*\{(?P<body>.*?)^\s*\}", re.S | re.M)
_URL_ENV = re.compile(r"^\s*url\s*=\s*env\(\s*\"(?P<name>[^\"]+)\"\s*\)", re.M)
_URL_LITERAL = re.compile(r"^\s*url\s*=\s*\"(?P<url>[^\"]+)\"", re.M)
_CONFIG_ENV = re.compile(r"\burl\s*:\s*(?:env\(\s*[\"'`](?P<a>\w+)[\"'`]\s*\)|process\.env\.(?P<b>\w+)|process\.env\[\s*[\"'`](?P<c>\w+)[\"'`]\s*\])")
_LINE = re.compile(r"^\s*(?:export\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(?P<rest>.*)$")
_EXPAND = re.compile(r"\\?\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?::?-(?P<default>[^}]*))?\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))")


@dataclass(frozen=True)
class FoundUrl:
    """A URL and where it was found (for messages: "from /app/.env")."""

    url: str | None
    source: str


def parse_dotenv(text: str, environ: dict[str, str] | None = None) -> dict[str, str]:
    """``KEY=value`` pairs of a ``.env`` file, as the ``dotenv`` package reads them.

    ``export`` prefixes, ``#`` comments (whole lines, and after an unquoted value), single quotes
    (literal), double quotes (``\\n``, ``\\"`` escapes; may span lines), backticks, and
    ``${NAME}`` / ``$NAME`` expansion (dotenv-expand, which Prisma applies) in unquoted and
    double-quoted values.
    """
    values: dict[str, str] = {}
    lookup = dict(environ if environ is not None else os.environ)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    index = 0
    while index < len(lines):
        match = _LINE.match(lines[index])
        index += 1
        if match is None:
            continue
        key, rest = match.group("key"), match.group("rest").strip()
        quote = rest[:1]
        if quote in ("'", '"', "`"):
            body = rest[1:]
            while _closing(body, quote) < 0 and index < len(lines):  # a quoted value may span lines
                body += "\n" + lines[index]
                index += 1
            end = _closing(body, quote)
            value = body if end < 0 else body[:end]
            if quote == '"':
                value = value.replace("\\n", "\n").replace("\\r", "\r").replace('\\"', '"')
                value = _expand(value, values, lookup)
        else:
            value = re.split(r"\s+#", rest, maxsplit=1)[0].strip() if rest and not rest.startswith("#") else ""
            value = _expand(value, values, lookup)
        values[key] = value
    return values


def _closing(body: str, quote: str) -> int:
    """Index of the quote that ends a value (in double quotes, not one escaped by a backslash)."""
    index = body.find(quote)
    while index > 0 and quote == '"' and (len(body[:index]) - len(body[:index].rstrip("\\"))) % 2:
        index = body.find(quote, index + 1)
    return index


def _expand(value: str, values: dict[str, str], environ: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group().startswith("\\"):
            return match.group()[1:]
        name = match.group("braced") or match.group("bare")
        default = match.group("default")
        found = environ.get(name)
        if found is None:
            found = values.get(name)
        if not found and default is not None:
            return default
        return found or ""

    return _EXPAND.sub(replace, value) if "$" in value else value


def project_dirs(path: Path) -> list[Path]:
    """Where ``.env`` and ``schema.prisma`` may be, nearest the project root first."""
    path = Path(os.path.abspath(path))
    if path.is_file():
        path = path.parent
    if (path / "prisma").is_dir():  # a project root
        candidates = [path, path / "prisma"]
    elif path.name == "migrations" or (path / "migration_lock.toml").is_file():  # a migrations directory
        candidates = [path.parent.parent, path.parent]
    else:  # a prisma directory (or something else: look here and above)
        candidates = [path.parent, path]
    seen: list[Path] = []
    for candidate in candidates:
        if candidate not in seen:
            seen.append(candidate)
    return seen


def _dotenv_values(dirs: list[Path]) -> list[tuple[Path, dict[str, str]]]:
    found = []
    for directory in dirs:
        env_file = directory / ".env"
        try:
            text = env_file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        found.append((env_file, parse_dotenv(text)))
    return found


def _schema_reference(dirs: list[Path]) -> tuple[Path, str | None, str | None] | None:
    """(file, env var name, literal URL) of the first datasource found."""
    for directory in reversed(dirs):  # the prisma directory first
        files = [directory / name for name in SCHEMA_FILES]
        schema_dir = directory / "schema"  # multi-file schemas (prismaSchemaFolder)
        if schema_dir.is_dir():
            files += sorted(schema_dir.glob("*.prisma"))
        for schema in files:
            try:
                text = schema.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            block = _DATASOURCE.search(text)
            if block is None:
                continue
            env = _URL_ENV.search(block.group("body"))
            if env is not None:
                return schema, env.group("name"), None
            literal = _URL_LITERAL.search(block.group("body"))
            if literal is not None:
                return schema, None, literal.group("url")
    for directory in dirs:
        for name in CONFIG_FILES:
            config = directory / name
            try:
                text = config.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            match = _CONFIG_ENV.search(text)
            if match is not None:
                return config, match.group("a") or match.group("b") or match.group("c"), None
    return None


def find_database_url(explicit: str | None, path: Path | str | None) -> FoundUrl:
    """The URL to use and where it came from; ``url`` is None when there is none anywhere."""
    if explicit:
        return FoundUrl(explicit, "--database-url")
    if os.environ.get(ENV_NAME):
        return FoundUrl(os.environ[ENV_NAME], f"${ENV_NAME}")
    dirs = project_dirs(Path(path if path is not None else "."))
    dotenvs = _dotenv_values(dirs)
    for env_file, values in dotenvs:
        if values.get(ENV_NAME):
            return FoundUrl(values[ENV_NAME], f"{ENV_NAME} in {env_file}")
    reference = _schema_reference(dirs)
    if reference is not None:
        schema, name, literal = reference
        if literal is not None:
            return FoundUrl(literal, f"the datasource url of {schema}")
        assert name is not None
        if os.environ.get(name):
            return FoundUrl(os.environ[name], f"${name} (named by {schema})")
        for env_file, values in dotenvs:
            if values.get(name):
                return FoundUrl(values[name], f"{name} in {env_file} (named by {schema})")
        return FoundUrl(None, f"{schema} names env(\"{name}\"), which is set neither in the environment nor in a .env file")
    return FoundUrl(None, "")


def missing_url_message(found: FoundUrl) -> str:
    """The one line for "no URL anywhere"."""
    where = f" ({found.source})" if found.source else ""
    return f"no database URL: pass --database-url, set DATABASE_URL, or put it in .env beside the project{where}"
