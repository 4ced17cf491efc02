"""Creates an object that already exists at that point of the tree.

What it finds: a ``CREATE TABLE``, ``CREATE TYPE``, ``CREATE [UNIQUE] INDEX``, ``ADD CONSTRAINT``,
``ADD COLUMN`` or ``ADD VALUE`` (without ``IF NOT EXISTS``) of an object that an earlier statement
created and nothing dropped or renamed away since; also a multi-action ``ALTER TABLE`` where only
some actions repeat what exists; and a ``CREATE TABLE IF NOT EXISTS`` of an existing table whose
definition has columns the existing one lacks.

Why it breaks: PostgreSQL stops with "relation … already exists" (42P07), "column … already
exists" (42701) or "… already exists" (42710); Prisma records the migration as failed and refuses
every later deploy (P3009). With ``IF NOT EXISTS`` PostgreSQL skips the whole statement instead:
the columns only that definition has are never created, so what uses them later fails, or the
deployed schema silently lacks them.

What the fix does: an identical duplicate is replaced by a comment saying where the object was
created (in a multi-action ``ALTER TABLE``, only that action goes; the others stay as written). A
later definition that differs becomes the delta to it, difference by difference: what it adds
is added (``ADD COLUMN IF NOT EXISTS``, a guarded ``ADD CONSTRAINT``, ``ADD VALUE … AFTER``); what
it relaxes is applied (``DROP NOT NULL``, defaults, a foreign key's ``ON DELETE`` by drop and
re-add); what only the existing object has is kept (a ``NOT NULL`` column without default is made
nullable so that inserts written for the later definition work); what it tightens or retypes
(``SET NOT NULL``, ``TYPE``) is left as it is and reported, unless ``--unsafe-fixes``. After a
skipped ``CREATE TABLE IF NOT EXISTS``, the columns only it has are added
(``ADD COLUMN IF NOT EXISTS``); the statement itself stays. A function created again with the
same arguments becomes ``CREATE OR REPLACE``: the later body is the one meant (a new return type
then gets ``function-return-type``'s ``DROP FUNCTION`` first).

Fix safety: safe; the risky parts (type changes, ``SET NOT NULL``, dropping columns) are only
applied with ``--unsafe-fixes`` and otherwise named in the fix's description.

Example::

    -- 20250507030812_init
    CREATE TABLE "dead_letter_queue" ("id" TEXT NOT NULL, "file_id" TEXT NOT NULL, CONSTRAINT "dead_letter_queue_pkey" PRIMARY KEY ("id"));
    -- 20250513000001_add_error_handling (before)
    CREATE TABLE "dead_letter_queue" ("id" TEXT NOT NULL, "file_id" TEXT, "error" TEXT, CONSTRAINT "dead_letter_queue_pkey" PRIMARY KEY ("id"));
    -- 20250513000001_add_error_handling (after)
    ALTER TABLE "dead_letter_queue" ADD COLUMN IF NOT EXISTS "error" TEXT;
    ALTER TABLE "dead_letter_queue" ALTER COLUMN "file_id" DROP NOT NULL;
"""

from __future__ import annotations

from sqlglot.tokens import TokenType

from codemod import sqlgen
from codemod.context import (
    Action,
    Context,
    Creation,
    Failure,
    StatementReport,
    alter_actions,
    insert_after,
    insert_before,
    replace_chars,
    replace_statement,
)
from codemod.model import Edit, Finding, Fix, Statement
from codemod.model.rules import Rule
from codemod.model.schema import ColumnDef, ConstraintDef, FunctionState, IndexState, TableState, TypeState
from codemod.names import QName, fold, quote_ident, truncate
from transforms.reconcile import Delta, column_changes, constraint_change, enum_delta, table_delta

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
        if isinstance(creation, Creation) and (not report.guarded or report.inner is not None):
            findings.append(_finding(context, report, failure, creation))
        else:
            findings.append(context.failure_finding(RULE, report, failure, help=_help(report)))
    findings.extend(_skipped_definitions(context))
    return findings


