"""git's binary patch format, for files a text diff cannot carry (UTF-16, NUL bytes, images).

``git apply`` takes a ``GIT binary patch`` with full blob ids on the ``index`` line: the new
content (``literal``), then the old one for reverse application, each deflated and written in
git's base85 lines (a length character, then up to 52 bytes as base85).
"""

from __future__ import annotations

import base64
import hashlib
import zlib

_LINE_BYTES = 52


def blob_id(data: bytes) -> str:
    """The object id git gives a file's content."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # noqa: S324 - git's object id, not security


def binary_patch(old: bytes, new: bytes, mode: str = "100644") -> list[str]:
    """``index`` line and the ``GIT binary patch`` body turning ``old`` into ``new``."""
    return [
        f"index {blob_id(old)}..{blob_id(new)}{' ' + mode if old and new else ''}\n",
        "GIT binary patch\n",
        *_literal(new),
        *_literal(old),
    ]


def _literal(data: bytes) -> list[str]:
    packed = zlib.compress(data, 9)
    lines = [f"literal {len(data)}\n"]
    for start in range(0, len(packed), _LINE_BYTES):
        chunk = packed[start : start + _LINE_BYTES]
        length = chr(ord("A") + len(chunk) - 1) if len(chunk) <= 26 else chr(ord("a") + len(chunk) - 27)
        lines.append(length + base64.b85encode(chunk, pad=True).decode("ascii") + "\n")
    lines.append("\n")
    return lines
