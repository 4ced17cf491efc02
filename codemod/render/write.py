"""Write a plan to disk: ``_fixed`` variants or in-place edits, crash-safe, exclusive, originals backed up.

Everything is computed and checked before the first write, under the tree's lock
(:mod:`codemod.fs.lock`). The run is journaled (:mod:`codemod.fs.journal`): originals are
copied into a backup folder unique to the run and new folders are staged beside the tree (both
flushed to disk); only then do folders move, each by one ``rename``: a leaving folder aside into
the staging area, then its replacement in. No instant loses a folder: a run killed at any point is finished or undone
by the next codemod run, and every original byte is in the tree or in the backup.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

from codemod.analysis.discover import MIGRATION_FILE
from codemod.backup import default_backup_base, make_run_dir, run_name, write_manifest
from codemod.errors import CodemodError
from codemod.fs.files import atomic_write, copy_folder, create_new, flush_all
from codemod.fs.journal import STAGING_PREFIX, Journal, Step, crash_point, discard, roll_back, roll_forward
from codemod.fs.lock import tree_lock
from codemod.fs.outputs import check_backup_dir, check_patch_target
from codemod.plan import Plan
from codemod.render.changes import FolderStep, Mode, folder_steps, name_problem

__all__ = ["WriteReport", "atomic_write", "copy_rewritten_tree", "write_patch", "write_plan"]


@dataclass
class WriteReport:
    backup: Path | None = None
    actions: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)


def write_plan(plan: Plan, mode: Mode, backup_dir: Path | None = None) -> WriteReport:
    """Write the plan; originals go to a new run folder under ``backup_dir`` (default ``.codemod-backup``)."""
    steps = folder_steps(plan, mode)
    report = WriteReport()
    if not steps:
        return report
    root = plan.tree.root.absolute()
    problem = name_problem(plan, mode)
    if problem is not None:
        raise CodemodError(problem, root)
    base = backup_dir.absolute() if backup_dir is not None else default_backup_base(root)
    check_backup_dir(root, base)
    with tree_lock(root):
        _recover_first(root)
        staging_parent = root.resolve().parent
        _check_tree(plan, steps, root, staging_parent)
        run = run_name()
        journal = Journal(
            root, base / run, staging_parent / f"{STAGING_PREFIX}{run}", [Step(s.old, s.new) for s in steps],
            remove_backup_parent=not base.exists(),
        )
        journal.save()  # before the first change
        try:
            _prepare(journal, plan, mode, steps)
        except BaseException as error:
            _undo(journal, error, swapped=False)
            raise
        journal.save("swap")
        try:
            roll_forward(journal)
        except BaseException as error:
            _undo(journal, error, swapped=True)
            raise
        journal.save("cleanup")
        discard(journal, backup=False)
    report.backup = journal.backup
    for step in steps:
        report.actions.append(_action(step, mode, journal.backup))
        if step.old is not None and step.new is not None and step.old != step.new:
            report.renamed.append((step.old, step.new))
    return report


def _recover_first(root: Path) -> None:
    """An earlier interrupted run is finished (or undone) before a new one starts."""
    from codemod.fs.journal import finish, journal_path, load

    path = journal_path(root)
    if os.path.lexists(path):
        import sys

        journal = load(path)
        outcome = finish(journal)
        print(f"codemod: recovered an interrupted codemod write ({journal.who()}): {outcome}", file=sys.stderr)


def _check_tree(plan: Plan, steps: list[FolderStep], root: Path, staging_parent: Path) -> None:
    """The tree is still what the plan was made from, and every move is possible; else nothing is written."""
    changed = "the tree changed since codemod read it (another run?); nothing was written: run codemod again"
    by_name = {migration.name: migration for migration in plan.tree.migrations}
    try:
        present = set(os.listdir(root))
        leaving = {step.old for step in steps if step.old is not None}
        entering: set[str] = set()
        for step in steps:
            if step.old is not None:
                folder = root / step.old
                for path in (folder, folder / MIGRATION_FILE):
                    if os.path.islink(path):
                        raise CodemodError(
                            "is a symbolic link: codemod does not write through links; replace it by what it points "
                            "to, or use --patch; nothing was written",
                            path,
                        )
                if not folder.is_dir():
                    raise CodemodError(changed, folder)
                migration = by_name.get(step.old)
                if migration is not None and migration.has_sql != (folder / MIGRATION_FILE).exists():
                    raise CodemodError(changed, folder / MIGRATION_FILE)
                if migration is not None and migration.has_sql and (folder / MIGRATION_FILE).read_bytes() != migration.raw:
                    raise CodemodError(changed, folder / MIGRATION_FILE)
            if step.new is not None:
                if (step.new in present and step.new not in leaving) or step.new in entering:
                    raise CodemodError("target folder already exists; nothing was written", root / step.new)
                entering.add(step.new)
        for folder in [root] + [root / step.old for step in steps if step.old is not None]:
            if not os.access(folder, os.W_OK | os.X_OK):  # a folder moves only where it may be written
                raise CodemodError("is not writable: codemod moves folders here; nothing was written", folder)
        if os.stat(root).st_dev != os.stat(staging_parent).st_dev:
            raise CodemodError("the migrations directory is a mount point: codemod moves folders through its parent; use --patch", root)
    except OSError as error:
        raise CodemodError(f"cannot read: {error.strerror}; nothing was written", error.filename or root) from error


def _prepare(journal: Journal, plan: Plan, mode: Mode, steps: list[FolderStep]) -> None:
    """Back up the originals and stage the new folders; the tree itself is not touched."""
    root = journal.root
    make_run_dir(journal.backup)
    for part in (journal.staging, journal.staging / "old", journal.staging / "new"):
        os.mkdir(part)
    for step in steps:
        if step.old is not None:
            copy_folder(root / step.old, journal.backup / step.old)
            crash_point()
    for step in steps:
        if step.new is None:
            continue
        staged = journal.staged(step.new)
        if step.old is not None:
            copy_folder(root / step.old, staged)
        else:
            os.mkdir(staged)
        if step.content is not None:
            _replace_file(staged / MIGRATION_FILE, step.content)
        crash_point()
    by_name = {migration.name: migration for migration in plan.tree.migrations}
    changes = [
        (s.old, s.new, by_name[s.old].raw, s.content if s.content is not None else by_name[s.old].raw)
        for s in steps
        if s.old is not None and s.new is not None and s.old in by_name
    ]
    added = [(s.new, s.content or b"") for s in steps if s.old is None and s.new is not None]
    removed = [(s.old, _read_or_none(root / s.old / MIGRATION_FILE)) for s in steps if s.new is None and s.old is not None]
    write_manifest(journal.backup, root, mode, changes, atomic_write, added, removed)
    flush_all()  # backups and staged folders are on disk before anything in the tree moves


def _replace_file(path: Path, data: bytes) -> None:
    """Put new bytes in a staged file (keeping its mode), even in a folder copied read-only."""
    folder_mode = stat.S_IMODE(os.stat(path.parent).st_mode)
    os.chmod(path.parent, folder_mode | stat.S_IWUSR | stat.S_IXUSR)
    try:
        file_mode = stat.S_IMODE(os.stat(path).st_mode) if os.path.lexists(path) else None
        if file_mode is not None:
            os.unlink(path)
        create_new(path, data, durable=False)  # flushed with everything else before the swap
        if file_mode is not None:
            os.chmod(path, file_mode)
    finally:
        os.chmod(path.parent, folder_mode)


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _undo(journal: Journal, error: BaseException, *, swapped: bool) -> None:
    """A write failed: put the old tree back and remove this run's folders, then explain in one line."""
    try:
        if swapped:
            journal.save("rollback")
            roll_back(journal)
        discard(journal, backup=True)
    except BaseException as undo:
        raise CodemodError(
            f"writing failed ({_reason(error)}) and could not be undone ({_reason(undo)}); "
            "the next codemod run finishes the undo",
            journal.root,
        ) from error
    if isinstance(error, OSError):
        where = "the tree was restored" if swapped else "the tree was not touched"
        raise CodemodError(f"cannot write: {_reason(error)}; {where}, nothing was changed", journal.root) from error


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    if isinstance(error, CodemodError):
        return error.one_line()
    return type(error).__name__


