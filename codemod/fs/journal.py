"""The write journal: what a tree write is doing, so that a killed run can be finished or undone.

``<migrations parent>/.codemod-journal.json`` is written (atomically, fsynced) before the first
change and removed after the last. It names the run's backup folder, its staging folder and every
step: a folder leaving the tree (``old``: moved aside into ``staging/old``; a copy is already in
the backup) and a folder entering it (``new``: prepared in ``staging/new``, renamed into place).
A change is a leaving folder and an entering one; an added folder only enters; a removed one
only leaves. Every move is one ``rename``, so each step is either done or not done, and the
staging folder shows which:

* ``prepare``: backup copies and staged folders are being made; the tree is untouched. Recovery
  rolls back (removes the staging and backup folders of this run).
* ``swap``: everything is prepared and durable; step by step, the leaving folder is moved aside
  and the entering one moved in. Recovery rolls forward: a folder still in ``staging/new`` has
  not entered yet, a folder in ``staging/old`` has left.
* ``rollback``: a swap failed (permission denied, disk full); recovery goes on moving back.
* ``cleanup``: the tree is the new one; only the staging folder remains to be removed.

So after recovery the tree is exactly the old one or exactly the new one, and every original byte
is in the tree or in the backup. See :func:`recover` for the entry point.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from codemod.errors import CodemodError
from codemod.fs.files import TEMP_MARK, atomic_write, fsync_dir, remove_tree

JOURNAL_NAME = ".codemod-journal.json"
STAGING_PREFIX = ".codemod-staging-"
PHASES = ("prepare", "swap", "rollback", "cleanup")


def journal_path(migrations_dir: Path) -> Path:
    return migrations_dir.absolute().parent / JOURNAL_NAME


@dataclass
class Step:
    old: str | None  # folder leaving the tree
    new: str | None  # folder entering the tree


@dataclass
class Journal:
    root: Path
    backup: Path
    staging: Path
    steps: list[Step]
    phase: str = "prepare"
    pid: int = field(default_factory=os.getpid)
    host: str = field(default_factory=socket.gethostname)
    started: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"))
    remove_backup_parent: bool = False  # the run created ``.codemod-backup`` itself

    @property
    def path(self) -> Path:
        return journal_path(self.root)

    def aside(self, name: str) -> Path:
        return self.staging / "old" / name

    def staged(self, name: str) -> Path:
        return self.staging / "new" / name

    def save(self, phase: str | None = None) -> None:
        if phase is not None:
            self.phase = phase
        document = {
            "tool": "codemod",
            "journal": 1,
            "phase": self.phase,
            "pid": self.pid,
            "host": self.host,
            "started": self.started,
            "root": str(self.root),
            "backup": str(self.backup),
            "staging": str(self.staging),
            "remove_backup_parent": self.remove_backup_parent,
            "steps": [{"old": step.old, "new": step.new} for step in self.steps],
        }
        atomic_write(self.path, (json.dumps(document, indent=1) + "\n").encode("utf-8"))
        crash_point()

    def remove(self) -> None:
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        remove_temporaries(self.path.parent)
        fsync_dir(self.path.parent)

    def who(self) -> str:
        return f"pid {self.pid}, started {self.started}"


def remove_temporaries(migrations_parent: Path) -> None:
    """Half-written journal files of a run killed while saving its journal (the lock's holder only)."""
    for leftover in migrations_parent.glob(f".{JOURNAL_NAME}{TEMP_MARK}*"):
        try:
            leftover.unlink()
        except OSError:
            pass


def load(path: Path) -> Journal:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        journal = Journal(
            Path(document["root"]),
            Path(document["backup"]),
            Path(document["staging"]),
            [Step(_name(s["old"]), _name(s["new"])) for s in document["steps"]],
            str(document["phase"]),
            int(document["pid"]),
            str(document["host"]),
            str(document["started"]),
            bool(document.get("remove_backup_parent", False)),
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CodemodError(f"cannot read the journal of an interrupted codemod run ({error}); check the tree against the backup, then remove this file", path) from error
    if journal.phase not in PHASES or journal.path.parent.resolve() != path.absolute().parent.resolve() or not journal.staging.name.startswith(STAGING_PREFIX):
        raise CodemodError("this journal does not describe a codemod run on this tree; check the tree against the backup, then remove this file", path)
    return journal


def _name(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value or "/" in value or value in {".", ".."}:
        raise ValueError(f"bad folder name {value!r}")
    return value


# --- test failpoints ------------------------------------------------------------------------

_crash_after = os.environ.get("CODEMOD_CRASH_AFTER")
_fail_at = os.environ.get("CODEMOD_FAIL_AT")
_points = 0


def crash_point() -> None:
    """Failpoints for the kill tests, counted after each journaled step.

    With ``CODEMOD_CRASH_AFTER=N`` the process SIGKILLs itself at the N-th point; with
    ``CODEMOD_FAIL_AT=N`` the N-th point raises an I/O error instead (as a full disk would), so
    that the undo path runs. Unset (always, outside tests), this is one comparison.
    """
    global _points
    if _crash_after is None and _fail_at is None:
        return
    _points += 1
    if str(_points) == _crash_after:
        os.kill(os.getpid(), signal.SIGKILL)
    if str(_points) == _fail_at:
        raise OSError(errno.EIO, "input/output error (CODEMOD_FAIL_AT)")


# --- moving folders --------------------------------------------------------------------------


def _inconsistent(journal: Journal, path: Path, what: str) -> CodemodError:
    return CodemodError(
        f"cannot finish an interrupted codemod run ({journal.who()}): {what}; originals are in {journal.backup}, "
        f"the journal is {journal.path}: check the tree by hand",
        path,
    )


def roll_forward(journal: Journal) -> None:
    """Move each leaving folder aside and its replacement in, step by step; skip what is already done.

    A folder enters right after the one it replaces leaves, so the tree lacks at most one folder at
    a time; an entering name that another step still has to move aside (a chain of renames) enters
    at the end.
    """
    root = journal.root
    in_tree = {step.old for step in journal.steps if step.old is not None and not os.path.lexists(journal.aside(step.old))}
    deferred: list[str] = []
    for step in journal.steps:
        if step.old is not None and step.old in in_tree:
            if not os.path.lexists(root / step.old):
                raise _inconsistent(journal, root / step.old, "this folder should still be in the tree")
            os.rename(root / step.old, journal.aside(step.old))
            in_tree.discard(step.old)
            crash_point()
        if step.new is not None and os.path.lexists(journal.staged(step.new)):
            if step.new in in_tree:
                deferred.append(step.new)
            else:
                _move_in(journal, step.new)
    for name in deferred:
        _move_in(journal, name)
    fsync_dir(root)
    fsync_dir(journal.staging / "old")


def _move_in(journal: Journal, name: str) -> None:
    if os.path.lexists(journal.root / name):
        raise _inconsistent(journal, journal.root / name, "a folder of this name appeared in the tree")
    os.rename(journal.staged(name), journal.root / name)
    crash_point()


def roll_back(journal: Journal) -> None:
    """Undo :func:`roll_forward` as far as it went: entering folders out, leaving folders back."""
    root = journal.root
    for step in reversed(journal.steps):
        if step.new is None or os.path.lexists(journal.staged(step.new)) or not os.path.lexists(root / step.new):
            continue
        os.rename(root / step.new, journal.staged(step.new))
        crash_point()
    fsync_dir(root)
    for step in reversed(journal.steps):
        if step.old is None or not os.path.lexists(journal.aside(step.old)):
            continue
        if os.path.lexists(root / step.old):
            raise _inconsistent(journal, root / step.old, "a folder of this name appeared in the tree")
        os.rename(journal.aside(step.old), root / step.old)
        crash_point()
    fsync_dir(root)


def discard(journal: Journal, *, backup: bool) -> None:
    """Remove the run's staging folder (and its backup folder, when the tree is the old one), then the journal."""
    remove_tree(journal.staging)
    if backup:
        remove_tree(journal.backup)
        if journal.remove_backup_parent:
            try:
                journal.backup.parent.rmdir()  # only when empty
            except OSError:
                pass
    fsync_dir(journal.staging.parent)
    journal.remove()


def finish(journal: Journal) -> str:
    """Bring an interrupted run to the old or the new tree; say which, in a phrase."""
    if journal.phase == "prepare":
        discard(journal, backup=True)
        return "it had not changed the tree yet; its temporary folders were removed"
    if journal.phase == "rollback":
        roll_back(journal)
        discard(journal, backup=True)
        return "rolled back: the tree is as it was before"
    if journal.phase == "swap":
        roll_forward(journal)
        journal.save("cleanup")
    discard(journal, backup=False)
    return f"completed: the tree is the rewritten one (originals in {journal.backup})"


def recover(migrations_parent: Path) -> str | None:
    """Finish the interrupted run whose journal is in ``migrations_parent``, under the tree's lock.

    Returns the one line to show, or None when there was nothing to do (the run ended meanwhile).
    """
    from codemod.fs.lock import tree_lock

    path = migrations_parent.absolute() / JOURNAL_NAME
    if not os.path.lexists(path):
        return None
    root = load(path).root
    with tree_lock(root, "codemod recovery"):
        if not os.path.lexists(path):
            return None  # its own run finished while we waited for the lock
        journal = load(path)
        try:
            outcome = finish(journal)
        except OSError as error:
            raise _inconsistent(journal, Path(error.filename or journal.root), error.strerror or str(error)) from error
    return f"recovered an interrupted codemod write ({journal.who()}) on {journal.root}: {outcome}"
