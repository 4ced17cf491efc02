"""Bring `_prisma_migrations` in line with the rewritten tree, with `prisma migrate resolve`'s rules.

Automatic plan (no ``--applied`` / ``--rolled-back``):

* a failed row whose migration was rewritten → ``rolled_back_at = now()``: the next
  ``prisma migrate deploy`` applies the rewritten (idempotent) version;
* an applied row whose folder was renamed → ``migration_name`` follows the new name (and the
  checksum the new file, when it was rewritten into a ``_fixed`` variant);
* an applied migration whose file was rewritten → ``checksum`` updated.

Explicit (``prisma migrate resolve``'s rules, checked on Prisma's schema engine):

* ``--applied NAME``: the folder must exist; an applied row is an error (P3008); failed rows get
  ``rolled_back_at``; a new row is inserted with ``started_at = finished_at = now()``,
  ``applied_steps_count = 0`` and the file's checksum.
* ``--rolled-back NAME``: no row is an error (P3011); no failed row is an error (P3012); the
  failed rows get ``rolled_back_at``.

Rows are never deleted. Every statement uses parameters and must touch exactly one row, else the
whole transaction is rolled back. A JSON copy of every row is written before the first change, and
Prisma's advisory lock keeps a run apart from ``migrate deploy`` and from another run.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from codemod.analysis.discover import Order
from codemod.display import escape
from codemod.errors import CodemodError
from codemod.history.connect import DatabaseUrl, connect, parse_url
from codemod.history.local import load_local_tree
from codemod.history.status import StatusReport, compare
from codemod.history.table import TABLE, Row, acquire_lock, backup_rows, qualified_table, read_rows, release_lock
from codemod.names import quote_ident, quote_literal

CREATE_TABLE = (
    "CREATE TABLE IF NOT EXISTS {table} (\n"
    '    "id" VARCHAR(36) PRIMARY KEY NOT NULL,\n'
    '    "checksum" VARCHAR(64) NOT NULL,\n'
    '    "finished_at" TIMESTAMPTZ,\n'
    '    "migration_name" VARCHAR(255) NOT NULL,\n'
    '    "logs" TEXT,\n'
    '    "rolled_back_at" TIMESTAMPTZ,\n'
    '    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),\n'
    '    "applied_steps_count" INTEGER NOT NULL DEFAULT 0\n'
    ")"
)


class ResolveError(CodemodError):
    """A requested change breaks Prisma's rules (P3008, P3011, P3012, unknown migration)."""


class ResolveConflict(CodemodError):
    """The table changed under us: nothing was changed."""


@dataclass
class Action:
    kind: str  # "rolled-back", "rename", "checksum", "applied", "create-table"
    migration: str
    reason: str
    template: str  # SQL with {table} and %s placeholders
    params: tuple[Any, ...] = ()
    expect_rows: int | None = 1

    def describe(self) -> str:
        return f"{self.kind:<12} {self.migration}: {self.reason}"

    def display_sql(self, schema: str) -> str:
        table = f"{quote_ident(schema)}.{quote_ident(TABLE)}"
        text = self.template.replace("{table}", table)
        pieces = text.split("%s")
        out = [pieces[0]]
        for value, piece in zip(self.params, pieces[1:], strict=False):
            out.append(_literal(value) + piece)
        return "".join(out) + ";"

    def query(self, schema: str) -> Any:
        from psycopg import sql

        return sql.SQL(self.template).format(table=qualified_table(schema))


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, (int, float)):
        return str(value)
    return quote_literal(str(value))


