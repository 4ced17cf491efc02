"""A migration folder without ``migration.sql``.

What it finds: a folder in the migrations directory that holds no ``migration.sql``: left empty
after a rebase, or holding a project's own ``migration.ts`` runner next to Prisma's migrations.

Why it breaks: Prisma treats every folder as a migration and stops before applying anything:
``P3015 Could not find the migration file at migration.sql. Please delete the directory or
restore the migration file``.

What the fix does: moves the folder out of the migrations directory into the run's backup
directory (as ``codemod cleanup --move-to`` does); nothing is deleted.

Fix safety: safe for an empty folder; unsafe when the folder holds other files (a ``migration.ts``
that some other tool runs would no longer be found where it was).

Example::

    migrations/20220905153337_noop/            (empty)    →   moved to .codemod-backup/<run>/
    migrations/20230101000000_data/migration.ts            →   moved, with --unsafe-fixes
"""

from __future__ import annotations

from codemod.context import Context
from codemod.model import Finding, Fix
from codemod.model.rules import Rule

RULE = Rule(
    code="missing-migration-file",
    summary="A migration folder without migration.sql, which stops Prisma with P3015",
    severity="error",
    fix_safety="depends",
    doc=__doc__ or "",
)


def find(context: Context) -> list[Finding]:
    findings = []
    for migration in context.tree.migrations:
        if migration.has_sql:
            continue
        holds = f" (it holds {', '.join(migration.other_files)})" if migration.other_files else " (it is empty)"
        message = f"folder has no migration.sql{holds}: Prisma stops with P3015 before applying anything"
        fix = Fix("move the folder out of the migrations directory, into the backup", removals=[migration.name], unsafe=bool(migration.other_files))
        findings.append(context.migration_finding(RULE, migration, message, fix, sqlstate="P3015"))
    return findings
