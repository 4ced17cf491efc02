"""Find what breaks or clutters a migrations tree, and remove or move it on request.

* ``codemod-backup``: the originals `codemod apply` backed up (``.codemod-backup/<time>`` beside
  the migrations directory, and ``resolve-<time>`` copies of ``_prisma_migrations``);
* ``stray-backup``: ``*_backup``, ``*.bak``, ``* copy``, ``*.orig`` folders or files in the
  migrations directory (a folder with a ``migration.sql`` there is a migration to Prisma!);
* ``no-migration-sql``: folders without ``migration.sql`` (Prisma stops with P3015);
* ``loose-sql``: ``.sql`` files directly in the migrations directory, which Prisma never runs;
* ``codemod-staging``: ``.codemod-staging-*`` folders and ``*.codemod-tmp-*`` files beside the
  migrations directory, left by a codemod write that was killed (any codemod command finishes such
  a write from its journal first; what no journal names is listed here).

Removing or moving takes the tree's write lock, so it never races an `apply`.

A migration the database records as applied is never removed when a database URL is given.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from codemod.analysis.discover import LOCK_FILE, MIGRATION_FILE, find_migrations_dir
from codemod.backup import BACKUP_DIR_NAME
from codemod.display import escape
from codemod.errors import CodemodError
from codemod.fs.outputs import refuse_inside
from codemod.history.connect import DatabaseUrl, connect, parse_url
from codemod.history.table import read_rows

STRAY_NAME = re.compile(r"([_-]backup|\.bak|\.backup|\.orig|~|[_-]copy( ?\d+)?| copy( \d+)?| - copy( \(\d+\))?| \(\d+\))$|^copy of ", re.I)


@dataclass
class Item:
    kind: str
    path: Path
    reason: str
    protected: str | None = None  # why it must stay (applied in the database)
    done: str | None = None

    def line(self) -> str:
        text = f"{self.kind:<17} {self.path}: {self.reason}"
        if self.protected:
            text += f" — KEPT: {self.protected}"
        if self.done:
            text += f" — {self.done}"
        return text


@dataclass
class CleanupReport:
    root: Path
    items: list[Item] = field(default_factory=list)
    checked_database: str | None = None

    @property
    def actionable(self) -> list[Item]:
        return [item for item in self.items if item.protected is None]

    def text(self) -> str:
        lines = [f"tree {self.root}" + (f"; applied migrations checked in {self.checked_database}" if self.checked_database else "")]
        lines += ["  " + item.line() for item in self.items]
        if not self.items:
            lines.append("nothing to clean up")
        return "\n".join(map(escape, lines)) + "\n"  # names are data: one line each, no control characters


def find_clutter(path: Path | str, applied: set[str] | None = None) -> CleanupReport:
    root = find_migrations_dir(Path(path))
    report = CleanupReport(root)
    backups = root.parent / BACKUP_DIR_NAME
    if backups.is_dir():
        for entry in sorted(backups.iterdir()):
            report.items.append(Item("codemod-backup", entry, "originals kept by `codemod apply`/`resolve` (its manifest helps `codemod status` match renamed rows: run `codemod resolve` first)"))
    report.items += _interrupted_leftovers(root)
    try:
        entries = sorted(root.iterdir())
    except OSError as error:
        raise CodemodError(f"cannot list directory: {error.strerror}", root) from error
    for entry in entries:
        name = entry.name
        if name == LOCK_FILE:
            continue
        if entry.is_dir():
            has_sql = (entry / MIGRATION_FILE).is_file()
            if name == BACKUP_DIR_NAME or name.startswith(".codemod-"):
                report.items.append(Item("codemod-backup", entry, "codemod leftovers inside the migrations directory"))
            elif STRAY_NAME.search(name):
                reason = "backup/copy folder"
                reason += ": Prisma runs it as a migration" if has_sql else " (no migration.sql: Prisma stops with P3015)"
                report.items.append(Item("stray-backup", entry, reason))
            elif not has_sql:
                report.items.append(Item("no-migration-sql", entry, f"folder without {MIGRATION_FILE}: Prisma stops with P3015"))
        elif entry.suffix.lower() == ".sql":
            report.items.append(Item("loose-sql", entry, "a .sql file directly in the migrations directory: Prisma never runs it"))
        elif STRAY_NAME.search(name) or name.endswith(".bak"):
            report.items.append(Item("stray-backup", entry, "backup/copy file"))
    for item in report.items:
        if item.path.parent != root or not item.path.is_dir():
            continue
        if applied is not None and item.path.name in applied:
            item.protected = "the database records this migration as applied"
        elif applied is None and (item.path / MIGRATION_FILE).is_file():
            item.protected = "Prisma runs it as a migration; give --database-url to check it is not applied"
    return report


def _interrupted_leftovers(root: Path) -> list[Item]:
    """Staging folders and temporary files of killed codemod writes, beside the migrations directory."""
    from codemod.fs.files import TEMP_MARK
    from codemod.fs.journal import STAGING_PREFIX, journal_path

    parents = {root.absolute().parent, root.resolve().parent}
    journal = journal_path(root)
    items = []
    for parent in sorted(parents):
        try:
            entries = sorted(parent.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(STAGING_PREFIX) or TEMP_MARK in entry.name:
                item = Item("codemod-staging", entry, "left by a codemod write that was interrupted")
                if journal.exists():
                    item.protected = "an interrupted write's journal names it: run any codemod command to finish that write"
                items.append(item)
    return items


def applied_names(database_url: str | DatabaseUrl) -> tuple[set[str], str]:
    url = database_url if isinstance(database_url, DatabaseUrl) else parse_url(database_url)
    with connect(url, read_only=True) as conn:
        rows = read_rows(conn, url.schema) or []
    return {row.migration_name for row in rows if row.applied}, url.display


def cleanup(
    path: Path | str,
    database_url: str | DatabaseUrl | None = None,
    *,
    remove: bool = False,
    move_to: Path | None = None,
    dry_run: bool = False,
) -> CleanupReport:
    """List the clutter; with ``remove`` delete it, with ``move_to`` move it there (never both)."""
    if remove and move_to is not None:
        raise CodemodError("choose --remove or --move-to, not both")
    if move_to is not None:
        move_to = Path(move_to).absolute()
        refuse_inside(find_migrations_dir(Path(path)), move_to, "--move-to")  # with --dry-run too
    applied, shown = (applied_names(database_url) if database_url else (None, None))
    if not (remove or move_to) or dry_run:
        report = find_clutter(path, applied)
        report.checked_database = shown
        verb = "would remove" if remove else f"would move to {move_to}" if move_to else None
        if verb and dry_run:
            for item in report.actionable:
                item.done = verb
        return report
    from codemod.fs.lock import tree_lock

    with tree_lock(find_migrations_dir(Path(path)), "codemod cleanup"):
        report = find_clutter(path, applied)
        report.checked_database = shown
        _act(report, move_to)
    return report


def _act(report: CleanupReport, move_to: Path | None) -> None:
    if move_to is not None:
        move_to.mkdir(parents=True, exist_ok=True)
    for item in report.actionable:
        if move_to is not None:
            target = move_to / item.path.name
            if target.exists():
                item.done = f"not moved: {target} exists"
                continue
            shutil.move(str(item.path), str(target))
            item.done = f"moved to {target}"
        else:
            if item.path.is_dir() and not item.path.is_symlink():
                shutil.rmtree(item.path)
            else:
                item.path.unlink()
            item.done = "removed"
    backups = report.root.parent / BACKUP_DIR_NAME
    if backups.is_dir() and not any(backups.iterdir()):
        backups.rmdir()
