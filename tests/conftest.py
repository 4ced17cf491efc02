"""Shared fixtures: the real-PostgreSQL plugin, the corpus location, and a CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest_plugins = ["tests.pg_fixtures"]

REPO = Path(__file__).resolve().parent.parent


def shared_dir() -> Path | None:
    for candidate in (os.environ.get("CODEMOD_SHARED_DIR"), REPO.parent / "shared", Path("/work/shared")):
        if candidate and Path(candidate, "corpus").is_dir():
            return Path(candidate)
    return None


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()
