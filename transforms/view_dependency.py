"""Changes or drops what a view depends on.

What it finds: ``ALTER TABLE … ALTER COLUMN … TYPE`` of a column that a view (or materialized
view) uses, ``DROP COLUMN`` of such a column, or ``DROP TABLE`` of a table a view reads, without
``CASCADE``.

Why it breaks: PostgreSQL keeps views bound to the columns they use: ``cannot alter type of a
column used by a view or rule`` (0A000), ``cannot drop column … because other objects depend on
it`` (2BP01). Prisma does not manage views, so its generated migrations change the column and
stop there.

What the fix does: for a type change, drops the views that use the column before the statement
and creates them again right after it, from their latest definition in the tree (a materialized
view is filled again). A drop is left for a human: the view's query would need changing too.

Fix safety: safe for a type change (the views come back as they were defined); no fix for drops.

Example::

    -- 20240101000000_init
    CREATE TABLE "Sale" ("id" INTEGER NOT NULL, "amount" INTEGER NOT NULL);
    CREATE VIEW "Totals" AS SELECT sum("amount") AS total FROM "Sale";
    -- 20240102000000_widen (before)
    ALTER TABLE "Sale" ALTER COLUMN "amount" SET DATA TYPE BIGINT;
    -- 20240102000000_widen (after)
    DROP VIEW "Totals";
    ALTER TABLE "Sale" ALTER COLUMN "amount" SET DATA TYPE BIGINT;
    CREATE VIEW "Totals" AS SELECT sum("amount") AS total FROM "Sale";
"""

from __future__ import annotations

from codemod import sqlgen
from codemod.context import Context, Failure, StatementReport, replace_statement
from codemod.model import Finding, Fix
from codemod.model.rules import Rule

RULE = Rule(
    code="view-dependency",
    summary="Changes or drops a column or table that a view depends on",
    severity="error",
    fix_safety="safe",
    doc=__doc__ or "",
)


def find(context: Context) -> list[Finding]:
    findings = []
    for report, failure in context.failures(RULE.code):
        fix = _recreate_around(report, failure) if failure.sqlstate == "0A000" and not report.guarded else None
        help = None if fix is not None else "drop the views first (and create them again, changed, after it)"
        message = f"{failure.message} ({failure.detail})" if failure.detail else failure.message
        findings.append(context.failure_finding(RULE, report, failure, fix, help=help, message=message))
    return findings


def _recreate_around(report: StatementReport, failure: Failure) -> Fix | None:
    statement = report.statement
    if report.action_count != 1 or not failure.origins or len(failure.origins) != len(failure.dependents):
        return None
    newline = statement.migration.newline
    drops = []
    for origin, name in reversed(list(zip(failure.origins, failure.dependents, strict=True))):
        materialized = any(token.text.upper() == "MATERIALIZED" for token in origin.tokens[:4])
        drops.append(f"DROP {'MATERIALIZED ' if materialized else ''}VIEW {name};")
    creates = [sqlgen.with_semicolon(origin.text) for origin in failure.origins]
    text = newline.join([*drops, sqlgen.with_semicolon(statement.text), *creates])
    return Fix(f"drop {', '.join(failure.dependents)} first and create them again after the change", [replace_statement(statement, text)])
