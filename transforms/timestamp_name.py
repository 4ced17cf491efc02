"""Migration folder names that are not 14-digit timestamps.

What it finds: folders whose name does not start with ``YYYYMMDDHHMMSS_`` (``^\\d{14}_``), such
as ``20250513_add_batch_processing`` or ``01_init``; and folders that share a timestamp with
another one when the two sort differently under the two orders (``…000000_add`` and
``…000000_Backfill``: lower case first for ``localeCompare``, upper case first for bytes).

Why it breaks: Prisma applies folders in name order, and that order depends on the Prisma
version: Prisma ≥ 6.6 compares names with ``localeCompare`` (``_`` sorts before digits), older
Prisma compared bytes (``_`` after digits). ``20250513_add_batch_processing`` runs before
``20250513022650_add_projects`` on one and after it on the other. Where the two orders disagree
for a tree the finding is an error; elsewhere it is a note about the convention.

What the fix does: renames each such folder to a unique 14-digit timestamp taken from the date in
its name where there is one, keeping the order in which Prisma applies the tree today (the order
that deployed databases followed), so that afterwards the tree sorts the same under both orders.
A rename changes the migration's name in ``_prisma_migrations``: deployed databases must be told
(``codemod resolve`` or ``prisma migrate resolve``). On a tree whose orders agree the rename is an
unsafe fix, applied only with ``--unsafe-fixes``.

Fix safety: safe where the two orders disagree (the rename keeps today's order and removes the
ambiguity); unsafe where they agree (a rename only gives deployed databases a new name to learn).

Example::

    20250507030812_init                 20250507030812_init
    20250513_add_batch_processing   →   20250513000000_add_batch_processing
    20250513_add_error_handling     →   20250513000001_add_error_handling
    20250513022650_add_projects         20250513022650_add_projects
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from codemod.context import Context
from codemod.model import Finding, Fix, Rename
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
_LEADING_NUMBER = re.compile(r"^(\d+)[_\-. ]*")
_STAMP = "%Y%m%d%H%M%S"
FALLBACK_START = datetime(2000, 1, 1)


def find(context: Context) -> list[Finding]:
    names = [migration.name for migration in context.tree.migrations]
    disagreeing = context.order_disagreements(names)
    odd = [name for name in names if not CONVENTION.match(name)] + _shared_timestamps(names, disagreeing)
    if not odd:
        return []
    renames, blocked = plan_renames(names, set(odd))
    ambiguous = bool(disagreeing)
    findings = []
    for migration in context.tree.migrations:
        name = migration.name
        if name not in odd:
            continue
        if name in blocked:
            message = f"{name!r} is not a 14-digit timestamp, and no timestamp fits between its neighbours"
            findings.append(context.migration_finding(RULE, migration, message, severity="error" if ambiguous else "note", help="rename it by hand"))
            continue
        new = renames[name]
        description = f"rename to {new!r}; Prisma will see a new migration name: tell deployed databases (codemod resolve)"
        if CONVENTION.match(name):  # a timestamp shared with another folder, whose order then flips
            message = f"{name!r} shares its timestamp with another folder, and the two sort differently under Prisma < 6.6 and ≥ 6.6"
            fix = Fix(description, renames=[Rename(name, new)])
            findings.append(context.migration_finding(RULE, migration, message, fix))
        elif ambiguous:
            moved = " (its place changes with the Prisma version)" if name in disagreeing else ""
            message = f"{name!r} is not a 14-digit timestamp and this tree sorts differently under Prisma < 6.6 and ≥ 6.6{moved}"
            fix = Fix(description, renames=[Rename(name, new)])
            findings.append(context.migration_finding(RULE, migration, message, fix))
        else:
            message = f"{name!r} is not a 14-digit timestamp (order is the same under every Prisma version)"
            fix = Fix(description, renames=[Rename(name, new)], unsafe=True)
            findings.append(context.migration_finding(RULE, migration, message, fix, severity="note"))
    return findings


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


def plan_renames(names_in_order: list[str], to_rename: set[str] | None = None) -> tuple[dict[str, str], set[str]]:
    """New names for the folders to rename (default: the non-conforming ones) that keep the given
    order; and those for which no timestamp fits."""
    if to_rename is None:
        to_rename = {name for name in names_in_order if not CONVENTION.match(name)}
    keeps = [name not in to_rename for name in names_in_order]
    renames: dict[str, str] = {}
    blocked: set[str] = set()
    previous: datetime | None = None
    for index, name in enumerate(names_in_order):
        if keeps[index]:
            previous = _parse(name[:14]) or previous
            continue
        upper_index = next((later for later in range(index + 1, len(names_in_order)) if keeps[later]), len(names_in_order))
        upper = _parse(names_in_order[upper_index][:14]) if upper_index < len(names_in_order) else None
        stamp = _choose(name, previous, upper, upper_index - index)
        if stamp is None:
            blocked.add(name)
            continue
        renames[name] = f"{stamp.strftime(_STAMP)}_{_suffix(name)}"
        previous = stamp
    return renames, blocked


def _choose(name: str, previous: datetime | None, upper: datetime | None, room: int) -> datetime | None:
    """The date in the name where it fits, else the nearest second that keeps the order.

    It must come after the previous folder and leave one second for each folder still to rename
    before the next kept one (``room`` counts this one too).
    """
    floor = previous + timedelta(seconds=1) if previous is not None else None
    ceiling = upper - timedelta(seconds=room) if upper is not None else None
    candidate = _date_in_name(name) or floor or ceiling or FALLBACK_START
    if floor is not None and candidate < floor:
        candidate = floor
    if ceiling is not None and candidate > ceiling:
        candidate = ceiling
    if floor is not None and candidate < floor:
        return None  # no second left between the neighbours
    return candidate


def _parse(digits: str) -> datetime | None:
    try:
        return datetime.strptime(digits, _STAMP)
    except ValueError:
        return None


def _date_in_name(name: str) -> datetime | None:
    """``20250513_x`` → 2025-05-13 00:00:00; also ``YYYYMMDDHH`` and ``YYYYMMDDHHMM`` prefixes."""
    match = _LEADING_NUMBER.match(name)
    if not match:
        return None
    digits = match.group(1)
    for length, pattern in ((12, "%Y%m%d%H%M"), (10, "%Y%m%d%H"), (8, "%Y%m%d")):
        if len(digits) == length:
            try:
                stamp = datetime.strptime(digits, pattern)
            except ValueError:
                return None
            return stamp if 1990 <= stamp.year <= 2100 else None
    return None


def _suffix(name: str) -> str:
    match = _LEADING_NUMBER.match(name)
    rest = name[match.end() :] if match else name
    rest = re.sub(r"\s+", "_", rest.strip())
    return rest or "migration"
