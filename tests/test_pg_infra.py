"""Real-database infrastructure: TemporaryCluster, the pg fixtures, and the Prisma oracle.

These tests start a real PostgreSQL (skipped without binaries unless CODEMOD_REQUIRE_PG=1)
and run Prisma's schema engine through ``prisma_oracle/apply.mjs``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from codemod.verify import pgserver
from codemod.verify.pgserver import PostgresUnavailable, TemporaryCluster, find_pg_bin_dir
from codemod.verify.prisma_oracle import (
    OracleError,
    prisma_apply,
    prisma_diagnose,
    prisma_mark_applied,
    prisma_mark_rolled_back,
)
from tests.needs import CORPUS
from tests.trees import write_tree

# Also listed by the top-level conftest; registering twice is harmless.
pytest_plugins = ["tests.pg_fixtures"]

REPO = Path(__file__).resolve().parent.parent
requires_pg_binaries = pytest.mark.usefixtures("needs_pg")


@pytest.fixture
def oracle(needs_prisma: None) -> None:
    """Skip (or fail under CODEMOD_REQUIRE_PRISMA=1) when the Prisma oracle is not installed."""




def scalar(cursor: psycopg.Cursor) -> Any:
    """The one value a query returns."""
    row = cursor.fetchone()
    assert row is not None
    return row[0]


def table_exists(url: str, name: str) -> bool:
    with psycopg.connect(url) as conn:
        return scalar(conn.execute("SELECT to_regclass(%s) IS NOT NULL", (f'public."{name}"',)))


def migrations_table(url: str) -> list[tuple[str, bool, bool]]:
    """(name, finished, rolled_back) rows of _prisma_migrations, in start order."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT migration_name, finished_at IS NOT NULL, rolled_back_at IS NOT NULL "
            "FROM _prisma_migrations ORDER BY started_at, migration_name"
        ).fetchall()
    return [(r[0], r[1], r[2]) for r in rows]


def shared_dir() -> Path | None:
    for candidate in (os.environ.get("CODEMOD_SHARED_DIR"), REPO.parent / "shared", Path("/work/shared")):
        if candidate and (Path(candidate) / "corpus").is_dir():
            return Path(candidate)
    return None


