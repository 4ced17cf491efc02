"""Re-sequencing: an order of the migrations in which everything a migration needs comes first.

A forward reference is first a question of order: a back-dated folder, ``000N_`` names that
sort before a timestamped ``init``. The replay knows, for every statement, which migration
created each object it needs; those are the edges of a dependency graph between migrations.
Two stable topological orders are tried, each as close to today's as the graph allows: one that
lets dependents wait for what they need (they move later), one that brings creators forward
(they move earlier). The one that renames fewer folders wins, and it must replay clean: no
forward reference left and no failure that today's order does not have. A cycle, or an order
that replays worse, means re-sequencing cannot help, and None is returned.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

from sqlglot.dialects.dialect import Dialect

from codemod.analysis.replay import Replay, StatementReport, replay_tree
from codemod.model import MigrationTree


def dependency_edges(replay: Replay) -> set[tuple[str, str]]:
    """(creator, user) pairs of migrations: the creator must apply before the user."""
    edges: set[tuple[str, str]] = set()
    for report in replay.reports:
        if not report.certain or report.caught:
            continue  # a branch that may not run, or a block rolled back, orders nothing
        user = report.statement.migration.name
        for requirement in report.requirements:
            creator = _creator(replay, report, requirement.log_kind, requirement.key, requirement.present, requirement.kind)
            if creator is not None and creator != user:
                edges.add((creator, user))
    return edges


def _creator(replay: Replay, report: StatementReport, kind: str, key: object, present: bool, requirement_kind: str) -> str | None:
    kinds = ("table", "relation") if requirement_kind in ("table", "relation") else (kind,)
    found: StatementReport | None = None
    for log_kind in kinds:
        for creator in replay.creators(log_kind, key):
            if present and creator.seq < report.seq and (found is None or creator.seq > found.seq):
                found = creator
            elif not present and creator.seq > report.seq and (found is None or creator.seq < found.seq):
                found = creator
    return found.statement.migration.name if found is not None else None


def resequence(
    tree: MigrationTree, replay: Replay, dialect: Dialect, renames: Callable[[list[str], set[str]], int]
) -> tuple[list[str], set[str]] | None:
    """The best order of the tree's migration names and the creators whose names to prefer keeping,
    or None when re-sequencing cannot help.

    ``renames`` counts the folders an order would rename (the plan's allocator decides); on a tie
    between two names, the migration that creates what others need keeps its name: the one that
    needs it is the likelier to be back-dated.
    """
    names = [m.name for m in tree.migrations]
    position = {name: index for index, name in enumerate(names)}
    edges = dependency_edges(replay)
    forward = {(creator, user) for creator, user in edges if position[creator] > position[user]}
    if not forward:
        return None
    creators = {creator for creator, _ in forward}
    candidates = [order for order in (_wait(names, edges), _advance(names, edges)) if order is not None]
    candidates.sort(key=lambda order: renames(order, creators))  # stable: on a tie, dependents wait
    baseline = _failures(replay)
    for order in candidates:
        if order != names and _replays_clean(tree, order, dialect, baseline):
            return order, creators
    return None


def _wait(names: list[str], edges: set[tuple[str, str]]) -> list[str] | None:
    """Kahn's order taking the earliest migration whose needs are met: dependents move later."""
    return _kahn(names, edges, lambda name, index: index)


def _advance(names: list[str], edges: set[tuple[str, str]]) -> list[str] | None:
    """The mirror order (built from the end, latest first): creators move earlier."""
    reversed_edges = {(user, creator) for creator, user in edges}
    order = _kahn(names, reversed_edges, lambda name, index: -index)
    return order[::-1] if order is not None else None


def _kahn(names: list[str], edges: set[tuple[str, str]], priority: Callable[[str, int], int]) -> list[str] | None:
    index = {name: number for number, name in enumerate(names)}
    waiting = {name: 0 for name in names}
    after: dict[str, list[str]] = {name: [] for name in names}
    for before, later in edges:
        if before in waiting and later in waiting:
            after[before].append(later)
            waiting[later] += 1
    ready = [(priority(name, index[name]), name) for name in names if waiting[name] == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, name = heapq.heappop(ready)
        order.append(name)
        for later in after[name]:
            waiting[later] -= 1
            if waiting[later] == 0:
                heapq.heappush(ready, (priority(later, index[later]), later))
    return order if len(order) == len(names) else None  # a cycle: no order satisfies every need


def _failures(replay: Replay) -> set[tuple[str, str, str]]:
    return {(report.statement.migration.name, failure.sqlstate, failure.message) for report, failure in replay.failures() if not report.caught}


def _replays_clean(tree: MigrationTree, order: list[str], dialect: Dialect, baseline: set[tuple[str, str, str]]) -> bool:
    """No forward reference left, no more failures than today, and nothing new but duplicates.

    A duplicate can be new: a column that a back-dated migration adds and a later one adds again
    only collides once the back-dated one runs; the next round of fixes removes the repetition.
    """
    by_name = {m.name: m for m in tree.migrations}
    reordered = MigrationTree(tree.root, tree.provider, tree.dialect, tree.order, [by_name[name] for name in order], tree.stray_entries)
    replay = replay_tree(reordered, dialect)
    failures = [(report, failure) for report, failure in replay.failures() if not report.caught]
    if len(_failures(replay)) > len(baseline):
        return False
    for report, failure in failures:
        if (report.statement.migration.name, failure.sqlstate, failure.message) not in baseline and failure.rule != "duplicate-create":
            return False
        subject = failure.subject
        if failure.rule == "missing" and subject is not None and hasattr(subject, "log_kind"):
            if _creator(replay, report, subject.log_kind, subject.key, False, subject.kind) is not None:  # type: ignore[union-attr]
                return False  # still a forward reference
    return True


def same_outcome(tree: MigrationTree, replay: Replay, other_order: list[str], dialect: Dialect) -> bool:
    """Whether applying the tree in another order fails nowhere new and ends with the same schema."""
    by_name = {m.name: m for m in tree.migrations}
    reordered = MigrationTree(tree.root, tree.provider, tree.dialect, tree.order, [by_name[name] for name in other_order], tree.stray_entries)
    other = replay_tree(reordered, dialect)
    return _failures(other) == _failures(replay) and schema_signature(other.final) == schema_signature(replay.final)


def schema_signature(state) -> frozenset:  # type: ignore[no-untyped-def, type-arg]
    """What a schema holds, as a comparable value (names, column types, constraints, values)."""
    items: set[tuple] = set()  # type: ignore[type-arg]
    for name, table in state.tables.items():
        columns = tuple(sorted((c.name, c.type_sql.lower(), c.not_null, c.default_sql) for c in (table.columns or {}).values()))
        constraints = tuple(sorted((key, c.signature) for key, c in table.constraints.items()))
        items.add(("table", name, columns, constraints))
    for name, kind in ((name, relation.kind) for name, relation in state.relations.items()):
        items.add(("relation", name, kind))
    for name, enum in state.types.items():
        items.add(("type", name, enum.values))
    for name, index in state.indexes.items():
        items.add(("index", name, index.table, index.signature or tuple(sorted(index.columns))))
    for key, function in state.functions.items():
        items.add(("function", key, function.returns))
    items.update(("trigger", key) for key in state.triggers)
    return frozenset(items)
