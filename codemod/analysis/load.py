"""Read migration files as exact bytes; decode a copy for analysis, never for output."""

from __future__ import annotations

from pathlib import Path

from codemod.errors import CodemodError

BOM = b"\xef\xbb\xbf"


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as error:
        raise CodemodError("file not found", path) from error
    except OSError as error:
        raise CodemodError(f"cannot read: {error.strerror}", path) from error


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
