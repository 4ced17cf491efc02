"""Ctrl-C and SIGTERM: the command stops, cleans up, and says so in one line (exit code 130).

:func:`install` makes both signals raise :class:`KeyboardInterrupt` in the main thread, so the
``with`` blocks and ``finally`` clauses that own temporary clusters, scratch databases and
temporary folders run while the exception unwinds. A second signal within a few seconds of the
first is ignored, so that it cannot cut that clean-up short (a third one, later, interrupts again).
"""

from __future__ import annotations

import signal
import time
from types import FrameType

EXIT_CODE = 130
GRACE_SECONDS = 5.0

_received_at: float | None = None
_announced = False


def received() -> bool:
    """True once SIGINT or SIGTERM arrived (through :func:`install`'s handler)."""
    return _received_at is not None


def _handler(signum: int, frame: FrameType | None) -> None:
    global _received_at
    now = time.monotonic()
    if _received_at is not None and now - _received_at < GRACE_SECONDS:
        return  # clean-up of the first one is running
    _received_at = now
    raise KeyboardInterrupt


def install() -> None:
    """SIGINT and SIGTERM raise KeyboardInterrupt (main thread only; elsewhere nothing changes)."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            signal.signal(signum, _handler)
        except (ValueError, OSError):
            return


def line(detail: str = "") -> str:
    """The one line that says so (remembered, so that it is printed once)."""
    global _announced
    _announced = True
    return "codemod: interrupted" + (f"; {detail}" if detail else "")


def announced() -> bool:
    return _announced
