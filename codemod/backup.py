"""The backup contract that `apply` writes and the history commands read.

Originals of every folder that `apply` changes (or removes) go to a run folder
``<base>/<run>/``, where ``<base>`` is ``.codemod-backup`` beside the migrations directory (never
inside it, so Prisma never sees them) or the ``--backup-dir`` a user chose. ``<run>`` is unique
per run (UTC time, pid, random) and made with an exclusive ``mkdir``: two runs never share one,
even in the same second, so a backup is never merged into another and no manifest is overwritten.
Each run folder holds a ``manifest.json`` recording old name → new name and the checksums Prisma
stores. `status`, `resolve` and `cleanup` read every manifest to recognise migrations that
codemod renamed or rewrote, across all runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

BACKUP_DIR_NAME = ".codemod-backup"
FIXED_SUFFIX = "_fixed"  # a rewritten migration's new folder in the default mode: <name>_fixed
MANIFEST_NAME = "manifest.json"


def default_backup_base(migrations_dir: Path) -> Path:
    """Outside the migrations directory, so Prisma never sees the originals as migrations."""
    return migrations_dir.absolute().parent / BACKUP_DIR_NAME


def run_name() -> str:
    """A run folder's name: sorts by time, unique across processes and within one second."""
    return f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-{os.getpid()}-{secrets.token_hex(3)}"


def default_backup_dir(migrations_dir: Path) -> Path:
    """A fresh run folder path under ``.codemod-backup`` (not created: see :func:`make_run_dir`)."""
    return default_backup_base(migrations_dir) / run_name()


def make_run_dir(path: Path) -> None:
    """Create a run folder exclusively: an existing one is never reused."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkdir(path)


def manifest_roots(migrations_dir: Path) -> list[Path]:
    """Where manifests may be: ``.codemod-backup`` and the configured ``backup-dir`` (if any)."""
    roots = [default_backup_base(migrations_dir)]
    try:
        from codemod.config import load_settings

        configured = load_settings().get("backup-dir")
    except Exception:  # a broken configuration only loses the hint; commands report it themselves
        configured = None
    if configured:
        roots.append(Path(configured).absolute())
    return roots


@dataclass(frozen=True)
class ManifestEntry:
    """One folder change recorded by `codemod apply` (old → new name, SHA-256 before and after)."""

    old: str
    new: str
    old_checksum: str
    new_checksum: str
    manifest: Path


def _manifests(root: Path) -> list[Path]:
    """Manifests of runs in ``root`` (a backup base), or in a ``--backup-dir`` kept inside it.

    A ``--backup-dir`` of codemod before run folders held ``manifest.json`` itself: read too.
    """
    if not root.is_dir():
        return []
    found = [*root.glob(MANIFEST_NAME), *root.glob(f"*/{MANIFEST_NAME}"), *root.glob(f"*/*/{MANIFEST_NAME}")]
    return [path for path in found if path.is_file()]


def _run_key(manifest: Path, document: dict) -> str:
    created = document.get("created")
    if isinstance(created, str):
        return created
    try:
        return datetime.fromtimestamp(manifest.stat().st_mtime, UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    except OSError:
        return ""


def read_manifests(*backup_roots: Path) -> list[ManifestEntry]:
    """Every manifest under the backup directories, oldest run first; each run's entries once."""
    documents: dict[Path, tuple[str, Path, dict]] = {}
    for root in backup_roots:
        for manifest in _manifests(root):
            key = manifest.resolve()
            if key in documents:
                continue
            try:
                document = json.loads(manifest.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # a damaged manifest only loses its hints
            if isinstance(document, dict) and document.get("tool") == "codemod":
                documents[key] = (_run_key(manifest, document), manifest, document)
    entries: list[ManifestEntry] = []
    for _, manifest, document in sorted(documents.values(), key=lambda item: (item[0], str(item[1]))):
        try:
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
    added: list[tuple[str, bytes]] | None = None,
    removed: list[tuple[str, bytes | None]] | None = None,
) -> None:
    """Record (old name, new name, old bytes, new bytes) as names and SHA-256 checksums.

    Added folders (name, bytes of their migration.sql) and removed ones (name, bytes of their
    migration.sql or None) are listed apart from ``changes``, which only ever maps an old name to
    the name that replaced it.
    """
    entries = [
        {
            "old": old,
            "new": new,
            "old_checksum": hashlib.sha256(old_bytes).hexdigest(),
            "new_checksum": hashlib.sha256(new_bytes).hexdigest(),
        }
        for old, new, old_bytes, new_bytes in changes
    ]
    document = {
        "tool": "codemod",
        "version": 1,
        "created": datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ"),
        "migrations_dir": str(root.absolute()),
        "mode": mode,
        "changes": entries,
        "added": [{"name": name, "checksum": hashlib.sha256(data).hexdigest()} for name, data in added or []],
        "removed": [
            {"name": name, "checksum": hashlib.sha256(data).hexdigest() if data is not None else None}
            for name, data in removed or []
        ],
    }
    data = (json.dumps(document, indent=2) + "\n").encode("utf-8")
    if write is None:
        (backup / MANIFEST_NAME).write_bytes(data)
    else:
        write(backup / MANIFEST_NAME, data)