@dataclass
class ResolvePlan:
    actions: list[Action] = field(default_factory=list)
    left: list[str] = field(default_factory=list)  # what needs a human

    @property
    def empty(self) -> bool:
        return not self.actions

    def text(self, schema: str) -> str:
        if not self.actions:
            lines = ["nothing to change in _prisma_migrations"]
        else:
            lines = [f"plan ({len(self.actions)} change(s), one transaction):"]
            lines += ["  " + action.describe() for action in self.actions]
            lines.append("SQL:")
            lines.append("  BEGIN;")
            for action in self.actions:
                lines += ["  " + line for line in action.display_sql(schema).splitlines()]
            lines.append("  COMMIT;")
        for item in self.left:
            lines.append(f"left for a human: {item}")
        return "\n".join(map(escape, lines)) + "\n"  # names are data: one line each, no control characters


def _rolled_back(row: Row, reason: str) -> Action:
    return Action(
        "rolled-back",
        row.migration_name,
        reason,
        "UPDATE {table} SET rolled_back_at = now() WHERE id = %s AND finished_at IS NULL AND rolled_back_at IS NULL",
        (row.id,),
    )


def auto_plan(report: StatusReport) -> ResolvePlan:
    """The changes that make the database's history agree with the rewritten tree."""
    plan = ResolvePlan()
    if not report.has_table:
        plan.left.append(f"no {TABLE} table: nothing to resolve (deploy, or baseline with --applied NAME)")
        return plan
    for entry in report.entries:
        row = entry.row
        if row is None:
            continue
        if entry.state == "failed":
            if entry.rewritten:
                target = entry.local.name if entry.local else entry.name
                where = f"; the next deploy applies {target}" if target != row.migration_name else "; the next deploy runs the rewritten file"
                plan.actions.append(_rolled_back(row, "failed, and its migration was rewritten" + where))
            else:
                plan.left.append(
                    f"{row.migration_name} failed and its file is unchanged: fix it first, or use "
                    f"--rolled-back / --applied {row.migration_name}"
                )
        elif entry.state in ("renamed", "replaced") and entry.local is not None:
            new_checksum = row.checksum if entry.state == "renamed" else entry.local.checksum
            what = "renamed" if entry.state == "renamed" else "rewritten into"
            plan.actions.append(
                Action(
                    "rename",
                    row.migration_name,
                    f"{what} {entry.local.name} (matched by {entry.matched_by}); the row follows it"
                    + ("" if new_checksum == row.checksum else ", with the new file's checksum"),
                    "UPDATE {table} SET migration_name = %s, checksum = %s "
                    "WHERE id = %s AND migration_name = %s AND checksum = %s AND rolled_back_at IS NULL",
                    (entry.local.name, new_checksum, row.id, row.migration_name, row.checksum),
                )
            )
        elif entry.state == "modified" and entry.local is not None:
            why = "rewritten by codemod apply" if entry.by_codemod else "edited since it was applied (not by codemod): the file is taken as it is"
            plan.actions.append(
                Action(
                    "checksum",
                    row.migration_name,
                    f"{why}; Prisma stops reporting it as modified",
                    "UPDATE {table} SET checksum = %s WHERE id = %s AND checksum = %s AND rolled_back_at IS NULL",
                    (entry.local.checksum, row.id, row.checksum),
                )
            )
        elif entry.state == "missing-locally":
            plan.left.append(f"{entry.name} is applied in the database but has no folder in the tree: restore it")
    return plan


