"""Pytest plugin: a real PostgreSQL for tests that need one.

Enable it with ``pytest_plugins = ["tests.pg_fixtures"]`` in the top-level conftest.

* ``pg_cluster`` (session): ONE :class:`codemod.pgserver.TemporaryCluster` for the whole run.
* ``pg_database`` (function): a fresh, empty database on it; yields its URL and drops it after.

Without PostgreSQL server binaries the tests that use them are skipped, one by one, with the
wording of :mod:`tests.needs`, unless the environment sets ``CODEMOD_REQUIRE_PG=1`` (CI does), in
which case they fail.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from codemod.verify.pgserver import TemporaryCluster


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[TemporaryCluster]:
    """A PostgreSQL cluster shared by the whole test session (stopped and removed at the end)."""
    from tests.needs import PG

    PG.require()
    with TemporaryCluster() as cluster:
        yield cluster


@pytest.fixture
def pg_database(pg_cluster: TemporaryCluster) -> Iterator[str]:
    """URL of a new empty database, private to this test, dropped afterwards."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    url = pg_cluster.create_database(name)
    try:
        yield url
    finally:
        pg_cluster.drop_database(name)
