"""Folder names for an intended order: keep the most names, give the others 14-digit timestamps.

Prisma applies folders in name order, and only names that start with 14 digits sort the same
under every Prisma version. Given the order a tree must apply in and the folders that must get a
new name, this first tries to rename only those (each gets a timestamp between its neighbours
that sorts in its place under both orders, leaving every other name alone). Where that cannot
work, it keeps the longest run of folders whose names start with increasing 14-digit numbers,
with room between them for the folders that must go in between, and gives every other folder a
new timestamp in its gap: the date in its name where that fits, else the nearest free second. It
always finds a solution, because a gap that is too small is resolved by renaming one more folder.

A 14-digit number that is not a real time (``20250512999999_fix``) orders like any other; only
the names codemod writes must be real times.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from codemod.analysis.collation import byte_order_key, locale_compare_key
from codemod.model.tree import Order

STAMP_FORMAT = "%Y%m%d%H%M%S"
CONVENTION = re.compile(r"^\d{14}_")
_LEADING_NUMBER = re.compile(r"^(\d+)[_\-. ]*")
FALLBACK_START = datetime(2000, 1, 1)
_SECOND = timedelta(seconds=1)
_WEIGHTED_LIMIT = 3000  # quadratic: beyond this, ties are not weighed


@dataclass(frozen=True)
class Slot:
    """One folder in the intended order: its current name (None for a new folder), whether it must
    get a new name, and the words to keep after the timestamp."""

    name: str | None
    must_rename: bool = False
    suffix: str | None = None
    prefer: bool = False  # on a tie, keep this name rather than another


def stamp_of(name: str) -> datetime | None:
    """The timestamp a conforming name starts with, if it is a real date and time."""
    if not CONVENTION.match(name):
        return None
    try:
        return datetime.strptime(name[:14], STAMP_FORMAT)
    except ValueError:
        return None  # 20250512999999_x: 14 digits, not a time


def number_of(name: str) -> int | None:
    """The 14-digit number a name starts with (real time or not): what orders it."""
    return int(name[:14]) if CONVENTION.match(name) else None


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


def allocate(slots: list[Slot], order: Order = "locale") -> list[str]:
    """Final names, in the given order, that sort in that order (and the same under both orders)."""
    return _rename_only_the_forced(slots, order) or _rename_a_few_more(slots, order) or _allocate_all(slots)


_NEIGHBOUR_ROUNDS = 3  # how far from the forced folders to look before renaming by the longest run
_NEIGHBOUR_LIMIT = 50  # forced folders beyond which the longest run is the better plan anyway


def _rename_a_few_more(slots: list[Slot], order: Order) -> list[str] | None:
    """Rename the forced folders and as few of their neighbours as make the names fit.

    A ``_fixed`` folder between two bare-date names (``20250514_x_fixed`` sorts after
    ``20250514_x_2`` under one order only) needs a neighbour renamed too, not every name of the
    tree that lacks 14 digits. Neighbours whose names lack 14 digits are tried first: they are
    the ones whose names are already a problem.
    """
    forced = {index for index, slot in enumerate(slots) if slot.must_rename or slot.name is None}
    if not forced or len(forced) > _NEIGHBOUR_LIMIT:
        return None
    for _ in range(_NEIGHBOUR_ROUNDS):
        around = {j for i in forced for j in (i - 1, i + 1) if 0 <= j < len(slots) and j not in forced}
        for extra in sorted(around, key=lambda j: (number_of(slots[j].name or "") is not None, j)):
            names = _rename_only_the_forced(_forcing(slots, forced | {extra}), order)
            if names is not None:
                return names
        if not around:
            return None
        forced |= around
        names = _rename_only_the_forced(_forcing(slots, forced), order)
        if names is not None:
            return names
    return None


def _forcing(slots: list[Slot], forced: set[int]) -> list[Slot]:
    return [replace(slot, must_rename=True) if index in forced and not slot.must_rename and slot.name is not None else slot for index, slot in enumerate(slots)]


def _rename_only_the_forced(slots: list[Slot], order: Order) -> list[str] | None:
    """Rename only the folders that must change, if their new names fit among the others."""
    numbers = [None if slot.must_rename or slot.name is None else number_of(slot.name) for slot in slots]
    names: list[str] = []
    previous: datetime | None = None
    for index, slot in enumerate(slots):
        if not (slot.must_rename or slot.name is None):
            assert slot.name is not None
            names.append(slot.name)
            if numbers[index] is not None:
                previous = _first_valid_after(numbers[index]) - _SECOND  # type: ignore[arg-type]
            continue
        upper_index = next((later for later in range(index + 1, len(slots)) if numbers[later] is not None), None)
        upper = _last_valid_before(numbers[upper_index]) + _SECOND if upper_index is not None else None  # type: ignore[arg-type]
        forced_between = sum(1 for later in range(index + 1, upper_index or len(slots)) if numbers[later] is None and (slots[later].must_rename or slots[later].name is None))
        stamp = _choose(slot, previous, upper, forced_between + 1)
        if stamp is None:
            return None
        names.append(f"{stamp.strftime(STAMP_FORMAT)}_{slot.suffix or (suffix_of(slot.name) if slot.name else 'migration')}")
        previous = stamp
    return names if _fits(names, slots, order) else None


def _fits(names: list[str], slots: list[Slot], order: Order) -> bool:
    """Sorted in the tree's order, and each new name in the same place under the other order too."""
    key: Callable[[str], Any] = locale_compare_key if order == "locale" else byte_order_key
    other: Callable[[str], Any] = byte_order_key if order == "locale" else locale_compare_key
    keys = [key(name) for name in names]
    if any(a >= b for a, b in zip(keys, keys[1:], strict=False)):
        return False
    others = [other(name) for name in names]
    for index, slot in enumerate(slots):
        if slot.must_rename or slot.name is None:
            if any((keys[index] < keys[j]) != (others[index] < others[j]) for j in range(len(names)) if j != index):
                return False
    return True


