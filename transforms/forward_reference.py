"""Needs a table, type, column or index that only a later migration creates.

What it finds: a foreign key, index, ``ALTER TABLE``, column type, trigger or statement in a
``DO`` block that needs an object which does not exist at that point of the tree but which a
later migration creates. With Prisma ≥ 6.6 this happens to folders like ``20250513_add_batch``
that sort before ``20250513022650_add_projects`` (``_`` sorts before digits in
``localeCompare``), to back-dated migrations, and to ``000N_`` names that sort before a
timestamped ``init``.

Why it breaks: PostgreSQL stops with "relation … does not exist" (42P01), "type … does not
exist" (42704) or "column … does not exist" (42703); the migration is recorded as failed and
every later deploy stops (P3009).

What the fix does: a forward reference is first a question of order. Where moving migrations
gives an order in which everything a migration needs comes first (the stable topological order
closest to today's that renames the fewest folders, replayed without a new failure), the tree is
re-sequenced: folders get 14-digit names in the new order, and no SQL changes. Where order
cannot help (a cycle, or ``--keep-order`` for teams that must keep the deployed order), the
statement is wrapped in a ``DO`` block that runs it only when what it needs exists, and the same
guarded statement runs again at the end of the migration that creates what it needs (a
``CREATE TABLE`` is split: the table now, its forward foreign keys then; a later enum is
created, idempotently, before its first use). A statement inside a ``DO`` block cannot be guarded
from outside: the whole block moves to the end of the migration that creates what it needs.

Fix safety: safe; re-sequencing renames folders (deployed databases learn the new names with
``codemod resolve``), guarding changes only what the statement needs.

Example::

    -- 20250507030812_init
    CREATE TABLE "users" ("id" TEXT NOT NULL, CONSTRAINT "users_pkey" PRIMARY KEY ("id"));
    -- 20250513_add_batch_processing (before)
    CREATE TABLE "batch_jobs" ("id" TEXT NOT NULL, "projectId" TEXT NOT NULL);
    ALTER TABLE "batch_jobs" ADD CONSTRAINT "batch_jobs_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "projects"("id");
    -- 20250513022650_add_projects
    CREATE TABLE "projects" ("id" TEXT NOT NULL, CONSTRAINT "projects_pkey" PRIMARY KEY ("id"));
    -- 20250513022651_add_batch_processing (after)
    CREATE TABLE "batch_jobs" ("id" TEXT NOT NULL, "projectId" TEXT NOT NULL);
    ALTER TABLE "batch_jobs" ADD CONSTRAINT "batch_jobs_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "projects"("id");
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.tokens import TokenType

from codemod import sqlgen
from codemod.context import (
    Context,
    Failure,
    Requirement,
    StatementReport,
    append_to_migration,
    foreign_keys,
    insert_before,
    replace_statement,
)
from codemod.model import Edit, Finding, Fix, Migration, Statement
from codemod.model.rules import Rule
from codemod.names import QName, identifier_name, quote_ident, table_qname

RULE = Rule(
    code="forward-reference",
    summary="Refers to a table, type or column that only a later migration creates",
    severity="error",
    fix_safety="safe",
    doc=__doc__ or "",
)
CODE = RULE.code

Later = list[tuple[Requirement, StatementReport]]


def find(context: Context) -> list[Finding]:
    by_report: dict[int, tuple[StatementReport, Failure, Later]] = {}
    first_use: dict[QName, StatementReport] = {}
    for report, failure in context.failures("missing"):
        requirement = failure.subject
        if not isinstance(requirement, Requirement):
            continue
        creator = context.creator_after(requirement, report.seq)
        if creator is None:
            continue
        entry = by_report.setdefault(report.seq, (report, failure, []))
        entry[2].append((requirement, creator))
        if requirement.kind == "type" and not report.guarded:
            first_use.setdefault(requirement.name, report)
    return [_finding(context, report, failure, later, first_use) for report, failure, later in by_report.values()]


def _finding(
    context: Context, report: StatementReport, failure: Failure, later: Later, first_use: dict[QName, StatementReport]
) -> Finding:
    statement = report.statement
    needs = ", ".join(
        f"{requirement} (created later by {creator.statement.migration.name})"
        for requirement, creator in later
    )
    message = f"needs {needs}"
    resequenced = context.resequenced()
    if resequenced is not None and all(creator.statement.migration.name != statement.migration.name for _, creator in later):
        order, keep = resequenced
        first = min((creator for _, creator in later), key=lambda creator: creator.seq).statement.migration.name
        description = f"re-sequence: apply {first} before {statement.migration.name} (folders are renamed; no SQL changes)"
        fix = Fix(description, order=tuple(order), keep_names=tuple(sorted(keep)))
        return context.failure_finding(RULE, report, failure, fix, message=message)
    if report.guarded:
        moved = _move_block_after(statement, later)
        if moved is None:
            return context.failure_finding(RULE, report, failure, message=message, help="move the DO block after the migration that creates it")
        return context.failure_finding(RULE, report, failure, moved, message=message)
    types = [(r, c) for r, c in later if r.kind == "type"]
    tables = [(r, c) for r, c in later if r.kind in ("table", "relation", "column")]
    others = [(r, c) for r, c in later if r.kind not in ("type", "table", "relation", "column")]
    if others:
        return context.failure_finding(RULE, report, failure, message=message, help="move this statement after the migration that creates what it needs")
    edits: list[Edit] = []
    steps: list[str] = []
    for requirement, creator in types:
        hoist = _hoist_type(requirement.name, creator, first_use[requirement.name])
        if hoist is None:
            return context.failure_finding(RULE, report, failure, message=message, help="codemod cannot create the type earlier: move it by hand")
        edits += hoist
        where = first_use[requirement.name].statement
        steps.append(f"create type {requirement.name} before its first use ({where.migration.name}:{where.line}), idempotently")
    if tables:
        table_fix = _guard_tables(statement, report, tables)
        if table_fix is None:
            return context.failure_finding(RULE, report, failure, message=message, help="codemod cannot guard this statement: move it after the creation")
        table_edits, description = table_fix
        edits += table_edits
        steps.append(description)
    return context.failure_finding(RULE, report, failure, Fix("; ".join(steps), edits), message=message)


def _move_block_after(statement: Statement, later: Later) -> Fix | None:
    """With the order kept, a DO block that needs what a later migration creates moves to the end of
    that migration (its place is a comment); nothing inside it is rewritten."""
    creator = max((creator for _, creator in later), key=lambda creator: creator.seq).statement.migration
    if creator is statement.migration:
        return None
    note = sqlgen.comment(f"moved to {creator.name}, after what it needs (forward-reference)")
    lines = [sqlgen.comment(f"moved here from {statement.migration.name} (forward-reference)"), *sqlgen.with_semicolon(statement.text).splitlines()]
    edits = [replace_statement(statement, note), append_to_migration(creator, creator.newline.join(lines))]
    return Fix(f"move the DO block to the end of {creator.name}, which creates what it needs", edits)


def _hoist_type(name: QName, creator: StatementReport, first: StatementReport) -> list[Edit] | None:
    """Create the enum before its first use (its later CREATE TYPE becomes a no-op there).

    Every use carries the same two edits, so the plan applies them once, whichever uses are fixed.
    """
    definition = creator.statement
    if creator.guarded or not isinstance(definition.expression, exp.Create):
        return None
    statement = first.statement
    newline = statement.migration.newline
    block = sqlgen.ignoring_duplicates(definition.text, newline)
    note = sqlgen.comment(f"creates type {name} here, before its first use (forward-reference); {definition.migration.name} creates it too")
    return [
        insert_before(statement, f"{note}{newline}{block}{newline}{newline}"),
        replace_statement(definition, sqlgen.ignoring_duplicates(definition.text, definition.migration.newline)),
    ]


def _guard_tables(statement: Statement, report: StatementReport, tables: Later) -> tuple[list[Edit], str] | None:
    expression = statement.expression
    if isinstance(expression, exp.Create) and (expression.args.get("kind") or "").upper() == "TABLE":
        return _split_create_table(statement, expression, tables)
    conditions = _guard_conditions(expression, report)
    if conditions is None:
        return None
    newline = statement.migration.newline
    guarded = sqlgen.guarded(statement.text, conditions, newline)
    target = _last_creator(tables).statement.migration
    edits = [replace_statement(statement, guarded), _re_add(statement, target, guarded)]
    return edits, f"guard it, and run it again at the end of {target.name}"


def _last_creator(tables: Later) -> StatementReport:
    return max((creator for _, creator in tables), key=lambda creator: creator.seq)


def _re_add(statement: Statement, target: Migration, guarded: str) -> Edit:
    note = sqlgen.comment(
        f"re-adds a statement of {statement.migration.name} (forward-reference) once its dependencies exist"
    )
    return append_to_migration(target, f"{note}{target.newline}{guarded}")


def _split_create_table(statement: Statement, expression: exp.Create, tables: Later) -> tuple[list[Edit], str] | None:
    """Create the table without its forward foreign keys; add them, guarded, after it and at their target."""
    table = table_qname(expression.this.this if isinstance(expression.this, exp.Schema) else expression.this)
    if any(requirement.kind not in ("table", "relation") for requirement, _ in tables):
        return None
    later = {requirement.name: creator for requirement, creator in tables}
    if table is None:
        return None
    keys = [key for key in foreign_keys(statement, table) if key.target in later]
    if {key.target for key in keys} != set(later):
        return None  # something else than a foreign key needs the later table
    newline = statement.migration.newline
    text, offset = statement.migration.text, statement.char_start
    body = text[offset : statement.char_end]
    for key in sorted(keys, key=lambda key: key.cut[0], reverse=True):
        body = body[: key.cut[0] - offset] + body[key.cut[1] - offset :]
    if not expression.args.get("exists"):
        table_word = next(t for t in statement.tokens if t.token_type == TokenType.TABLE)
        cut = table_word.end + 1 - offset  # every cut lies after TABLE, so this offset still holds
        body = body[:cut] + " IF NOT EXISTS" + body[cut:]
    blocks = []
    edits: list[Edit] = []
    for key in keys:
        add = f"ALTER TABLE {table} ADD CONSTRAINT {quote_ident(key.name)} {key.definition}"
        conditions = [sqlgen.relation_exists(key.target), sqlgen.constraint_missing(table, key.name)]
        guarded = sqlgen.guarded(add, conditions, newline)
        blocks.append(guarded)
        edits.append(_re_add(statement, later[key.target].statement.migration, guarded))
    replacement = sqlgen.with_semicolon(body) + newline + newline + (newline + newline).join(blocks)
    targets = sorted({later[key.target].statement.migration.name for key in keys})
    description = f"create the table without {', '.join(repr(k.name) for k in keys)}; add them guarded, and again at the end of {', '.join(targets)}"
    return [replace_statement(statement, replacement), *edits], description


def _guard_conditions(expression: exp.Expression | None, report: StatementReport) -> list[str] | None:
    """Existence checks for what the statement needs, and absence of what it creates."""
    needed = []
    for requirement in report.requirements:
        if requirement.kind in ("table", "relation"):
            needed.append(sqlgen.relation_exists(requirement.name))
        elif requirement.kind == "column" and requirement.column is not None:
            needed.append(sqlgen.column_exists(requirement.name, requirement.column))
        elif requirement.kind == "type":
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
