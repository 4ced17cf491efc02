"""Build a :class:`MigrationTree`: discover, load, split and parse, in Prisma's order."""

from __future__ import annotations

from pathlib import Path

from sqlglot.dialects.dialect import Dialect

from codemod.analysis.discover import (
    MIGRATION_FILE,
    PROVIDER_DIALECTS,
    Order,
    find_migrations_dir,
    list_migration_folders,
    read_provider,
    sort_names,
)
from codemod.analysis.load import decode, decode_utf16, detect_newline, read_bytes, sniff_encoding
from codemod.analysis.parse import parse_statement
from codemod.analysis.split import split_tokens, tokenize
from codemod.errors import CodemodError
from codemod.model import Migration, MigrationTree, Span, Statement
from codemod.progress import Progress


def load_tree(path: Path, order: Order = "locale", progress: Progress | None = None) -> MigrationTree:
    migrations_dir = find_migrations_dir(path)
    provider = read_provider(migrations_dir)
    dialect_name = PROVIDER_DIALECTS[provider]
    dialect = Dialect.get_or_raise(dialect_name)
    folders, strays = list_migration_folders(migrations_dir)
    if not folders:
        raise CodemodError("no migration folders in this directory", migrations_dir)
    by_name = {folder.name: folder for folder in folders}
    migrations = []
    for position, name in enumerate(sort_names(list(by_name), order)):
        migration = load_migration(by_name[name], dialect)
        migration.position = position
        migrations.append(migration)
        if progress is not None:
            progress(position + 1, len(by_name))
    return MigrationTree(migrations_dir, provider, dialect_name, order, migrations, strays)


def load_migration(folder: Path, dialect: Dialect) -> Migration:
    sql_path = folder / MIGRATION_FILE
    if not sql_path.exists():  # Prisma stops with P3015: a finding, not bad input
        try:
            entries = tuple(sorted(entry.name for entry in folder.iterdir()))
        except OSError as error:
            raise CodemodError(f"cannot list directory: {error.strerror}", folder) from error
        return Migration(folder.name, folder, sql_path, b"", "", False, "\n", has_sql=False, other_files=entries)
    return read_migration(folder, read_bytes(sql_path), dialect)


def read_migration(folder: Path, raw: bytes, dialect: Dialect) -> Migration:
    """A migration from its bytes (read from disk, or rewritten in memory by the fixpoint)."""
    sql_path = folder / MIGRATION_FILE
    encoding = sniff_encoding(raw)
    text, bom = "", False
    if encoding == "utf-8":
        text, bom = decode(raw, sql_path)
    elif encoding.startswith("utf-16"):
        text = decode_utf16(raw, encoding) or ""
        if not text:
            encoding = "invalid"
    migration = Migration(folder.name, folder, sql_path, raw, text, bom, detect_newline(text), encoding=encoding)
    if encoding == "invalid":
        return migration
    nul = text.find("\x00")
    migration.nul_offset = nul if nul != -1 else None
    migration.statements = split_statements(migration, dialect)
    return migration


def split_statements(migration: Migration, dialect: Dialect) -> list[Statement]:
    """Statements as the author wrote them (a NUL, which PostgreSQL rejects, is read as a space)."""
    text = migration.text if migration.nul_offset is None else migration.text.replace("\x00", " ")
    tokens = tokenize(dialect, text, migration)
    statements = []
    line, counted = 1, 0  # lines are counted once through the file, not from its start per statement
    for index, raw in enumerate(split_tokens(tokens)):
        expression = parse_statement(dialect, raw.tokens, text)
        span = Span(migration.byte_offset(raw.char_start), migration.byte_offset(raw.char_end))
        line += text.count("\n", counted, raw.char_start)
        counted = raw.char_start
        col = raw.char_start - text.rfind("\n", 0, raw.char_start)
        statements.append(
            Statement(migration, index, span, raw.char_start, raw.char_end, raw.tokens, expression, line, col)
        )
    return statements
