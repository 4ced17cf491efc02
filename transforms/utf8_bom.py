"""A ``migration.sql`` that starts with a UTF-8 byte-order mark.

What it finds: the bytes ``EF BB BF`` at the start of a migration file, as written by some
Windows editors and by PowerShell's redirection (``prisma migrate diff … > migration.sql``).

Why it breaks: Prisma sends the file's text as it is, so PostgreSQL receives U+FEFF as the first
character of the script and stops with ``syntax error at or near "\\ufeff"`` (checked with Prisma's
own schema engine); the migration is recorded as failed (P3009). The BOM is invisible in most
editors, which makes this one hard to see.

What the fix does: removes the three bytes, and nothing else of the line. The migration never
applied anywhere with its BOM, so its identity is not in question.

Example::

    EF BB BF 2D 2D 20 43 72 …   "\\ufeff-- CreateTable"   →   "-- CreateTable"
"""

from __future__ import annotations

from codemod.analysis.load import BOM
from codemod.context import Context
from codemod.model import Edit, Finding, Fix, Span

CODE = "utf8-bom"
SUMMARY = "Migration file starts with a UTF-8 byte-order mark, which PostgreSQL rejects"
SEVERITY = "error"


def find(context: Context) -> list[Finding]:
    findings = []
    for migration in context.tree.migrations:
        if not migration.bom:
            continue
        fix = Fix("remove the byte-order mark", [Edit(migration.name, Span(0, len(BOM)), "")])
        message = 'starts with a UTF-8 byte-order mark: PostgreSQL stops with syntax error at or near "\\ufeff"; fix: remove it'
        findings.append(
            Finding(CODE, "error", migration.name, migration.sql_path, 1, 1, message, fix)
        )
    return findings
