"""A ``migration.sql`` that is not UTF-8 (UTF-16, with or without its byte-order mark, or not text).

What it finds: a migration file written in UTF-16 (PowerShell's ``>`` and some Windows editors
do this: ``prisma migrate diff … > migration.sql``), recognised by its byte-order mark or by the
NUL byte in every other position; and files that are neither UTF-8 nor UTF-16.

Why it breaks: Prisma reads the file as UTF-8 and sends its NUL bytes, which PostgreSQL's wire
protocol rejects: "invalid message format" (08P01, seen with Prisma's own engine); a file that is
not text fails with an invalid byte sequence (22021). The migration is recorded as failed (P3009).

What the fix does: re-encodes a UTF-16 file as UTF-8, with the same text and line endings and no
byte-order mark. A file that is not text codemod can read is reported for a human.

Fix safety: safe; the text is unchanged, and the file never applied anywhere as it was.

Example::

    FF FE 2D 00 2D 00 20 00 43 00 …   (UTF-16LE "-- C…")   →   2D 2D 20 43 …   (UTF-8)
"""

from __future__ import annotations

from codemod.context import Context
from codemod.model import Edit, Finding, Fix, Span
from codemod.model.rules import Rule

RULE = Rule(
    code="file-encoding",
    summary="A migration.sql that is not UTF-8 (UTF-16, or not text)",
    severity="error",
    fix_safety="safe",
    doc=__doc__ or "",
)


def find(context: Context) -> list[Finding]:
    findings = []
    for migration in context.tree.migrations:
        if migration.encoding == "utf-8" or not migration.has_sql:
            continue
        if migration.encoding == "invalid":
            message = "not valid UTF-8 (nor UTF-16): PostgreSQL rejects the script (invalid byte sequence)"
            findings.append(context.file_finding(RULE, migration, 1, message, help="save the file as UTF-8", sqlstate="22021"))
            continue
        label = migration.encoding.upper().replace("UTF-16-", "UTF-16")
        message = f"written in {label}: Prisma reads it as UTF-8, and its NUL bytes make PostgreSQL reject the script (invalid message format)"
        fix = Fix("re-encode it as UTF-8 (same text, no byte-order mark)", [Edit(migration.name, Span(0, len(migration.raw)), migration.text)])
        findings.append(context.file_finding(RULE, migration, 1, message, fix, sqlstate="08P01"))
    return findings
