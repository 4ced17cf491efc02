"""Creates an object that already exists at that point of the tree.

What it finds: a ``CREATE TABLE``, ``CREATE TYPE``, ``CREATE [UNIQUE] INDEX``, ``ADD CONSTRAINT``
or ``ADD COLUMN`` (without ``IF NOT EXISTS``) of an object that an earlier statement created and
nothing dropped or renamed away since.

Why it breaks: PostgreSQL stops with "relation … already exists" (42P07) or "type … already
exists" (42710); Prisma records the migration as failed and refuses every later deploy (P3009).

What the fix does: an identical duplicate is replaced by a comment saying where the object was
created. A later definition that brings more (columns, constraints, enum values) becomes the
idempotent delta: ``ALTER TABLE … ADD COLUMN IF NOT EXISTS``, a guarded ``ADD CONSTRAINT``,
``ALTER TYPE … ADD VALUE IF NOT EXISTS``. A definition that contradicts the first (a column of
another type, another index definition) is left alone and reported: a human must decide.

Fix safety: safe; nothing the existing object has is dropped.

Example::

    -- 20250507030812_init
    CREATE TABLE "dead_letter_queue" ("id" TEXT NOT NULL, CONSTRAINT "dead_letter_queue_pkey" PRIMARY KEY ("id"));
    -- 20250513000001_add_error_handling (before)
    CREATE TABLE "dead_letter_queue" ("id" TEXT NOT NULL, "error" TEXT, CONSTRAINT "dead_letter_queue_pkey" PRIMARY KEY ("id"));
    -- after
    ALTER TABLE "dead_letter_queue" ADD COLUMN IF NOT EXISTS "error" TEXT;
"""

from __future__ import annotations

from codemod import sqlgen
from codemod.context import Context, Creation, Failure, StatementReport, replace_statement
from codemod.model import Finding, Fix
from codemod.model.rules import Rule
from codemod.model.schema import ColumnDef, ConstraintDef, IndexState, TableState, TypeState
from codemod.names import QName, quote_literal

RULE = Rule(
    code="duplicate-create",
    summary="Creates a table, type, index, constraint or column that already exists at that point",
    severity="error",
    fix_safety="safe",
    doc=__doc__ or "",
)
CODE = RULE.code


def find(context: Context) -> list[Finding]:
    findings = []
    for report, failure in context.failures(CODE):
        creation = failure.subject
        if isinstance(creation, Creation) and not report.guarded:
            findings.append(_finding(context, report, failure, creation))
        else:
            findings.append(context.failure_finding(RULE, report, failure, help=_help(report)))
    return findings


def _help(report: StatementReport) -> str:
    where = "this statement in the DO block" if report.guarded else "this statement"
    return f"remove {where}, or make it conditional, if the object it creates is already there"


def _creator(existing: object) -> str:
    statement = getattr(existing, "created_by", None)
    return f"migration {statement.migration.name}" if statement is not None else "an earlier statement"


def _finding(context: Context, report: StatementReport, failure: Failure, creation: Creation) -> Finding:
    statement = report.statement
    newline = statement.migration.newline
    where = _creator(creation.existing)
    headline = f"{creation.label} already exists (created by {where})"
    if creation.kind == "label":
        fix = Fix("add IF NOT EXISTS", context.harden(statement).edits)
        return context.failure_finding(RULE, report, failure, fix if fix.edits else None, message=headline)
    outcome = _reconcile(creation, newline, context.column_texts(statement) if creation.kind == "table" else {})
    if isinstance(outcome, _Conflict):
        message = f"{headline}; the definitions differ ({outcome.reason})"
        return context.failure_finding(RULE, report, failure, message=message, help="a human must decide which definition is meant")
    if report.action_count > 1 and creation.kind in ("constraint", "column"):
        message = f"{headline}; the statement does more than this"
        return context.failure_finding(RULE, report, failure, message=message, help="codemod leaves a statement with several actions to a human")
    kept = f"; the existing one also has {', '.join(outcome.kept)}, which stays" if outcome.kept else ""
    if outcome.delta:
        description = f"rewrite into the idempotent delta ({outcome.summary}){kept}"
        text = (newline * 2).join(outcome.delta)
    else:
        description = f"remove the duplicate{kept}" if kept else "remove the identical duplicate"
        text = sqlgen.comment(f"removed duplicate {creation.label}, already created by {where}")
    fix = Fix(description, [replace_statement(statement, text)])
    return context.failure_finding(RULE, report, failure, fix, message=headline)