def explicit_plan(report: StatusReport, applied: list[str], rolled_back: list[str]) -> ResolvePlan:
    """``--applied`` / ``--rolled-back``, as ``prisma migrate resolve`` does them."""
    plan = ResolvePlan()
    local = report.tree.by_name()
    rows_of: dict[str, list[Row]] = {}
    for row in report.rows:
        rows_of.setdefault(row.migration_name, []).append(row)
    for name in rolled_back:
        rows = rows_of.get(name, [])
        if not rows:
            raise ResolveError(f"P3011: migration {name} cannot be rolled back because it was never applied to the database")
        failed = [row for row in rows if row.failed]
        if not failed:
            raise ResolveError(f"P3012: migration {name} cannot be rolled back because it is not in a failed state")
        for row in failed:
            plan.actions.append(_rolled_back(row, "--rolled-back: the next deploy applies it again"))
    for name in applied:
        migration = local.get(name)
        if migration is None:
            raise ResolveError(f"migration {name} is not in the tree ({report.tree.root}): --applied needs its folder")
        rows = rows_of.get(name, [])
        if any(row.applied for row in rows):
            raise ResolveError(f"P3008: migration {name} is already recorded as applied in the database")
        if not report.has_table and not any(a.kind == "create-table" for a in plan.actions):
            plan.actions.append(
                Action("create-table", TABLE, "no table yet: created as Prisma creates it", CREATE_TABLE, (), None)
            )
        for row in rows:
            if row.failed:
                plan.actions.append(_rolled_back(row, "--applied: the failed attempt is kept, rolled back"))
        plan.actions.append(
            Action(
                "applied",
                name,
                "--applied: recorded as applied without running it (started_at = finished_at = now, 0 steps)",
                "INSERT INTO {table} (id, checksum, migration_name, logs, rolled_back_at, started_at, finished_at, "
                "applied_steps_count) VALUES (%s, %s, %s, NULL, NULL, now(), now(), 0)",
                (str(uuid.uuid4()), migration.checksum, name),
            )
        )
    return plan


def make_resolve_plan(report: StatusReport, applied: list[str] | None = None, rolled_back: list[str] | None = None) -> ResolvePlan:
    if applied or rolled_back:
        return explicit_plan(report, list(applied or []), list(rolled_back or []))
    return auto_plan(report)


def execute_plan(conn: Any, plan: ResolvePlan, schema: str) -> None:
    """Run every action in one transaction; any action touching the wrong number of rows undoes all."""
    with conn.transaction():
        for action in plan.actions:
            cursor = conn.execute(action.query(schema), action.params)
            if action.expect_rows is not None and cursor.rowcount != action.expect_rows:
                raise ResolveConflict(
                    f"{action.kind} {action.migration} touched {cursor.rowcount} row(s), expected "
                    f"{action.expect_rows}: the table changed meanwhile; nothing was changed"
                )


@dataclass
class ResolveOutcome:
    report: StatusReport
    plan: ResolvePlan
    dry_run: bool
    backup: Path | None = None
    executed: bool = False

    @property
    def exit_code(self) -> int:
        return 1 if self.plan.left else 0


def default_backup_file(report: StatusReport) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return report.tree.backup_root / f"resolve-{stamp}" / f"{TABLE}.json"


def resolve(
    path: Path | str,
    database_url: str | DatabaseUrl | None,
    *,
    dry_run: bool = False,
    applied: list[str] | None = None,
    rolled_back: list[str] | None = None,
    backup_file: Path | None = None,
    order: Order = "locale",
    lock_timeout: float = 10.0,
    on_plan: Any = None,
) -> ResolveOutcome:
    """Plan (and unless ``dry_run``, run) the history changes; ``on_plan(outcome)`` is called before running."""
    tree = load_local_tree(path, order)
    url = database_url if isinstance(database_url, DatabaseUrl) else parse_url(database_url)
    with connect(url, autocommit=True, read_only=dry_run) as conn:
        locked = False
        if not dry_run:
            acquire_lock(conn, lock_timeout)
            locked = True
        try:
            rows = read_rows(conn, url.schema)
            report = compare(tree, url, rows)
            plan = make_resolve_plan(report, applied, rolled_back)
            outcome = ResolveOutcome(report, plan, dry_run)
            if on_plan is not None:
                on_plan(outcome)
            if dry_run or plan.empty:
                return outcome
            outcome.backup = backup_rows(report.rows, backup_file or default_backup_file(report), url.schema, url.display)
            execute_plan(conn, plan, url.schema)
            outcome.executed = True
            return outcome
        finally:
            if locked and not conn.closed:
                try:
                    release_lock(conn)
                except Exception:
                    pass  # the lock goes with the session
