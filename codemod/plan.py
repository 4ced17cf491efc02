"""Merge the fixes of the findings into one consistent set of file edits and folder renames.

A plan with no edits reproduces every input byte. Overlapping edits are refused loudly: the
later fix is dropped and reported, never merged by guesswork. Every migration whose content
changes is made safe to run again (see :mod:`codemod.idempotent`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from codemod.analysis.discover import sort_names
from codemod.idempotent import make_idempotent
from codemod.model import Edit, Finding, Fix, Migration, MigrationTree, Span

IDEMPOTENCY_CODE = "not-idempotent"
CONFLICT_CODE = "fix-conflict"


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


def make_plan(tree: MigrationTree, findings: list[Finding], unsafe_fixes: bool = False) -> Plan:
    plan = Plan(tree, list(findings))
    edits: dict[str, list[Edit]] = defaultdict(list)
    for finding in findings:
        fix = finding.fix
        if fix is None or (fix.unsafe and not unsafe_fixes):
            continue
        clash = _clash(fix, edits, plan.renames)
        if clash:
            plan.findings.append(_conflict(finding, clash))
            continue
        for edit in fix.edits:
            if edit not in edits[edit.migration]:  # the same edit from two findings lands once
                edits[edit.migration].append(edit)
        for rename in fix.renames:
            plan.renames[rename.old] = rename.new
        plan.applied.append(finding)
    for name, migration_edits in edits.items():
        migration = tree.by_name(name)
        migration_edits.extend(_idempotency_edits(migration, migration_edits, plan.findings))
        plan.contents[name] = apply_edits(migration.raw, migration_edits, migration)
    _check_order(plan)
    return plan


def _clash(fix: Fix, edits: dict[str, list[Edit]], renames: dict[str, str]) -> str | None:
    for edit in fix.edits:
        for other in edits.get(edit.migration, []):
            if edit != other and _overlaps(edit.span, other.span):
                return f"its edit of {edit.migration} overlaps another fix"
    for rename in fix.renames:
        if rename.old in renames and renames[rename.old] != rename.new:
            return f"{rename.old} is already renamed to {renames[rename.old]}"
    return None


def _overlaps(a: Span, b: Span) -> bool:
    """Shared bytes; an insertion overlaps only what it falls strictly inside of."""
    if a.start == a.end and b.start == b.end:
        return False  # two insertions at one point: both land, in finding order
    if a.start == a.end:
        return b.start < a.start < b.end
    if b.start == b.end:
        return a.start < b.start < a.end
    return a.start < b.end and b.start < a.end


def _conflict(finding: Finding, reason: str) -> Finding:
    message = f"the fix for {finding.code} here was not applied: {reason}; fix one, then run codemod again"
    return Finding(CONFLICT_CODE, "warning", finding.migration, finding.path, finding.line, finding.col, message)


def _idempotency_edits(migration: Migration, edits: list[Edit], findings: list[Finding]) -> list[Edit]:
    """Edits that make the untouched statements of a changed migration safe to run again."""
    extra: list[Edit] = []
    for statement in migration.statements:
        if any(_overlaps(statement.span, edit.span) for edit in edits):
            continue
        outcome = make_idempotent(statement)
        extra.extend(outcome.edits)
        if outcome.warning:
            findings.append(
                Finding(
                    IDEMPOTENCY_CODE,
                    "warning",
                    migration.name,
                    migration.sql_path,
                    statement.line,
                    statement.col,
                    f"this migration is rewritten, and this statement {outcome.warning}: review it",
                )
            )
    return extra


def apply_edits(raw: bytes, edits: list[Edit], migration: Migration) -> bytes:
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
    for order in ("locale", "bytes"):
        if sort_names(intended, order) != intended:  # type: ignore[arg-type]
            plan.problems.append(
                f"after the renames the folders sort differently under the {order} order; rename by hand"
            )
