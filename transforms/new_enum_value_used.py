"""Uses an enum value that the same migration adds.

What it finds: ``ALTER TYPE … ADD VALUE 'X'`` and, later in the same ``migration.sql``, a
statement that uses ``'X'`` as a value of that type: a column ``DEFAULT 'X'``, an ``UPDATE … SET
col = 'X'``, an ``INSERT … VALUES ('X')``.

Why it breaks: Prisma sends the migration as one script, which PostgreSQL runs as one
transaction, and a value added to an enum cannot be used until the transaction that added it
commits: ``unsafe use of new value "X" of enum type "T"`` (55P04).

What the fix does: where the same migration creates the enum, the value joins the
``CREATE TYPE … AS ENUM (…)`` list and the ``ADD VALUE`` goes. Otherwise the ``ADD VALUE``
statements whose values the migration uses move into a migration of their own, right before it
(a new folder with a 14-digit name between the two neighbours), leaving a comment where they
were. That migration commits first, so the values exist when this one runs.

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

from sqlglot import exp
from sqlglot.tokens import TokenType

from codemod import sqlgen
from codemod.context import Context, Failure, Requirement, StatementReport, replace_chars, replace_statement
from codemod.model import Addition, Finding, Fix, Statement
from codemod.model.rules import Rule
from codemod.names import quote_literal

RULE = Rule(
    code="new-enum-value-used",
    summary="Uses an enum value that the same migration adds (one transaction: not committed yet)",
    severity="error",
    fix_safety="safe",
    doc=__doc__ or "",
)


def find(context: Context) -> list[Finding]:
    failures = context.failures(RULE.code)
    created_here = _created_here(context, failures)
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
        fix = created_here.get(id(failure)) or _move_before(migration.name, moving, previous.get(migration.name), report)
        help = None if fix is not None else "add the value in an earlier migration"
        message = f"{failure.message} ({failure.detail})" if failure.detail else failure.message
        findings.append(context.failure_finding(RULE, report, failure, fix, help=help, message=message))
    return findings


def _created_here(context: Context, failures: list[tuple[StatementReport, Failure]]) -> dict[int, Fix]:
    """Values of an enum that the same migration creates: into its CREATE TYPE list instead."""
    fixes: dict[int, Fix] = {}
    for report, failure in failures:
        label = failure.subject
        if not isinstance(label, Requirement) or label.detail is None or len(failure.origins) != 1 or report.guarded:
            continue
        origin = failure.origins[0]
        if any(t.text.upper() in ("BEFORE", "AFTER") for t in origin.tokens if t.token_type != TokenType.STRING):
            continue  # a value placed among the others: moving the statement keeps its place
        creator = next(
            (c for c in reversed(context.replay.creators("type", label.name)) if c.seq < report.seq and c.statement.migration is origin.migration and not c.guarded),
            None,
        )
        create = creator.statement if creator is not None else None
        closing = next((t for t in reversed(create.tokens) if t.token_type == TokenType.R_PAREN), None) if create is not None else None
        if create is None or closing is None or not isinstance(create.expression, exp.Create):
            continue
        fixes[id(failure)] = Fix(
            f"add {label.detail!r} to the CREATE TYPE list of {label.name} in this migration, instead of ALTER TYPE … ADD VALUE",
            [
                replace_chars(create.migration, closing.start, closing.start, f", {quote_literal(label.detail)}"),
                replace_statement(origin, sqlgen.comment(f"value {label.detail!r} is in the CREATE TYPE list above")),
            ],
        )
    return fixes


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
