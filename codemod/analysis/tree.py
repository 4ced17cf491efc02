"""Build a :class:`MigrationTree`: discover, load, split and parse, in Prisma's order."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.tokens import Token

from codemod.analysis.discover import (
    MIGRATION_FILE,
    PROVIDER_DIALECTS,
    Order,
    find_migrations_dir,
    list_migration_folders,
    read_provider,
    sort_names,
)
from codemod.analysis.load import decode, decode_utf16, detect_newline, read_if_present, sniff_encoding
from codemod.analysis.parse import parse_statement
from codemod.analysis.split import split_tokens, tokenize
from codemod.errors import CodemodError, PathGone
from codemod.model import Migration, MigrationTree, Span, Statement
from codemod.progress import Progress


@dataclass
class Listing:
    """A migrations directory before its files are read: where, which provider, which folders in order."""

    migrations_dir: Path
    provider: str
    dialect_name: str
    order: Order
    folders: list[Path]
    strays: list[Path]

    @property
    def dialect(self) -> Dialect:
        return Dialect.get_or_raise(self.dialect_name)


def list_tree(path: Path, order: Order = "locale") -> Listing:
    migrations_dir = find_migrations_dir(path)
    provider = read_provider(migrations_dir)
    folders, strays = list_migration_folders(migrations_dir)
    if not folders:
        raise CodemodError("no migration folders in this directory", migrations_dir)
    by_name = {folder.name: folder for folder in folders}
    ordered = [by_name[name] for name in sort_names(list(by_name), order)]
    return Listing(migrations_dir, provider, PROVIDER_DIALECTS[provider], order, ordered, strays)


def load_tree(path: Path, order: Order = "locale", progress: Progress | None = None) -> MigrationTree:
    listing = list_tree(path, order)
    return tree_of(listing, list(read_migrations(listing, progress=progress)))


Contents = tuple[bytes | None, tuple[str, ...]]  # what read_folder gives


def read_migrations(
    listing: Listing, start: int = 0, contents: list[Contents] | None = None, progress: Progress | None = None
) -> Iterator[Migration]:
    """The listed migrations from ``start`` on, each read and parsed when it is asked for;
    ``contents`` are the folders' bytes when the caller has read them already."""
    dialect = listing.dialect
    for position in range(start, len(listing.folders)):
        folder = listing.folders[position]
        raw, others = contents[position] if contents is not None else read_folder(folder)
        migration = migration_from(folder, raw, others, dialect)
        migration.position = position
        if progress is not None:
            progress(position + 1, len(listing.folders))
        yield migration


def tree_of(listing: Listing, migrations: list[Migration]) -> MigrationTree:
    return MigrationTree(listing.migrations_dir, listing.provider, listing.dialect_name, listing.order, migrations, listing.strays)


def read_folder(folder: Path) -> Contents:
    """A folder's ``migration.sql`` bytes, or None and what the folder holds instead."""
    raw = read_if_present(os.path.join(folder, MIGRATION_FILE))  # a string: 50,000 Path objects cost 0.2 s
    if raw is not None:
        return raw, ()
    try:
        return None, tuple(sorted(entry.name for entry in folder.iterdir()))
    except FileNotFoundError as error:
        raise PathGone(f"cannot list directory: {error.strerror}", folder) from error
    except OSError as error:
        raise CodemodError(f"cannot list directory: {error.strerror}", folder) from error


def load_migration(folder: Path, dialect: Dialect) -> Migration:
    raw, other_files = read_folder(folder)
    return migration_from(folder, raw, other_files, dialect)


def migration_from(folder: Path, raw: bytes | None, other_files: tuple[str, ...], dialect: Dialect) -> Migration:
    if raw is None:  # Prisma stops with P3015: a finding, not bad input
        return Migration(folder.name, folder, folder / MIGRATION_FILE, b"", "", False, "\n", has_sql=False, other_files=other_files)
    return read_migration(folder, raw, dialect)


def decoded_migration(folder: Path, raw: bytes, sql_path: Path | None = None) -> Migration:
    """A migration's text from its bytes, not yet split into statements."""
    sql_path = sql_path or folder / MIGRATION_FILE
    encoding = sniff_encoding(raw)
    text, bom = "", False
    if encoding == "utf-8":
        text, bom = decode(raw, sql_path)
    elif encoding.startswith("utf-16"):
        text = decode_utf16(raw, encoding) or ""
        if not text:
            encoding = "invalid"
    migration = Migration(folder.name, folder, sql_path, raw, text, bom, detect_newline(text), encoding=encoding)
    if encoding != "invalid":
        nul = text.find("\x00")
        migration.nul_offset = nul if nul != -1 else None
    return migration


def read_migration(folder: Path, raw: bytes, dialect: Dialect, sql_path: Path | None = None) -> Migration:
    """A migration from its bytes (read from disk, or rewritten in memory by the fixpoint)."""
    migration = decoded_migration(folder, raw, sql_path)
    if migration.encoding != "invalid":
        migration.statements = split_statements(migration, dialect)
    return migration


def reparse_lazily(migration: Migration, dialect: Dialect) -> None:
    """Let a migration's statements get their tokens and syntax trees back on first use."""
    migration.token_source = partial(_statement_tokens, migration, dialect, migration.parse_text)
    migration.parser = partial(parse_statement, dialect)


def split_statements(migration: Migration, dialect: Dialect) -> list[Statement]:
    """Statements as the author wrote them (a NUL, which PostgreSQL rejects, is read as a space)."""
    text = migration.parse_text
    tokens = tokenize(dialect, text, migration)
    statements = []
    byte_offset = migration.byte_offset
    line, counted = 1, 0  # lines are counted once through the file, not from its start per statement
    for index, raw in enumerate(split_tokens(tokens)):
        start, end = raw.char_start, raw.char_end
        line += text.count("\n", counted, start)
        counted = start
        expression = parse_statement(dialect, raw.tokens, text)
        statements.append(Statement(
            migration, index, Span(byte_offset(start), byte_offset(end)), start, end,
            raw.tokens if _replay_reads_tokens(expression) else None,
            expression, line, start - text.rfind("\n", 0, start), raw.tokens[0].text.upper(),
        ))
    reparse_lazily(migration, dialect)
    return statements


def _statement_tokens(migration: Migration, dialect: Dialect, text: str) -> list[list[Token]]:
    """Each statement's tokens, split again exactly as :func:`split_statements` split them."""
    return [raw.tokens for raw in split_tokens(tokenize(dialect, text, migration))]


def _replay_reads_tokens(expression: exp.Expression | None) -> bool:
    """Statements the replay reads from their tokens: opaque ones, and functions. The others let
    theirs go (:attr:`Statement.tokens` gets them back when someone asks)."""
    if expression is None or isinstance(expression, exp.Command):
        return True
    return isinstance(expression, exp.Create) and str(expression.args.get("kind") or "").upper() in ("FUNCTION", "PROCEDURE")
