"""Treats an index as a constraint: ``DROP CONSTRAINT`` of a unique index, or a constraint whose name an index holds.

What it finds: ``ALTER TABLE … DROP CONSTRAINT "x_key"`` where ``x_key`` was made by
``CREATE UNIQUE INDEX`` (Prisma writes unique fields that way), so there is no constraint of that
name; and ``ADD CONSTRAINT "x_key" UNIQUE (…)`` (or ``PRIMARY KEY``) while an index named
``x_key`` exists, often right after a ``DROP CONSTRAINT IF EXISTS "x_key"`` that silently did
nothing, because the index is not a constraint.

Why it breaks: PostgreSQL stops with ``constraint "x_key" of relation "t" does not exist``
(42704) in the first case; in the second, ``ADD CONSTRAINT … UNIQUE`` creates an index under the
constraint's name, and tables, indexes and the indexes behind constraints share one namespace:
``relation "x_key" already exists`` (42P07).

What the fix does: ``DROP CONSTRAINT "x_key"`` becomes ``DROP INDEX "x_key"`` (the other actions
of the statement stay as written). Before an ``ADD CONSTRAINT`` whose name a unique index on the
same columns holds, that index is dropped first, since the constraint brings the same index back;
an index with another definition is left for a human.

Fix safety: safe; the uniqueness the index gave is what the constraint gives.

Example::

    -- 20240101000000_init
    CREATE TABLE "t" ("a" TEXT NOT NULL, "b" TEXT NOT NULL);
    CREATE UNIQUE INDEX "t_a_b_key" ON "t"("a", "b");
    -- 20240102000000_relax (before)
    ALTER TABLE "t" DROP CONSTRAINT "t_a_b_key";
    -- 20240102000000_relax (after)
    DROP INDEX "t_a_b_key";
"""

from __future__ import annotations

from sqlglot.tokens import TokenType

from codemod import sqlgen
from codemod.context import (
    Context,
    Creation,
    Requirement,
    StatementReport,
    alter_actions,
    insert_before,
    replace_chars,
    replace_statement,
)
from codemod.model import Finding, Fix
from codemod.model.rules import Rule
from codemod.model.schema import ConstraintDef, IndexState
from codemod.names import QName, fold, table_qname

RULE = Rule(
    code="index-not-constraint",
    summary="Treats an index as a constraint: DROP CONSTRAINT of a unique index, or a constraint whose name an index holds",
    severity="error",
    fix_safety="safe",
    doc=__doc__ or "",
)


def find(context: Context) -> list[Finding]:
    findings = []
    for report, failure in context.failures(RULE.code):
        fix = None
        if not report.guarded and isinstance(failure.subject, Requirement):
            fix = _drop_index_instead(report, failure.subject)
        elif not report.guarded and isinstance(failure.subject, Creation):
            fix = _drop_index_first(report, failure.subject)
        help = None if fix is not None else "an index of another definition holds the name: rename one of them"
        message = failure.message + (f": {failure.detail}" if failure.detail else "")
        findings.append(context.failure_finding(RULE, report, failure, fix, help=help, message=message))
    return findings


def _drop_index_instead(report: StatementReport, requirement: Requirement) -> Fix | None:
    statement = report.statement
    name = requirement.detail or ""
    index = QName(requirement.name.schema, name)
    drop = f"DROP INDEX {index.sql()};"
    actions = alter_actions(statement)
    matching = [a for a in actions if _drops_constraint([t for t in statement.tokens if a.start <= t.start < a.end], name)]
    if len(matching) != 1:
        return None
    if len(actions) == 1:
        return Fix(f"DROP INDEX {index.sql()} instead: it is an index, not a constraint", [replace_statement(statement, drop)])
    action = matching[0]
    newline = statement.migration.newline
    edits = [insert_before(statement, drop + newline), replace_chars(statement.migration, action.cut[0], action.cut[1], "")]
    return Fix(f"drop it with DROP INDEX {index.sql()}, before the statement; the other actions stay", edits)


def _drops_constraint(tokens: list, name: str) -> bool:  # type: ignore[type-arg]
    """Whether an action's tokens read ``DROP CONSTRAINT name``."""
    words = [t.text.upper() if t.token_type != TokenType.IDENTIFIER else "" for t in tokens]
    if words[:2] != ["DROP", "CONSTRAINT"] or len(tokens) < 3:
        return False
    target = tokens[2]
    return fold(target.text, target.token_type == TokenType.IDENTIFIER) == name


def _drop_index_first(report: StatementReport, creation: Creation) -> Fix | None:
    constraint, index = creation.new, creation.existing
    if not isinstance(constraint, ConstraintDef) or not isinstance(index, IndexState):
        return None
    definition = index.definition
    table = report.statement.expression.this if report.statement.expression is not None else None
    same_table = index.table is not None and table_qname(table) == index.table
    if definition is None or not index.unique or index.columns != constraint.columns or not same_table:
        return None
    params = definition.this.args.get("params") if definition.this is not None else None
    if params is not None and params.args.get("where") is not None:
        return None
    statement = report.statement
    newline = statement.migration.newline
    note = sqlgen.comment(f"the unique index {index.name} is replaced by the constraint of the same name and columns")
    edit = insert_before(statement, f"{note}{newline}DROP INDEX {index.name.sql()};{newline}")
    return Fix(f"drop the unique index {index.name} first: the constraint brings the same index back", [edit])

