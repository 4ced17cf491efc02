"""Errors that reach the user as one line and exit code 2 (bad input, nothing written)."""

from __future__ import annotations

from pathlib import Path


class CodemodError(Exception):
    """Bad input: names the file (when there is one) and the problem, in one line."""

    exit_code = 2

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.line = line
        self.problem = message
        super().__init__(self.one_line())

    def one_line(self) -> str:
        if self.path is None:
            return self.problem
        where = str(self.path) if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.problem}"


class PathGone(CodemodError):
    """A folder of the tree vanished while it was read (another run may be renaming folders)."""
