"""A NUL byte in a ``migration.sql``: PostgreSQL never sees what follows it.

What it finds: a ``\\0`` character in a migration file (a bad merge, a binary paste, an editor
that padded the file).

Why it breaks: Prisma sends the file as one query string, and a NUL cannot be part of one:
PostgreSQL rejects the message ("invalid message format", 08P01, seen with Prisma's own engine),
so the migration fails, whatever follows the NUL. (A client that passes the string as a C string
would instead cut it at the NUL, and the statements after it would silently never run.)

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
    summary="A NUL byte in migration.sql, which makes PostgreSQL reject the whole script",
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
            message = "NUL bytes at the end of the file: PostgreSQL rejects a query string that holds one (invalid message format)"
            findings.append(context.file_finding(RULE, migration, line, message, fix, sqlstate="08P01"))
        else:
            message = "NUL byte in the file: PostgreSQL rejects a query string that holds one (invalid message format)"
            findings.append(context.file_finding(RULE, migration, line, message, help="remove the NUL byte (and check what around it was meant)", sqlstate="08P01"))
    return findings
