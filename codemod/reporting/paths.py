"""Code scanning annotates files, not folders: a finding about a folder points at its migration.sql."""

from __future__ import annotations

from pathlib import Path

from codemod.analysis.discover import MIGRATION_FILE
from codemod.model import Finding


def artifact_path(finding: Finding) -> Path:
    return finding.path / MIGRATION_FILE if finding.path.is_dir() else finding.path