def _skipped_definitions(context: Context) -> list[Finding]:
    """``CREATE TABLE IF NOT EXISTS`` of a table that exists with fewer columns: PostgreSQL skips
    the whole statement (a NOTICE, no error), so the columns only this definition has are never
    created; what later uses them fails, and the deployed schema lacks them."""
    findings = []
    for report in context.replay.reports:
        if report.guarded or report.caught:
            continue
        for creation in report.creations:
            existing, new = creation.existing, creation.new
            if not (creation.if_not_exists and isinstance(existing, TableState) and isinstance(new, TableState)):
                continue
            if existing.columns is None or new.columns is None:
                continue
            added = [
                column for name, column in new.columns.items()
                if name not in existing.columns and context.replay.first_creation_after("column", (new.name, name), report.seq) is None
            ]
            if not added:  # every column it adds is there, or a later statement adds it
                continue
            statement = report.statement
            written = context.column_texts(statement)
            newline = statement.migration.newline
            adds = "".join(
                f"{newline}ALTER TABLE {new.name} ADD COLUMN IF NOT EXISTS {written.get(column.name, column.sql)};" for column in added
            )
            names = ", ".join(repr(column.name) for column in added)
            message = (
                f"{creation.label} already exists (created by {_creator(existing)}), so IF NOT EXISTS skips this "
                f"definition: its columns {names} are never created"
            )
            fix = Fix(f"add the columns only this definition has after it: {names}", [insert_after(statement, adds)])
            findings.append(context.finding(RULE, statement, message, fix))
    return findings


def _help(report: StatementReport) -> str:
    where = "this statement in the DO block" if report.guarded else "this statement"
    return f"remove {where}, or make it conditional, if the object it creates is already there"


def _creator(existing: object) -> str:
    statement = getattr(existing, "created_by", None)
    return f"migration {statement.migration.name}" if statement is not None else "an earlier statement"


def _finding(context: Context, report: StatementReport, failure: Failure, creation: Creation) -> Finding:
    where = _creator(creation.existing)
    if creation.kind == "label":  # the type's creator is not the label's: the label's is in the log
        earlier = [
            r for r in context.replay.reports[: report.seq]
            if any(c.kind == "label" and c.key == creation.key and c.existing is None for c in r.creations)
        ]
        if earlier:
            where = f"migration {earlier[-1].statement.migration.name}"
    headline = f"{creation.label} already exists (created by {where})"
    outcome = _outcome(context, report, creation, where)
    if isinstance(outcome, str):
        message = f"{headline}; the definitions differ ({outcome})"
        return context.failure_finding(RULE, report, failure, message=message, help="a human must decide which definition is meant")
    return context.failure_finding(RULE, report, failure, outcome, message=headline)


def _outcome(context: Context, report: StatementReport, creation: Creation, where: str) -> Fix | str:
    """The fix for one duplicate, or why there is none."""
    statement = report.statement
    newline = statement.migration.newline
    existing, new = creation.existing, creation.new
    if creation.kind == "label":
        edits = context.harden(statement).edits if not report.guarded else []
        return Fix("add IF NOT EXISTS", edits) if edits else "codemod cannot add IF NOT EXISTS here"
    if isinstance(existing, IndexState) and existing.table is not None and existing.table != _table_of(new):
        return _rename_holder(statement, existing, _table_of(new))
    if creation.kind in ("column", "constraint"):
        return _action_fix(context, report, creation, where)
    if isinstance(existing, TableState) and isinstance(new, TableState):
        delta = table_delta(existing, new, context.column_texts(statement), newline, context.constraint_texts(statement))
    elif isinstance(existing, TypeState) and isinstance(new, TypeState):
        delta = enum_delta(existing, new)
    elif isinstance(existing, IndexState) and isinstance(new, IndexState):
        return _index_fix(report, existing, new, where, context.unsafe_fixes)
    elif isinstance(existing, FunctionState) and isinstance(new, FunctionState):
        return _or_replace(report)
    else:
        return "codemod cannot compare them"
    if isinstance(delta, str):
        return delta
    return _replacement(report, creation, delta, where, context.unsafe_fixes)


