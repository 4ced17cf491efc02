"""With ``--idempotent``: a statement of a rewritten migration that cannot be made safe to run twice.

What it finds: with ``--idempotent``, codemod hardens every statement of each migration it
rewrites so that the migration can run again on a database where it ran before (``IF [NOT]
EXISTS`` inserted after the right token, ``DO`` blocks with existence checks where PostgreSQL has
no such clause). A statement it cannot harden (data changes, unknown commands) is reported here;
the hardening itself is applied as this rule's fix, one per rewritten migration.

Why it breaks: a migration that runs twice repeats what its statements do. On PostgreSQL each
migration runs as one transaction, so this matters only where a rewritten migration may run again
on a database that already has its effects (which ``codemod resolve`` prevents); hence opt-in.

What the fix does: for hardening, the smallest edits that make each statement harmless the second
time; for a statement it cannot harden, nothing: review it.

Fix safety: safe (the hardening edits change nothing on a database where the migration never ran).

Example::

    CREATE TABLE "batch_jobs" (…);          →   CREATE TABLE IF NOT EXISTS "batch_jobs" (…);
    UPDATE "jobs" SET "state" = 'done';     →   not-idempotent warning: changes data
"""

from __future__ import annotations

from codemod.context import Context
from codemod.model import Edit, Finding, Fix
from codemod.model.rules import Rule

RULE = Rule(
    code="not-idempotent",
    summary="With --idempotent: a statement of a rewritten migration that cannot be made safe to run twice",
    severity="warning",
    fix_safety="safe",
    doc=__doc__ or "",
    phase="finish",
)


def finish(context: Context, chosen: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    if not context.idempotent:
        return [], chosen
    touched: dict[str, list[Edit]] = {}
    for finding in chosen:
        assert finding.fix is not None
        for edit in finding.fix.edits:
            touched.setdefault(edit.migration, []).append(edit)
    found: list[Finding] = []
    hardening: list[Finding] = []
    for migration in context.tree.migrations:
        edits = touched.get(migration.name)
        if edits is None:
            continue
        extra: list[Edit] = []
        for statement in migration.statements:
            if any(statement.span.overlaps(edit.span) for edit in edits):
                continue
            outcome = context.harden(statement)
            extra.extend(outcome.edits)
            if outcome.warning:
                found.append(context.finding(RULE, statement, f"this migration is rewritten, and this statement {outcome.warning}", help="review it: it may run again"))
        if extra:
            first = migration.statements[0]
            fix = Fix(f"make the other statements of {migration.name} safe to run again", extra)
            hardening.append(context.finding(RULE, first, "rewritten migration: its other statements are made safe to run again (--idempotent)", fix, severity="note"))
    return found + hardening, chosen + hardening
