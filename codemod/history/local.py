"""The tree as `_prisma_migrations` sees it: folder names, file bytes, checksums, and what `apply` recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from codemod.analysis.discover import MIGRATION_FILE, Order, find_migrations_dir, sort_names
from codemod.backup import BACKUP_DIR_NAME, ManifestEntry, manifest_roots, read_manifests
from codemod.errors import CodemodError
from codemod.history.table import checksum, checksum_variants


@dataclass
class LocalMigration:
    name: str
    path: Path
    raw: bytes
    position: int
    checksum: str = ""
    accepted: set[str] = field(default_factory=set)

    def matches(self, row_checksum: str) -> bool:
        return row_checksum.lower() in self.accepted


@dataclass
class LocalTree:
    root: Path
    order: Order
    migrations: list[LocalMigration]
    manifests: list[ManifestEntry]

    def by_name(self) -> dict[str, LocalMigration]:
        return {m.name: m for m in self.migrations}

    def positions(self, order: Order | None = None) -> dict[str, int]:
        names = sort_names([m.name for m in self.migrations], order or self.order)
        return {name: index for index, name in enumerate(names)}

    @property
    def backup_root(self) -> Path:
        return self.root.parent / BACKUP_DIR_NAME


def load_local_tree(path: Path | str, order: Order = "locale") -> LocalTree:
    """Folders with a ``migration.sql``, in Prisma's order (folders without one are cleanup's business)."""
    root = find_migrations_dir(Path(path))
    folders = []
    try:
        entries = sorted(root.iterdir())
    except OSError as error:
        raise CodemodError(f"cannot list directory: {error.strerror}", root) from error
    for entry in entries:
        if entry.is_dir() and (entry / MIGRATION_FILE).is_file():
            folders.append(entry)
    by_name = {folder.name: folder for folder in folders}
    migrations = []
    for position, name in enumerate(sort_names(list(by_name), order)):
        sql_path = by_name[name] / MIGRATION_FILE
        try:
            raw = sql_path.read_bytes()
        except OSError as error:
            raise CodemodError(f"cannot read: {error.strerror}", sql_path) from error
        migrations.append(LocalMigration(name, sql_path, raw, position, checksum(raw), checksum_variants(raw)))
    return LocalTree(root, order, migrations, read_manifests(*manifest_roots(root)))


def follow_manifest(tree: LocalTree, name: str) -> tuple[str, list[ManifestEntry]] | None:
    """Where `apply` moved ``name`` (following several runs), if the result is in the tree."""
    local = tree.by_name()
    current, chain = name, []
    for _ in range(16):
        step = next((e for e in reversed(tree.manifests) if e.old == current and e not in chain), None)
        if step is None:
            break
        chain.append(step)
        current = step.new
        if current in local:
            return current, chain
    if chain and current in local:
        return current, chain
    return None
