"""``codemod verify`` on a real PostgreSQL: replay, intent, convergence, CLI, Prisma parity, corpus.

Uses the session cluster of ``tests.pg_fixtures`` (skipped without PostgreSQL binaries unless
CODEMOD_REQUIRE_PG=1). The Prisma parity test needs the oracle (``npm ci --prefix prisma_oracle``);
it is skipped without it unless CODEMOD_REQUIRE_PRISMA=1.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

pytest_plugins = ["tests.pg_fixtures"]

from codemod.analysis.tree import load_tree  # noqa: E402
from codemod.cli import app  # noqa: E402
from codemod.dburl import mask_url  # noqa: E402
from codemod.engine import AnalyseOptions, analyse, make_plan  # noqa: E402
from codemod.render.write import copy_rewritten_tree  # noqa: E402
from codemod.verify import pgserver, verify  # noqa: E402
from codemod.verify.compare import diff_snapshots, missing_objects  # noqa: E402
from codemod.verify.introspect import snapshot_url  # noqa: E402
from codemod.verify.pgserver import TemporaryCluster  # noqa: E402
from codemod.verify.prisma_oracle import prisma_apply  # noqa: E402
from codemod.verify.runner import APPLIED, FAILED, NOT_RUN, replay_migrations  # noqa: E402
from tests.trees import write_tree  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "examples" / "seed-story"
GOLDEN = REPO / "golden"
BATCH = "20250513_add_batch_processing"
ERRORS = "20250513_add_error_handling"

requires_pg_binaries = pytest.mark.usefixtures("needs_pg")




def scratch_databases(cluster: TemporaryCluster) -> list[str]:
    with cluster.connect() as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'codemod\\_verify\\_%'").fetchall()
    return [row[0] for row in rows]


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    """The seed's story, copied (verify must never write into the tree)."""
    target = tmp_path / "seed"
    shutil.copytree(SEED, target)
    return target


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- the seed's story


def test_seed_story_is_proven(seed: Path, pg_cluster: TemporaryCluster) -> None:
    before = tree_bytes(seed)
    report = verify(seed, database_url=pg_cluster.url)

    original = report.original
    assert not original.ok and original.failed_migration == BATCH
    statuses = {m.name: m.status for m in original.migrations}
    assert statuses == {
        "20250507030812_init": APPLIED,
        BATCH: FAILED,
        ERRORS: NOT_RUN,
        "20250513022650_add_project_and_schema_models": NOT_RUN,
    }
    failure = original.failure
    assert failure is not None
    assert failure.message == 'relation "projects" does not exist'
    assert failure.sqlstate == "42P01"
    assert failure.line == 15  # the ALTER TABLE ... REFERENCES "projects" statement

    assert report.rewritten.ok and not report.rewritten_identical
    assert [m.name for m in report.rewritten.migrations] == [  # re-sequenced: batch after the projects it needs
        "20250507030812_init",
        "20250513000000_add_error_handling",
        "20250513022650_add_project_and_schema_models",
        "20250513022651_add_batch_processing",
    ]
    assert report.missing == []
    assert report.intent is not None
    # The duplicate CREATE TABLE's two new columns are part of the intent, and present.
    assert set(report.intent.adopted_columns) == {"public.dead_letter_queue.error", "public.dead_letter_queue.retryCount"}
    # The forward foreign key is intended too (it lands once "projects" exists).
    assert report.intent.snapshot.constraints["public.batch_jobs"]["batch_jobs_projectId_fkey"].kind == "foreign key"
    [convergence] = report.convergence
    assert convergence.from_migration == BATCH
    assert convergence.rewritten_from == "20250513022651_add_batch_processing"
    assert convergence.holds and convergence.diff == []
    assert report.proven and report.exit_code == 0
    assert tree_bytes(seed) == before  # nothing written into the user's tree
    assert scratch_databases(pg_cluster) == []


def _broken_plan(path: Path, drop: str):
    """The plan apply would make, with one statement of the error-handling rewrite removed."""
    plan = make_plan(analyse(path, AnalyseOptions()))
    content = plan.contents[ERRORS].decode()
    assert drop in content
    plan.contents[ERRORS] = content.replace(drop, "").encode()
    return plan