def _action(step: FolderStep, mode: Mode, backup: Path) -> str:
    if step.old is None:
        return f"added {step.new}/{MIGRATION_FILE}"
    if step.new is None:
        return f"removed {step.old} (moved to {backup / step.old})"
    if step.content is None:
        return f"renamed {step.old} → {step.new}"
    if mode == "fixed":
        return f"wrote {step.new}/{MIGRATION_FILE} (original moved to {backup / step.old})"
    return f"rewrote {step.new}/{MIGRATION_FILE}"


def write_patch(path: Path, text: str, force: bool = False, root: Path | None = None) -> Path:
    """The patch file itself: a new regular file (or, with ``force``, a replaced one), written atomically."""
    target = check_patch_target(path, root, force)
    data = text.encode("utf-8")
    try:
        if force and os.path.lexists(target):
            atomic_write(target, data)
        else:
            create_new(target, data)
    except FileExistsError as error:
        raise CodemodError("--patch file exists; nothing was written (use --force to replace it)", target) from error
    except OSError as error:
        raise CodemodError(f"cannot write the patch: {error.strerror}", target) from error
    return target


def copy_rewritten_tree(plan: Plan, mode: Mode, destination: Path) -> Path:
    """The tree as the plan would leave it, written to a new directory (for verification).

    The original tree is untouched; ``destination`` must not exist yet.
    """
    root = plan.tree.root
    steps = folder_steps(plan, mode)
    leaving = {step.old for step in steps if step.old is not None}
    top = os.fspath(root)
    shutil.copytree(root, destination, ignore=lambda directory, names: [n for n in names if directory == top and n in leaving])
    for step in steps:
        if step.new is None:
            continue
        target = destination / step.new
        if step.old is not None:
            shutil.copytree(root / step.old, target)
        else:
            target.mkdir()
        if step.content is not None:
            atomic_write(target / MIGRATION_FILE, step.content)
    return destination
