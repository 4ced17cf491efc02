"""Needs a table or type that only a later migration creates.

What it finds: a foreign key, index, ``ALTER TABLE`` or column type that refers to a table or
enum which does not exist at that point of the tree but which a later statement creates. With
Prisma ≥ 6.6 this happens to folders like ``20250513_add_batch`` that sort before
``20250513022650_add_projects`` (``_`` sorts before digits in ``localeCompare``).

Why it breaks: PostgreSQL stops with "relation … does not exist" (42P01); the migration is
recorded as failed and every later deploy stops (P3009).

What the fix does: the statement is wrapped in a ``DO`` block that runs it only when what it
needs exists (``to_regclass``) and what it creates does not (``pg_constraint``), so it passes on a
fresh database and still works on one where the table was already there. The same guarded
statement is added again at the end of the migration that creates the missing object, so the
foreign key or index still exists at the end of the tree (the hand-made fix in the seed lost it).
A ``CREATE TABLE`` that needs a later object is reported but not rewritten.

Example::

    -- 20250513_add_batch_processing (before)
    ALTER TABLE "batch_jobs" ADD CONSTRAINT "batch_jobs_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "projects"("id");
    -- after
    DO $codemod$
    BEGIN
        IF to_regclass('"projects"') IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'batch_jobs_projectId_fkey' …) THEN
            ALTER TABLE "batch_jobs" ADD CONSTRAINT …;
        END IF;
    END $codemod$;
    -- and the same block appended to 20250513022650_add_project_and_schema_models
"""

from __future__ import annotations

from sqlglot import exp

from codemod import sqlgen
from codemod.context import Context, append_to_migration, replace_statement
from codemod.model import Finding, Fix
from codemod.names import QName, identifier_name, table_qname
from codemod.replay import Requirement, StatementReport

CODE = "forward-reference"
SUMMARY = "Refers to a table or type that only a later migration creates"
SEVERITY = "error"


def find(context: Context) -> list[Finding]:
    findings = []
    for report in context.replay.top_level():
        later = _later_creations(context, report)
        if later:
            findings.append(_finding(context, report, later))
    return findings


def _later_creations(context: Context, report: StatementReport) -> list[tuple[Requirement, StatementReport]]:
    found = []
    for requirement in report.missing:
        creator = context.replay.first_creation_after(requirement.kind, requirement.name, report.seq)
        if creator is not None:
            found.append((requirement, creator))
    return found


def _finding(context: Context, report: StatementReport, later: list[tuple[Requirement, StatementReport]]) -> Finding:
    statement = report.statement
    needs = ", ".join(
        f"{requirement.kind} {requirement.name} (created later by {creator.statement.migration.name})"
        for requirement, creator in later
    )
    conditions = _guard_conditions(statement.expression, report)
    if conditions is None:
        message = f"needs {needs}; codemod cannot guard this statement: move it after the creation"
        return context.finding(CODE, "error", statement, message)
    newline = statement.migration.newline
    body = statement.text
    guarded = sqlgen.guarded(body, conditions, newline)
    last_creator = max((creator for _, creator in later), key=lambda creator: creator.seq)
    target = last_creator.statement.migration
    note = sqlgen.comment(
        f"re-adds a statement of {statement.migration.name} (forward-reference) once its dependencies exist"
    )
    edits = [
        replace_statement(statement, guarded),
        append_to_migration(target, f"{note}{newline}{guarded}"),
    ]
    description = f"guard it, and run it again at the end of {target.name}"
    fix = Fix(description, edits)
    return context.finding(CODE, "error", statement, f"needs {needs}; fix: {description}", fix)


def _guard_conditions(expression: exp.Expression | None, report: StatementReport) -> list[str] | None:
    """Existence checks for what the statement needs, and absence of what it creates."""
    needed = []
    for requirement in report.requirements:
        if requirement.kind == "table":
            needed.append(sqlgen.relation_exists(requirement.name))
        else:
            needed.append(sqlgen.type_exists(requirement.name))
    if isinstance(expression, exp.Create) and (expression.args.get("kind") or "").upper() == "INDEX":
        index = expression.this
        table = table_qname(index.args.get("table")) if isinstance(index, exp.Index) else None
        name = identifier_name(index.this) if isinstance(index, exp.Index) else None
        if table is None or not name:
            return None
        return needed + [sqlgen.relation_missing(QName(table.schema, name))]
    if isinstance(expression, exp.Alter) and (expression.args.get("kind") or "").upper() == "TABLE":
        table = table_qname(expression.this)
        if table is None:
            return None
        needed = _with_target(needed, table)
        actions = expression.args.get("actions") or []
        if len(actions) == 1:
            absent = _absence_check(table, actions[0])
            if absent:
                needed.append(absent)
        return needed
    return None


def _with_target(conditions: list[str], table: QName) -> list[str]:
    check = sqlgen.relation_exists(table)
    return conditions if check in conditions else [check] + conditions


def _absence_check(table: QName, action: exp.Expression) -> str | None:
    if isinstance(action, exp.AddConstraint) and action.expressions:
        constraint = action.expressions[0]
        if isinstance(constraint, exp.Constraint):
            name = identifier_name(constraint.this)
            if name:
                return sqlgen.constraint_missing(table, name)
    if isinstance(action, exp.ColumnDef):
        name = identifier_name(action.this)
        if name:
            return sqlgen.column_missing(table, name)
    return None
