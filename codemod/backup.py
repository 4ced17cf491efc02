"""The backup contract that `apply` writes and the history commands read.

Originals of every folder that `apply` changes go to ``.codemod-backup/<run>/`` beside the
migrations directory (never inside it, so Prisma never sees them), with a ``manifest.json`` that
records old name → new name and the checksums Prisma stores. `status`, `resolve` and `cleanup`
read the manifests to recognise migrations that codemod renamed or rewrote.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

BACKUP_DIR_NAME = ".codemod-backup"
MANIFEST_NAME = "manifest.json"


def default_backup_dir(migrations_dir: Path) -> Path:
    """Outside the migrations directory, so Prisma never sees the originals as migrations."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return migrations_dir.parent / BACKUP_DIR_NAME / stamp


@dataclass(frozen=True)
class ManifestEntry:
    """One folder change recorded by `codemod apply` (old → new name, SHA-256 before and after)."""

    old: str
    new: str
    old_checksum: str
    new_checksum: str
    manifest: Path


def read_manifests(backup_root: Path) -> list[ManifestEntry]:
    """Every ``manifest.json`` under the backup directory, oldest run first (folders are time stamps)."""
    entries: list[ManifestEntry] = []
    if not backup_root.is_dir():
        return entries
    for manifest in sorted(backup_root.glob(f"*/{MANIFEST_NAME}")):
        try:
            document = json.loads(manifest.read_text(encoding="utf-8"))
            for change in document.get("changes", []):
                entries.append(
                    ManifestEntry(
                        str(change["old"]),
                        str(change["new"]),
                        str(change.get("old_checksum", "")).lower(),
                        str(change.get("new_checksum", "")).lower(),
                        manifest,
                    )
                )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue  # a damaged manifest only loses its hints
    return entries


def write_manifest(
    backup: Path,
    root: Path,
    mode: str,
    changes: list[tuple[str, str, bytes, bytes]],
    write: Callable[[Path, bytes], None] | None = None,
) -> None:
    """Record (old name, new name, old bytes, new bytes) as names and SHA-256 checksums."""
    entries = [
        {
            "old": old,
            "new": new,
            "old_checksum": hashlib.sha256(old_bytes).hexdigest(),
            "new_checksum": hashlib.sha256(new_bytes).hexdigest(),
        }
        for old, new, old_bytes, new_bytes in changes
    ]
    document = {"tool": "codemod", "version": 1, "migrations_dir": str(root.absolute()), "mode": mode, "changes": entries}
    data = (json.dumps(document, indent=2) + "\n").encode("utf-8")
    if write is None:
        (backup / MANIFEST_NAME).write_bytes(data)
    else:
        write(backup / MANIFEST_NAME, data)
