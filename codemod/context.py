"""What a rule is given: the tree, its replay, the options; and the helpers rules share.

Rules (``transforms/``) import nothing of codemod but this module, the model, names and sqlgen:
everything they may ask of the pipeline goes through here, so a rule cannot reach for files,
folders or the order of another stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot.dialects.dialect import Dialect

from codemod.allocate import Slot, allocate
from codemod.analysis.discover import order_disagreements, sort_names
from codemod.analysis.replay import Creation, Failure, Replay, Requirement, StatementReport
from codemod.analysis.sequence import resequence, same_outcome
from codemod.analysis.table_elements import (
    Action,
    ForeignKey,
    alter_actions,
    column_texts,
    constraint_texts,
    foreign_keys,
)
from codemod.idempotent import Outcome, make_idempotent
from codemod.model import Finding, Fix, Migration, MigrationTree, Severity, Statement
from codemod.model.edits import append_to_migration, insert_after, insert_before, replace_chars, replace_statement
from codemod.model.rules import Rule

__all__ = [
    "Action",
    "Context",
    "Creation",
    "Failure",
    "ForeignKey",
    "Outcome",
    "Requirement",
    "StatementReport",
    "alter_actions",
    "append_to_migration",
    "column_texts",
    "foreign_keys",
    "insert_after",
    "insert_before",
    "replace_chars",
    "replace_statement",
]


@dataclass
class Context:
    tree: MigrationTree
    replay: Replay
    idempotent: bool = False  # harden every statement of a rewritten migration (--idempotent)
    keep_order: bool = False  # never re-sequence (--keep-order): guard and re-run instead
    unsafe_fixes: bool = False  # rules may then include the risky parts of a fix (--unsafe-fixes)
    _order: list[tuple[list[str], set[str]] | None] = field(default_factory=list, repr=False)

    # ── findings ─────────────────────────────────────────────────────────────────────────
    def finding(
        self, rule: Rule, statement: Statement, message: str, fix: Fix | None = None,
        severity: Severity | None = None, help: str | None = None,
    ) -> Finding:
        migration = statement.migration
        return Finding(rule.code, severity or rule.severity, migration.name, migration.sql_path, statement.line, statement.col, message, fix, help)

    def failure_finding(
        self, rule: Rule, report: StatementReport, failure: Failure, fix: Fix | None = None, help: str | None = None,
        message: str | None = None,
    ) -> Finding:
        """A finding at the statement where PostgreSQL would stop, with its SQLSTATE.

        Where codemod cannot decide whether the statement runs (a DO branch on data), it is a
        warning without a fix: the tree may well apply.
        """
        migration = report.statement.migration
        text = message or failure.message
        severity = rule.severity
        if not failure.certain:
            text = f"may fail: {text} (if the DO block's branch runs: codemod cannot decide its condition)"
            severity, fix = "warning", None
            help = help or "check the condition: if the branch can run, this statement needs what it names"
        return Finding(
            rule.code, severity, migration.name, migration.sql_path, report.line, report.col, text, fix,
            help, failure.sqlstate, certain=failure.certain,
        )

    def migration_finding(
        self, rule: Rule, migration: Migration, message: str, fix: Fix | None = None,
        severity: Severity | None = None, help: str | None = None, sqlstate: str | None = None,
    ) -> Finding:
        return Finding(rule.code, severity or rule.severity, migration.name, migration.folder, 1, 1, message, fix, help, sqlstate)

    def file_finding(
        self, rule: Rule, migration: Migration, line: int, message: str, fix: Fix | None = None,
        help: str | None = None, sqlstate: str | None = None,
    ) -> Finding:
        return Finding(rule.code, rule.severity, migration.name, migration.sql_path, line, 1, message, fix, help, sqlstate)

    # ── what rules may ask ───────────────────────────────────────────────────────────────
    def failures(self, rule: str) -> list[tuple[StatementReport, Failure]]:
        """Predicted failures that the replay assigned to a rule, in tree order."""
        return [(report, failure) for report, failure in self.replay.failures() if failure.rule == rule and not report.caught]

    def creator_after(self, requirement: Requirement, seq: int) -> StatementReport | None:
        """The first statement after ``seq`` that creates what a requirement names."""
        found = [r for kind in requirement.log_kinds if (r := self.replay.first_creation_after(kind, requirement.key, seq)) is not None]
        return min(found, key=lambda report: report.seq) if found else None

    def created_before(self, requirement: Requirement, seq: int) -> StatementReport | None:
        """The last statement before ``seq`` that created what a requirement names."""
        return self.replay.created_before(requirement, seq)

    def remover(self, report: StatementReport, requirement: Requirement) -> str | None:
        """The migration that dropped or renamed what a statement needs, after creating it earlier."""
        return self.replay.remover(report, requirement)

    def resequenced(self) -> tuple[list[str], set[str]] | None:
        """An order of the migrations in which every need comes first, and the migrations whose
        names to prefer keeping (None: keep today's order)."""
        if self.keep_order:
            return None
        if not self._order:
            dialect = Dialect.get_or_raise(self.tree.dialect)
            self._order.append(resequence(self.tree, self.replay, dialect, self._renames_count))
        return self._order[0]

    def _renames_count(self, order: list[str], prefer: set[str]) -> int:
        """How many folders an order renames (what re-sequencing minimises)."""
        slots = [Slot(name, prefer=name in prefer) for name in order]
        return sum(new != old for old, new in zip(order, allocate(slots, self.tree.order), strict=True))

    def orders_give_the_same_outcome(self) -> bool:
        """Whether the tree applied in the other Prisma order fails nowhere new and ends the same."""
        names = [m.name for m in self.tree.migrations]
        other = sort_names(names, "bytes" if self.tree.order == "locale" else "locale")
        return other == names or same_outcome(self.tree, self.replay, other, Dialect.get_or_raise(self.tree.dialect))

    def allocate_names(self, names: list[str], must_rename: set[str]) -> dict[str, str]:
        """14-digit names that keep this order (see :mod:`codemod.allocate`)."""
        return dict(zip(names, allocate([Slot(name, name in must_rename) for name in names], self.tree.order), strict=True))

    def column_texts(self, statement: Statement) -> dict[str, str]:
        return column_texts(statement)

    def constraint_texts(self, statement: Statement) -> dict[str, str]:
        return constraint_texts(statement)

    def foreign_keys(self, statement: Statement, table: object) -> list[ForeignKey]:
        return foreign_keys(statement, table)  # type: ignore[arg-type]

    def harden(self, statement: Statement) -> Outcome:
        return make_idempotent(statement)

    @staticmethod
    def order_disagreements(names: list[str]) -> set[str]:
        return order_disagreements(names)

    @staticmethod
    def sort_names(names: list[str], order: str) -> list[str]:
        return sort_names(names, order)  # type: ignore[arg-type]

