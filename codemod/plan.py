"""The repair as data: the order the tree must apply in, each migration's bytes, and its name.

A :class:`TreeState` is the tree as the repair leaves it so far. Each round of fixes is merged
into it (:func:`merge_fixes`): edits into bytes (identical edits from two fixes land once),
re-sequencing into the order, additions and removals into the list of folders, renames into the
set of folders that must get a 14-digit name. The plan decides nothing: analysis chose the fixes.

Folder names come last (:meth:`Plan.names`), from :mod:`codemod.allocate`, once the order and
the bytes are final, and depend on the write mode (``_fixed`` variants get new names).
A plan with no changes reproduces every byte and every name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Literal

from codemod.allocate import CONVENTION, Slot, allocate
from codemod.analysis.discover import sort_names
from codemod.backup import FIXED_SUFFIX
from codemod.model import Edit, Finding, Migration, MigrationTree, Order

Mode = Literal["fixed", "in-place"]
NO_SQL: None = None  # the bytes of a folder without migration.sql


@dataclass
class TreeState:
    """Entries are keyed by their original folder name, or ``<after>+<suffix>`` for new folders."""

    original: MigrationTree
    order: list[str]
    contents: dict[str, bytes | None]
    must_rename: set[str] = field(default_factory=set)
    suffixes: dict[str, str] = field(default_factory=dict)  # additions: the words after the timestamp
    removed: list[str] = field(default_factory=list)
    chosen_names: dict[str, str] = field(default_factory=dict)  # names set by hand (Plan.rename_folder)
    prefer: set[str] = field(default_factory=set)  # on a tie, these keep their names

    @staticmethod
    def of(tree: MigrationTree) -> TreeState:
        return TreeState(tree, [m.name for m in tree.migrations], {m.name: (m.raw if m.has_sql else NO_SQL) for m in tree.migrations})

    def copy(self) -> TreeState:
        return TreeState(
            self.original, list(self.order), dict(self.contents), set(self.must_rename), dict(self.suffixes),
            list(self.removed), dict(self.chosen_names), set(self.prefer),
        )

    def fingerprint(self) -> tuple:
        return (tuple(self.order), tuple(sorted((k, v) for k, v in self.contents.items() if k in self.order)), tuple(sorted(self.must_rename)))

    def names(self, mode: Mode = "in-place") -> dict[str, str]:
        """Final folder name of every entry, in order."""
        originals = {m.name: m for m in self.original.migrations}
        changed = {key for key in self.order if key in originals and self.contents.get(key) != _raw(originals[key])}
        added = {key for key in self.order if key not in originals}
        forced = set(self.must_rename) | {key for key in added if key in self.suffixes or not CONVENTION.match(key)}
        if mode == "fixed":
            forced |= {key for key in changed if not CONVENTION.match(key)}
        if not forced and [key for key in self.order if key not in added] == [m.name for m in self.original.migrations if m.name in self.order]:
            names = {key: key for key in self.order}
        else:
            slots = [
                Slot(None if key in forced and key in added else key, key in forced, self.suffixes.get(key), key in self.prefer)
                for key in self.order
            ]
            names = dict(zip(self.order, allocate(slots, self.original.order), strict=True))
        names.update((key, name) for key, name in self.chosen_names.items() if key in names)
        if mode == "fixed":
            names = {key: name + FIXED_SUFFIX if key in changed else name for key, name in names.items()}
        return names


def _raw(migration: Migration) -> bytes | None:
    return migration.raw if migration.has_sql else NO_SQL


@dataclass
class Plan:
    """What ``apply`` would do to the original tree, after every round of fixes."""

    tree: MigrationTree
    findings: list[Finding]  # what is left: the findings of the final, rewritten tree
    state: TreeState
    applied: list[Finding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rounds: int = 0
    converged: bool = True
    final_tree: MigrationTree | None = None

    def __post_init__(self) -> None:
        self._names = cache(self.state.names)

    def names(self, mode: Mode = "in-place") -> dict[str, str]:
        return self._names(mode)

    @cached_property
    def contents(self) -> dict[str, bytes]:
        """New bytes of the original migrations whose content changes."""
        originals = {m.name: m for m in self.tree.migrations}
        return {
            key: data
            for key in self.state.order
            if key in originals and (data := self.state.contents.get(key)) is not None and data != originals[key].raw
        }

    @cached_property
    def renames(self) -> dict[str, str]:
        """Original name → new name, for in-place mode."""
        return {key: name for key, name in self.names("in-place").items() if key in self._original_names and name != key}

    @property
    def added(self) -> dict[str, bytes]:
        """New folders (in-place names) and their ``migration.sql``."""
        return self.added_in("in-place")

    def added_in(self, mode: Mode) -> dict[str, bytes]:
        names = self.names(mode)
        return {names[key]: self.state.contents[key] or b"" for key in self.state.order if key not in self._original_names}

    @property
    def removed(self) -> list[str]:
        return self.state.removed

    def add_folder(self, name: str, data: bytes) -> None:
        """A new folder under a name of one's own choosing, placed where that name sorts."""
        names = self.names("in-place")
        position = sum(1 for key in self.state.order if names[key] < name)
        self.state.order.insert(position, name)
        self.state.contents[name] = data
        self._names.cache_clear()

    def rename_folder(self, name: str, new: str) -> None:
        """Give an original folder a name of one's own choosing."""
        self.state.chosen_names[name] = new
        self._names.cache_clear()
        self.__dict__.pop("renames", None)

    def remove_folder(self, name: str) -> None:
        """Move an original folder out of the tree (into the backup)."""
        if name in self.state.order:
            self.state.order.remove(name)
        self.state.removed.append(name)
        self._names.cache_clear()

    @cached_property
    def _original_names(self) -> set[str]:
        return {m.name for m in self.tree.migrations}

    def new_name(self, name: str, mode: Mode = "in-place") -> str:
        return self.names(mode).get(name, name)

    def changed_migrations(self, mode: Mode = "in-place") -> list[Migration]:
        """Original migrations whose content or name changes, in the original tree's order."""
        contents, names = self.contents, self.names(mode)
        return [m for m in self.tree.migrations if m.name in contents or (m.name in names and names[m.name] != m.name)]

    @property
    def empty(self) -> bool:
        return not self.contents and not self.renames and not self.added and not self.removed and not self.reordered

    @property
    def reordered(self) -> bool:
        kept = [m.name for m in self.tree.migrations if m.name in self.state.order]
        return [key for key in self.state.order if key in self._original_names] != kept