def test_a_broken_rewrite_is_not_proven_and_names_the_missing_column(seed: Path, pg_cluster: TemporaryCluster) -> None:
    plan = _broken_plan(seed, 'ALTER TABLE "dead_letter_queue" ADD COLUMN IF NOT EXISTS "retryCount" INTEGER NOT NULL DEFAULT 0;')
    report = verify(seed, database_url=pg_cluster.url, plan=plan)
    assert report.rewritten.ok  # it applies, but it lost something the original meant
    assert [str(m) for m in report.missing] == ["column public.dead_letter_queue.retryCount"]
    assert not report.proven and report.exit_code == 1


def test_a_rewrite_that_forgets_the_forward_foreign_key_is_caught(seed: Path, pg_cluster: TemporaryCluster) -> None:
    plan = make_plan(analyse(seed, AnalyseOptions(keep_order=True)))  # guard and re-run instead of re-sequencing
    name = "20250513022650_add_project_and_schema_models"
    content = plan.contents[name].decode()
    assert "-- codemod: re-adds" in content
    plan.contents[name] = content[: content.index("-- codemod: re-adds")].encode()
    report = verify(seed, database_url=pg_cluster.url, plan=plan)
    assert report.rewritten.ok
    assert [str(m) for m in report.missing] == ["foreign key public.batch_jobs.batch_jobs_projectId_fkey"]
    assert report.exit_code == 1


def test_a_rewrite_that_fails_is_reported_with_its_line(seed: Path, pg_cluster: TemporaryCluster) -> None:
    plan = make_plan(analyse(seed))
    plan.contents[ERRORS] = plan.contents[ERRORS] + b"\nSELECT 1;\nALTER TABLE \"nope\" ADD COLUMN x INT;\n"
    report = verify(seed, database_url=pg_cluster.url, plan=plan)
    failure = report.rewritten.failure
    assert failure is not None and failure.name == "20250513000000_add_error_handling"
    assert failure.sqlstate == "42P01" and failure.message == 'relation "nope" does not exist'
    text = plan.contents[ERRORS].decode()
    assert failure.line == text[: text.index('ALTER TABLE "nope"')].count("\n") + 1
    assert [m.status for m in report.rewritten.migrations][-1] == NOT_RUN
    assert report.convergence_skipped and report.exit_code == 1


def test_convergence_failure_is_a_readable_diff(tmp_path: Path, pg_cluster: TemporaryCluster) -> None:
    """A rewrite whose remainder would behave differently on the half-deployed database."""
    mig = write_tree(
        tmp_path,
        {
            "20240101000000_init": 'CREATE TABLE "a" (id INT);\n',
            "20240102000000_again": 'CREATE TABLE "a" (id INT);\nCREATE TABLE "b" (id INT);\n',
        },
    )
    plan = make_plan(analyse(mig))
    # Hand-made: the rewritten init also creates "b" with another type, the remainder guards it.
    plan.contents["20240101000000_init"] = b'CREATE TABLE "a" (id INT);\nCREATE TABLE "b" (id BIGINT);\n'
    plan.contents["20240102000000_again"] = b'CREATE TABLE IF NOT EXISTS "a" (id INT);\nCREATE TABLE IF NOT EXISTS "b" (id INT);\n'
    report = verify(mig, database_url=pg_cluster.url, plan=plan)
    assert report.rewritten.ok
    [convergence] = report.convergence
    assert not convergence.holds
    assert convergence.diff == ["~ column public.b.id: bigint → integer"]
    assert report.exit_code == 1


# --------------------------------------------------------------------------- the replay itself


