"""Convergence: a database the original tree left half-way must end where the rewritten tree ends.

For the migration k where the original tree fails (Prisma stops there, so that is the state a
deployed database is in), take a fresh database, apply the original migrations before k, then
apply, in the rewritten tree's order, every rewritten migration whose original did not run there
(``codemod resolve`` records the others as applied under their new names; re-sequenced folders
and new folders run, a ``_fixed`` variant of a migration that ran does not). The catalog must equal the one a clean replay
of the rewritten tree gives. When the original applies completely and the plan changes
something, the original's final schema itself must equal the rewritten one (a database fully
deployed with the original, then switched to the rewritten tree, runs nothing new).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from codemod.model import MigrationTree
from codemod.plan import Plan
from codemod.render.changes import FIXED_SUFFIX
from codemod.verify.compare import diff_snapshots
from codemod.verify.introspect import Snapshot, snapshot_url
from codemod.verify.runner import Progress, ScratchServer, TreeResult, replay_migrations


@dataclass
class ConvergenceResult:
    from_migration: str | None  # original migration k (None: after the whole original tree)
    rewritten_from: str | None  # its counterpart in the rewritten tree
    holds: bool
    original_applied: int = 0
    rewritten_run: TreeResult | None = None
    diff: list[str] = field(default_factory=list)
    problem: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "from_migration": self.from_migration,
            "rewritten_from": self.rewritten_from,
            "holds": self.holds,
            "original_applied": self.original_applied,
            "rewritten_run": self.rewritten_run.to_json() if self.rewritten_run else None,
            "diff": self.diff,
            "problem": self.problem,
        }


def counterpart(plan: Plan, rewritten: MigrationTree, name: str) -> int | None:
    """Index in the rewritten tree of original migration ``name``."""
    names = [m.name for m in rewritten.migrations]
    for candidate in (plan.new_name(name), plan.new_name(name, "fixed"), plan.new_name(name) + FIXED_SUFFIX, name):
        if candidate in names:
            return names.index(candidate)
    return None


def _still_to_run(plan: Plan, rewritten: MigrationTree, applied: set[str]) -> list:  # type: ignore[type-arg]
    """Rewritten migrations whose original did not run on the half-deployed database."""
    ran = {index for name in applied if (index := counterpart(plan, rewritten, name)) is not None}
    return [m for index, m in enumerate(rewritten.migrations) if index not in ran]


def check_from_failure(
    server: ScratchServer,
    original: MigrationTree,
    rewritten: MigrationTree,
    plan: Plan,
    k: int,
    rewritten_final: Snapshot,
    progress: Progress | None = None,
) -> ConvergenceResult:
    name = original.migrations[k].name
    j = counterpart(plan, rewritten, name)  # None: the failing folder left the tree
    rewritten_from = rewritten.migrations[j].name if j is not None else None
    url = server.create("converge")
    try:
        before = replay_migrations(url, original.migrations[:k], "original before failure", progress=progress)
        if not before.ok:
            return ConvergenceResult(
                name, rewritten_from, False, len(before.applied),
                problem=f"the original migrations before {name} did not apply again ({before.failed_migration})",
            )
        remainder = _still_to_run(plan, rewritten, {m.name for m in original.migrations[:k]})
        after = replay_migrations(url, remainder, "rewritten remainder", progress=progress)
        result = ConvergenceResult(name, rewritten_from, False, k, after)
        if not after.ok:
            failure = after.failure
            assert failure is not None
            result.problem = (
                f"on the half-deployed database, {failure.name} fails: {failure.message} (SQLSTATE {failure.sqlstate})"
            )
            return result
        result.diff = diff_snapshots(rewritten_final, snapshot_url(url))
        result.holds = not result.diff
        return result
    finally:
        server.drop(url)


def check_fully_applied(original_final: Snapshot, rewritten_final: Snapshot) -> ConvergenceResult:
    diff = diff_snapshots(rewritten_final, original_final)
    return ConvergenceResult(None, None, not diff, diff=diff)
