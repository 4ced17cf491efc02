"""One writer per tree: an exclusive lock file beside the migrations directory.

Two `apply` runs on one tree would each back up and swap folders the other is moving, and
originals could end up nowhere. The lock is ``<migrations parent>/.codemod-lock``, held with
``flock`` (the kernel drops it when its process dies, so a killed run's lock is taken over at
once) and recording who holds it (pid, host, command, since when) so that a second run can say
so. A second run waits a few seconds (``CODEMOD_LOCK_WAIT``, default 5), then refuses in one line.
"""

from __future__ import annotations

import fcntl
import json
import math
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from codemod.errors import CodemodError

LOCK_NAME = ".codemod-lock"
DEFAULT_WAIT = 5.0
_POLL = 0.05


def lock_path(migrations_dir: Path) -> Path:
    return migrations_dir.absolute().parent / LOCK_NAME


def wait_seconds() -> float:
    """How long a second run waits for the lock: ``CODEMOD_LOCK_WAIT`` when it is a sane number."""
    try:
        value = float(os.environ.get("CODEMOD_LOCK_WAIT", DEFAULT_WAIT))
    except ValueError:
        return DEFAULT_WAIT
    return value if math.isfinite(value) and 0 <= value <= 3600 else DEFAULT_WAIT


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _command() -> str:
    words = [os.path.basename(sys.argv[0]) if sys.argv else "codemod", *sys.argv[1:]]
    if words[0] in {"cli.py", "__main__.py", "-m", "-c"}:
        words[0] = "codemod"
    text = _printable(" ".join(words))
    return text if len(text) <= 120 else text[:117] + "..."


def holder(path: Path) -> str:
    """Who holds the lock, as one phrase (from what the holder wrote into the file)."""
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        return f"pid {int(info['pid'])} on {_printable(str(info['host']))}, `{_printable(str(info['command']))}`, since {_printable(str(info['since']))}"
    except (OSError, ValueError, KeyError, TypeError):
        return "a process that has not said who it is yet"


class TreeLock:
    """The held lock; release it with :meth:`release` (or use :func:`tree_lock`)."""

    def __init__(self, path: Path, handle: int) -> None:
        self.path = path
        self._handle: int | None = handle

    def release(self) -> None:
        if self._handle is None:
            return
        try:
            os.unlink(self.path)  # while still held: a waiter then sees another inode and retries
        except OSError:
            pass
        os.close(self._handle)
        self._handle = None


def _try_acquire(path: Path) -> TreeLock | None:
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(handle)
        return None
    except OSError:
        os.close(handle)
        raise
    try:
        current = os.stat(path)
    except FileNotFoundError:
        current = None
    if current is None or (current.st_dev, current.st_ino) != (os.fstat(handle).st_dev, os.fstat(handle).st_ino):
        os.close(handle)  # the file we locked was removed by its previous holder: lock the new one
        return None if current is not None else _try_acquire(path)
    return TreeLock(path, handle)


def acquire(migrations_dir: Path, command: str | None = None, wait: float | None = None) -> TreeLock:
    """Take the tree's lock, waiting up to ``wait`` seconds; one-line :class:`CodemodError` if it stays held."""
    path = lock_path(migrations_dir)
    deadline = time.monotonic() + (wait_seconds() if wait is None else wait)
    while True:
        try:
            lock = _try_acquire(path)
        except OSError as error:
            raise CodemodError(f"cannot lock the tree for writing: {error.strerror}; nothing was written", path) from error
        if lock is not None:
            break
        if time.monotonic() >= deadline:
            raise CodemodError(
                f"another codemod run is writing this tree ({holder(path)}); nothing was written: try again when it ends",
                path,
            )
        time.sleep(_POLL)
    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": command or _command(),
        "since": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
    }
    assert lock._handle is not None
    os.ftruncate(lock._handle, 0)
    os.pwrite(lock._handle, (json.dumps(info) + "\n").encode("utf-8"), 0)
    return lock


def wait_for_writer(path: Path, wait: float | None = None) -> bool:
    """Wait until no codemod run writes the tree around ``path``; True when one was writing.

    Reading takes no lock, so a read can meet a tree half-way through another run's renames
    (a folder listed, then gone). A reader that failed asks this and, when a writer was at
    work, reads again once the writer has finished.
    """
    start = path.absolute()
    for folder in [start, *start.parents][:4]:
        candidate = folder / LOCK_NAME
        if not candidate.is_file():
            continue
        lock = _try_acquire(candidate)
        if lock is not None:
            lock.release()
            continue
        deadline = time.monotonic() + (wait_seconds() if wait is None else wait)
        while os.path.exists(candidate) and time.monotonic() < deadline:
            lock = _try_acquire(candidate)
            if lock is not None:
                lock.release()
                break
            time.sleep(_POLL)
        return True
    return False


@contextmanager
def tree_lock(migrations_dir: Path, command: str | None = None, wait: float | None = None) -> Iterator[TreeLock]:
    lock = acquire(migrations_dir, command, wait)
    try:
        yield lock
    finally:
        lock.release()


def remove_stale_lock(migrations_parent: Path, tidy: Callable[[], None] | None = None) -> None:
    """Remove a lock file that nobody holds (left by a killed run), after ``tidy``; leave a held one alone."""
    path = migrations_parent / LOCK_NAME
    try:
        lock = _try_acquire(path)
    except OSError:
        return
    if lock is not None:
        try:
            if tidy is not None:
                tidy()
        finally:
            lock.release()
