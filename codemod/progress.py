"""A progress bar for long runs on a terminal; nothing at all when output is piped or in CI."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Progress = Callable[[int, int], None]
MIN_MIGRATIONS = 200


def _interactive() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


@contextmanager
def progress_reporter(label: str = "reading migrations") -> Iterator[Progress | None]:
    """Yields a ``(done, total)`` callback drawing a rich bar on stderr, or None when not interactive."""
    if not _interactive():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    bar = Bar(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True)
    task = None

    def update(done: int, total: int) -> None:
        nonlocal task
        if total < MIN_MIGRATIONS:
            return
        if task is None:
            bar.start()
            task = bar.add_task(label, total=total)
        bar.update(task, completed=done)

    try:
        yield update
    finally:
        if task is not None:
            bar.stop()
