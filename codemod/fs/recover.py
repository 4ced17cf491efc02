"""The startup hook: before any command runs, finish a tree write that a killed run left behind.

Every command goes through :func:`recover_at_startup` (called from ``codemod.cli.main``). It is
cheap when there is nothing to do: a few ``stat`` calls for the journal and lock files beside the
trees the command line names (and the working directory). Only when one exists does it import
the journal machinery, take the tree's lock and roll the interrupted write back or forward.
"""

from __future__ import annotations

import os
import sys

JOURNAL_NAME = ".codemod-journal.json"  # codemod.fs.journal.JOURNAL_NAME, kept here to import nothing
LOCK_NAME = ".codemod-lock"  # codemod.fs.lock.LOCK_NAME


def _directories(argv: list[str]) -> list[str]:
    """Where a journal could be: a tree's parent, for each path the command line may name.

    A path may be a migrations directory (journal in its parent), a ``prisma`` directory (in it) or
    a project root (in ``prisma/``, or in the root for a root-level ``migrations/``).
    """
    found: list[str] = []
    for argument in [os.curdir, *(a for a in argv if a and not a.startswith("-"))]:
        for directory in (argument, os.path.join(argument, os.pardir), os.path.join(argument, "prisma")):
            normal = os.path.normpath(os.path.abspath(directory))
            if normal not in found:
                found.append(normal)
    return found


def _exists(path: str) -> bool:
    try:
        return os.path.lexists(path)
    except (ValueError, OSError):  # a NUL byte in an argument, an unreadable directory
        return False


def recover_at_startup(argv: list[str]) -> None:
    """Recover every interrupted write found; say so in one line each on stderr.

    Raises :class:`codemod.errors.CodemodError` (one line) when a write cannot be finished.
    """
    for directory in _directories(argv):
        if _exists(os.path.join(directory, JOURNAL_NAME)):
            from pathlib import Path

            from codemod.fs.journal import recover

            line = recover(Path(directory))
            if line:
                print(f"codemod: {line}", file=sys.stderr)
        elif _exists(os.path.join(directory, LOCK_NAME)):
            from functools import partial
            from pathlib import Path

            from codemod.fs.journal import remove_temporaries
            from codemod.fs.lock import remove_stale_lock

            parent = Path(directory)
            remove_stale_lock(parent, partial(remove_temporaries, parent))
