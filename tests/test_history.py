"""Migration history repair on a real PostgreSQL: `codemod status`, `resolve`, `cleanup`, `doctor`.

The end-to-end test replays the seed's story with Prisma's own schema engine as the judge.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import psycopg
import pytest
from typer.testing import CliRunner

from codemod.cli import app
from codemod.dburl import redact
from codemod.history.cleanup import cleanup, find_clutter
from codemod.history.connect import ConnectionFailed, parse_url
from codemod.history.doctor import doctor
from codemod.history.local import load_local_tree
from codemod.history.resolve import Action, ResolveConflict, ResolveError, execute_plan, make_resolve_plan, resolve
from codemod.history.status import Entry, StatusReport, compare, history_status
from codemod.history.table import PRISMA_LOCK_KEY, LockBusy, checksum, read_rows
from codemod.verify.prisma_oracle import prisma_apply, prisma_diagnose
from tests.needs import CORPUS, PRISMA

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "examples" / "seed-story"
ZIPLINE = Path(os.environ.get("CODEMOD_SHARED_DIR", "/work/shared")) / "corpus" / "prisma" / "diced__zipline"
BAD_URL = "postgresql://u:secret@127.0.0.1:1/db"

PRISMA_TABLE = """
CREATE TABLE "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)"""


def _require_oracle() -> None:
    PRISMA.require()


