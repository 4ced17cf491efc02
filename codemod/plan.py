"""Merge the chosen fixes into one set of file edits and folder renames.

The plan decides nothing: analysis chose the fixes and the finishing rules dropped the ones
that clash. Identical edits from two fixes land once. A plan with no edits reproduces every byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from codemod.analysis.discover import sort_names
from codemod.model import ORDERS, Edit, Finding, Migration, MigrationTree


@dataclass
class Plan:
    tree: MigrationTree
    findings: list[Finding]
    applied: list[Finding] = field(default_factory=list)
    contents: dict[str, bytes] = field(default_factory=dict)
    renames: dict[str, str] = field(default_factory=dict)
    added: dict[str, bytes] = field(default_factory=dict)  # new folder name → its migration.sql
    removed: list[str] = field(default_factory=list)  # folders moved out of the tree (into the backup)
    problems: list[str] = field(default_factory=list)

    def new_name(self, name: str) -> str:
        return self.renames.get(name, name)

    def changed_migrations(self) -> list[Migration]:
        """Migrations whose content or name changes, in the tree's order."""
        return [m for m in self.tree.migrations if m.name in self.contents or m.name in self.renames]

    @property
    def empty(self) -> bool:
        return not self.contents and not self.renames and not self.added and not self.removed


def make_plan(tree: MigrationTree, fixes: list[Finding], findings: list[Finding]) -> Plan:
    plan = Plan(tree, list(findings))
    edits: dict[str, list[Edit]] = {}
    for finding in fixes:
        assert finding.fix is not None
        for edit in finding.fix.edits:
            migration_edits = edits.setdefault(edit.migration, [])
            if edit not in migration_edits:  # the same edit from two fixes lands once
                migration_edits.append(edit)
        for rename in finding.fix.renames:
            plan.renames[rename.old] = rename.new
        plan.applied.append(finding)
    for name, migration_edits in edits.items():
        migration = tree.by_name(name)
        plan.contents[name] = apply_edits(migration.raw, migration_edits)
    _check_order(plan)
    return plan


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


def _check_order(plan: Plan) -> None:
    """Renamed trees must apply in the same order as before, under both Prisma orders."""
    if not plan.renames:
        return
    intended = [plan.new_name(m.name) for m in plan.tree.migrations]
    for order in ORDERS:
        if sort_names(intended, order) != intended:
            plan.problems.append(
                f"after the renames the folders sort differently under the {order} order; rename by hand"
            )
