"""Shared fixtures: the real-PostgreSQL plugin, the corpus location, what tests need, and a CLI runner."""

from __future__ import annotations

import os
from collections import Counter
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


def pytest_configure(config: pytest.Config) -> None:
    """The Prisma engine's location, and where ``check``'s analysis cache goes during the tests.

    The suite runs with the cache on (in one temporary directory, never beside the golden or
    corpus trees) unless ``CODEMOD_NO_CACHE=1`` is set: it passes both ways.
    """
    import tempfile

    from tests.needs import find_prisma_oracle

    if not os.environ.get("CODEMOD_CACHE_DIR"):
        os.environ["CODEMOD_CACHE_DIR"] = _TEST_CACHE[0] = tempfile.mkdtemp(prefix="codemod-test-cache-")

    found = find_prisma_oracle()
    if found is not None:
        os.environ["CODEMOD_PRISMA_ORACLE_DIR"] = str(found)


_TEST_CACHE = [""]


def pytest_unconfigure(config: pytest.Config) -> None:
    if _TEST_CACHE[0]:
        import shutil

        shutil.rmtree(_TEST_CACHE[0], ignore_errors=True)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """One line per missing need: how many tests it skipped, and how to get it."""
    from tests.needs import ALL

    reasons: Counter[str] = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = getattr(report, "longrepr", None)
        if isinstance(longrepr, tuple) and len(longrepr) == 3:
            reasons[str(longrepr[2]).removeprefix("Skipped: ")] += 1
    for need in ALL:
        count = reasons.get(need.message)
        if count:
            terminalreporter.write_line(f"{count} test(s) skipped: {need.message}")


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


@pytest.fixture
def needs_pg() -> None:
    from tests.needs import PG

    PG.require()


@pytest.fixture
def needs_prisma() -> None:
    from tests.needs import PRISMA

    PRISMA.require()


@pytest.fixture
def needs_node() -> None:
    from tests.needs import NODE

    NODE.require()


@pytest.fixture
def needs_git() -> None:
    from tests.needs import GIT

    GIT.require()


@pytest.fixture
def needs_corpus() -> None:
    from tests.needs import CORPUS

    CORPUS.require()
