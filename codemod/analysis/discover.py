"""Find a migrations tree, its provider, and the order in which Prisma applies its folders.

Prisma ≥ 6.6 sorts folder names with JavaScript's ``localeCompare``; older Prisma sorted bytes.
Both orders are offered because a deployed database applied its tree in one of them.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from codemod.analysis.collation import byte_order_key, locale_compare_key
from codemod.errors import CodemodError
from codemod.model import Order

ORDERS: tuple[Order, ...] = ("locale", "bytes")

LOCK_FILE = "migration_lock.toml"
MIGRATION_FILE = "migration.sql"

# Prisma provider → sqlglot dialect.
PROVIDER_DIALECTS: dict[str, str] = {
    "postgresql": "postgres",
    "postgres": "postgres",
    "cockroachdb": "postgres",
    "mysql": "mysql",
    "sqlite": "sqlite",
    "sqlserver": "tsql",
}
DEFAULT_PROVIDER = "postgresql"


def find_migrations_dir(path: Path) -> Path:
    """Accept a migrations directory, a project root, or a ``prisma`` directory.

    A directory is taken for a migrations directory when it holds ``migration_lock.toml``, or
    migration folders (with a ``migration.sql``) named like Prisma's (a leading number, e.g. a
    timestamp), or when it is called ``migrations`` and holds migration folders. A project root's
    ``prisma/migrations`` comes before any other folder of it that happens to hold a
    ``migration.sql`` (a ``docs/`` or ``backup/`` folder is not a migration tree).
    """
    if not path.exists():
        raise CodemodError("no such file or directory", path)
    if not path.is_dir():
        raise CodemodError("not a directory (give a project root or a migrations directory)", path)
    if (path / LOCK_FILE).is_file():
        return path
    nested = path / "prisma" / "migrations"
    if nested.is_dir():
        return nested
    if _looks_like_migrations_dir(path):
        return path
    candidate = path / "migrations"
    if candidate.is_dir() and ((candidate / LOCK_FILE).is_file() or _migration_children(candidate)):
        return candidate
    raise CodemodError(
        f"no Prisma migrations here (looked for {LOCK_FILE}, migration folders, prisma/migrations)", path
    )


def _migration_children(path: Path) -> list[str]:
    try:
        return [child.name for child in path.iterdir() if child.is_dir() and (child / MIGRATION_FILE).is_file()]
    except OSError as error:
        raise CodemodError(f"cannot list directory: {error.strerror}", path) from error


def _looks_like_migrations_dir(path: Path) -> bool:
    names = _migration_children(path)
    if not names:
        return False
    return path.name == "migrations" or any(name[:1].isdigit() for name in names)


def read_provider(migrations_dir: Path) -> str:
    """The provider named in ``migration_lock.toml`` (PostgreSQL when there is no lock file)."""
    lock = migrations_dir / LOCK_FILE
    if not lock.is_file():
        return DEFAULT_PROVIDER
    try:
        data = tomllib.loads(lock.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CodemodError(f"cannot read the lock file: {error}", lock) from error
    provider = data.get("provider")
    if not isinstance(provider, str):
        raise CodemodError("no provider in the lock file", lock)
    if provider not in PROVIDER_DIALECTS:
        known = ", ".join(sorted(PROVIDER_DIALECTS))
        raise CodemodError(f"unknown provider {provider!r} (known: {known})", lock)
    return provider


def list_migration_folders(migrations_dir: Path) -> tuple[list[Path], list[Path]]:
    """Every sub-directory is a migration to Prisma; other entries are stray files it ignores."""
    folders: list[Path] = []
    strays: list[Path] = []
    try:
        entries = list(migrations_dir.iterdir())
        with os.scandir(migrations_dir) as scan:  # the directory entry says what it is: no stat per folder
            kinds = {entry.name: _is_dir(entry) for entry in scan}
    except OSError as error:
        raise CodemodError(f"cannot list directory: {error.strerror}", migrations_dir) from error
    for entry in entries:
        is_dir = kinds.get(entry.name)
        if is_dir if is_dir is not None else entry.is_dir():
            folders.append(entry)
        elif entry.name != LOCK_FILE:
            strays.append(entry)
    return folders, sorted(strays)


def _is_dir(entry: os.DirEntry[str]) -> bool | None:
    try:
        return entry.is_dir()
    except OSError:
        return None  # asked again the way Path.is_dir() asks


def sort_names(names: list[str], order: Order) -> list[str]:
    key = locale_compare_key if order == "locale" else byte_order_key
    return sorted(names, key=key)


def order_disagreements(names: list[str]) -> set[str]:
    """Names that the locale order and the byte order place differently against some other name.

    A name that only shifts a place because another moved across it is not one: renaming it
    would change nothing (``01_init`` stays first when ``20_add_b`` and ``20260101120000_x`` swap).
    """
    by_locale = sort_names(names, "locale")
    by_bytes = sort_names(names, "bytes")
    start = 0
    while start < len(names) and by_locale[start] == by_bytes[start]:
        start += 1
    if start == len(names):
        return set()
    end = len(names)
    while by_locale[end - 1] == by_bytes[end - 1]:
        end -= 1
    # Within the window, a name agrees when exactly the names before it in one order are before it
    # in the other: counted with a Fenwick tree over byte ranks, walking the locale order.
    window = by_locale[start:end]
    byte_rank = {name: rank for rank, name in enumerate(by_bytes[start:end])}
    tree = [0] * (len(window) + 1)
    found = set()
    for locale_rank, name in enumerate(window):
        rank = byte_rank[name]
        before_in_both, index = 0, rank
        while index > 0:
            before_in_both += tree[index]
            index -= index & -index
        if not before_in_both == locale_rank == rank:
            found.add(name)
        index = rank + 1
        while index <= len(window):
            tree[index] += 1
            index += index & -index
    return found
