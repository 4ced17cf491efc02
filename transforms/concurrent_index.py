"""``CREATE INDEX CONCURRENTLY`` in a migration with other statements.

What it finds: ``CREATE INDEX CONCURRENTLY`` (or ``DROP INDEX CONCURRENTLY``) in a
``migration.sql`` that holds more than one statement, or inside a ``DO`` block.

Why it breaks: Prisma sends each migration as one script; PostgreSQL runs a script of several
statements as one transaction, and a concurrent index build cannot run inside one:
``CREATE INDEX CONCURRENTLY cannot run inside a transaction block`` (25001). A script of exactly
one statement runs outside a transaction block, so the same statement alone in its migration
works, and stays non-blocking.

What the fix does: moves each such statement into a migration of its own, right after the one
it came from (a new folder with a 14-digit name between its neighbours), leaving a comment where
it was. If the migration holds nothing else, the first such statement stays.

Fix safety: safe; the index is built the same way, one migration later.

Example::

    -- 20240101000000_init
    CREATE TABLE "t" ("a" TEXT NOT NULL);
    -- 20240102000000_index (before)
    ALTER TABLE "t" ADD COLUMN "b" TEXT;
    CREATE INDEX CONCURRENTLY "t_b_idx" ON "t"("b");
    -- 20240102000001_index_concurrently (after)
    CREATE INDEX CONCURRENTLY "t_b_idx" ON "t"("b");
"""

from __future__ import annotations

from codemod import sqlgen
from codemod.context import Context, StatementReport, replace_statement
from codemod.model import Addition, Finding, Fix
from codemod.model.rules import Rule

RULE = Rule(
    code="concurrent-index",
    summary="CREATE INDEX CONCURRENTLY in a migration with other statements, which PostgreSQL runs as one transaction",
    severity="error",
    fix_safety="safe",
    doc=__doc__ or "",
)


def find(context: Context) -> list[Finding]:
    failures = context.failures(RULE.code)
    moved_by_migration: dict[str, list[StatementReport]] = {}
    for report, _ in failures:
        if not report.guarded:
            moved_by_migration.setdefault(report.statement.migration.name, []).append(report)
    findings = []
    for report, failure in failures:
        fix = None
        if not report.guarded:
            fix = _move(report, moved_by_migration[report.statement.migration.name])
        help = None if fix is not None else "run it outside a DO block, in a migration of its own"
        message = failure.message + (f" ({failure.detail})" if failure.detail else "")
        findings.append(context.failure_finding(RULE, report, failure, fix, help=help, message=message))
    return findings


def _move(report: StatementReport, moving: list[StatementReport]) -> Fix | None:
    statement = report.statement
    migration = statement.migration
    if len(moving) == len(migration.statements):
        if moving[0] is report:
            return Fix("it stays where it is: the other statements move to migrations of their own")
        moving = moving[1:]
    number = [r.statement.index for r in moving].index(statement.index)
    suffix = f"{_suffix(migration.name)}_concurrently" + (f"_{number + 1}" if len(moving) > 1 else "")
    text = sqlgen.with_semicolon(statement.text) + migration.newline
    note = sqlgen.comment("moved to a migration of its own right after this one: CREATE INDEX CONCURRENTLY cannot run in a transaction")
    return Fix(
        "move it into a migration of its own, right after this one",
        [replace_statement(statement, note)],
        additions=[Addition(migration.name, suffix, text)],
    )


def _suffix(name: str) -> str:
    head, _, rest = name.partition("_")
    return rest if head.isdigit() and rest else name