def _replace(report: StatementReport, text: str) -> Edit:
    """Replace the statement: the whole one, or, in a DO body, its own characters (PL/pgSQL there)."""
    if report.inner is None:
        return replace_statement(report.statement, text)
    migration = report.statement.migration
    body = text.strip()
    if body.endswith(";"):
        body = body[:-1]
    if all(line.strip().startswith("--") or not line.strip() for line in body.splitlines()):
        body = f"{body}{migration.newline}NULL"  # PL/pgSQL needs a statement there
    start = report.inner[0]
    line_start = migration.text.rfind("\n", 0, start) + 1
    indent = migration.text[line_start:start] if not migration.text[line_start:start].strip() else ""
    body = (migration.newline + indent).join(line.rstrip("\r") for line in body.splitlines())
    return replace_chars(migration, start, report.inner[1], body)


def _table_of(new: object) -> QName | None:
    return new.table if isinstance(new, IndexState) else None


def _rename_holder(statement: Statement, holder: IndexState, table: QName | None) -> Fix | str:
    """An index of another table (often one renamed away) holds the name: give it its table's name."""
    owner = holder.table
    assert owner is not None
    prefix = table.name if table is not None else ""
    if not prefix or not holder.name.name.startswith(prefix) or owner.name == prefix:
        return f"an index of {owner} holds the name"
    new = truncate(owner.name + holder.name.name[len(prefix) :])
    newline = statement.migration.newline
    edit = insert_before(statement, f"ALTER INDEX {holder.name.sql()} RENAME TO {quote_ident(new)};{newline}")
    return Fix(f"rename {owner}'s index {holder.name} to {quote_ident(new)} first (a renamed table keeps its indexes' names)", [edit])


def _replacement(report: StatementReport, creation: Creation, delta: Delta, where: str, unsafe_fixes: bool) -> Fix:
    newline = report.statement.migration.newline
    statements = delta.statements(unsafe_fixes)
    notes = [] if unsafe_fixes else [sqlgen.comment(f"not done (needs --unsafe-fixes): {item}") for item in delta.left]
    if statements or notes:
        text = (newline * 2).join(statements + notes)
        description = f"rewrite into the delta: {delta.describe(unsafe_fixes)}" if delta.done or delta.left else "rewrite into the delta"
    else:
        text = sqlgen.comment(f"removed duplicate {creation.label}, already created by {where}")
        kept = f"; the existing one also has {', '.join(delta.kept)}, which stays" if delta.kept else ""
        description = f"remove the duplicate{kept}" if kept else "remove the identical duplicate"
    return Fix(description, [_replace(report, text)])


def _index_fix(report: StatementReport, existing: IndexState, new: IndexState, where: str, unsafe_fixes: bool) -> Fix | str:
    statement = report.statement
    if existing.signature is not None and existing.signature == new.signature:
        text = sqlgen.comment(f"removed duplicate index {new.name}, already created by {where}")
        return Fix("remove the identical duplicate", [_replace(report, text)])
    if existing.definition is None:
        return "the existing index belongs to a constraint"
    tightens = new.unique and not existing.unique
    if tightens and not unsafe_fixes:
        return "the later index is UNIQUE and the existing one is not (with --unsafe-fixes: rebuild it, which fails on duplicate rows)"
    newline = statement.migration.newline
    text = f"DROP INDEX {new.name.sql()};{newline}{report.text}"
    return Fix(f"rebuild the index as this later definition says (drop {new.name}, create it again)", [_replace(report, text)])


def _or_replace(report: StatementReport) -> Fix | str:
    """A function created again with the same arguments: the later definition is meant to replace
    the earlier one, which is what ``CREATE OR REPLACE`` does (a new return type is then the
    function-return-type rule's, on the next round)."""
    statement = report.statement
    tokens = statement.tokens
    if report.guarded or len(tokens) < 2 or tokens[0].text.upper() != "CREATE" or tokens[1].text.upper() not in ("FUNCTION", "PROCEDURE"):
        return "codemod cannot add OR REPLACE here"
    after_create = tokens[0].end + 1
    edit = replace_chars(statement.migration, after_create, after_create, " OR REPLACE")
    return Fix("make it CREATE OR REPLACE: the later definition replaces the earlier one", [edit])


