"""Small migration trees written on the fly by tests."""

from __future__ import annotations

import textwrap
from pathlib import Path


def write_tree(root: Path, migrations: dict[str, str]) -> Path:
    """Create ``root/migrations/<name>/migration.sql`` for each entry; return the migrations dir."""
    mig = root / "migrations"
    for name, sql in migrations.items():
        (mig / name).mkdir(parents=True)
        (mig / name / "migration.sql").write_text(textwrap.dedent(sql), encoding="utf-8")
    (mig / "migration_lock.toml").write_text('provider = "postgresql"\n', encoding="utf-8")
    return mig
