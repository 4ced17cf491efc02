"""How paths, names and SQL appear in terminal output and patches.

Names and SQL are data: a folder name may hold an escape sequence (``ESC[2J`` clears a screen),
a newline, or a bidirectional override. :func:`escape` makes any of them printable; every
command shows names, messages and SQL through it. :func:`git_quote` is git's own quoting of
unusual path names, for patches that ``git apply`` reads back. :func:`use_color` is the one
answer to "colour or not" (``--color``, ``NO_COLOR``, ``FORCE_COLOR``, a terminal).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TextIO

# C0 controls but tab, DEL, C1 controls, and the Unicode format characters that reorder or hide
# text on a terminal (bidirectional embeddings, overrides and isolates; line and paragraph
# separators, which some terminals break lines at).
_UNSAFE = "\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE_RE = re.compile(f"[{_UNSAFE}]")
_UNSAFE_KEEP_LINES_RE = re.compile(f"(?!\r\n)[{_UNSAFE.replace(chr(10) + '-', chr(11) + '-')}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\x1b": "\\e"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every control character shown as an escape (``\\n``, ``\\e``, ``\\x07``, ``\\u202e``).

    Tabs stay. With ``keep_newlines`` line breaks (``\\n``, and ``\\r\\n``) stay too: for text whose
    lines are already composed (a report), where the names inside were escaped on their own.
    """
    pattern = _UNSAFE_KEEP_LINES_RE if keep_newlines else _UNSAFE_RE
    return pattern.sub(_escaped, text) if pattern.search(text) else text


def display_path(path: Path) -> str:
    """Relative to the working directory when the tree is under it (as ``git apply`` wants), else absolute."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


def shown_path(path: Path) -> str:
    """:func:`display_path` made safe for a terminal line."""
    return escape(display_path(path))


# git's quote_c_style: these get a short escape, other bytes below 0x20, 0x7f and up go octal.
_GIT_ESCAPES = {0x07: "\\a", 0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0B: "\\v", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"}


def git_quote(name: str) -> str:
    """A path as git writes it in a patch: unchanged when plain, else C-quoted (``"a/x\\ny"``).

    As git does with ``core.quotePath`` (its default): a name holding a control character, a
    double quote, a backslash or a non-ASCII byte is quoted; non-ASCII bytes become octal.
    """
    data = name.encode("utf-8", "surrogateescape")
    if all(0x20 <= byte < 0x7F and byte not in (0x22, 0x5C) for byte in data):
        return name
    out = []
    for byte in data:
        if byte in _GIT_ESCAPES:
            out.append(_GIT_ESCAPES[byte])
        elif byte < 0x20 or byte >= 0x7F:
            out.append(f"\\{byte:03o}")
        else:
            out.append(chr(byte))
    return '"' + "".join(out) + '"'


def use_color(choice: str = "auto", stream: TextIO | None = None) -> bool:
    """Colour or not: ``--color always|never`` first, then ``NO_COLOR``, then ``FORCE_COLOR``, then a terminal.

    ``NO_COLOR`` and ``FORCE_COLOR`` count when set to anything but the empty string
    (https://no-color.org, https://force-color.org); ``FORCE_COLOR=0`` means no.
    """
    if choice == "always":
        return True
    if choice == "never":
        return False
    if os.environ.get("NO_COLOR"):
        return False
    forced = os.environ.get("FORCE_COLOR")
    if forced:
        return forced.strip().lower() not in ("0", "false", "no")
    if stream is None:
        import sys

        stream = sys.stdout
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False


def on_terminal(stream: TextIO | None = None) -> bool:
    """True when ``stream`` (stdout by default) is a terminal."""
    if stream is None:
        import sys

        stream = sys.stdout
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
