"""Needs a table, column, type, constraint or function that no migration of the tree creates.

What it finds: a statement that needs an object which does not exist at that point and which no
later migration creates either: an ``ALTER TABLE`` or index on a table nothing creates (or that
an earlier migration dropped), a trigger on a column that never existed, a ``DROP CONSTRAINT`` of
a constraint that is not there, a data backfill that reads a missing column; and drops that
PostgreSQL refuses because other objects still depend on what they drop.

Why it breaks: PostgreSQL stops with "relation … does not exist" (42P01), "column … does not
exist" (42703), "… does not exist" (42704, 42883) or "cannot drop … because other objects depend
on it" (2BP01); Prisma records the migration as failed and refuses every later deploy (P3009).
Trees get this way when a migration was written against a database that had objects the tree
never made (created by hand, or by a migration that was later deleted).

What the fix does: nothing automatic: codemod cannot know what the missing object should look
like. Create it in an earlier migration, or remove the statement that needs it. Where an
earlier migration created the object and another dropped or renamed it, the finding names both:
if the drop was back-dated (a folder renamed to sort earlier), renaming it back puts the reader
first, but a database that already applied the drop has lost the object and its data, so
codemod leaves that choice to a human.

Fix safety: no fix.

Example::

    -- 20240101000000_init
    CREATE TABLE "Post" ("id" TEXT NOT NULL);
    -- 20240102000000_payments (finds)
    ALTER TABLE "Payment" ADD COLUMN "note" TEXT;
"""

from __future__ import annotations

from codemod.context import Context, Requirement
from codemod.model import Finding
from codemod.model.rules import Rule
from codemod.model.schema import EXTENSION_TYPES

RULE = Rule(
    code="missing-object",
    summary="Needs a table, column, type, constraint or function that no migration of the tree creates",
    severity="error",
    fix_safety="none",
    doc=__doc__ or "",
)


def find(context: Context) -> list[Finding]:
    if context.tree.dialect != "postgres":
        return []
    findings = []
    for report, failure in context.failures("missing"):
        requirement = failure.subject
        if isinstance(requirement, Requirement):
            if context.creator_after(requirement, report.seq) is not None:
                continue  # forward-reference reports it
            if requirement.kind == "type" and not _surely_missing_type(context, requirement, report.seq):
                continue
            earlier = _earlier_creator(context, requirement, report.seq)
            extension = EXTENSION_TYPES.get(requirement.name.name) if requirement.kind == "type" else None
            skipped = _skipped_declaration(context, requirement, report.seq)
            if skipped is not None:
                why = f"the CREATE TABLE IF NOT EXISTS of {skipped} declares it, but PostgreSQL skips that statement (the table exists)"
                help = "duplicate-create adds it right after that statement (codemod apply)"
            elif earlier is not None:
                remover = context.remover(report, requirement)
                why = f"{earlier} created it, but {remover or 'an earlier migration'} dropped or renamed it before this point"
                help = "remove this statement, or keep the object until after it"
                if remover is not None:
                    help += (f" (if {remover} was back-dated, give it a name that sorts after {report.statement.migration.name}:"
                             " databases that already applied it have lost the object, and need a hand)")
            elif extension is not None:
                why = f"the type comes from the extension {extension}, which no migration of this tree creates"
                help = f"add CREATE EXTENSION IF NOT EXISTS {extension}; to an earlier migration"
            else:
                why = "no migration of this tree creates it"
                help = "create it in an earlier migration, or remove this statement; codemod cannot guess its definition"
            message = f"{failure.message}: {why}"
        else:
            message = failure.message + (f" ({failure.detail})" if failure.detail else "")
            help = "change the statement so that nothing still depends on what it drops"
        findings.append(context.failure_finding(RULE, report, failure, message=message, help=help))
    return findings


def _surely_missing_type(context: Context, requirement: Requirement, seq: int) -> bool:
    """Built-in types sqlglot does not know, and extension types, are not reported unless known missing."""
    return requirement.name.name in EXTENSION_TYPES or _earlier_creator(context, requirement, seq) is not None


def _earlier_creator(context: Context, requirement: Requirement, seq: int) -> str | None:
    report = context.created_before(requirement, seq)
    return f"migration {report.statement.migration.name}" if report is not None else None


def _skipped_declaration(context: Context, requirement: Requirement, seq: int) -> str | None:
    """The migration whose skipped ``CREATE TABLE IF NOT EXISTS`` declares a missing column."""
    if requirement.kind != "column":
        return None
    for report in context.replay.reports:
        if report.seq >= seq:
            break
        for creation in report.creations:
            columns = getattr(creation.new, "columns", None)
            if creation.if_not_exists and creation.existing is not None and creation.key == requirement.name and columns and requirement.detail in columns:
                return f"migration {report.statement.migration.name}"
    return None
