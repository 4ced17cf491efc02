"""Read migration files as exact bytes; decode a copy for analysis, never for output."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from codemod.errors import CodemodError

BOM = b"\xef\xbb\xbf"


_ABSENT = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)  # what Path.exists() reads as "no such file"


def read_if_present(path: Path | str) -> bytes | None:
    """The file's bytes, or None where ``path.exists()`` would be False (no separate exists call).

    Opened without blocking and checked to be a regular file first: a FIFO named
    ``migration.sql`` would otherwise wait forever for a writer.
    """
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        if error.errno in _ABSENT:
            return None
        raise CodemodError(f"cannot read: {error.strerror}", path) from error
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode):
            if stat.S_ISDIR(status.st_mode):
                raise CodemodError("cannot read: Is a directory", path)
            raise CodemodError("not a regular file", path)
        chunks = [os.read(handle, status.st_size + 1)]  # one read for a file that does not grow meanwhile
        while chunks[-1]:
            chunks.append(os.read(handle, 1 << 20))
        return b"".join(chunks)
    except OSError as error:
        raise CodemodError(f"cannot read: {error.strerror}", path) from error
    finally:
        os.close(handle)


def sniff_encoding(raw: bytes) -> str:
    """``utf-8``, ``utf-16-le``/``utf-16-be`` (by BOM, or by the NULs of ASCII text), or ``invalid``."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16-le" if raw.startswith(b"\xff\xfe") else "utf-16-be"
    try:
        raw.decode("utf-8")
        if len(raw) >= 4 and raw.count(b"\x00") * 3 >= len(raw) and len(raw) % 2 == 0:
            raise UnicodeDecodeError("utf-8", raw, 0, 1, "NULs of UTF-16")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if len(raw) % 2 == 0 and raw:
        odd, even = raw[1::2].count(0), raw[0::2].count(0)
        if odd * 2 >= len(raw) // 2 or even * 2 >= len(raw) // 2:
            return "utf-16-le" if odd >= even else "utf-16-be"
    return "invalid"


def decode_utf16(raw: bytes, encoding: str) -> str | None:
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        return None
    return text[1:] if text.startswith("\ufeff") else text


def decode(raw: bytes, path: Path) -> tuple[str, bool]:
    """Text without the BOM, and whether there was one (kept in the output)."""
    bom = raw.startswith(BOM)
    body = raw[len(BOM) :] if bom else raw
    try:
        return body.decode("utf-8"), bom
    except UnicodeDecodeError as error:
        offset = error.start + (len(BOM) if bom else 0)
        line = raw[:offset].count(b"\n") + 1
        raise CodemodError(
            f"not valid UTF-8 (byte 0x{raw[offset]:02x} at offset {offset})", path, line
        ) from error


def detect_newline(text: str) -> str:
    """The file's line ending, so inserted lines match the lines around them."""
    return "\r\n" if "\r\n" in text else "\n"
