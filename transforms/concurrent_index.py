"""``CREATE INDEX CONCURRENTLY`` in a migration with other statements.

What it finds: ``CREATE INDEX CONCURRENTLY`` (or ``DROP INDEX CONCURRENTLY``) in a
``migration.sql`` that holds more than one statement, or inside a ``DO`` block.

Why it breaks: Prisma sends each migration as one script; PostgreSQL runs a script of several
statements as one transaction, and a concurrent index build cannot run inside one:
``CREATE INDEX CONCURRENTLY cannot run inside a transaction block`` (25001). A script of exactly
one statement runs outside a transaction block, so the same statement alone in its migration
works, and stays non-blocking.

What the fix does: moves each such statement into a migration of its own, right after the one
it came from (a new folder with a 14-digit name between its neighbours), leaving a comment where
it was. If the migration holds nothing else, the first such statement stays.

Fix safety: safe; the index is built the same way, one migration later.

Example::

    -- 20240101000000_init
    CREATE TABLE "t" ("a" TEXT NOT NULL);
    -- 20240102000000_index (before)
    ALTER TABLE "t" ADD COLUMN "b" TEXT;
    CREATE INDEX CONCURRENTLY "t_b_idx" ON "t"("b");
    -- 20240102000001_index_concurrently (after)
    CREATE INDEX CONCURRENTLY "t_b_idx" ON "t"("b");
"""

from __future__ import annotations

from codemod import sqlgen
from codemod.context import Context, StatementReport, replace_statement
from codemod.model import Addition, Edit, Finding, Fix, Migration, Statement
from codemod.model.rules import Rule

RULE = Rule(
    code="concurrent-index",
    summary="CREATE INDEX CONCURRENTLY in a migration with other statements, which PostgreSQL runs as one transaction",
    severity="error",
    fix_safety="safe",
    doc=__doc__ or "",
)


def find(context: Context) -> list[Finding]:
    failures = context.failures(RULE.code)
    moved_by_migration: dict[str, list[StatementReport]] = {}
    for report, _ in failures:
        if not report.guarded:
            moved_by_migration.setdefault(report.statement.migration.name, []).append(report)
    findings = []
    for report, failure in failures:
        fix = None
        if not report.guarded:
            fix = _move(report, moved_by_migration[report.statement.migration.name], _needing_the_index(context, report))
        help = None if fix is not None else "run it outside a DO block, in a migration of its own"
        message = failure.message + (f" ({failure.detail})" if failure.detail else "")
        findings.append(context.failure_finding(RULE, report, failure, fix, help=help, message=message))
    return findings


def _needing_the_index(context: Context, report: StatementReport) -> list[Statement]:
    """Later statements of the migration that need the index this statement builds (they move after it)."""
    built = {creation.key for creation in report.creations if creation.kind == "index"}
    migration = report.statement.migration
    return [
        later.statement
        for later in context.replay.top_level()
        if later.statement.migration is migration and later.statement.index > report.statement.index
        and any(requirement.kind == "index" and requirement.name in built for requirement in later.requirements)
    ]


def _move(report: StatementReport, moving: list[StatementReport], dependents: list[Statement]) -> Fix | None:
    statement = report.statement
    migration = statement.migration
    movers = [r.statement for r in moving]
    stays = movers[0] is statement and all(s in movers or s in dependents for s in migration.statements)
    if stays:  # alone once the others leave: a one-statement script runs outside a transaction
        if not dependents:
            return Fix("it stays where it is: the other statements move to migrations of their own")
        edits, additions = _then(migration, dependents, f"{_suffix(migration.name)}_then")
        return Fix("it stays where it is, alone; the statements that need the index move to a migration right after", edits, additions=additions)
    if movers[0] is not statement and all(s in movers for s in migration.statements):
        movers = movers[1:]  # the first of them stays
    number = movers.index(statement)
    suffix = f"{_suffix(migration.name)}_concurrently" + (f"_{number + 1}" if len(movers) > 1 else "")
    text = sqlgen.with_semicolon(statement.text) + migration.newline
    note = sqlgen.comment("moved to a migration of its own right after this one: CREATE INDEX CONCURRENTLY cannot run in a transaction")
    edits = [replace_statement(statement, note)]
    additions = [Addition(migration.name, suffix, text)]
    description = "move it into a migration of its own, right after this one"
    if dependents:
        more_edits, more_additions = _then(migration, dependents, f"{suffix}_then")
        edits += more_edits
        additions += more_additions
        description += ", and the statements that need the index into one after that"
    return Fix(description, edits, additions=additions)


def _then(migration: Migration, dependents: list[Statement], suffix: str) -> tuple[list[Edit], list[Addition]]:
    moved = sqlgen.comment("moved after the index it needs, which is built in a migration of its own")
    body = migration.newline.join(sqlgen.with_semicolon(dependent.text) for dependent in dependents) + migration.newline
    return [replace_statement(dependent, moved) for dependent in dependents], [Addition(migration.name, suffix, body)]


def _suffix(name: str) -> str:
    head, _, rest = name.partition("_")
    return rest if head.isdigit() and rest else name
