"""What a transform is given (the tree and its replay) and the edit helpers transforms share."""

from __future__ import annotations

from dataclasses import dataclass

from codemod.analysis.replay import Replay
from codemod.model import Edit, Finding, Fix, Migration, MigrationTree, Severity, Span, Statement


@dataclass
class Context:
    tree: MigrationTree
    replay: Replay

    def finding(
        self, code: str, severity: Severity, statement: Statement, message: str, fix: Fix | None = None
    ) -> Finding:
        migration = statement.migration
        return Finding(code, severity, migration.name, migration.sql_path, statement.line, statement.col, message, fix)

    def migration_finding(
        self, code: str, severity: Severity, migration: Migration, message: str, fix: Fix | None = None
    ) -> Finding:
        return Finding(code, severity, migration.name, migration.folder, 1, 1, message, fix)


def replace_statement(statement: Statement, text: str) -> Edit:
    """Replace a statement (its ``;`` included) with new text."""
    return Edit(statement.migration.name, statement.span, text)


def append_to_migration(migration: Migration, text: str) -> Edit:
    """Add text at the end of a migration file, on lines of its own, in the file's line ending."""
    newline = migration.newline
    lead = "" if not migration.raw or migration.raw.endswith(b"\n") else newline
    end = len(migration.raw)
    return Edit(migration.name, Span(end, end), f"{lead}{newline}{text}{newline}")