def test_replay_sends_each_file_as_one_script(tmp_path: Path, pg_database: str) -> None:
    mig = write_tree(
        tmp_path,
        {
            "20240101000000_plpgsql": """\
                CREATE TABLE "A" (id INT, note TEXT DEFAULT '100%; done');
                DO $$
                BEGIN
                  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'Role') THEN
                    CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
                  END IF;
                END $$;
                """,
            "20240102000000_partial": """\
                CREATE TABLE "B" (id INT);
                -- a comment
                CREATE TABLE "A" (id INT);
                """,
            "20240103000000_later": 'CREATE TABLE "C" (id INT);\n',
        },
    )
    tree = load_tree(mig)
    result = replay_migrations(pg_database, tree.migrations, "t")
    assert [m.status for m in result.migrations] == [APPLIED, FAILED, NOT_RUN]
    failure = result.failure
    assert failure is not None and failure.sqlstate == "42P07" and failure.line == 3
    snap = snapshot_url(pg_database)
    assert set(snap.tables) == {"public.A"}  # the failed file left nothing: one implicit transaction
    assert snap.tables["public.A"]["note"].default == "'100%; done'::text"
    assert snap.enums == {"public.Role": ["USER", "ADMIN"]}


def test_replay_locates_errors_without_a_position(tmp_path: Path, pg_database: str) -> None:
    mig = write_tree(
        tmp_path,
        {
            "20240101000000_do": """\
                CREATE TABLE "A" (id INT);

                DO $$
                BEGIN
                  RAISE EXCEPTION 'boom' USING ERRCODE = 'P0001';
                END $$;
                """,
            "20240102000000_syntax": 'CREATE TABLE "B" (id INT);\nCREATE TABLE "C" (id INT,,);\n',
        },
    )
    tree = load_tree(mig)
    first = replay_migrations(pg_database, tree.migrations[:1], "t").failure
    assert first is not None and (first.message, first.sqlstate, first.line) == ("boom", "P0001", 3)
    second = replay_migrations(pg_database, tree.migrations[1:], "t").failure
    assert second is not None and second.sqlstate == "42601" and second.line == 2


def test_snapshot_diff_is_readable(pg_cluster: TemporaryCluster) -> None:
    a = pg_cluster.create_database("diff_a")
    b = pg_cluster.create_database("diff_b")
    try:
        with psycopg.connect(a, autocommit=True) as conn:
            conn.execute('CREATE TYPE "S" AS ENUM (\'x\', \'y\'); CREATE TABLE "t" (id INT PRIMARY KEY, name TEXT NOT NULL); CREATE INDEX "t_name" ON "t"(name)')
        with psycopg.connect(b, autocommit=True) as conn:
            conn.execute('CREATE TYPE "S" AS ENUM (\'x\'); CREATE TABLE "t" (id INT PRIMARY KEY, name VARCHAR(5)); CREATE TABLE "u" (id INT)')
        left, right = snapshot_url(a), snapshot_url(b)
        assert diff_snapshots(left, right) == [
            "~ column public.t.name: text NOT NULL → character varying(5)",
            "+ table public.u",
            "~ enum public.S: (x, y) → (x)",
            "- index public.t_name: CREATE INDEX t_name ON public.t USING btree (name)",
        ]
        assert [str(m) for m in missing_objects(left, right)] == ["enum value public.S.y", "index public.t_name"]
        assert diff_snapshots(left, left) == []
    finally:
        pg_cluster.drop_database("diff_a")
        pg_cluster.drop_database("diff_b")


# --------------------------------------------------------------------------- CLI


def test_cli_json_with_database_url_leaves_no_scratch_database(seed: Path, pg_cluster: TemporaryCluster) -> None:
    keep = pg_cluster.create_database("not_ours")
    try:
        result = CliRunner().invoke(app, ["verify", str(seed), "--database-url", pg_cluster.url, "--format", "json"])
        assert result.exit_code == 0, result.output
        document = json.loads(result.stdout)
        assert document["proven"] is True and document["exit_code"] == 0
        assert document["original"]["failed_migration"] == BATCH
        failed = [m for m in document["original"]["migrations"] if m["status"] == "failed"]
        assert failed == [
            {"name": BATCH, "status": "failed", "message": 'relation "projects" does not exist', "sqlstate": "42P01",
             "line": 15, "statement": 2, "seconds": failed[0]["seconds"]}
        ]
        assert document["rewritten"]["ok"] is True
        assert document["intent"]["missing"] == []
        assert [c["holds"] for c in document["convergence"]["checked"]] == [True]
        assert scratch_databases(pg_cluster) == []
        with psycopg.connect(keep) as conn:  # a database it did not create is untouched
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        pg_cluster.drop_database("not_ours")