def _action_fix(context: Context, report: StatementReport, creation: Creation, where: str) -> Fix | str:
    """A repeated ADD COLUMN / ADD CONSTRAINT: the action goes, and what it changes lands beside it."""
    statement = report.statement
    existing, new = creation.existing, creation.new
    table = creation.key[0] if isinstance(creation.key, tuple) else None
    delta = Delta()
    if isinstance(existing, ColumnDef) and isinstance(new, ColumnDef) and isinstance(table, QName):
        column_changes(table, existing, new, delta)
    elif isinstance(existing, ConstraintDef) and isinstance(new, ConstraintDef) and isinstance(table, QName):
        if existing.signature != new.signature:
            delta = constraint_change(table, existing, new)
    else:
        return "codemod cannot compare them"
    newline = statement.migration.newline
    statements = delta.statements(context.unsafe_fixes)
    notes = [] if context.unsafe_fixes else [sqlgen.comment(f"not done (needs --unsafe-fixes): {item}") for item in delta.left]
    actions = alter_actions(statement)
    removable = _removable_actions(report)
    what = delta.describe(context.unsafe_fixes) or "nothing else changes"
    if report.inner is not None and report.action_count > 1:
        return "codemod leaves a statement with several actions inside a DO block to a human"
    if report.inner is not None or len(actions) <= 1 or removable == len(actions):
        removed = sqlgen.comment(f"removed duplicate {creation.label}, already created by {where}")
        single = report.inner is not None or len(actions) <= 1
        text = (newline * 2).join(statements + notes) if single and (statements or notes) else removed
        if not single:  # one edit for all its duplicates, the same whichever finding carries it
            labels = [f.subject.label for f in report.failures if f.rule == CODE and isinstance(f.subject, Creation)]
            text = sqlgen.comment(f"removed: every action repeated what exists ({', '.join(labels)})")
            return Fix("remove the statement: every action repeats what exists", [_replace(report, text)])
        description = "remove the identical duplicate" if not (statements or notes) else f"rewrite into the delta: {what}"
        return Fix(description, [_replace(report, text)])
    action = _action_of(statement, actions, creation)
    if action is None:
        return "codemod cannot find the action in the statement"
    edits = [replace_chars(statement.migration, action.cut[0], action.cut[1], "")]
    if statements or notes:
        edits.insert(0, insert_before(statement, newline.join(statements + notes) + newline))
    return Fix(f"remove this action (the others stay as written): {what}", edits)


def _removable_actions(report: StatementReport) -> int:
    """How many actions of the statement repeat an object exactly (the statement may go whole)."""
    count = 0
    for failure in report.failures:
        creation = failure.subject
        if failure.rule == CODE and isinstance(creation, Creation) and creation.kind in ("column", "constraint"):
            existing, new = creation.existing, creation.new
            same_column = isinstance(existing, ColumnDef) and isinstance(new, ColumnDef) and not existing.differences(new)
            same_constraint = isinstance(existing, ConstraintDef) and isinstance(new, ConstraintDef) and existing.signature == new.signature
            count += same_column or same_constraint
    return count


def _action_of(statement: Statement, actions: list[Action], creation: Creation) -> Action | None:
    """The ``ADD [COLUMN|CONSTRAINT] name`` action that creates ``creation``."""
    name = creation.key[1] if isinstance(creation.key, tuple) else None
    for action in actions:
        tokens = [t for t in statement.tokens if action.start <= t.start < action.end]
        words = [t.text.upper() if t.token_type != TokenType.IDENTIFIER else "" for t in tokens]
        at = 1 if words[:1] == ["ADD"] else None
        if at is None:
            continue
        if words[at : at + 1] in (["COLUMN"], ["CONSTRAINT"]):
            if (words[at] == "CONSTRAINT") != (creation.kind == "constraint"):
                continue
            at += 1
        elif creation.kind == "constraint":
            continue
        if words[at : at + 3] == ["IF", "NOT", "EXISTS"]:
            at += 3
        if at < len(tokens) and fold(tokens[at].text, tokens[at].token_type == TokenType.IDENTIFIER) == name:
            return action
    return None
