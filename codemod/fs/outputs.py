"""Where codemod may write besides the tree: patch files, backup folders, cleanup destinations.

An output must never clobber: a patch written over ``migration_lock.toml`` or a device node, or a
backup inside the migrations directory (which Prisma would take for migrations), loses data or
breaks the next deploy. These checks run before anything is written, and say no in one line.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from codemod.errors import CodemodError


def _real(path: Path) -> Path:
    """``path`` with its directories' links resolved (the last component is kept as it is)."""
    absolute = Path(os.path.abspath(path))
    return absolute.parent.resolve() / absolute.name


def inside(root: Path, path: Path) -> bool:
    """Whether ``path`` is the migrations directory or anywhere under it (links followed)."""
    real_root, real = root.resolve(), _real(path)
    return real == real_root or real_root in real.parents or (real.exists() and real.resolve() == real_root)


def refuse_inside(root: Path, path: Path, option: str) -> None:
    if inside(root, path):
        raise CodemodError(f"{option} must be outside the migrations directory (Prisma would take what is written there for migrations)", path)


def check_backup_dir(root: Path, path: Path) -> None:
    """A ``--backup-dir`` (or ``backup-dir`` setting): outside the tree, and a directory if it exists."""
    refuse_inside(root, path, "--backup-dir")
    if os.path.lexists(path) and not path.is_dir():
        raise CodemodError("--backup-dir is not a directory", path)


def check_patch_target(path: Path, root: Path | None, force: bool) -> Path:
    """A ``--patch`` target: a new regular file path (an existing regular file only with ``--force``)."""
    if str(path) in {"", "."} or path.name in {"", ".", ".."}:
        raise CodemodError("--patch needs a file name, not a directory", path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise CodemodError(f"--patch: cannot use this path: {error.strerror}", path) from error
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise CodemodError("--patch is a directory; give a file name", path)
        if stat.S_ISLNK(info.st_mode):
            raise CodemodError("--patch is a symbolic link; give a regular file path (nothing was written)", path)
        if not stat.S_ISREG(info.st_mode):
            raise CodemodError("--patch is not a regular file (a device, pipe or socket); nothing was written", path)
        if not force:
            raise CodemodError("--patch file exists; nothing was written (use --force to replace it)", path)
    parent = Path(os.path.abspath(path)).parent
    if not parent.is_dir():
        raise CodemodError("directory does not exist", parent)
    if root is not None:
        refuse_inside(root, path, "--patch")
    return Path(os.path.abspath(path))