# ── helpers ─────────────────────────────────────────────────────────────────────────────
def sql(url: str, statement: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def snapshot(url: str) -> list[tuple]:
    return sql(url, "SELECT * FROM _prisma_migrations ORDER BY started_at, id")


def entry_of(report: StatusReport, name: str) -> Entry:
    """The report's entry for ``name`` (a test that names a missing one fails here)."""
    found = report.entry(name)
    assert found is not None, name
    return found


def make_tree(tmp_path: Path, files: Mapping[str, bytes | str]) -> Path:
    root = tmp_path / "project" / "prisma" / "migrations"
    root.mkdir(parents=True)
    (root / "migration_lock.toml").write_text('provider = "postgresql"\n')
    for name, content in files.items():
        (root / name).mkdir()
        data = content.encode() if isinstance(content, str) else content
        (root / name / "migration.sql").write_bytes(data)
    return root


def record(
    url: str,
    name: str,
    content: bytes | str | None = None,
    *,
    digest: str | None = None,
    finished: bool = True,
    rolled_back: bool = False,
    minutes: int = 0,
) -> None:
    """Insert a `_prisma_migrations` row as Prisma would have written it."""
    if not sql(url, "SELECT to_regclass('_prisma_migrations')")[0][0]:
        sql(url, PRISMA_TABLE)
    if digest is None:
        data = content.encode() if isinstance(content, str) else (content or b"")
        digest = hashlib.sha256(data).hexdigest()
    started = datetime(2025, 5, 13, tzinfo=UTC) + timedelta(minutes=minutes)
    sql(
        url,
        "INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, rolled_back_at, started_at, "
        "applied_steps_count) VALUES (%s, %s, %s, %s, %s, %s, %s)",
        (str(uuid.uuid4()), digest, started if finished else None, name, started if rolled_back else None, started,
         1 if finished else 0),
    )


A = 'CREATE TABLE "a" ("id" INTEGER NOT NULL);\n'
B = 'CREATE TABLE "b" ("id" INTEGER NOT NULL);\n'
C = 'CREATE TABLE "c" ("id" INTEGER NOT NULL);\n'


def states(report) -> dict[str, str]:
    return {entry.name: entry.state for entry in report.entries}


# ── status: one test per state ──────────────────────────────────────────────────────────
def test_status_applied_is_clean(tmp_path: Path, pg_database: str, cli: CliRunner) -> None:
    root = make_tree(tmp_path, {"20250101000000_a": A})
    record(pg_database, "20250101000000_a", A)
    report = history_status(root, pg_database)
    assert states(report) == {"20250101000000_a": "applied"}
    assert report.clean
    result = cli.invoke(app, ["status", str(root), "--database-url", pg_database])
    assert result.exit_code == 0, result.output
    assert "applied" in result.stdout and "nothing to do" in result.stdout


def test_status_pending(tmp_path: Path, pg_database: str, cli: CliRunner) -> None:
    root = make_tree(tmp_path, {"20250101000000_a": A, "20250102000000_b": B})
    record(pg_database, "20250101000000_a", A)
    report = history_status(root, pg_database)
    assert states(report) == {"20250101000000_a": "applied", "20250102000000_b": "pending"}
    result = cli.invoke(app, ["status", str(root), "--database-url", pg_database])
    assert result.exit_code == 1
    assert "prisma migrate deploy" in result.stdout.splitlines()[-1]


def test_status_failed_blocks(tmp_path: Path, pg_database: str, cli: CliRunner) -> None:
    root = make_tree(tmp_path, {"20250101000000_a": A, "20250102000000_b": B})
    record(pg_database, "20250101000000_a", A)
    record(pg_database, "20250102000000_b", B, finished=False, minutes=1)
    report = history_status(root, pg_database)
    assert states(report)["20250102000000_b"] == "failed"
    assert not entry_of(report, "20250102000000_b").rewritten
    result = cli.invoke(app, ["status", str(root), "--database-url", pg_database])
    assert result.exit_code == 1
    assert "P3009" in result.stdout
    assert "--rolled-back 20250102000000_b" in result.stdout.splitlines()[-1]


def test_status_rolled_back(tmp_path: Path, pg_database: str) -> None:
    root = make_tree(tmp_path, {"20250101000000_a": A, "20250102000000_b": B})
    record(pg_database, "20250101000000_a", A)
    record(pg_database, "20250102000000_b", B, finished=False, rolled_back=True, minutes=1)
    report = history_status(root, pg_database)
    assert states(report)["20250102000000_b"] == "rolled-back"
    assert report.exit_code == 1 and "prisma migrate deploy" in report.next_step()


def test_status_modified(tmp_path: Path, pg_database: str) -> None:
    root = make_tree(tmp_path, {"20250101000000_a": A})
    record(pg_database, "20250101000000_a", A.replace('"a"', '"old_a"'))
    report = history_status(root, pg_database)
    assert states(report) == {"20250101000000_a": "modified"}
    assert "codemod resolve" in report.next_step()


def test_status_checksum_accepts_line_ending_variants(tmp_path: Path, pg_database: str) -> None:
    crlf = A.replace("\n", "\r\n") + "-- more\r\n"
    root = make_tree(tmp_path, {"20250101000000_a": crlf.encode(), "20250102000000_b": B})
    record(pg_database, "20250101000000_a", crlf.replace("\r\n", "\n"))  # hash of the LF text
    record(pg_database, "20250102000000_b", B.replace("\n", "\r\n"), minutes=1)  # hash of the CRLF text
    assert states(history_status(root, pg_database)) == {
        "20250101000000_a": "applied",
        "20250102000000_b": "applied",
    }
    assert checksum(b"x") == hashlib.sha256(b"x").hexdigest()


def test_status_missing_locally(tmp_path: Path, pg_database: str) -> None:
    root = make_tree(tmp_path, {"20250101000000_a": A})
    record(pg_database, "20250101000000_a", A)
    record(pg_database, "20250105000000_gone", "SELECT 1;", minutes=1)
    report = history_status(root, pg_database)
    assert states(report)["20250105000000_gone"] == "missing-locally"
    assert "restore" in report.next_step()


def test_status_renamed_by_checksum(tmp_path: Path, pg_database: str) -> None:
    root = make_tree(tmp_path, {"20250101000000_a": A, "20250102000000_b": B})
    record(pg_database, "20250101000000_a", A)
    record(pg_database, "20250102_b", B, minutes=1)  # the same file, under its old name
    report = history_status(root, pg_database)
    entry = entry_of(report, "20250102000000_b")
    assert entry.state == "renamed" and entry.db_name == "20250102_b" and entry.matched_by == "checksum"


def test_status_replaced_by_fixed_variant_via_manifest(tmp_path: Path, pg_database: str, cli: CliRunner) -> None:
    # A database deployed with older Prisma (byte order): the first three ran, error_handling failed.
    project = tmp_path / "project"
    shutil.copytree(SEED, project)
    migrations = project / "prisma" / "migrations"
    original = {p.parent.name: p.read_bytes() for p in migrations.glob("*/migration.sql")}
    order = ["20250507030812_init", "20250513022650_add_project_and_schema_models", "20250513_add_batch_processing"]
    for minute, name in enumerate(order):
        record(pg_database, name, original[name], minutes=minute)
    record(pg_database, "20250513_add_error_handling", original["20250513_add_error_handling"], finished=False, minutes=5)
    result = cli.invoke(app, ["apply", str(project)])
    assert result.exit_code == 0, result.output
    manifest = next((project / "prisma" / ".codemod-backup").glob("*/manifest.json"))
    changes = {c["old"]: c for c in json.loads(manifest.read_text())["changes"]}
    # batch_processing is re-sequenced after the projects it needs (renamed, SQL unchanged);
    # error_handling is rewritten, so it becomes a _fixed variant with a 14-digit name.
    assert changes["20250513_add_batch_processing"]["new"] == "20250513022651_add_batch_processing"
    assert changes["20250513_add_batch_processing"]["old_checksum"] == checksum(original["20250513_add_batch_processing"])
    assert changes["20250513_add_error_handling"]["new"] == "20250513000000_add_error_handling_fixed"

    report = history_status(project, pg_database)
    renamed = entry_of(report, "20250513022651_add_batch_processing")
    assert renamed.state == "renamed" and renamed.matched_by == "manifest"
    assert entry_of(report, "20250513022650_add_project_and_schema_models").state == "applied"
    failed = entry_of(report, "20250513_add_error_handling")
    assert failed.state == "failed" and failed.rewritten
    assert entry_of(report, "20250513000000_add_error_handling_fixed").state == "pending"
    # What the database applied (init, projects, batch) comes in the same order in the rewritten tree.
    assert report.order_notes == []
    result = cli.invoke(app, ["status", str(project), "--database-url", pg_database])
    assert result.exit_code == 1
    assert "renamed" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("next: run `codemod resolve`")


def test_status_replaced_by_fixed_name_without_manifest(tmp_path: Path, pg_database: str) -> None:
    root = make_tree(tmp_path, {"20250101000000_a": A, "20250102000000_b_fixed": B.replace("TABLE", "TABLE IF NOT EXISTS")})
    record(pg_database, "20250101000000_a", A)
    record(pg_database, "20250102000000_b", B, minutes=1)
    entry = entry_of(history_status(root, pg_database), "20250102000000_b_fixed")
    assert entry.state == "replaced" and entry.matched_by == "fixed-name"


def test_status_order_difference_names_the_prisma_order(tmp_path: Path, pg_database: str) -> None:
    # `_` sorts before digits under localeCompare (Prisma ≥ 6.6) and after them in byte order.
    files = {"20250101000000_a": A, "20250513_b": B, "20250513022650_c": C}
    root = make_tree(tmp_path, files)
    for minute, name in enumerate(["20250101000000_a", "20250513022650_c", "20250513_b"]):  # byte order
        record(pg_database, name, files[name], minutes=minute)
    report = history_status(root, pg_database)
    assert report.clean  # every migration applied: the order alone is information
    assert report.order_notes[0] == (
        "the database applied 20250513022650_c before 20250513_b; the tree (locale order) puts 20250513_b first"
    )
    assert "bytes order" in report.order_notes[1]
    assert history_status(root, pg_database, order="bytes").order_notes == []


def test_status_without_table(tmp_path: Path, pg_database: str, cli: CliRunner) -> None:
    root = make_tree(tmp_path, {"20250101000000_a": A})
    result = cli.invoke(app, ["status", str(root), "--database-url", pg_database])
    assert result.exit_code == 1
    assert "no _prisma_migrations table" in result.stdout


# ── resolve ─────────────────────────────────────────────────────────────────────────────
def test_resolve_dry_run_prints_sql_and_changes_nothing(tmp_path: Path, pg_database: str, cli: CliRunner) -> None:
    root = make_tree(tmp_path, {"20250101000000_a": A, "20250102000000_b": B})
    record(pg_database, "20250101000000_a", A.replace('"a"', '"x"'))
    record(pg_database, "20250102_b", B, minutes=1)
    before = snapshot(pg_database)
    result = cli.invoke(app, ["resolve", str(root), "--database-url", pg_database, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "UPDATE \"public\".\"_prisma_migrations\" SET checksum = '" in result.stdout
    assert "SET migration_name = '20250102000000_b'" in result.stdout
    assert "BEGIN;" in result.stdout and "dry run: nothing was changed" in result.stdout
    assert snapshot(pg_database) == before
    assert not (root.parent / ".codemod-backup").exists()


def test_resolve_updates_checksum_and_rename_with_backup(tmp_path: Path, pg_database: str, cli: CliRunner) -> None:
    root = make_tree(tmp_path, {"20250101000000_a": A, "20250102000000_b": B})
    record(pg_database, "20250101000000_a", A.replace('"a"', '"x"'))
    record(pg_database, "20250102_b", B, minutes=1)
    before = snapshot(pg_database)
    result = cli.invoke(app, ["resolve", str(root), "--database-url", pg_database])
    assert result.exit_code == 0, result.output
    backup = next((root.parent / ".codemod-backup").glob("resolve-*/_prisma_migrations.json"))
    saved = json.loads(backup.read_text())
    assert [r["id"] for r in saved["rows"]] == [row[0] for row in before]
    assert "secret" not in backup.read_text()
    assert history_status(root, pg_database).clean
    assert len(snapshot(pg_database)) == len(before)  # rows are never deleted


def test_resolve_applied_follows_prisma_rules(tmp_path: Path, pg_database: str) -> None:
    root = make_tree(tmp_path, {"20250101000000_a": A, "20250102000000_b": B})
    record(pg_database, "20250101000000_a", A)
    record(pg_database, "20250102000000_b", B, finished=False, minutes=1)
    with pytest.raises(ResolveError, match="P3008"):
        resolve(root, pg_database, applied=["20250101000000_a"])
    with pytest.raises(ResolveError, match="P3011"):
        resolve(root, pg_database, rolled_back=["20250109000000_never"])
    with pytest.raises(ResolveError, match="P3012"):
        resolve(root, pg_database, rolled_back=["20250101000000_a"])
    outcome = resolve(root, pg_database, applied=["20250102000000_b"])
    assert outcome.executed
    rows = [r for r in read_rows(psycopg.connect(pg_database, autocommit=True), "public") or [] if r.migration_name == "20250102000000_b"]
    assert len(rows) == 2
    failed, new = rows
    assert failed.rolled_back_at is not None and failed.finished_at is None
    assert new.started_at == new.finished_at and new.applied_steps_count == 0 and new.rolled_back_at is None
    assert new.checksum == checksum(B.encode())
    assert history_status(root, pg_database).clean


def test_resolve_rolled_back_then_applied_on_empty_database(tmp_path: Path, pg_database: str) -> None:
    root = make_tree(tmp_path, {"20250101000000_a": A, "20250102000000_b": B})
    record(pg_database, "20250101000000_a", A)
    record(pg_database, "20250102000000_b", B, finished=False, minutes=1)
    resolve(root, pg_database, rolled_back=["20250102000000_b"])
    assert states(history_status(root, pg_database))["20250102000000_b"] == "rolled-back"
    # Baselining: --applied creates the table as Prisma does when there is none.
    other = make_tree(tmp_path / "other", {"20250101000000_a": A})
    sql(pg_database, "CREATE SCHEMA fresh")
    url = pg_database + "?schema=fresh"
    outcome = resolve(other, url, applied=["20250101000000_a"])
    assert [a.kind for a in outcome.plan.actions] == ["create-table", "applied"]
    assert history_status(other, url).clean


def test_resolve_is_atomic_when_the_table_changed(tmp_path: Path, pg_database: str) -> None:
    root = make_tree(tmp_path, {"20250101000000_a": A, "20250102000000_b": B})
    record(pg_database, "20250101000000_a", A.replace('"a"', '"x"'))
    record(pg_database, "20250102_b", B, minutes=1)
    url = parse_url(pg_database)
    with psycopg.connect(pg_database, autocommit=True) as conn:
        plan = make_resolve_plan(compare(load_local_tree(root), url, read_rows(conn, "public")))
        assert [a.kind for a in plan.actions] == ["checksum", "rename"]
        before = snapshot(pg_database)
        sql(pg_database, "UPDATE _prisma_migrations SET checksum = 'changed' WHERE migration_name = '20250102_b'")
        changed = snapshot(pg_database)
        with pytest.raises(ResolveConflict):
            execute_plan(conn, plan, "public")
    after = snapshot(pg_database)
    assert after == changed and after != before  # the first UPDATE was undone with the rest


def test_resolve_connection_lost_mid_run_leaves_table_as_it_was(tmp_path: Path, pg_database: str) -> None:
    root = make_tree(tmp_path, {"20250101000000_a": A, "20250102000000_b": B})
    record(pg_database, "20250101000000_a", A.replace('"a"', '"x"'))
    record(pg_database, "20250102_b", B, minutes=1)
    before = snapshot(pg_database)
    conn = psycopg.connect(pg_database, autocommit=True)
    plan = make_resolve_plan(compare(load_local_tree(root), parse_url(pg_database), read_rows(conn, "public")))
    plan.actions.insert(1, Action("crash", "-", "the connection dies here", "SELECT pg_terminate_backend(pg_backend_pid())", (), None))
    with pytest.raises(psycopg.OperationalError):
        execute_plan(conn, plan, "public")
    assert snapshot(pg_database) == before


def test_resolve_waits_for_prisma_lock(tmp_path: Path, pg_database: str, cli: CliRunner) -> None:
    root = make_tree(tmp_path, {"20250101000000_a": A})
    record(pg_database, "20250101000000_a", A.replace('"a"', '"x"'))
    with psycopg.connect(pg_database, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (PRISMA_LOCK_KEY,))
        with pytest.raises(LockBusy):
            resolve(root, pg_database, lock_timeout=0.3)
        result = cli.invoke(app, ["resolve", str(root), "--database-url", pg_database, "--lock-timeout", "0.3"])
        assert result.exit_code == 2 and "migration lock" in result.stderr
    assert states(history_status(root, pg_database)) == {"20250101000000_a": "modified"}


# ── the seed's story, end to end, judged by Prisma's engine ─────────────────────────────
EXPECTED_TABLES = {"users", "dead_letter_queue", "projects", "schema_models", "batch_jobs", "error_logs"}


@pytest.mark.parametrize("prisma_order", ["locale", "bytes"])
def test_seed_story_end_to_end(tmp_path: Path, pg_database: str, cli: CliRunner, prisma_order: Literal["locale", "bytes"]) -> None:
    _require_oracle()
    project = tmp_path / "project"
    shutil.copytree(SEED, project)
    migrations = project / "prisma" / "migrations"
    # 1. The original tree fails, as in the seed (Prisma ≥ 6.6: batch_processing before projects exists;
    #    older Prisma: error_handling re-creates dead_letter_queue).
    first = prisma_apply(pg_database, migrations, sort=prisma_order)
    assert not first.ok
    expected_failure = "20250513_add_batch_processing" if prisma_order == "locale" else "20250513_add_error_handling"
    assert first.failed_migration == expected_failure
    # 2. Life goes on: rows land in the tables that exist.
    sql(pg_database, "INSERT INTO users (id, email) VALUES ('u1', 'a@example.com'), ('u2', 'b@example.com')")
    sql(pg_database, "INSERT INTO dead_letter_queue (id, queue, payload) VALUES ('d1', 'mail', '{\"x\": 1}')")
    assert entry_of(history_status(project, pg_database), expected_failure).state == "failed"
    # 3. codemod apply (the default: `_fixed` variants), then resolve.
    applied = cli.invoke(app, ["apply", str(project)])
    assert applied.exit_code == 0, applied.output
    status = cli.invoke(app, ["status", str(project), "--database-url", pg_database])
    assert status.exit_code == 1 and "codemod resolve" in status.stdout.splitlines()[-1]
    resolved = cli.invoke(app, ["resolve", str(project), "--database-url", pg_database])
    assert resolved.exit_code == 0, resolved.output
    assert "rolled-back  " + expected_failure in resolved.stdout
    # 4. Prisma's engine deploys the rest and judges the history.
    second = prisma_apply(pg_database, migrations, sort="locale")
    assert second.ok, second.message
    diagnosis = prisma_diagnose(pg_database, migrations)
    assert diagnosis["failedMigrationNames"] == []
    assert diagnosis["editedMigrationNames"] == []
    assert diagnosis.get("history") is None, diagnosis
    assert prisma_apply(pg_database, migrations, sort="bytes").applied == []  # nothing left under either order
    # 5. Every intended object is there, and no row was lost.
    tables = {r[0] for r in sql(pg_database, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert EXPECTED_TABLES <= tables
    columns = {r[0] for r in sql(pg_database, "SELECT column_name FROM information_schema.columns WHERE table_name = 'dead_letter_queue'")}
    assert {"error", "retryCount"} <= columns
    constraints = {r[0] for r in sql(pg_database, "SELECT conname FROM pg_constraint")}
    assert {"batch_jobs_projectId_fkey", "error_logs_userId_fkey", "projects_ownerId_fkey", "schema_models_projectId_fkey"} <= constraints
    assert sql(pg_database, "SELECT id FROM users ORDER BY id") == [("u1",), ("u2",)]
    assert sql(pg_database, "SELECT id, \"retryCount\" FROM dead_letter_queue") == [("d1", 0)]
    final = cli.invoke(app, ["status", str(project), "--database-url", pg_database])
    assert final.exit_code == 0, final.output
    assert "nothing to do" in final.stdout
    doctor_result = cli.invoke(app, ["doctor", str(project), "--database-url", pg_database])
    assert "drift: none" in doctor_result.stdout, doctor_result.stdout


# ── cleanup and doctor on a corpus tree ─────────────────────────────────────────────────
@pytest.fixture
def zipline(tmp_path: Path) -> Path:
    CORPUS.require()
    assert ZIPLINE.is_dir(), f"the corpus lacks {ZIPLINE.name}"
    project = tmp_path / "zipline"
    shutil.copytree(ZIPLINE, project / "prisma")
    return project


def _deploy(url: str, migrations: Path) -> list[str]:
    """Deploy with Prisma's engine when installed, else replay the files and record them like Prisma."""
    names = [m.name for m in load_local_tree(migrations).migrations]
    if PRISMA.available:
        verdict = prisma_apply(url, migrations)
        assert verdict.ok, verdict.message
        return names
    for minute, name in enumerate(names):
        content = (migrations / name / "migration.sql").read_bytes()
        sql(url, content.decode())
        record(url, name, content, minutes=minute)
    return names


def test_cleanup_finds_clutter_and_never_removes_applied(zipline: Path, pg_database: str, cli: CliRunner) -> None:
    migrations = zipline / "prisma" / "migrations"
    names = _deploy(pg_database, migrations)
    # Clutter as the seed left it.
    backup_of_applied = migrations / (names[1] + "_backup")
    shutil.copytree(migrations / names[1], backup_of_applied)
    record(pg_database, backup_of_applied.name, (backup_of_applied / "migration.sql").read_bytes(), minutes=99)
    unapplied_copy = migrations / (names[2] + "_backup")
    shutil.copytree(migrations / names[2], unapplied_copy)
    (migrations / "20250101000000_empty").mkdir()
    (migrations / "fix-failed.sql").write_text("UPDATE x SET y = 1;\n")
    (migrations / "old.bak").mkdir()
    codemod_backup = zipline / "prisma" / ".codemod-backup" / "20250101T000000Z"
    codemod_backup.mkdir(parents=True)

    found = {item.path.name: item.kind for item in find_clutter(zipline).items}
    assert found == {
        "20250101T000000Z": "codemod-backup",
        backup_of_applied.name: "stray-backup",
        unapplied_copy.name: "stray-backup",
        "20250101000000_empty": "no-migration-sql",
        "fix-failed.sql": "loose-sql",
        "old.bak": "stray-backup",
    }
    listed = cli.invoke(app, ["cleanup", str(zipline)])
    assert listed.exit_code == 1 and "P3015" in listed.stdout and "never runs it" in listed.stdout
    dry = cli.invoke(app, ["cleanup", str(zipline), "--database-url", pg_database, "--remove", "--dry-run"])
    assert dry.exit_code == 1 and "would remove" in dry.stdout
    assert unapplied_copy.exists() and (migrations / "fix-failed.sql").exists()
    # Without a URL, folders Prisma would run are kept.
    report = cleanup(zipline, remove=True)
    assert backup_of_applied.exists() and unapplied_copy.exists()
    assert not (migrations / "fix-failed.sql").exists() and not codemod_backup.exists()
    # With a URL: the copy the database records as applied stays, the other goes.
    moved = cli.invoke(app, ["cleanup", str(zipline), "--database-url", pg_database, "--move-to", str(zipline / "attic")])
    assert "KEPT: the database records this migration as applied" in moved.stdout
    assert backup_of_applied.exists() and not unapplied_copy.exists()
    assert (zipline / "attic" / unapplied_copy.name / "migration.sql").is_file()
    assert report.items


def test_doctor_on_corpus_tree(zipline: Path, pg_database: str, cli: CliRunner) -> None:
    migrations = zipline / "prisma" / "migrations"
    names = _deploy(pg_database, migrations)
    result = cli.invoke(app, ["doctor", str(zipline), "--database-url", pg_database])
    out = result.stdout
    assert "server: PostgreSQL 15" in out
    assert f"_prisma_migrations: {len(names)} row(s): {len(names)} applied, 0 failed" in out
    assert '"User"' not in out and "User" in out
    assert "drift: none" in out, out
    assert result.exit_code == 0, out
    sql(pg_database, 'DROP TABLE "Invite"')
    sql(pg_database, "CREATE TABLE stray (id int)")
    drifted = doctor(zipline, pg_database)
    assert "table Invite" in drifted.missing_in_db and "table stray" in drifted.extra_in_db
    assert drifted.exit_code == 1


# ── bad URLs: one line, no traceback, no password ──────────────────────────────────────
@pytest.mark.parametrize("command", ["status", "resolve", "doctor", "cleanup"])
def test_bad_url_is_one_clean_line(command: str, tmp_path: Path, cli: CliRunner) -> None:
    root = make_tree(tmp_path, {"20250101000000_a": A})
    result = cli.invoke(app, [command, str(root), "--database-url", BAD_URL])
    assert result.exit_code == 2
    assert "secret" not in result.output and "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "connection refused" in lines[0] and "u:***@127.0.0.1:1/db" in lines[0]


def test_bad_url_from_environment(tmp_path: Path, cli: CliRunner) -> None:
    root = make_tree(tmp_path, {"20250101000000_a": A})
    result = cli.invoke(app, ["status", str(root)], env={"DATABASE_URL": "postgresql://u:p%40ss-secret@127.0.0.1:1/db?schema=x"})
    assert result.exit_code == 2 and "secret" not in result.output and "ss-secret" not in result.output


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://u:secret@localhost/db", "only PostgreSQL"),
        ("postgresql://u:secret@localhost:99999/db", "not a valid database URL"),
        ("", "no database URL"),
    ],
)
def test_unusable_urls(url: str, words: str) -> None:
    with pytest.raises(ConnectionFailed) as caught:
        parse_url(url)
    assert words in str(caught.value) and "secret" not in str(caught.value)


def test_server_side_failures_are_named(pg_cluster, tmp_path: Path, cli: CliRunner) -> None:
    root = make_tree(tmp_path, {"20250101000000_a": A})
    base = pg_cluster.dsn_for("postgres")
    no_db = base.rsplit("/", 1)[0] + "/no_such_db_here"
    result = cli.invoke(app, ["doctor", str(root), "--database-url", no_db])
    assert result.exit_code == 2 and "no such database" in result.stderr
    no_role = no_db.replace("//", "//nobody_here:secret@", 1).replace(f"{pg_cluster.superuser}@", "")
    no_role = no_role.rsplit("/", 1)[0] + "/postgres"
    result = cli.invoke(app, ["doctor", str(root), "--database-url", no_role])
    assert result.exit_code == 2 and "secret" not in result.output
    assert "no such user" in result.stderr or "authentication failed" in result.stderr
    tls = base + "?sslmode=require"
    result = cli.invoke(app, ["status", str(root), "--database-url", tls])
    assert result.exit_code == 2 and "TLS" in result.stderr


def test_redact_hides_every_password_form() -> None:
    assert redact("postgresql://u:secret@h:5432/db?schema=s") == "postgresql://u:***@h:5432/db?schema=s"
    assert "secret" not in redact("postgresql://u@h/db?password=secret&sslmode=require")
    assert parse_url("postgresql://u:p%40ss@h/db?schema=app&connection_limit=5").schema == "app"
    assert "connection_limit" not in parse_url("postgresql://u@h/db?connection_limit=5").libpq


def test_libpq_messages_are_classified() -> None:
    from codemod.history.connect import classify

    auth = 'connection failed: connection to server at "10.0.0.1", port 5432 failed: FATAL:  password authentication failed for user "app"'
    assert classify(auth).startswith("authentication failed")
    assert classify('FATAL:  database "shop" does not exist') == "no such database on this server"
    assert classify("server does not support SSL, but SSL was required").startswith("TLS required")
    assert classify("SSL error: certificate verify failed").startswith("TLS")
    assert classify("Connection refused").startswith("connection refused")


# ── doctor and status tell the truth ────────────────────────────────────────────────────
LONG = "a_table_name_that_is_much_longer_than_sixty_three_bytes_in_postgresql_x"
NAMING = (
    f'CREATE TABLE "{LONG}" ("id" INTEGER NOT NULL, "a_very_long_column_name_that_goes_past_the_limit_of_postgresql_ids" TEXT);\n'
    f'CREATE INDEX ON "{LONG}" ("id");\n'
    'CREATE TABLE t (a int, b text, "Weird" int, "ünïcödé_ünïcödé_ünïcödé_ünïcödé_ünïcödé_ünïcödé" int);\n'
    "CREATE INDEX ON t (a);\n"
    "CREATE INDEX ON t (a);\n"
    "CREATE UNIQUE INDEX ON t (lower(b));\n"
    "CREATE INDEX ON t ((a + 1));\n"
    "CREATE INDEX ON t (a, a);\n"
    'CREATE INDEX ON t ("Weird" DESC);\n'
    'CREATE INDEX ON t ("ünïcödé_ünïcödé_ünïcödé_ünïcödé_ünïcödé_ünïcödé");\n'
    f'CREATE INDEX "ix_{LONG}_named" ON t (b);\n'
    "CREATE INDEX ON t (b);\n"
    "DROP INDEX t_b_idx;\n"
)


def test_doctor_names_objects_as_postgresql_does(tmp_path: Path, pg_database: str, cli: CliRunner) -> None:
    """63-byte truncation and PostgreSQL's own names for unnamed indexes (t_a_idx, t_a_idx1…) are not drift."""
    root = make_tree(tmp_path, {"20250101000000_init": NAMING})
    _deploy(pg_database, root)
    report = doctor(root, pg_database)
    assert report.missing_in_db == [] and report.extra_in_db == [], (report.missing_in_db, report.extra_in_db)
    result = cli.invoke(app, ["doctor", str(root), "--database-url", pg_database])
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines()[-1] == "next: nothing to do: the database and the tree agree"


def test_default_index_names() -> None:
    from codemod.history.doctor import default_index_name, make_object_name, pg_truncate

    assert default_index_name("t", ["a"], set()) == "t_a_idx"
    assert default_index_name("t", ["a"], {"t_a_idx", "t_a_idx1"}) == "t_a_idx2"
    assert default_index_name("t", ["a", "a"], set()) == "t_a_a1_idx"
    assert len(make_object_name("x" * 70, "y" * 10, "idx").encode()) == 63
    assert make_object_name("x" * 70, "y" * 10, "idx") == "x" * 48 + "_" + "y" * 10 + "_idx"
    assert pg_truncate("é" * 40) == "é" * 31  # 62 bytes: never half a character


def test_doctor_exit_code_agrees_with_its_last_line(tmp_path: Path, pg_database: str, cli: CliRunner) -> None:
    root = make_tree(tmp_path, {"20250101000000_a": A})
    _deploy(pg_database, root)
    clean = cli.invoke(app, ["doctor", str(root), "--database-url", pg_database])
    assert clean.exit_code == 0 and clean.stdout.splitlines()[-1].startswith("next: nothing to do")
    sql(pg_database, "CREATE TABLE stray (id int)")  # drift, while the history is clean
    drifted = cli.invoke(app, ["doctor", str(root), "--database-url", pg_database])
    last = drifted.stdout.splitlines()[-1]
    assert drifted.exit_code == 1 and "nothing to do" not in last and "drift" in last, drifted.stdout


def test_doctor_and_status_on_an_empty_project_and_database(tmp_path: Path, pg_database: str, cli: CliRunner) -> None:
    root = make_tree(tmp_path, {})
    for command in ("status", "doctor"):
        result = cli.invoke(app, [command, str(root), "--database-url", pg_database])
        last = result.stdout.splitlines()[-1] if result.stdout else result.stderr
        assert (result.exit_code == 0) == last.startswith("next: nothing to do"), (command, result.output)


def test_status_ties_in_started_at_are_not_an_order_warning(tmp_path: Path, pg_database: str) -> None:
    """Prisma records milliseconds; a fast deploy applies several migrations within one."""
    names = [f"2025010100000{i}_m{i}" for i in range(8)]
    files = {name: f'CREATE TABLE "t{i}" ("id" INTEGER);\n' for i, name in enumerate(names)}
    root = make_tree(tmp_path, files)
    for name in reversed(names):  # same started_at; ids (random) in any order
        record(pg_database, name, files[name], minutes=0)
    report = history_status(root, pg_database)
    assert report.clean and report.order_notes == []
    record(pg_database, "20250101000009_late", 'CREATE TABLE "late" ("id" INTEGER);\n', minutes=-5)
    (root / "20250101000009_late").mkdir()
    (root / "20250101000009_late" / "migration.sql").write_text('CREATE TABLE "late" ("id" INTEGER);\n')
    assert history_status(root, pg_database).order_notes  # a real difference still is one


def test_names_are_data_in_status_doctor_cleanup(tmp_path: Path, pg_database: str, cli: CliRunner) -> None:
    """Escape sequences and newlines in folder names, and in rows of the table, never reach the terminal raw."""
    hostile = "20250102000000_b\x1b[2J\nline"
    root = make_tree(tmp_path, {"20250101000000_a": A, hostile: B})
    (root / "old\x1b]0;title\x07_backup").mkdir()
    record(pg_database, "20250101000000_a", A)
    record(pg_database, "20240101000000_gone\x1b[31m\nx", C, minutes=1)
    for command in ("status", "doctor", "cleanup"):
        result = cli.invoke(app, [command, str(root), "--database-url", pg_database])
        assert result.exit_code in (0, 1), result.output
        assert "\x1b" not in result.output and "\x07" not in result.output, (command, result.output)
        assert not any(line.startswith(("line", "x")) for line in result.stdout.splitlines()), (command, result.stdout)
    status = cli.invoke(app, ["status", str(root), "--database-url", pg_database]).stdout
    assert "20250102000000_b\\e[2J\\nline" in status and "20240101000000_gone\\e[31m\\nx" in status