class _Conflict:
    def __init__(self, reason: str) -> None:
        self.reason = reason


class _Delta:
    def __init__(self, delta: list[str], summary: str = "", kept: list[str] | None = None) -> None:
        self.delta = delta
        self.summary = summary
        self.kept = kept or []


def _reconcile(creation: Creation, newline: str, written: dict[str, str]) -> _Conflict | _Delta:
    existing, new = creation.existing, creation.new
    if isinstance(existing, TableState) and isinstance(new, TableState):
        return _table_delta(existing, new, newline, written)
    if isinstance(existing, TypeState) and isinstance(new, TypeState):
        return _enum_delta(existing, new)
    if isinstance(existing, IndexState) and isinstance(new, IndexState):
        if existing.signature is not None and existing.signature == new.signature:
            return _Delta([])
        return _Conflict("another index definition under the same name")
    if isinstance(existing, ConstraintDef) and isinstance(new, ConstraintDef):
        if existing.signature == new.signature:
            return _Delta([])
        return _Conflict(f"{existing.signature} vs {new.signature}")
    if isinstance(existing, ColumnDef) and isinstance(new, ColumnDef):
        differences = existing.differences(new)
        return _Conflict("; ".join(differences)) if differences else _Delta([])
    return _Conflict("codemod cannot compare them")


def _table_delta(existing: TableState, new: TableState, newline: str, written: dict[str, str]) -> _Conflict | _Delta:
    if existing.columns is None or new.columns is None:
        return _Conflict("one of them is not a plain column list")
    conflicts = []
    added: list[ColumnDef] = []
    for name, column in new.columns.items():
        present = existing.columns.get(name)
        if present is None:
            added.append(column)
        else:
            differences = present.differences(column)
            if differences:
                conflicts.append(f"column {name!r}: {', '.join(differences)}")
    if conflicts:
        return _Conflict("; ".join(conflicts))
    statements = [
        f"ALTER TABLE {new.name} ADD COLUMN IF NOT EXISTS {written.get(column.name, column.sql)};" for column in added
    ]
    added_constraints = _missing_constraints(existing, new)
    for constraint in added_constraints:
        statements.append(_guarded_add_constraint(new.name, constraint, newline))
    parts = []
    if added:
        parts.append("adds " + ", ".join(repr(column.name) for column in added))
    if added_constraints:
        parts.append("adds constraint " + ", ".join(repr(c.name) for c in added_constraints))
    kept = [f"column {name!r}" for name in existing.columns if name not in new.columns]
    return _Delta(statements, "; ".join(parts), kept)


def _missing_constraints(existing: TableState, new: TableState) -> list[ConstraintDef]:
    known_signatures = {constraint.signature for constraint in existing.constraints.values()}
    missing = []
    for constraint in new.constraints.values():
        if constraint.name and constraint.name in existing.constraints:
            continue
        if not constraint.name and constraint.signature in known_signatures:
            continue
        if constraint.name and constraint.kind in ("p", "u", "f", "c"):
            missing.append(constraint)
    return missing


def _guarded_add_constraint(table: QName, constraint: ConstraintDef, newline: str) -> str:
    assert constraint.name
    conditions = [sqlgen.constraint_missing(table, constraint.name)]
    if constraint.kind == "p":
        conditions = [sqlgen.primary_key_missing(table)]
    if constraint.references is not None:
        conditions.insert(0, sqlgen.relation_exists(constraint.references))
    return sqlgen.guarded(f"ALTER TABLE {table} ADD {constraint.sql}", conditions, newline)


def _enum_delta(existing: TypeState, new: TypeState) -> _Conflict | _Delta:
    if existing.values is None or new.values is None:
        return _Conflict("one of them is not an enum")
    shared_new = [value for value in new.values if value in existing.values]
    shared_old = [value for value in existing.values if value in new.values]
    if shared_new != shared_old:
        return _Conflict("the shared enum values come in another order")
    statements = []
    for index, value in enumerate(new.values):
        if value in existing.values:
            continue
        if index > 0:
            position = f" AFTER {quote_literal(new.values[index - 1])}"
        else:
            position = f" BEFORE {quote_literal(existing.values[0])}" if existing.values else ""
        statements.append(f"ALTER TYPE {new.name} ADD VALUE IF NOT EXISTS {quote_literal(value)}{position};")
    added = [value for value in new.values if value not in existing.values]
    kept = [f"value {value!r}" for value in existing.values if value not in new.values]
    return _Delta(statements, "adds value " + ", ".join(repr(v) for v in added) if added else "", kept)
