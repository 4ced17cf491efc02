"""Compare the tree with `_prisma_migrations`: one state per migration, the order, the next step.

States (as `prisma migrate status` / `diagnoseMigrationHistory` would see them, plus what
`codemod apply` did):

* ``applied``: recorded as applied, the file's checksum matches.
* ``pending``: in the tree, not in the database; the next deploy applies it.
* ``failed``: started, never finished, not rolled back: every deploy stops with P3009.
* ``rolled-back``: its only rows are rolled back; the next deploy applies it again.
* ``modified``: applied, but the file changed since (checksum differs).
* ``missing-locally``: applied in the database, no folder in the tree.
* ``renamed``: applied under an old name; the same file is in the tree under a new name.
* ``replaced``: applied under an old name, rewritten by `codemod apply` (e.g. a ``_fixed`` variant).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codemod.analysis.discover import ORDERS, Order
from codemod.backup import FIXED_SUFFIX
from codemod.display import escape
from codemod.history.connect import DatabaseUrl, connect, parse_url
from codemod.history.local import LocalMigration, LocalTree, follow_manifest, load_local_tree
from codemod.history.table import TABLE, Row, read_rows

STATES = ("applied", "pending", "failed", "rolled-back", "modified", "missing-locally", "renamed", "replaced")
NEEDS_RESOLVE = {"modified", "renamed", "replaced"}


@dataclass
class Entry:
    state: str
    name: str  # the tree's name (the database's name when missing locally)
    db_name: str | None = None  # the name in `_prisma_migrations` when it differs or has no folder
    row: Row | None = None
    local: LocalMigration | None = None
    matched_by: str | None = None  # "manifest", "checksum", "fixed-name"
    rewritten: bool = False  # the file differs from what the row recorded (failed rows)
    by_codemod: bool = False  # the change was recorded by `codemod apply`
    detail: str = ""

    def line(self) -> str:
        label = self.state
        text = f"{label:<16} {self.name}"
        if self.db_name and self.db_name != self.name:
            text += f"  (database: {self.db_name})"
        if self.detail:
            text += f": {self.detail}"
        return text


@dataclass
class StatusReport:
    tree: LocalTree
    url: DatabaseUrl
    has_table: bool
    rows: list[Row]
    entries: list[Entry]
    order_notes: list[str] = field(default_factory=list)
    hidden_rolled_back: int = 0

    def of(self, state: str) -> list[Entry]:
        return [entry for entry in self.entries if entry.state == state]

    def entry(self, name: str) -> Entry | None:
        return next((e for e in self.entries if e.name == name or e.db_name == name), None)

    @property
    def clean(self) -> bool:
        """Nothing to do (what :meth:`next_step` says then, and exit code 0)."""
        return (self.has_table or not self.tree.migrations) and all(entry.state == "applied" for entry in self.entries)

    @property
    def exit_code(self) -> int:
        return 0 if self.clean else 1

    def next_step(self) -> str:
        if not self.has_table:
            if not self.tree.migrations:
                return "nothing to do: no migrations and no _prisma_migrations table"
            return (
                f"no {TABLE} table: run `prisma migrate deploy`, or if the schema is already there, baseline it "
                "with `codemod resolve --applied NAME` for each migration"
            )
        stuck = [e for e in self.of("failed") if not e.rewritten]
        if stuck:
            name = stuck[0].db_name or stuck[0].name
            return (
                f"{name} failed and is unchanged: fix it (`codemod apply`), or repair the database by hand and run "
                f"`codemod resolve --applied {name}`, or `codemod resolve --rolled-back {name}` to run it again"
            )
        resolvable = [e for e in self.entries if e.state in NEEDS_RESOLVE or (e.state == "failed" and e.rewritten)]
        if resolvable:
            return f"run `codemod resolve` ({len(resolvable)} row(s) to bring in line; try --dry-run first), then `prisma migrate deploy`"
        missing = self.of("missing-locally")
        if missing:
            names = ", ".join(e.name for e in missing[:3]) + (" …" if len(missing) > 3 else "")
            return f"restore the folder(s) of {names} (applied in the database, not in the tree); `prisma migrate dev` would offer a reset"
        waiting = self.of("pending") + self.of("rolled-back")
        if waiting:
            return f"run `prisma migrate deploy` to apply {len(waiting)} migration(s)"
        return "nothing to do: the database and the tree agree"

    def text(self) -> str:
        lines = [f"database {self.url.display} (schema {self.url.schema}); tree {self.tree.root} ({self.tree.order} order)"]
        if not self.has_table:
            lines.append(f"no {TABLE} table in schema {self.url.schema}")
        for entry in self.entries:
            lines.append("  " + entry.line())
        if self.hidden_rolled_back:
            lines.append(f"  ({self.hidden_rolled_back} rolled-back row(s) of migrations no longer in the tree: history only)")
        for note in self.order_notes:
            lines.append(f"order: {note}")
        counts = {state: len(self.of(state)) for state in STATES if self.of(state)}
        lines.append(", ".join(f"{n} {state}" for state, n in counts.items()) or "no migrations")
        lines.append(f"next: {self.next_step()}")
        return "\n".join(map(escape, lines)) + "\n"  # names are data: one line each, no control characters


def history_status(path: Path | str, database_url: str | DatabaseUrl | None, order: Order = "locale") -> StatusReport:
    """Connect (read only), read `_prisma_migrations` and compare it with the tree at ``path``."""
    tree = load_local_tree(path, order)
    url = database_url if isinstance(database_url, DatabaseUrl) else parse_url(database_url)
    with connect(url, read_only=True) as conn:
        rows = read_rows(conn, url.schema)
    return compare(tree, url, rows)


def compare(tree: LocalTree, url: DatabaseUrl, rows: list[Row] | None) -> StatusReport:
    report = StatusReport(tree, url, rows is not None, list(rows or []), [])
    local = tree.by_name()
    by_name: dict[str, list[Row]] = {}
    for row in report.rows:
        by_name.setdefault(row.migration_name, []).append(row)
    own_live = {name for name, rs in by_name.items() if any(not r.rolled_back for r in rs) and name in local}
    claimed: set[str] = set()
    db_entries: list[Entry] = []
    for name, name_rows in by_name.items():
        live = [r for r in name_rows if not r.rolled_back]
        current = live[-1] if live else None
        if name in local:
            migration = local[name]
            if current is None:
                db_entries.append(Entry("rolled-back", name, row=name_rows[-1], local=migration,
                                        detail="the next deploy applies it again"))
            elif current.failed:
                rewritten = not migration.matches(current.checksum)
                by_codemod = _manifest_touched(tree, name)
                detail = "blocks every deploy (P3009)"
                if rewritten:
                    detail += "; its file was rewritten since" + (" by codemod apply" if by_codemod else "")
                db_entries.append(Entry("failed", name, row=current, local=migration, rewritten=rewritten,
                                        by_codemod=by_codemod, detail=detail))
            elif migration.matches(current.checksum):
                db_entries.append(Entry("applied", name, row=current, local=migration))
            else:
                by_codemod = _manifest_touched(tree, name)
                detail = "the file changed since it was applied (checksum differs)"
                detail += "; rewritten by codemod apply" if by_codemod else "; not by codemod"
                db_entries.append(Entry("modified", name, row=current, local=migration, by_codemod=by_codemod,
                                        detail=detail))
            claimed.add(name)
            continue
        if current is None:
            report.hidden_rolled_back += 1
            continue
        target, how = _find_target(tree, name, current, own_live)
        if target is None:
            state = "failed" if current.failed else "missing-locally"
            detail = "blocks every deploy (P3009); no folder in the tree" if current.failed else "no folder of this name in the tree"
            db_entries.append(Entry(state, name, db_name=name, row=current, detail=detail))
            continue
        claimed.add(target.name)
        if current.failed:
            db_entries.append(Entry("failed", target.name, db_name=name, row=current, local=target, matched_by=how,
                                    rewritten=True, by_codemod=how == "manifest",
                                    detail=f"blocks every deploy (P3009); replaced by {target.name} (matched by {how})"))
        elif target.matches(current.checksum):
            db_entries.append(Entry("renamed", target.name, db_name=name, row=current, local=target, matched_by=how,
                                    detail=f"applied as {name}, same file under a new name (matched by {how})"))
        else:
            db_entries.append(Entry("replaced", target.name, db_name=name, row=current, local=target, matched_by=how,
                                    by_codemod=how == "manifest",
                                    detail=f"applied as {name}, rewritten into {target.name} (matched by {how})"))
    for migration in tree.migrations:
        if migration.name not in claimed:
            db_entries.append(Entry("pending", migration.name, local=migration, detail="not in the database yet"))
    positions = tree.positions()
    report.entries = sorted(
        db_entries,
        key=lambda e: (0, positions[e.local.name], e.db_name or "") if e.local else (1, 0, e.name),
    )
    # A failed old row replaced by a new folder: the new folder is also waiting for a deploy.
    for entry in list(report.entries):
        if entry.state == "failed" and entry.db_name and entry.local is not None:
            entry.name = entry.db_name
            report.entries.append(Entry("pending", entry.local.name, local=entry.local,
                                        detail=f"replaces the failed {entry.db_name}"))
    report.entries.sort(key=lambda e: (0, positions[e.local.name], e.state != "failed") if e.local else (1, 0, False))
    report.order_notes = _order_notes(tree, report)
    return report


def _manifest_touched(tree: LocalTree, name: str) -> bool:
    return any(e.new == name for e in tree.manifests)


def _find_target(tree: LocalTree, name: str, row: Row, own_live: set[str]) -> tuple[LocalMigration | None, str | None]:
    local = tree.by_name()
    found = follow_manifest(tree, name)
    if found is not None:
        return local[found[0]], "manifest"
    for migration in tree.migrations:
        if migration.name not in own_live and migration.matches(row.checksum):
            return migration, "checksum"
    fixed = local.get(name + FIXED_SUFFIX)
    if fixed is not None and fixed.name not in own_live:
        return fixed, "fixed-name"
    return None, None


def _order_notes(tree: LocalTree, report: StatusReport) -> list[str]:
    """Compare the order the database applied its migrations in (``started_at``) with the tree's.

    Rows that share a ``started_at`` (Prisma records milliseconds; a fast deploy applies several
    migrations in one) say nothing about their order: a tie agrees with every order.
    """
    applied = [e for e in report.entries if e.row is not None and e.local is not None and e.state != "failed" and e.row.applied]
    if len(applied) < 2:
        return []
    by_order = {order: tree.positions(order) for order in ORDERS}

    def inversions(order: Order) -> list[tuple[str, str]]:
        positions = by_order[order]
        ranked = sorted(applied, key=lambda e: (e.row.started_at, positions[e.local.name]))  # type: ignore[union-attr]
        names = [e.local.name for e in ranked]  # type: ignore[union-attr]
        return [(a, b) for a, b in zip(names, names[1:], strict=False) if positions[a] > positions[b]]

    agree = {order: not inversions(order) for order in ORDERS}
    if agree[tree.order]:
        return []
    a, b = inversions(tree.order)[0]
    notes = [f"the database applied {a} before {b}; the tree ({tree.order} order) puts {b} first"]
    other = [o for o in ORDERS if o != tree.order and agree[o]]
    if other:
        label = "Prisma < 6.6, byte order" if other[0] == "bytes" else "Prisma ≥ 6.6, localeCompare"
        notes.append(f"the database's order matches the {other[0]} order ({label}): it was deployed with that Prisma")
    else:
        notes.append("the database's order matches neither Prisma order (folders were renamed or added later)")
    return notes


def status_exit_code(report: StatusReport) -> int:
    return report.exit_code


def describe_rows(rows: list[Row]) -> dict[str, Any]:
    """Counts for doctor: applied, failed, rolled back."""
    return {
        "rows": len(rows),
        "applied": sum(1 for r in rows if r.applied),
        "failed": sum(1 for r in rows if r.failed),
        "rolled_back": sum(1 for r in rows if r.rolled_back),
    }