def _allocate_all(slots: list[Slot]) -> list[str]:
    numbers = [None if slot.must_rename or slot.name is None else number_of(slot.name) for slot in slots]
    candidates = [i for i, number in enumerate(numbers) if number is not None]
    if any(slots[i].prefer for i in candidates) and len(candidates) <= _WEIGHTED_LIMIT:
        kept = _heaviest_increasing(candidates, numbers, [slot.prefer for slot in slots])
    else:
        kept = _longest_increasing(candidates, numbers)
    while True:
        tight = _first_tight_gap(kept, numbers)
        if tight is None:
            break
        kept.remove(tight)
    return _fill(slots, numbers, set(kept))


def _room(low: int, high: int) -> int:
    """How many real times lie strictly between two 14-digit numbers."""
    first, last = _first_valid_after(low), _last_valid_before(high)
    return max(0, (last - first) // _SECOND + 1)


def _longest_increasing(candidates: list[int], numbers: list[int | None]) -> list[int]:
    """Indexes (in order) of the longest run of strictly increasing numbers (patience sorting)."""
    tails: list[int] = []
    tail_index: list[int] = []
    previous: dict[int, int | None] = {}
    for index in candidates:
        number = numbers[index]
        assert number is not None
        position = bisect_left(tails, number)
        if position == len(tails):
            tails.append(number)
            tail_index.append(index)
        else:
            tails[position] = number
            tail_index[position] = index
        previous[index] = tail_index[position - 1] if position > 0 else None
    chain: list[int] = []
    current = tail_index[-1] if tail_index else None
    while current is not None:
        chain.append(current)
        current = previous[current]
    return chain[::-1]


def _heaviest_increasing(candidates: list[int], numbers: list[int | None], prefer: list[bool]) -> list[int]:
    """The longest run of increasing numbers with room between them; on a tie, the most preferred."""
    weight = {i: 1000 + prefer[i] for i in candidates}
    best: dict[int, int] = {}
    back: dict[int, int | None] = {}
    for position, j in enumerate(candidates):
        number_j = numbers[j]
        assert number_j is not None
        best[j], back[j] = weight[j], None
        for i in candidates[:position]:
            number_i = numbers[i]
            assert number_i is not None
            if number_i < number_j and _room(number_i, number_j) >= j - i - 1 and best[i] + weight[j] > best[j]:
                best[j], back[j] = best[i] + weight[j], i
    if not best:
        return []
    current: int | None = max(candidates, key=lambda i: (best[i], -i))
    chain = []
    while current is not None:
        chain.append(current)
        current = back[current]
    return chain[::-1]


def _first_tight_gap(kept: list[int], numbers: list[int | None]) -> int | None:
    """A kept folder whose gap to the previous kept one cannot hold the folders between them."""
    for before, after in zip(kept, kept[1:], strict=False):
        between = after - before - 1
        low, high = numbers[before], numbers[after]
        assert low is not None and high is not None
        if between and _room(low, high) < between:
            return after
    return None


def _fill(slots: list[Slot], numbers: list[int | None], kept: set[int]) -> list[str]:
    names: list[str] = []
    previous: datetime | None = None
    for index, slot in enumerate(slots):
        if index in kept:
            assert slot.name is not None and numbers[index] is not None
            names.append(slot.name)
            previous = _first_valid_after(numbers[index]) - _SECOND  # type: ignore[arg-type]
            continue
        upper_index = next((later for later in range(index + 1, len(slots)) if later in kept), None)
        upper = _last_valid_before(numbers[upper_index]) + _SECOND if upper_index is not None else None  # type: ignore[arg-type]
        room = (upper_index - index) if upper_index is not None else 1
        stamp = _choose(slot, previous, upper, room) or (previous + _SECOND if previous else FALLBACK_START)
        suffix = slot.suffix or (suffix_of(slot.name) if slot.name else "migration")
        names.append(f"{stamp.strftime(STAMP_FORMAT)}_{suffix}")
        previous = stamp
    return names


def _choose(slot: Slot, previous: datetime | None, upper: datetime | None, room: int) -> datetime | None:
    """The date in the name where it fits, else the nearest second that keeps the order.

    It must come after the previous folder and leave one second for each folder still to place
    before the next kept one (``room`` counts this one too); None when no second is left.
    """
    floor = previous + _SECOND if previous is not None else None
    ceiling = upper - _SECOND * room if upper is not None else None
    candidate = (date_in_name(slot.name) if slot.name else None) or floor or ceiling or FALLBACK_START
    if floor is not None and candidate < floor:
        candidate = floor
    if ceiling is not None and candidate > ceiling:
        candidate = ceiling
    if floor is not None and candidate < floor:
        return None
    return candidate


def _split(number: int) -> list[int]:
    digits = f"{number:014d}"
    return [int(digits[0:4]), int(digits[4:6]), int(digits[6:8]), int(digits[8:10]), int(digits[10:12]), int(digits[12:14])]


def _first_valid_after(number: int) -> datetime:
    """The earliest real time whose 14 digits exceed ``number``."""
    year, month, day, hour, minute, second = _split(number)
    second += 1
    if second > 59:
        second, minute = 0, minute + 1
    if minute > 59:
        minute, second, hour = 0, 0, hour + 1
    if hour > 23:
        hour, minute, second, day = 0, 0, 0, day + 1
    if month < 1:
        month, day, hour, minute, second = 1, 1, 0, 0, 0
    if day < 1:
        day, hour, minute, second = 1, 0, 0, 0
    if month > 12:
        year, month, day, hour, minute, second = year + 1, 1, 1, 0, 0, 0
    if day > calendar.monthrange(year, month)[1]:
        month, day, hour, minute, second = month + 1, 1, 0, 0, 0
        if month > 12:
            year, month = year + 1, 1
    return datetime(max(year, 1), month, day, hour, minute, second)


def _last_valid_before(number: int) -> datetime:
    """The latest real time whose 14 digits are below ``number``."""
    year, month, day, hour, minute, second = _split(number)
    if month > 12:
        month, day, hour, minute, second = 12, 31, 23, 59, 60
    if month >= 1 and day > calendar.monthrange(year, month)[1]:
        day, hour, minute, second = calendar.monthrange(year, month)[1], 23, 59, 60
    if hour > 23:
        hour, minute, second = 23, 59, 60
    if minute > 59:
        minute, second = 59, 60
    second = min(second, 60) - 1
    if second < 0:
        second, minute = 59, minute - 1
    if minute < 0:
        minute, hour = 59, hour - 1
    if hour < 0:
        hour, day = 23, day - 1
    if month < 1:
        year, month, day = year - 1, 12, 31
    if day < 1:
        month -= 1
        if month < 1:
            year, month = year - 1, 12
        day = calendar.monthrange(year, month)[1]
    return datetime(max(year, 1), month, day, hour, minute, second)
