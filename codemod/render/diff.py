"""Unified diffs in git's format (renames included), plain or coloured for a terminal.

The same text is the ``--dry-run`` output and the ``--patch`` file, so what a reviewer reads is
exactly what ``git apply`` applies. Added folders are new files (``new file mode``, ``--- /dev/null``);
removed folders are their files deleted. A file that is not UTF-8 text (UTF-16, NUL bytes) goes as a
``GIT binary patch``. What a patch cannot carry (a link, an empty folder) is named by
:func:`patch_notes` instead. Lines are split at ``\\n`` only, as git does (a file whose lines end
in a lone ``\\r`` is one line to git); unusual path names are C-quoted as git quotes them. On a
terminal (or in colour) control characters of the SQL are shown escaped.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from codemod.display import display_path, escape, git_quote
from codemod.plan import Plan
from codemod.render.binary import binary_patch
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
    if change.kind != "changed":
        return _whole_file_diff(change)
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
    if not (_is_text(change.old) and _is_text(change.new)):
        return "".join(head + binary_patch(change.old, change.new))
    return "".join(head + _hunks(change.old, change.new, old_a, new_b))


def _is_text(data: bytes) -> bool:
    if b"\0" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _hunks(old: bytes, new: bytes, old_label: str, new_label: str) -> list[str]:
    body = []
    for index, line in enumerate(difflib.unified_diff(_lines(old), _lines(new), old_label, new_label, n=3)):
        if index < 2:  # the ---/+++ header (a removed line "-- comment" starts with "---" too)
            body.append(line.rstrip("\n") + "\n")
        elif line.endswith("\n"):
            body.append(line)
        else:
            body.append(line + "\n" + NO_NEWLINE)
    return body


def _whole_file_diff(change: FileChange) -> str:
    """A file created or deleted whole, as git writes it (an empty file is the header alone)."""
    path = display_path(change.new_path)
    old_a, new_b = git_quote(f"a/{path}"), git_quote(f"b/{path}")
    head = [f"diff --git {old_a} {new_b}\n"]
    if change.kind == "added":
        head.append(f"new file mode {change.file_mode}\n")
        body = _hunks(b"", change.new, "/dev/null", new_b) if change.text else binary_patch(b"", change.new)
        return "".join(head + body)
    head.append(f"deleted file mode {change.file_mode}\n")
    body = _hunks(change.old, b"", old_a, "/dev/null") if change.text else binary_patch(change.old, b"")
    return "".join(head + body)


def patch_notes(plan: Plan, changes: list[FileChange]) -> list[str]:
    """What the patch leaves out of a removed folder: files git cannot take as text, links, empty folders."""
    notes = []
    carried = {change.old_path for change in changes if change.kind == "removed"}
    for name in plan.removed:
        folder = plan.tree.root / name
        entries = []
        for directory, subdirectories, files in os.walk(folder):
            links = [d for d in subdirectories if os.path.islink(os.path.join(directory, d))]
            entries += [Path(directory) / entry for entry in sorted(files) + links]
        left = [entry.relative_to(folder).as_posix() for entry in entries if entry not in carried]
        shown = display_path(folder)
        if left:
            more = " …" if len(left) > 3 else ""
            notes.append(f"the patch cannot remove {', '.join(left[:3])}{more} in {shown} (links): remove the folder by hand after `git apply`")
        elif not entries:
            notes.append(f"{shown} has no files for the patch to delete: remove the folder by hand after `git apply`")
    return notes


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
