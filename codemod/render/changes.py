"""A plan seen as file changes: which ``migration.sql`` moves where and what its bytes become."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from codemod.analysis.discover import MIGRATION_FILE, sort_names
from codemod.plan import FIXED_SUFFIX, Mode, Plan

__all__ = ["FIXED_SUFFIX", "FileChange", "Mode", "file_changes", "order_problem", "target_folder"]


@dataclass
class FileChange:
    migration: str
    old_folder: str
    new_folder: str
    old_path: Path
    new_path: Path
    old: bytes
    new: bytes

    @property
    def renamed(self) -> bool:
        return self.old_folder != self.new_folder

    @property
    def edited(self) -> bool:
        return self.old != self.new


def target_folder(plan: Plan, name: str, mode: Mode) -> str:
    """Folder name after the plan: renamed, and a ``_fixed`` variant when the content changes."""
    return plan.new_name(name, mode)


def order_problem(plan: Plan, mode: Mode) -> str | None:
    """The folder names after the plan must still sort into the order the tree applies today."""
    names = plan.names(mode)
    final = [names[key] for key in plan.state.order]
    if sort_names(final, plan.tree.order) == final:
        return None
    moved = next(new for new, expected in zip(sort_names(final, plan.tree.order), final, strict=True) if new != expected)
    hint = " (use --in-place)" if mode == "fixed" else ""
    return f"after the rewrite, {moved} would sort out of its place in Prisma's order; nothing was written{hint}"


def file_changes(plan: Plan, mode: Mode) -> list[FileChange]:
    changes = []
    root = plan.tree.root
    names = plan.names(mode)
    for migration in plan.tree.migrations:
        if migration.name not in names or (names[migration.name] == migration.name and migration.name not in plan.contents):
            continue
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
    return changes
