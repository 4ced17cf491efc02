"""A NUL byte in a ``migration.sql``: PostgreSQL never sees what follows it.

What it finds: a ``\\0`` character in a migration file (a bad merge, a binary paste, an editor
that padded the file).

Why it breaks: Prisma sends the file as one query string, and PostgreSQL's protocol ends a query
string at the first NUL: every statement after it silently never runs. The migration is recorded
as applied, and the objects it should have made are missing on every database.

What the fix does: where only NULs (and white space) follow the first one, removes them: nothing
was meant to be there. A NUL with statements after it is left for a human, who knows whether
those statements are meant to run.

Fix safety: safe (trailing NULs only).

Example::

    CREATE TABLE "t" ("a" TEXT);\\0\\0\\0   →   CREATE TABLE "t" ("a" TEXT);
"""

from __future__ import annotations

from codemod.context import Context
from codemod.model import Edit, Finding, Fix, Span
from codemod.model.rules import Rule

RULE = Rule(
    code="nul-byte",
    summary="A NUL byte in migration.sql: PostgreSQL never sees the statements after it",
    severity="error",
    fix_safety="safe",
    doc=__doc__ or "",
)


def find(context: Context) -> list[Finding]:
    findings = []
    for migration in context.tree.migrations:
        offset = migration.nul_offset
        if offset is None or migration.encoding != "utf-8":
            continue
        text = migration.text
        line = text.count("\n", 0, offset) + 1
        rest = text[offset:]
        if not rest.replace("\x00", "").strip():
            start = migration.byte_offset(offset)
            fix = Fix("remove the trailing NUL bytes", [Edit(migration.name, Span(start, len(migration.raw)), rest.replace("\x00", ""))])
            message = "NUL bytes at the end of the file: PostgreSQL stops reading the script at the first one"
            findings.append(context.file_finding(RULE, migration, line, message, fix))
        else:
            message = "NUL byte: PostgreSQL stops reading the script here, so the statements after it never run"
            findings.append(context.file_finding(RULE, migration, line, message, help="remove the NUL byte if the statements after it are meant to run"))
    return findings
