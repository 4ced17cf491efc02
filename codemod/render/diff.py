"""Unified diffs in git's format (renames included), plain or coloured for a terminal.

The same text is the ``--dry-run`` output and the ``--patch`` file, so what a reviewer reads is
exactly what ``git apply`` applies. Added folders are new files (``new file mode``, ``--- /dev/null``);
removed folders are their files deleted. A file that is not UTF-8 text (UTF-16, NUL bytes) goes as a
``GIT binary patch``. What a patch cannot carry (a link, an empty folder) is named by
:func:`patch_notes` instead.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from codemod.display import display_path
from codemod.plan import Plan
from codemod.render.binary import binary_patch
from codemod.render.changes import FileChange

NO_NEWLINE = "\\ No newline at end of file\n"
_COLORS = {"+": "\x1b[32m", "-": "\x1b[31m", "@": "\x1b[36m", "d": "\x1b[1m", "r": "\x1b[1m"}
_RESET = "\x1b[0m"


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8").splitlines(keepends=True)


def file_diff(change: FileChange) -> str:
    if change.kind != "changed":
        return _whole_file_diff(change)
    old_path = display_path(change.old_path)
    new_path = display_path(change.new_path)
    head = [f"diff --git a/{old_path} b/{new_path}\n"]
    if change.renamed:
        if not change.edited:
            head.append("similarity index 100%\n")
        head += [f"rename from {old_path}\n", f"rename to {new_path}\n"]
    if not change.edited:
        return "".join(head)
    if not (_is_text(change.old) and _is_text(change.new)):
        return "".join(head + binary_patch(change.old, change.new))
    return "".join(head + _hunks(change.old, change.new, f"a/{old_path}", f"b/{new_path}"))


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
    for line in difflib.unified_diff(_lines(old), _lines(new), old_label, new_label, n=3):
        if line.startswith(("---", "+++")):
            body.append(line.rstrip("\n") + "\n")
        elif line.endswith("\n"):
            body.append(line)
        else:
            body.append(line + "\n" + NO_NEWLINE)
    return body


def _whole_file_diff(change: FileChange) -> str:
    """A file created or deleted whole, as git writes it (an empty file is the header alone)."""
    path = display_path(change.new_path)
    head = [f"diff --git a/{path} b/{path}\n"]
    if change.kind == "added":
        head.append(f"new file mode {change.file_mode}\n")
        body = _hunks(b"", change.new, "/dev/null", f"b/{path}") if change.text else binary_patch(b"", change.new)
        return "".join(head + body)
    head.append(f"deleted file mode {change.file_mode}\n")
    body = _hunks(change.old, b"", f"a/{path}", "/dev/null") if change.text else binary_patch(change.old, b"")
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
