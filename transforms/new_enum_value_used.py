"""Uses an enum value that the same migration adds.

What it finds: ``ALTER TYPE … ADD VALUE 'X'`` and, later in the same ``migration.sql``, a
statement that uses ``'X'`` as a value of that type: a column ``DEFAULT 'X'``, an ``UPDATE … SET
col = 'X'``, an ``INSERT … VALUES ('X')``.

Why it breaks: Prisma sends the migration as one script, which PostgreSQL runs as one
transaction, and a value added to an enum cannot be used until the transaction that added it
commits: ``unsafe use of new value "X" of enum type "T"`` (55P04).

What the fix does: moves the ``ADD VALUE`` statements whose values the migration uses into a
migration of their own, right before it (a new folder with a 14-digit name between the two
neighbours), leaving a comment where they were. That migration commits first, so the values
exist when this one runs.

Fix safety: safe; the values are added one migration earlier, nothing else changes.

Example::

    -- 20240101000000_init
    CREATE TYPE "Status" AS ENUM ('OPEN');
    CREATE TABLE "t" ("id" TEXT NOT NULL);
    -- 20240102000000_closed (before)
    ALTER TYPE "Status" ADD VALUE 'CLOSED';
    ALTER TABLE "t" ADD COLUMN "status" "Status" NOT NULL DEFAULT 'CLOSED';
    -- 20240101000001_closed_enum_values (after)
    ALTER TYPE "Status" ADD VALUE 'CLOSED';
"""

from __future__ import annotations

from codemod import sqlgen
from codemod.context import Context, StatementReport, replace_statement
from codemod.model import Addition, Finding, Fix, Statement
from codemod.model.rules import Rule

RULE = Rule(
    code="new-enum-value-used",
    summary="Uses an enum value that the same migration adds (one transaction: not committed yet)",
    severity="error",
    fix_safety="safe",
    doc=__doc__ or "",
)


def find(context: Context) -> list[Finding]:
    failures = context.failures(RULE.code)
    origins: dict[str, list[Statement]] = {}
    for _, failure in failures:
        for origin in failure.origins:
            moving = origins.setdefault(origin.migration.name, [])
            if origin not in moving:
                moving.append(origin)
    previous = {m.name: context.tree.migrations[i - 1].name for i, m in enumerate(context.tree.migrations) if i > 0}
    findings = []
    for report, failure in failures:
        migration = report.statement.migration
        moving = sorted(origins.get(migration.name, []), key=lambda s: s.index)
        fix = _move_before(migration.name, moving, previous.get(migration.name), report)
        help = None if fix is not None else "add the value in an earlier migration"
        message = f"{failure.message} ({failure.detail})" if failure.detail else failure.message
        findings.append(context.failure_finding(RULE, report, failure, fix, help=help, message=message))
    return findings


def _move_before(name: str, moving: list[Statement], previous: str | None, report: StatementReport) -> Fix | None:
    if previous is None or not moving or report.guarded or any(s.migration.name != name for s in moving):
        return None
    newline = moving[0].migration.newline
    text = newline.join(sqlgen.with_semicolon(statement.text) for statement in moving) + newline
    note = sqlgen.comment("moved to a migration of its own right before this one: a new enum value can be used only once it is committed")
    suffix = f"{_suffix(name)}_enum_values"
    return Fix(
        "add the values in a migration of their own, right before this one",
        [replace_statement(statement, note) for statement in moving],
        additions=[Addition(previous, suffix, text)],
    )


def _suffix(name: str) -> str:
    head, _, rest = name.partition("_")
    return rest if head.isdigit() and rest else name
