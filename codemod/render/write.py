"""Write a plan to disk: ``_fixed`` variants or in-place edits, atomically, originals backed up.

Everything is computed before the first write. New content goes to a temporary file that is
renamed into place; every original folder that changes is copied to the backup directory first,
so a rewrite never loses a user's file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from codemod.analysis.discover import MIGRATION_FILE
from codemod.backup import default_backup_dir, write_manifest
from codemod.errors import CodemodError
from codemod.plan import Plan
from codemod.render.changes import Mode, file_changes


@dataclass
class WriteReport:
    backup: Path | None = None
    actions: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)


def write_plan(plan: Plan, mode: Mode, backup_dir: Path | None = None) -> WriteReport:
    changes = file_changes(plan, mode)
    report = WriteReport()
    if not changes:
        return report
    root = plan.tree.root
    backup = backup_dir or default_backup_dir(plan.tree.root)
    _refuse_collisions(root, changes)
    if root in backup.parents or backup == root:
        raise CodemodError("the backup directory must be outside the migrations directory", backup)
    backup.mkdir(parents=True, exist_ok=True)
    report.backup = backup
    for change in changes:  # 1. back up every folder that changes
        shutil.copytree(root / change.old_folder, backup / change.old_folder, dirs_exist_ok=True)
    write_manifest(backup, root, mode, [(c.old_folder, c.new_folder, c.old, c.new) for c in changes], atomic_write)
    staging = Path(tempfile.mkdtemp(prefix=".codemod-staging-", dir=root.parent))
    try:
        for change in changes:  # 2. stage new folders outside the tree
            if not change.edited:
                continue
            staged = staging / change.new_folder
            shutil.copytree(root / change.old_folder, staged)
            atomic_write(staged / MIGRATION_FILE, change.new)
        for change in changes:  # 3. swap them in
            source, target = root / change.old_folder, root / change.new_folder
            if mode == "fixed" and change.edited:
                shutil.rmtree(source)  # its copy is in the backup
                os.replace(staging / change.new_folder, target)
                report.actions.append(f"wrote {change.new_folder}/{MIGRATION_FILE} (original moved to {backup / change.old_folder})")
            elif change.edited:
                atomic_write(source / MIGRATION_FILE, change.new)
                if change.renamed:
                    os.rename(source, target)
                report.actions.append(f"rewrote {change.new_folder}/{MIGRATION_FILE}")
            else:
                os.rename(source, target)
                report.actions.append(f"renamed {change.old_folder} → {change.new_folder}")
            if change.renamed:
                report.renamed.append((change.old_folder, change.new_folder))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return report


def _refuse_collisions(root: Path, changes: list) -> None:
    leaving = {change.old_folder for change in changes}
    for change in changes:
        if change.renamed and (root / change.new_folder).exists() and change.new_folder not in leaving:
            raise CodemodError("target folder already exists; nothing was written", root / change.new_folder)


def atomic_write(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=".codemod-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            shutil.copymode(path, temporary)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def write_patch(path: Path, text: str) -> None:
    """The patch file itself, written atomically."""
    path = path.absolute()
    if not path.parent.is_dir():
        raise CodemodError("directory does not exist", path.parent)
    atomic_write(path, text.encode("utf-8"))


def copy_rewritten_tree(plan: Plan, mode: Mode, destination: Path) -> Path:
    """The tree as the plan would leave it, written to a new directory (for verification).

    The original tree is untouched; ``destination`` must not exist yet.
    """
    root = plan.tree.root
    shutil.copytree(root, destination)
    for change in file_changes(plan, mode):
        source, target = destination / change.old_folder, destination / change.new_folder
        if change.edited:
            atomic_write(source / MIGRATION_FILE, change.new)
        if change.renamed:
            os.rename(source, target)
    return destination
