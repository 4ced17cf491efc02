"""A plan seen as file changes: which ``migration.sql`` moves where and what its bytes become.

Two views of one plan: :func:`file_changes` (per file, for diffs and patches) and
:func:`folder_steps` (per folder, for the writer: a folder leaves the tree, enters it, or both).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from codemod.analysis.discover import MIGRATION_FILE, sort_names
from codemod.plan import FIXED_SUFFIX, Mode, Plan

__all__ = ["FIXED_SUFFIX", "FileChange", "FolderStep", "Mode", "file_changes", "folder_steps", "order_problem", "target_folder"]
Kind = Literal["changed", "added", "removed"]
NAME_MAX = 255  # bytes in one file name on every file system Prisma users run on


@dataclass
class FileChange:
    migration: str
    old_folder: str
    new_folder: str
    old_path: Path
    new_path: Path
    old: bytes
    new: bytes
    kind: Kind = "changed"  # "added": a new file (old is empty); "removed": a file deleted with its folder
    file_mode: str = "100644"  # git's mode of an added or removed file

    @property
    def renamed(self) -> bool:
        return self.old_folder != self.new_folder

    @property
    def edited(self) -> bool:
        return self.old != self.new or self.kind != "changed"

    @property
    def text(self) -> bool:
        """Whether a patch can carry the file (UTF-8 without NUL bytes); git needs binary patches otherwise."""
        data = self.old if self.kind == "removed" else self.new
        if b"\0" in data:
            return False
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True


@dataclass(frozen=True)
class FolderStep:
    """One folder-level move: ``old`` leaves the tree, ``new`` enters it with ``content`` as its migration.sql.

    A change has both (the same name when only the content changes in place); an added folder has
    no ``old``; a removed one has no ``new``. ``content`` is None when the bytes stay as they are.
    """

    old: str | None
    new: str | None
    content: bytes | None


def target_folder(plan: Plan, name: str, mode: Mode) -> str:
    """Folder name after the plan: renamed, and a ``_fixed`` variant when the content changes."""
    return plan.new_name(name, mode)


def order_problem(plan: Plan, mode: Mode) -> str | None:
    """The folder names after the plan must sort into the order the repaired tree applies in."""
    names = plan.names(mode)
    final = [names[key] for key in plan.state.order]
    if sort_names(final, plan.tree.order) == final:
        return None
    moved = next(new for new, expected in zip(sort_names(final, plan.tree.order), final, strict=True) if new != expected)
    hint = " (use --in-place)" if mode == "fixed" else ""
    return f"after the rewrite, {moved} would sort out of its place in Prisma's order; nothing was written{hint}"


def name_problem(plan: Plan, mode: Mode) -> str | None:
    """A folder name the plan would make longer than a file system allows (``_fixed`` on a long name)."""
    for step in folder_steps(plan, mode):
        if step.new is not None and len(os.fsencode(step.new)) > NAME_MAX:
            source = step.old or step.new
            shown = source if len(source) <= 60 else source[:57] + "..."
            return (
                f"{shown}: its new folder name would be {len(os.fsencode(step.new))} bytes (a file name is at most "
                f"{NAME_MAX}); nothing was written" + (" (use --in-place, or shorten the folder's name)" if mode == "fixed" else "")
            )
    return None


def folder_steps(plan: Plan, mode: Mode) -> list[FolderStep]:
    """Every folder the plan moves: changed migrations in tree order, then added, then removed folders."""
    steps = []
    for migration in plan.changed_migrations(mode):
        content = plan.contents.get(migration.name)
        steps.append(FolderStep(migration.name, target_folder(plan, migration.name, mode), content if content != migration.raw else None))
    steps += [FolderStep(None, name, data) for name, data in sorted(plan.added_in(mode).items())]
    steps += [FolderStep(name, None, None) for name in plan.removed]
    return steps


def file_changes(plan: Plan, mode: Mode) -> list[FileChange]:
    """Per file: changed migrations (tree order), then added folders' files, then removed folders' files."""
    changes = []
    root = plan.tree.root
    for migration in plan.changed_migrations(mode):
        new_folder = target_folder(plan, migration.name, mode)
        changes.append(
            FileChange(
                migration.name,
                migration.name,
                new_folder,
                root / migration.name / MIGRATION_FILE,
                root / new_folder / MIGRATION_FILE,
                migration.raw,
                plan.contents.get(migration.name, migration.raw),
            )
        )
    for name, data in sorted(plan.added_in(mode).items()):
        path = root / name / MIGRATION_FILE
        changes.append(FileChange(name, name, name, path, path, b"", data, "added"))
    for name in plan.removed:
        for path, data, file_mode in _folder_files(root / name):
            changes.append(FileChange(name, name, name, path, path, data, b"", "removed", file_mode))
    return changes


def _folder_files(folder: Path) -> list[tuple[Path, bytes, str]]:
    """The regular files of a folder to remove (links and other entries cannot be in a patch)."""
    files = []
    for directory, subdirectories, names in os.walk(folder):
        subdirectories.sort()
        for name in sorted(names):
            path = Path(directory) / name
            info = os.lstat(path)
            if stat.S_ISREG(info.st_mode):
                files.append((path, path.read_bytes(), "100755" if info.st_mode & 0o111 else "100644"))
    return files
