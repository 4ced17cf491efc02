"""Migration folder names that are not 14-digit timestamps, so their order can depend on the Prisma version.

What it finds: folders whose name does not start with a real ``YYYYMMDDHHMMSS_`` timestamp
(``20250513_add_batch_processing``, ``01_init``, ``20250512999999_fix``); and folders that share
a timestamp with another one when the two sort differently under the two orders (``…000000_add``
and ``…000000_Backfill``: lower case first for ``localeCompare``, upper case first for bytes).

Why it breaks: Prisma applies folders in name order, and that order depends on the Prisma
version: Prisma ≥ 6.6 compares names with ``localeCompare`` (``_`` sorts before digits), older
Prisma compared bytes (``_`` after digits). ``20250513_add_batch_processing`` runs before
``20250513022650_add_projects`` on one and after it on the other. codemod replays the tree in
both orders: where they fail differently or end with different schemas, the finding is an error
for each folder whose place changes; where the orders differ but the outcome is the same, a
warning; a folder whose place is the same under both (``01_init`` before every timestamp) gets a
note: renaming it would change nothing but its name in every deployed database.

What the fix does: gives each such folder a 14-digit name that keeps the order Prisma applies
today (the order deployed databases followed): the date in its name where it fits, else the
nearest free second between its neighbours; names that are already real timestamps stay. A
rename changes the migration's name in ``_prisma_migrations``: deployed databases must be told
(``codemod resolve`` or ``prisma migrate resolve``).

Fix safety: safe when the two orders give different outcomes; unsafe otherwise (a rename only
gives every deployed database a new name to learn), applied with ``--unsafe-fixes``.

Example::

    -- 20250507030812_init
    CREATE TABLE "projects" ("id" TEXT NOT NULL, CONSTRAINT "projects_pkey" PRIMARY KEY ("id"));
    -- 20250513_add_batch_processing (before)
    CREATE TABLE "batch_jobs" ("id" TEXT NOT NULL);
    -- 20250513022650_add_tasks
    CREATE TABLE "tasks" ("id" TEXT NOT NULL);
    ALTER TABLE "batch_jobs" ADD COLUMN "taskId" TEXT;
    -- 20250513000000_add_batch_processing (after)
    CREATE TABLE "batch_jobs" ("id" TEXT NOT NULL);
"""

from __future__ import annotations

import re
from datetime import datetime

from codemod.context import Context
from codemod.model import Finding, Fix, Rename, Severity
from codemod.model.rules import Rule

RULE = Rule(
    code="timestamp-name",
    summary="Migration folder name is not a 14-digit timestamp, so its order can depend on the Prisma version",
    severity="error",
    fix_safety="depends",
    doc=__doc__ or "",
)
CODE = RULE.code
CONVENTION = re.compile(r"^\d{14}_")


def find(context: Context) -> list[Finding]:
    names = [migration.name for migration in context.tree.migrations]
    disagreeing = context.order_disagreements(names)
    odd = [name for name in names if not _real_timestamp(name)] + _shared_timestamps(names, disagreeing)
    if not odd:
        return []
    severity: Severity = "note"
    if disagreeing:
        severity = "warning" if context.orders_give_the_same_outcome() else "error"
    # Only the folders whose place changes with the Prisma version must be renamed; the others
    # (every `NN_` folder of a tree where one new folder moves) are renamed only when asked.
    moving = {name for name in odd if name in disagreeing} if severity == "error" else set()
    resequenced = context.resequenced()  # the names it gives are those the plan will give
    order = resequenced[0] if resequenced else names
    every_one = context.allocate_names(order, set(odd))  # what --unsafe-fixes renames
    renames = every_one if context.unsafe_fixes or not moving else context.allocate_names(order, moving)
    findings = []
    identity = "Prisma will see a new migration name: tell deployed databases (codemod resolve)"
    for migration in context.tree.migrations:
        name = migration.name
        if name not in odd:
            continue
        new = renames[name]
        own: Severity = severity
        if name not in disagreeing:
            own = "note"  # its place is the same under both Prisma versions: only the convention
        if new == name:  # a folder that stays: its fix (with --unsafe-fixes) is the rename all would get
            new = every_one[name]
        fix = Fix(f"rename to {new!r}; {identity}", renames=[Rename(name, new)], unsafe=own != "error")
        what = "starts with 14 digits that are not a real date and time" if CONVENTION.match(name) else "is not a 14-digit timestamp"
        if CONVENTION.match(name) and _real_timestamp(name):  # a timestamp shared with another folder
            message = f"{name!r} shares its timestamp with another folder, and the two sort differently under Prisma < 6.6 and ≥ 6.6"
        elif own == "note":
            message = f"{name!r} {what} (its place is the same under every Prisma version)"
        else:
            moved = " (its place changes with the Prisma version)" if name in disagreeing else ""
            outcome = "and the outcome differs" if severity == "error" else "but both orders give the same schema"
            message = f"{name!r} {what}: this tree sorts differently under Prisma < 6.6 and ≥ 6.6{moved}, {outcome}"
        findings.append(context.migration_finding(RULE, migration, message, fix, severity=own))
    return findings


def _real_timestamp(name: str) -> bool:
    if not CONVENTION.match(name):
        return False
    digits = name[:14]
    try:  # datetime's constructor checks the same fields as strptime, at a tenth of its cost
        datetime(int(digits[:4]), int(digits[4:6]), int(digits[6:8]), int(digits[8:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return False
    return True


def _shared_timestamps(names_in_order: list[str], disagreeing: set[str]) -> list[str]:
    """Timestamped folders whose order flips between Prisma versions because their stamps are equal.

    The first of each group keeps its name; the others get the next free seconds.
    """
    found = []
    for previous, name in zip(names_in_order, names_in_order[1:], strict=False):
        if CONVENTION.match(previous) and CONVENTION.match(name) and previous[:14] == name[:14]:
            if name in disagreeing or previous in disagreeing:
                found.append(name)
    return found
