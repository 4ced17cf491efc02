"""Unified diffs in git's format (renames included), plain or coloured for a terminal.

The same text is the ``--dry-run`` output and the ``--patch`` file, so what a reviewer reads is
exactly what ``git apply`` applies.
"""

from __future__ import annotations

import difflib

from codemod.display import display_path
from codemod.render.changes import FileChange

NO_NEWLINE = "\\ No newline at end of file\n"
_COLORS = {"+": "\x1b[32m", "-": "\x1b[31m", "@": "\x1b[36m", "d": "\x1b[1m", "r": "\x1b[1m"}
_RESET = "\x1b[0m"


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8").splitlines(keepends=True)


def file_diff(change: FileChange) -> str:
    old_path = display_path(change.old_path)
    new_path = display_path(change.new_path)
    head = [f"diff --git a/{old_path} b/{new_path}\n"]
    if change.renamed:
        if not change.edited:
            head.append("similarity index 100%\n")
        head += [f"rename from {old_path}\n", f"rename to {new_path}\n"]
    if not change.edited:
        return "".join(head)
    body = []
    for line in difflib.unified_diff(_lines(change.old), _lines(change.new), f"a/{old_path}", f"b/{new_path}", n=3):
        if line.startswith(("---", "+++")):
            body.append(line.rstrip("\n") + "\n")
        elif line.endswith("\n"):
            body.append(line)
        else:
            body.append(line + "\n" + NO_NEWLINE)
    return "".join(head + body)


def unified_diff(changes: list[FileChange], color: bool = False) -> str:
    text = "".join(file_diff(change) for change in changes)
    return colorize(text) if color else text


def colorize(text: str) -> str:
    out = []
    for line in text.splitlines(keepends=True):
        key = line[:1]
        if line.startswith(("+++", "---")):
            key = "d"
        elif line.startswith(("diff --git", "rename ", "similarity")):
            key = "r"
        color = _COLORS.get(key)
        if color is None:
            out.append(line)
        else:
            ending = "\n" if line.endswith("\n") else ""
            out.append(f"{color}{line.rstrip(chr(10))}{_RESET}{ending}")
    return "".join(out)
