"""Unified diffs in git's format (renames included), plain or coloured for a terminal.

The same text is the ``--dry-run`` output and the ``--patch`` file, so what a reviewer reads is
exactly what ``git apply`` applies. Lines are split at ``\\n`` only, as git does (a file whose
lines end in a lone ``\\r`` is one line to git); unusual path names are C-quoted as git quotes
them. On a terminal (or in colour) control characters of the SQL are shown escaped.
"""

from __future__ import annotations

import difflib

from codemod.display import display_path, escape, git_quote
from codemod.render.changes import FileChange

NO_NEWLINE = "\\ No newline at end of file\n"
_COLORS = {"+": "\x1b[32m", "-": "\x1b[31m", "@": "\x1b[36m", "d": "\x1b[1m", "r": "\x1b[1m"}
_RESET = "\x1b[0m"


def _lines(data: bytes) -> list[str]:
    """Lines as git sees them: ended by ``\\n`` only (``\\r``, form feeds, U+2028 are line content)."""
    parts = data.decode("utf-8").split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def file_diff(change: FileChange) -> str:
    old_path = display_path(change.old_path)
    new_path = display_path(change.new_path)
    old_a, new_b = git_quote(f"a/{old_path}"), git_quote(f"b/{new_path}")
    head = [f"diff --git {old_a} {new_b}\n"]
    if change.renamed:
        if not change.edited:
            head.append("similarity index 100%\n")
        head += [f"rename from {git_quote(old_path)}\n", f"rename to {git_quote(new_path)}\n"]
    if not change.edited:
        return "".join(head)
    body = []
    for index, line in enumerate(difflib.unified_diff(_lines(change.old), _lines(change.new), old_a, new_b, n=3)):
        if index < 2:  # the ---/+++ header (a removed line "-- comment" starts with "---" too)
            body.append(line.rstrip("\n") + "\n")
        elif line.endswith("\n"):
            body.append(line)
        else:
            body.append(line + "\n" + NO_NEWLINE)
    return "".join(head + body)


def unified_diff(changes: list[FileChange], color: bool = False, terminal: bool = False) -> str:
    """The patch text; ``color`` adds ANSI colours, ``color`` or ``terminal`` escapes control characters."""
    text = "".join(file_diff(change) for change in changes)
    if color or terminal:
        text = escape(text, keep_newlines=True)
    return colorize(text) if color else text


def colorize(text: str) -> str:
    out = []
    in_hunk = False
    for line in text.splitlines(keepends=True):
        key = line[:1]
        if line.startswith("diff --git"):
            in_hunk, key = False, "r"
        elif line.startswith("@@"):
            in_hunk = True
        elif not in_hunk and line.startswith(("+++", "---")):
            key = "d"
        elif not in_hunk and line.startswith(("rename ", "similarity")):
            key = "r"
        color = _COLORS.get(key)
        if color is None:
            out.append(line)
        else:
            ending = "\n" if line.endswith("\n") else ""
            out.append(f"{color}{line.rstrip(chr(10))}{_RESET}{ending}")
    return "".join(out)
