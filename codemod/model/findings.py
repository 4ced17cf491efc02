"""What analysis produces: findings, and the fixes (edits and renames) they propose."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from codemod.model.tree import Span

Severity = Literal["error", "warning", "note"]
SEVERITY_RANK: dict[str, int] = {"error": 0, "warning": 1, "note": 2}


@dataclass(frozen=True)
class Edit:
    """Replace the bytes ``span`` of ``migration``'s file with ``text`` (encoded as the file is)."""

    migration: str
    span: Span
    text: str


@dataclass(frozen=True)
class Rename:
    """Rename a migration folder (its identity in ``_prisma_migrations`` changes with it)."""

    old: str
    new: str


@dataclass(frozen=True)
class Addition:
    """A new migration folder right after ``after``, holding ``text``; its name is chosen by the plan
    (a 14-digit timestamp between its neighbours, then ``suffix``)."""

    after: str
    suffix: str
    text: str


@dataclass
class Fix:
    """What a finding's repair consists of; empty lists mean nothing to change.

    ``removals`` are migration folders moved out of the tree (into the backup), never deleted;
    ``order`` re-sequences the tree (the plan then gives the moved folders new names).
    """

    description: str
    edits: list[Edit] = field(default_factory=list)
    renames: list[Rename] = field(default_factory=list)
    unsafe: bool = False
    additions: list[Addition] = field(default_factory=list)
    removals: list[str] = field(default_factory=list)
    order: tuple[str, ...] | None = None  # re-sequence: every migration's name, in the order wanted
    keep_names: tuple[str, ...] = ()  # with ``order``: on a tie, these migrations keep their names


@dataclass
class Finding:
    """A problem found by a rule, located at a statement (or a whole migration).

    ``message`` says what is wrong, in a few words; what to do is apart from it: the fix's
    ``description`` when there is a fix, else ``help`` (what a human should do). ``sqlstate`` is
    the error PostgreSQL would raise there; ``stops_here`` marks the statement where
    ``prisma migrate deploy`` stops on an empty database.
    """

    code: str
    severity: Severity
    migration: str
    path: Path
    line: int
    col: int
    message: str
    fix: Fix | None = None
    help: str | None = None
    sqlstate: str | None = None
    stops_here: bool = False
    certain: bool = True  # False when the statement sits in a DO branch that may or may not run

    @property
    def advice(self) -> str | None:
        """The help line: the fix when there is one, else what a human should do."""
        return self.fix.description if self.fix is not None else self.help

    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


def tally(findings: list[Finding]) -> dict[str, int]:
    """Findings per severity, and how many carry a safe fix (for summaries and reports)."""
    counts = {severity: sum(1 for f in findings if f.severity == severity) for severity in ("error", "warning", "note")}
    counts["fixable"] = sum(1 for f in findings if f.fix is not None and not f.fix.unsafe)
    return counts
