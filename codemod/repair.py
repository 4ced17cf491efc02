"""Repair to a fixpoint: apply the chosen fixes, replay the rewritten tree, fix what it reveals.

A fix can cause the next failure (a column re-added at the end of ``init`` that a later
migration adds again), and what one failure hid only shows once it is gone. So the repair works
in rounds on the tree as rewritten so far, held in memory (nothing is written): each round
analyses the current tree exactly as ``check`` would, merges the fixes it chose, and rebuilds the
tree. It stops when a round has nothing left to fix, when a round would bring back a tree seen
before (fixes undoing each other), or after :data:`MAX_ROUNDS`; the last two are reported. What
is left is always counted on the final, rewritten tree.
"""

from __future__ import annotations

from sqlglot.dialects.dialect import Dialect

from codemod.analysis.tree import read_migration
from codemod.engine import AnalyseOptions, Analysis, analyse_tree
from codemod.model import Migration, MigrationTree
from codemod.plan import NO_SQL, Plan, TreeState, merge_fixes, order_problems

MAX_ROUNDS = 8


def repair(analysis: Analysis, options: AnalyseOptions) -> Plan:
    """The plan that ``apply`` writes, starting from the analysis of the original tree."""
    original = analysis.tree
    state = TreeState.of(original)
    tree, keys = original, {m.name: m.name for m in original.migrations}
    builder = _TreeBuilder(original)
    current = analysis
    applied = []
    seen = {state.fingerprint()}
    rounds = 0
    problems: list[str] = []
    while current.fixes:
        if rounds == MAX_ROUNDS:
            problems.append(f"the repair did not settle after {MAX_ROUNDS} rounds of fixes; apply this result and run codemod again")
            break
        next_state = merge_fixes(state, tree, keys, current.fixes)
        rounds += 1
        if next_state.fingerprint() in seen:
            problems.append("the fixes undo each other (a round brought back a tree seen before); the rest is left for a human")
            break
        applied.extend(current.fixes)
        seen.add(next_state.fingerprint())
        state = next_state
        tree, keys = builder.build(state)
        current = analyse_tree(tree, options)
    plan = Plan(original, current.findings, state, applied, rounds=rounds, converged=not problems, final_tree=tree)
    names = plan.names("in-place")
    plan.problems = problems + order_problems([names[key] for key in state.order], original.order)
    return plan


class _TreeBuilder:
    """Builds the in-memory tree of a state, reusing migrations whose name and bytes did not change."""

    def __init__(self, original: MigrationTree) -> None:
        self.original = original
        self.dialect = Dialect.get_or_raise(original.dialect)
        self.known: dict[tuple[str, bytes | None], Migration] = {(m.name, m.raw if m.has_sql else NO_SQL): m for m in original.migrations}
        self.originals = {m.name: m for m in original.migrations}

    def build(self, state: TreeState) -> tuple[MigrationTree, dict[str, str]]:
        names = state.names("in-place")
        migrations = []
        keys: dict[str, str] = {}
        for position, key in enumerate(state.order):
            name = names[key]
            data = state.contents.get(key)
            migration = self.known.get((name, data))
            if migration is None:
                migration = self._migration(key, name, data)
                self.known[(name, data)] = migration
            migration.position = position
            migrations.append(migration)
            keys[name] = key
        tree = MigrationTree(self.original.root, self.original.provider, self.original.dialect, self.original.order, migrations, self.original.stray_entries)
        return tree, keys

    def _migration(self, key: str, name: str, data: bytes | None) -> Migration:
        folder = self.original.root / name
        if data is NO_SQL:
            source = self.originals[key]
            return Migration(name, folder, folder / "migration.sql", b"", "", False, "\n", has_sql=False, other_files=source.other_files)
        return read_migration(folder, data, self.dialect)