def processes_mentioning(text: str) -> list[int]:
    """PIDs (not zombies) whose command line contains ``text``."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = re.search(r"^State:\s+(\S)", (proc / "status").read_text(), re.MULTILINE)
        except OSError:
            continue
        if text in cmdline and not (state and state.group(1) in "ZX"):
            found.append(int(proc.name))
    return found


def assert_gone(pid: int, base: Path, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pgserver._pid_alive(pid) and not base.exists() and not processes_mentioning(str(base)):
            return
        time.sleep(0.1)
    assert not pgserver._pid_alive(pid), f"postmaster {pid} still running"
    assert not base.exists(), f"{base} still exists"
    assert not processes_mentioning(str(base)), "a process still refers to the cluster directory"


# --------------------------------------------------------------------------- fixtures


_seen_databases: list[str] = []


@pytest.mark.parametrize("round_", [1, 2])
def test_each_test_gets_its_own_fresh_database(pg_database: str, round_: int) -> None:
    with psycopg.connect(pg_database) as conn:
        name = scalar(conn.execute("SELECT current_database()"))
        tables = scalar(conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
        assert tables == 0  # nothing left over from the other round
        conn.execute("CREATE TABLE leftover (id int)")
        conn.execute("INSERT INTO leftover VALUES (1)")
        conn.commit()
        encoding = scalar(conn.execute("SHOW server_encoding"))
    assert encoding == "UTF8"
    assert name not in _seen_databases
    _seen_databases.append(name)


def test_cluster_url_and_database_helpers(pg_cluster: TemporaryCluster) -> None:
    assert re.fullmatch(r"postgresql://postgres@127\.0\.0\.1:\d+/postgres", pg_cluster.url)
    url = pg_cluster.create_database("helper_check")
    assert url == pg_cluster.dsn_for("helper_check")
    holder = psycopg.connect(url)  # an open session must not block the drop
    try:
        pg_cluster.drop_database("helper_check")
    finally:
        holder.close()
    with pg_cluster.connect() as conn:
        assert scalar(conn.execute("SELECT count(*) FROM pg_database WHERE datname = 'helper_check'")) == 0
    with pytest.raises(ValueError):
        pg_cluster.create_database('bad"name')


# --------------------------------------------------------------------------- oracle


def test_oracle_reports_table_created_twice_at_the_right_migration(pg_database: str, tmp_path: Path, oracle: None) -> None:
    mig = write_tree(
        tmp_path,
        {
            "20240101000000_init": 'CREATE TABLE "User" (id SERIAL PRIMARY KEY, email TEXT NOT NULL);\n',
            "20240102000000_again": 'CREATE TABLE "Post" (id INT);\nCREATE TABLE "User" (id SERIAL PRIMARY KEY);\n',
            "20240103000000_later": 'CREATE TABLE "Later" (id INT);\n',
        },
    )
    verdict = prisma_apply(pg_database, mig)
    assert not verdict.ok
    assert verdict.applied == ["20240101000000_init"]
    assert verdict.failed_migration == "20240102000000_again"
    assert verdict.message is not None and 'relation "User" already exists' in verdict.message
    assert verdict.sqlstate == "42P07"
    # One migration.sql is one implicit transaction: nothing of the failed one stays.
    assert not table_exists(pg_database, "Post")
    assert not table_exists(pg_database, "Later")
    assert migrations_table(pg_database) == [
        ("20240101000000_init", True, False),
        ("20240102000000_again", False, False),
    ]

    # The next deploy is blocked by the failed row (P3009), naming the same migration.
    again = prisma_apply(pg_database, mig)
    assert not again.ok and again.applied == []
    assert again.failed_migration == "20240102000000_again"
    assert again.error is not None and "P3009" in again.error

    diagnosis = prisma_diagnose(pg_database, mig)
    assert diagnosis["failedMigrationNames"] == ["20240102000000_again"]
    assert diagnosis["hasMigrationsTable"] is True

    # migrate resolve --rolled-back, fix the file, deploy again.
    prisma_mark_rolled_back(pg_database, mig, "20240102000000_again")
    (mig / "20240102000000_again" / "migration.sql").write_text('CREATE TABLE "Post" (id INT);\n')
    fixed = prisma_apply(pg_database, mig)
    assert fixed.ok, fixed
    assert fixed.applied == ["20240102000000_again", "20240103000000_later"]
    assert table_exists(pg_database, "Post") and table_exists(pg_database, "Later")


def test_oracle_mark_applied_records_without_running(pg_database: str, tmp_path: Path, oracle: None) -> None:
    mig = write_tree(
        tmp_path,
        {
            "20240101000000_init": 'CREATE TABLE "A" (id INT);\n',
            "20240102000000_skip": 'CREATE TABLE "B" (id INT);\n',
        },
    )
    prisma_mark_applied(pg_database, mig, "20240101000000_init")
    assert not table_exists(pg_database, "A")
    verdict = prisma_apply(pg_database, mig)
    assert verdict.ok and verdict.applied == ["20240102000000_skip"]


def test_oracle_applies_a_healthy_corpus_tree(pg_database: str, tmp_path: Path, oracle: None) -> None:
    CORPUS.require()
    shared = shared_dir()
    assert shared is not None
    source = shared / "corpus" / "prisma" / "diced__zipline"
    tree = tmp_path / "zipline"
    shutil.copytree(source, tree)
    mig = tree / "migrations"
    expected = sorted(p.name for p in mig.iterdir() if p.is_dir())
    verdict = prisma_apply(pg_database, mig)
    assert verdict.ok, verdict.message
    assert verdict.failed_migration is None and verdict.error is None
    assert sorted(verdict.applied) == expected
    assert all(finished and not rolled for _, finished, rolled in migrations_table(pg_database))
    # Applying again is a no-op.
    assert prisma_apply(pg_database, mig).applied == []


def test_oracle_sends_do_blocks_whole(pg_database: str, tmp_path: Path, oracle: None) -> None:
    mig = write_tree(
        tmp_path,
        {
            "20240101000000_do_block": """\
                CREATE TABLE "A" (id INT);
                DO $$
                BEGIN
                  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'Role') THEN
                    CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
                  END IF;
                  PERFORM 1;
                END $$;
                CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                  NEW.id := NEW.id + 1;
                  RETURN NEW;
                END;
                $fn$;
                """,
        },
    )
    verdict = prisma_apply(pg_database, mig)
    assert verdict.ok, verdict.message
    assert verdict.applied == ["20240101000000_do_block"]
    with psycopg.connect(pg_database) as conn:
        assert scalar(conn.execute("SELECT count(*) FROM pg_type WHERE typname = 'Role'")) == 1
        assert scalar(conn.execute("SELECT count(*) FROM pg_proc WHERE proname = 'touch'")) == 1


def test_oracle_orders_folders_like_prisma(pg_database: str, tmp_path: Path, oracle: None) -> None:
    # Prisma >= 6.6 sorts with localeCompare: '_' before digits, case-insensitive first.
    names = ["20250513022650_add_projects", "20250513_add_batch_processing", "20240101000000_B", "20240101000000_a"]
    mig = write_tree(tmp_path, {n: f'CREATE TABLE "t_{n}" (id INT);\n' for n in names})
    verdict = prisma_apply(pg_database, mig)
    assert verdict.ok
    assert verdict.applied == [
        "20240101000000_a",
        "20240101000000_B",
        "20250513_add_batch_processing",
        "20250513022650_add_projects",
    ]


def test_oracle_names_folder_without_migration_sql(pg_database: str, tmp_path: Path, oracle: None) -> None:
    mig = write_tree(tmp_path, {"20240102000000_ok": 'CREATE TABLE "A" (id INT);\n'})
    (mig / "20240101000000_empty").mkdir()
    verdict = prisma_apply(pg_database, mig)
    assert not verdict.ok and verdict.applied == []
    assert verdict.failed_migration == "20240101000000_empty"
    assert verdict.error is not None and verdict.error.startswith("P3015")


def test_oracle_unreachable_database_raises(tmp_path: Path, oracle: None) -> None:
    mig = write_tree(tmp_path, {"20240101000000_a": "SELECT 1;\n"})
    with pytest.raises(OracleError, match="reach database server"):
        prisma_apply("postgresql://postgres@127.0.0.1:1/postgres", mig, timeout=60)


def test_oracle_bytes_order_for_old_prisma(pg_cluster: TemporaryCluster, tmp_path: Path, oracle: None) -> None:
    url = pg_cluster.create_database("bytes_order")
    try:
        names = ["20250513022650_add_projects", "20250513_add_batch_processing"]
        mig = write_tree(tmp_path, {n: f'CREATE TABLE "t_{n}" (id INT);\n' for n in names})
        verdict = prisma_apply(url, mig, sort="bytes")
        assert verdict.applied == ["20250513022650_add_projects", "20250513_add_batch_processing"]
    finally:
        pg_cluster.drop_database("bytes_order")


# --------------------------------------------------------------------------- cluster lifecycle


def test_postgres_unavailable_says_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(pgserver, "_DEBIAN_PG_GLOB", str(tmp_path / "nothing"))
    assert find_pg_bin_dir() is None
    with pytest.raises(PostgresUnavailable) as info:
        TemporaryCluster()
    message = str(info.value)
    assert "apt-get install postgresql" in message and "--database-url" in message
    assert "\n" not in message


@requires_pg_binaries
def test_cluster_leaves_nothing_behind() -> None:
    with TemporaryCluster() as cluster:
        pid = cluster.postmaster_pid
        base = cluster.base_dir
        assert pid is not None and base is not None and pgserver._pid_alive(pid)
        watchdog = cluster._watchdog
        assert watchdog is not None and watchdog.poll() is None
        with psycopg.connect(cluster.url) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    assert_gone(pid, base, timeout=5)
    assert watchdog.poll() is not None
    assert not cluster.running


@requires_pg_binaries
def test_cluster_cleans_up_on_keyboard_interrupt() -> None:
    before_int = signal.getsignal(signal.SIGINT)
    pid = base = None
    with pytest.raises(KeyboardInterrupt):
        with TemporaryCluster() as cluster:
            pid, base = cluster.postmaster_pid, cluster.base_dir
            raise KeyboardInterrupt
    assert pid is not None and base is not None
    assert_gone(pid, base, timeout=5)
    assert signal.getsignal(signal.SIGINT) == before_int  # handler restored


CHILD = textwrap.dedent(
    """\
    import json, sys, time
    sys.path.insert(0, sys.argv[1])
    from codemod.verify.pgserver import TemporaryCluster
    with TemporaryCluster() as c:
        print(json.dumps({"pid": c.postmaster_pid, "base": str(c.base_dir)}), flush=True)
        time.sleep(120)
    """
)


@requires_pg_binaries
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_cluster_cleans_up_when_its_process_is_signalled(signum: int) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(REPO)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line, child.stderr.read() if child.stderr else ""
        info = json.loads(line)
        pid, base = int(info["pid"]), Path(info["base"])
        assert pgserver._pid_alive(pid) and base.exists()
        child.send_signal(signum)
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    # SIGKILL runs no Python: the watchdog process does the clean-up.
    assert_gone(pid, base, timeout=30)