def test_cli_text_report_and_exit_codes(seed: Path, pg_cluster: TemporaryCluster, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", pg_cluster.url)  # used when --database-url is absent
    result = CliRunner().invoke(app, ["verify", str(seed)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f'failed   {BATCH} (line 15): relation "projects" does not exist [SQLSTATE 42P01]' in out
    assert "rewritten: applies" in out and "convergence from 20250513_add_batch_processing" in out
    assert "PROVEN" in out and "NOT PROVEN" not in out
    assert "\x1b[" not in result.output  # no progress bar when not on a terminal

    result = CliRunner().invoke(app, ["verify", str(GOLDEN / "missing-object-left-for-a-human" / "before")])
    assert result.exit_code == 1 and "NOT PROVEN" in result.stdout

    result = CliRunner().invoke(app, ["verify", str(seed / "nowhere")])
    assert result.exit_code == 2 and "no such file or directory" in result.output


def test_cli_text_lists_failures_and_changes_everything_with_verbose(seed: Path, pg_cluster: TemporaryCluster) -> None:
    short = CliRunner().invoke(app, ["verify", str(seed), "--database-url", pg_cluster.url])
    assert short.exit_code == 0, short.output
    assert "applied  20250507030812_init" not in short.stdout and "not run " not in short.stdout
    assert f"failed   {BATCH} (line 15)" in short.stdout
    plan = json.loads(
        CliRunner().invoke(app, ["verify", str(seed), "--database-url", pg_cluster.url, "--format", "json"]).stdout
    )["plan"]
    rewritten, renames = set(plan["rewritten"]), plan["renames"]
    assert f"changes: {len(rewritten)} rewritten, {len(renames)} renamed" in short.stdout
    for old, new in renames.items():
        assert f"  renamed   {old} → {new}" + (" (and rewritten)" if old in rewritten else "") in short.stdout
    for name in rewritten - set(renames):
        assert f"  rewritten {name}" in short.stdout
    assert short.stdout.rstrip().splitlines()[-1].startswith("PROVEN")
    full = CliRunner().invoke(app, ["verify", str(seed), "--database-url", pg_cluster.url, "--verbose"])
    assert "  applied  20250507030812_init" in full.stdout and f"  not run  {ERRORS}" in full.stdout
    assert len(full.stdout.splitlines()) > len(short.stdout.splitlines())


def test_cli_json_is_versioned(seed: Path, pg_cluster: TemporaryCluster) -> None:
    result = CliRunner().invoke(app, ["verify", str(seed), "--database-url", pg_cluster.url, "--format", "json"])
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1 and list(document)[0] == "schema_version"
    assert document["plan"]["rewritten"] and set(document["plan"]["renames"]) == {BATCH, ERRORS}


def test_a_nul_byte_is_never_reported_as_applied(tmp_path: Path, pg_cluster: TemporaryCluster, pg_database: str) -> None:
    """PostgreSQL stops reading a simple query at a NUL byte: what follows would silently not run."""
    mig = write_tree(
        tmp_path,
        {
            "20240101000000_a": 'CREATE TABLE "a" ("id" INTEGER);\n',
            "20240102000000_b": 'CREATE TABLE "b" ("id" INTEGER);\n-- \x00\nCREATE TABLE "a" ("id" INTEGER);\n',
            "20240103000000_c": 'CREATE TABLE "c" ("id" INTEGER);\n',
        },
    )
    result = replay_migrations(pg_database, load_tree(mig).migrations, "original")
    assert [m.status for m in result.migrations] == [APPLIED, FAILED, NOT_RUN]
    failed = result.migrations[1]
    assert failed.line == 2 and "NUL" in (failed.message or "")  # as Prisma's engine says it: 08P01
    with psycopg.connect(pg_database) as conn:  # nothing of it ran
        assert conn.execute("SELECT to_regclass('b')").fetchone() == (None,)
    cli = CliRunner().invoke(app, ["verify", str(mig), "--database-url", pg_cluster.url])
    assert cli.exit_code == 1 and "NOT PROVEN" in cli.stdout
    assert "20240102000000_b (line 2): invalid message format (the script holds NUL bytes)" in cli.stdout
    assert "applies" not in cli.stdout.split("rewritten:")[0]


def test_cli_never_prints_the_password(seed: Path, pg_cluster: TemporaryCluster) -> None:
    secret = "Sup3rSecretPw"
    url = f"postgresql://postgres:{secret}@127.0.0.1:{pg_cluster.port}/postgres"  # trust auth: accepted
    for fmt in ("text", "json"):
        result = CliRunner().invoke(app, ["verify", str(seed), "--database-url", url, "--format", fmt])
        assert result.exit_code == 0, result.output
        assert secret not in result.output
    unreachable = f"postgresql://postgres:{secret}@127.0.0.1:1/postgres"
    result = CliRunner().invoke(app, ["verify", str(seed), "--database-url", unreachable])
    assert result.exit_code == 2
    assert secret not in result.output and "cannot connect to postgresql://postgres@127.0.0.1:1/postgres" in result.output
    assert mask_url(url) == f"postgresql://postgres@127.0.0.1:{pg_cluster.port}/postgres"


def test_cli_without_postgres_binaries_says_how_to_get_one(seed: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(pgserver, "_DEBIAN_PG_GLOB", str(tmp_path / "nothing"))
    result = CliRunner().invoke(app, ["verify", str(seed)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "apt-get install postgresql" in lines[0] and "--database-url" in lines[0]


@requires_pg_binaries
def test_cli_with_a_temporary_cluster_leaves_nothing_behind(seed: Path) -> None:
    base = Path(tempfile.mkdtemp(prefix="codemod-verify-test-", dir="/tmp"))
    base.chmod(0o755)  # as root the cluster runs as another user, which must reach it
    try:
        env = {**os.environ, "TMPDIR": str(base)}
        env.pop("DATABASE_URL", None)
        proc = subprocess.run(
            [sys.executable, "-m", "codemod.cli", "verify", str(seed), "--format", "json"],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["server"] == "a temporary PostgreSQL cluster"
        assert proc.stderr == ""  # piped: no progress
        assert list(base.glob("codemod-pg-*")) == []
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _big_tree(root: Path, count: int = 1500) -> Path:
    """A healthy tree long enough to be interrupted in the middle of its replay (about 2 s)."""
    return write_tree(
        root,
        {
            f"{20240101000000 + i:014d}_t{i}": (
                f'CREATE TABLE "t{i}" ("id" INTEGER NOT NULL, "name" TEXT, CONSTRAINT "t{i}_pkey" PRIMARY KEY ("id"));\n'
                f'CREATE INDEX "t{i}_name_idx" ON "t{i}"("name");\n'
            )
            for i in range(count)
        },
    )


def _postmaster(base: Path) -> int | None:
    for pid_file in base.glob("codemod-pg-*/data/postmaster.pid"):
        try:
            return int(pid_file.read_text().splitlines()[0])
        except (OSError, IndexError, ValueError):
            return None
    return None


@requires_pg_binaries
@pytest.mark.parametrize("how", ["sigint", "sigterm", "ctrl-c-to-the-terminal-group", "server-killed-too"])
def test_interrupted_verify_is_one_line_and_leaves_nothing(tmp_path: Path, how: str) -> None:
    """Ctrl-C or SIGTERM in the middle of the replay: exit 130, one line, cluster and folders removed.

    "ctrl-c-to-the-terminal-group" signals the whole process group, as a terminal does: the
    server runs in its own session and must not get it. "server-killed-too" kills the server as
    well: the lost connection that follows is still reported as the interruption it is.
    """
    tree = _big_tree(tmp_path)
    base = Path(tempfile.mkdtemp(prefix="codemod-verify-test-", dir="/tmp"))
    base.chmod(0o755)
    try:
        env = {**os.environ, "TMPDIR": str(base)}
        env.pop("DATABASE_URL", None)
        child = subprocess.Popen(
            [sys.executable, "-m", "codemod.cli", "verify", str(tree)],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=how == "ctrl-c-to-the-terminal-group",
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(base.glob("codemod-pg-*/data/postmaster.pid")):
            time.sleep(0.05)
        assert any(base.glob("codemod-pg-*/data/postmaster.pid")), "the cluster never started"
        time.sleep(0.5)  # inside the replay
        postmaster = _postmaster(base)
        if how == "sigint":
            child.send_signal(signal.SIGINT)
        elif how == "ctrl-c-to-the-terminal-group":
            os.killpg(child.pid, signal.SIGINT)
        else:
            child.send_signal(signal.SIGTERM)
            if how == "server-killed-too" and postmaster is not None:
                with contextlib.suppress(ProcessLookupError):  # unless the clean-up was faster
                    os.kill(postmaster, signal.SIGTERM)
        _, err = child.communicate(timeout=60)
        assert child.returncode == 130, err
        assert err.count("\n") == 1 and err.startswith("codemod: interrupted"), err
        assert "Traceback" not in err
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and list(base.glob("codemod-*")):
            time.sleep(0.1)
        assert list(base.glob("codemod-*")) == [], err  # the cluster and the rewritten tree's folder
        if postmaster is not None:
            assert not pgserver._pid_alive(postmaster)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        shutil.rmtree(base, ignore_errors=True)


SLOW_IMPORT = """
import builtins, sys, time
original = builtins.__import__
def slow(name, *args, **kwargs):
    if name == "sqlglot" and not getattr(slow, "done", False):
        slow.done = True
        print("importing", file=sys.stderr, flush=True)
        time.sleep(30)
    return original(name, *args, **kwargs)
builtins.__import__ = slow
sys.argv = ["codemod", *sys.argv[1:]]
from codemod.cli import main
main()
"""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("command", ["check", "verify"])
def test_a_signal_during_imports_is_one_line(tmp_path: Path, signum: int, command: str) -> None:
    tree = write_tree(tmp_path, {"20240101000000_a": "CREATE TABLE a (id int);\n"})
    child = subprocess.Popen(
        [sys.executable, "-c", SLOW_IMPORT, command, str(tree)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert child.stderr is not None
        assert child.stderr.readline() == "importing\n"
        child.send_signal(signum)
        _, err = child.communicate(timeout=30)
        assert child.returncode == 130, err
        assert err.count("\n") == 1 and err.startswith("codemod: interrupted") and "Traceback" not in err, err
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_ctrl_c_with_a_database_url_drops_the_scratch_databases(pg_cluster: TemporaryCluster, tmp_path: Path) -> None:
    tree = _big_tree(tmp_path)
    child = subprocess.Popen(
        [sys.executable, "-m", "codemod.cli", "verify", str(tree), "--database-url", pg_cluster.url],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not scratch_databases(pg_cluster):
            time.sleep(0.05)
        assert scratch_databases(pg_cluster), "no scratch database appeared"
        time.sleep(0.3)
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=60)
        assert child.returncode == 130, err
        assert err.count("\n") == 1 and err.startswith("codemod: interrupted; scratch databases were dropped"), err
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert scratch_databases(pg_cluster) == []


# --------------------------------------------------------------------------- Prisma parity


def parity_cases() -> list[Path]:
    cases = sorted(p / "before" for p in GOLDEN.iterdir() if (p / "before").is_dir()) if GOLDEN.is_dir() else []
    return cases + [SEED / "prisma" / "migrations"]


def _case_id(path: Path) -> str:
    return path.parent.name if path.name == "before" else "examples-seed-story"


@pytest.fixture
def oracle(needs_prisma: None) -> None:
    """The Prisma oracle (skip, or fail under CODEMOD_REQUIRE_PRISMA=1, without it)."""


@pytest.mark.parametrize("case", parity_cases(), ids=_case_id)
def test_prisma_and_verify_agree(case: Path, oracle: None, pg_cluster: TemporaryCluster, tmp_path: Path) -> None:
    tree = tmp_path / "before"
    shutil.copytree(case, tree)
    report = verify(tree, database_url=pg_cluster.url)
    plan = make_plan(analyse(tree))
    rewritten = copy_rewritten_tree(plan, "in-place", tmp_path / "rewritten")
    for label, directory, ours in (("original", tree, report.original), ("rewritten", rewritten, report.rewritten)):
        name = f"oracle_{label}"
        url = pg_cluster.create_database(name)
        try:
            verdict = prisma_apply(url, directory)
        finally:
            pg_cluster.drop_database(name)
        assert (verdict.ok, verdict.failed_migration) == (ours.ok, ours.failed_migration), (label, verdict)
        assert verdict.applied == ours.applied, label
        if not verdict.ok and verdict.sqlstate:
            assert ours.failure is not None and verdict.sqlstate == ours.failure.sqlstate, label


# --------------------------------------------------------------------------- the corpus


def healthy_postgres_trees() -> list[str]:
    for shared in (os.environ.get("CODEMOD_SHARED_DIR"), REPO.parent / "shared", Path("/work/shared")):
        readme = Path(shared) / "corpus" / "README.md" if shared else None
        if readme and readme.is_file():
            names = []
            for line in readme.read_text(encoding="utf-8").splitlines():
                cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
                if len(cells) >= 8 and cells[3] == "postgresql" and cells[-1] == "applies cleanly":
                    names.append(cells[0])
            return names
    return []


def _corpus_root() -> Path:
    for shared in (os.environ.get("CODEMOD_SHARED_DIR"), REPO.parent / "shared", Path("/work/shared")):
        if shared and (Path(shared) / "corpus" / "prisma").is_dir():
            return Path(shared) / "corpus" / "prisma"
    raise AssertionError("unreachable")


HEALTHY = healthy_postgres_trees()


@pytest.mark.usefixtures("needs_corpus")
@pytest.mark.parametrize("name", HEALTHY or ["corpus-missing"])
def test_healthy_corpus_tree_applies(name: str, pg_database: str) -> None:
    """Slow-but-run (about 15 s for all of them): what Prisma applies cleanly, our replay applies."""
    tree = load_tree(_corpus_root() / name)
    result = replay_migrations(pg_database, tree.migrations, "original")
    failure = result.failure
    assert result.ok, f"{failure.name} line {failure.line}: {failure.message}" if failure else ""
    assert len(result.applied) == len(tree.migrations)


def test_corpus_list_is_read(needs_corpus: None) -> None:
    assert "triggerdotdev__trigger.dev" in HEALTHY and "civitai__civitai" not in HEALTHY
    assert all(re.fullmatch(r"[\w.-]+", name) for name in HEALTHY)


def test_bytes_order_fails_elsewhere_and_is_proven_too(seed: Path, pg_cluster: TemporaryCluster) -> None:
    """Older Prisma sorts by bytes: the seed then fails at the duplicate table, not the forward key."""
    result = CliRunner().invoke(
        app, ["verify", str(seed), "--order", "bytes", "--database-url", pg_cluster.url, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["order"] == "bytes"
    assert document["original"]["failed_migration"] == ERRORS
    failed = next(m for m in document["original"]["migrations"] if m["status"] == "failed")
    assert (failed["sqlstate"], failed["line"]) == ("42P07", 2)
    assert failed["message"] == 'relation "dead_letter_queue" already exists'
    [convergence] = document["convergence"]["checked"]
    assert convergence["from_migration"] == ERRORS and convergence["holds"] is True


def test_unreachable_url_is_one_line_exit_2(seed: Path) -> None:
    result = CliRunner().invoke(app, ["verify", str(seed), "--database-url", "postgresql://u:pw@127.0.0.1:1/db"])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and "pw" not in result.output.replace("postgresql", "")


# --------------------------------------------------------------------------- --prisma: the engine's second opinion


def test_prisma_second_opinion(seed: Path, oracle: None, pg_cluster: TemporaryCluster) -> None:
    report = verify(seed, database_url=pg_cluster.url, prisma=True)
    assert report.prisma == {"ok": True, "failed_migration": None, "message": None}
    assert report.proven and report.to_json()["prisma"]["ok"] is True
    conflict = verify(GOLDEN / "missing-object-left-for-a-human" / "before", database_url=pg_cluster.url, prisma=True)
    assert conflict.prisma is not None and not conflict.prisma["ok"]
    assert conflict.prisma["failed_migration"] == "20240102000000_payments"
    assert not conflict.proven
    assert scratch_databases(pg_cluster) == []
