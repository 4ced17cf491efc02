"""A ``migration.sql`` that starts with a UTF-8 byte-order mark.

What it finds: the bytes ``EF BB BF`` at the start of a migration file, as written by some
Windows editors and by PowerShell's redirection (``prisma migrate diff … > migration.sql``).

Why it breaks: Prisma sends the file's text as it is, so PostgreSQL receives U+FEFF as the first
character of the script and stops with ``syntax error at or near "\\ufeff"`` (checked with Prisma's
own schema engine); the migration is recorded as failed (P3009). The BOM is invisible in most
editors, which makes this one hard to see.

What the fix does: removes the three bytes, and nothing else of the line. The migration never
applied anywhere with its BOM, so its identity is not in question.

Fix safety: safe.

Example::

    EF BB BF 2D 2D 20 43 72 …   "\\ufeff-- CreateTable"   →   "-- CreateTable"
"""

from __future__ import annotations

from codemod.context import Context
from codemod.model import Edit, Finding, Fix, Span
from codemod.model.rules import Rule

RULE = Rule(
    code="utf8-bom",
    summary="Migration file starts with a UTF-8 byte-order mark, which PostgreSQL rejects",
    severity="error",
    fix_safety="safe",
    doc=__doc__ or "",
)
BOM_LENGTH = 3


def find(context: Context) -> list[Finding]:
    findings = []
    for migration in context.tree.migrations:
        if not migration.bom:
            continue
        fix = Fix("remove the byte-order mark", [Edit(migration.name, Span(0, BOM_LENGTH), "")])
        message = 'starts with a UTF-8 byte-order mark: PostgreSQL stops with syntax error at or near "\\ufeff"'
        findings.append(context.file_finding(RULE, migration, 1, message, fix, sqlstate="42601"))
    return findings
