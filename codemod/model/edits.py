"""Edits that rules and passes build from statements: replace one, insert before or after one, append to a file."""

from __future__ import annotations

from codemod.model.findings import Edit
from codemod.model.tree import Migration, Span, Statement


def replace_statement(statement: Statement, text: str) -> Edit:
    """Replace a statement (its ``;`` included) with new text."""
    return Edit(statement.migration.name, statement.span, text)


def append_to_migration(migration: Migration, text: str) -> Edit:
    """Add text at the end of a migration file, on lines of its own, in the file's line ending."""
    newline = migration.newline
    lead = "" if not migration.raw or migration.raw.endswith(b"\n") else newline
    end = len(migration.raw)
    return Edit(migration.name, Span(end, end), f"{lead}{newline}{text}{newline}")


def insert_before(statement: Statement, text: str) -> Edit:
    """Insert text right before a statement (``text`` carries its own line endings)."""
    return Edit(statement.migration.name, Span(statement.span.start, statement.span.start), text)


def insert_after(statement: Statement, text: str) -> Edit:
    """Insert text right after a statement's ``;`` (``text`` carries its own line endings)."""
    return Edit(statement.migration.name, Span(statement.span.end, statement.span.end), text)


def replace_chars(migration: Migration, start: int, end: int, text: str) -> Edit:
    """Replace characters [start, end) of a migration's text."""
    return Edit(migration.name, Span(migration.byte_offset(start), migration.byte_offset(end)), text)