def merge_fixes(state: TreeState, tree: MigrationTree, keys: dict[str, str], fixes: list[Finding]) -> TreeState:
    """One round of fixes (on ``tree``, whose migration names map to entry keys) into a new state."""
    merged = state.copy()
    edits: dict[str, list[Edit]] = {}
    for finding in fixes:
        fix = finding.fix
        assert fix is not None
        for edit in fix.edits:
            migration_edits = edits.setdefault(edit.migration, [])
            if edit not in migration_edits:  # the same edit from two fixes lands once
                migration_edits.append(edit)
        for rename in fix.renames:
            merged.must_rename.add(keys[rename.old])
        if fix.order is not None:
            merged.order = [keys[name] for name in fix.order] + [key for key in merged.order if key not in keys.values()]
            merged.prefer |= {keys[name] for name in fix.keep_names}
        for addition in fix.additions:
            after = keys[addition.after]
            key = f"{after}+{addition.suffix}"
            if key in merged.order:
                continue
            position = merged.order.index(after) + 1
            while position < len(merged.order) and merged.order[position].startswith(after + "+"):
                position += 1
            merged.order.insert(position, key)
            merged.contents[key] = addition.text.encode("utf-8")
            merged.suffixes[key] = addition.suffix
        for removal in fix.removals:
            key = keys[removal]
            if key in merged.order:
                merged.order.remove(key)
                merged.removed.append(key)
    for name, migration_edits in edits.items():
        migration = tree.by_name(name)
        merged.contents[keys[name]] = apply_edits(migration.raw, migration_edits)
    return merged


def apply_edits(raw: bytes, edits: list[Edit]) -> bytes:
    """Splice the edits into the original bytes; insertions at one point keep their order."""
    ordered = sorted(enumerate(edits), key=lambda item: (item[1].span.start, item[1].span.end, item[0]))
    pieces: list[bytes] = []
    cursor = 0
    for _, edit in ordered:
        pieces.append(raw[cursor : edit.span.start])
        pieces.append(edit.text.encode("utf-8"))
        cursor = max(cursor, edit.span.end)
    pieces.append(raw[cursor:])
    return b"".join(pieces)


def order_problems(names: list[str], order: Order) -> list[str]:
    """Final names must sort into the intended order under the tree's order (names codemod gives
    sort the same under both; names it keeps are timestamp-name's business)."""
    if sort_names(names, order) == names:
        return []
    return [f"after the renames the folders sort differently under the {order} order; rename by hand"]
