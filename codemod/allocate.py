"""Folder names for an intended order: keep the most names, give the others 14-digit timestamps.

Prisma applies folders in name order, and only names that start with 14 digits (a real date and
time) sort the same under every Prisma version. Given the order a tree must apply in, this keeps
the longest run of folders whose names are already real, increasing timestamps with room between
them for the folders that must go in between, and gives every other folder a new timestamp in
its gap: the date in its name where that fits, else the nearest free second. It always finds a
solution, because a gap that is too small is resolved by renaming one more folder.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime, timedelta

STAMP_FORMAT = "%Y%m%d%H%M%S"
CONVENTION = re.compile(r"^\d{14}_")
_LEADING_NUMBER = re.compile(r"^(\d+)[_\-. ]*")
FALLBACK_START = datetime(2000, 1, 1)
_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class Slot:
    """One folder in the intended order: its current name (None for a new folder), whether it must
    get a new name, and the words to keep after the timestamp."""

    name: str | None
    must_rename: bool = False
    suffix: str | None = None


def stamp_of(name: str) -> datetime | None:
    """The timestamp a conforming name starts with, if it is a real date and time."""
    if not CONVENTION.match(name):
        return None
    try:
        return datetime.strptime(name[:14], STAMP_FORMAT)
    except ValueError:
        return None  # 20250512999999_x: 14 digits, not a time


def suffix_of(name: str) -> str:
    """The words after a leading number: ``20250513_add_x`` → ``add_x``; ``01_init`` → ``init``."""
    match = _LEADING_NUMBER.match(name)
    rest = name[match.end() :] if match else name
    rest = re.sub(r"\s+", "_", rest.strip())
    return rest or "migration"


def date_in_name(name: str) -> datetime | None:
    """``20250513_x`` → 2025-05-13 00:00:00; also ``YYYYMMDDHH`` and ``YYYYMMDDHHMM`` prefixes."""
    match = _LEADING_NUMBER.match(name)
    if not match:
        return None
    digits = match.group(1)
    for length, pattern in ((14, STAMP_FORMAT), (12, "%Y%m%d%H%M"), (10, "%Y%m%d%H"), (8, "%Y%m%d")):
        if len(digits) == length:
            try:
                stamp = datetime.strptime(digits, pattern)
            except ValueError:
                return None
            return stamp if 1990 <= stamp.year <= 2100 else None
    return None


def allocate(slots: list[Slot]) -> list[str]:
    """Final names, in the given order, that sort in that order under both Prisma orders."""
    stamps = [None if slot.must_rename or slot.name is None else stamp_of(slot.name) for slot in slots]
    kept = _longest_increasing([i for i, stamp in enumerate(stamps) if stamp is not None], stamps)
    while True:
        tight = _first_tight_gap(kept, stamps)
        if tight is None:
            break
        kept.remove(tight)
    return _fill(slots, stamps, set(kept))


def _longest_increasing(candidates: list[int], stamps: list[datetime | None]) -> list[int]:
    """Indexes (in order) of the longest run of strictly increasing stamps (patience sorting)."""
    tails: list[datetime] = []
    tail_index: list[int] = []
    previous: dict[int, int | None] = {}
    for index in candidates:
        stamp = stamps[index]
        assert stamp is not None
        position = bisect_left(tails, stamp)
        if position == len(tails):
            tails.append(stamp)
            tail_index.append(index)
        else:
            tails[position] = stamp
            tail_index[position] = index
        previous[index] = tail_index[position - 1] if position > 0 else None
    chain: list[int] = []
    current = tail_index[-1] if tail_index else None
    while current is not None:
        chain.append(current)
        current = previous[current]
    return chain[::-1]


def _first_tight_gap(kept: list[int], stamps: list[datetime | None]) -> int | None:
    """A kept folder whose gap to the previous kept one cannot hold the folders between them."""
    for before, after in zip(kept, kept[1:], strict=False):
        between = after - before - 1
        earlier, later = stamps[before], stamps[after]
        assert earlier is not None and later is not None
        if between and (later - earlier) // _SECOND - 1 < between:
            return after
    return None


def _fill(slots: list[Slot], stamps: list[datetime | None], kept: set[int]) -> list[str]:
    names: list[str] = []
    previous: datetime | None = None
    for index, slot in enumerate(slots):
        if index in kept:
            assert slot.name is not None
            names.append(slot.name)
            previous = stamps[index]
            continue
        upper_index = next((later for later in range(index + 1, len(slots)) if later in kept), None)
        upper = stamps[upper_index] if upper_index is not None else None
        room = (upper_index - index) if upper_index is not None else 1
        stamp = _choose(slot, previous, upper, room)
        suffix = slot.suffix or (suffix_of(slot.name) if slot.name else "migration")
        names.append(f"{stamp.strftime(STAMP_FORMAT)}_{suffix}")
        previous = stamp
    return names


def _choose(slot: Slot, previous: datetime | None, upper: datetime | None, room: int) -> datetime:
    """The date in the name where it fits, else the nearest second that keeps the order.

    It must come after the previous folder and leave one second for each folder still to place
    before the next kept one (``room`` counts this one too).
    """
    floor = previous + _SECOND if previous is not None else None
    ceiling = upper - _SECOND * room if upper is not None else None
    candidate = (date_in_name(slot.name) if slot.name else None) or floor or ceiling or FALLBACK_START
    if floor is not None and candidate < floor:
        candidate = floor
    if ceiling is not None and candidate > ceiling:
        candidate = ceiling
    if floor is not None and candidate < floor:
        candidate = floor  # cannot happen once tight gaps are resolved
    return candidate
