"""The command line as a user meets it: exit codes, outputs, modes, and bad input."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from codemod.cli import app
from tests.golden_support import GOLDEN, tree_files

SEED = GOLDEN / "seed-story"


@pytest.fixture
def seed_tree(tmp_path: Path) -> Path:
    """A project root holding a copy of the seed story at prisma/migrations."""
    root = tmp_path / "project"
    shutil.copytree(SEED / "before", root / "prisma" / "migrations")
    return root


def test_check_reports_grouped_findings_and_exits_1(cli, seed_tree: Path) -> None:
    result = cli.invoke(app, ["check", str(seed_tree), "--format", "concise"])
    assert result.exit_code == 1
    assert "duplicate-create" in result.stdout and "forward-reference" in result.stdout
    assert "20250513_add_error_handling/migration.sql:2:1 duplicate-create" in result.stdout
    assert "4 errors" in result.stdout


def test_check_shows_source_line_caret_help_and_docs(cli, seed_tree: Path) -> None:
    result = cli.invoke(app, ["check", str(seed_tree)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    head = next(i for i, line in enumerate(lines) if "20250513_add_error_handling/migration.sql:2:1: duplicate-create error:" in line)
    assert lines[head + 2] == '2 | CREATE TABLE "dead_letter_queue" ('
    assert lines[head + 3].startswith("  | ^^^^")
    assert any(line.startswith("  = help: ") and "(fixable: `codemod apply`)" in line for line in lines[head:head + 7])
    assert "  = see: codemod explain duplicate-create" in lines[head:head + 7]
    assert "\x1b[" not in result.stdout and "4 errors" in lines[-1]


def test_check_on_a_healthy_tree_exits_0(cli) -> None:
    result = cli.invoke(app, ["check", str(GOLDEN / "traps-no-false-alarm" / "before")])
    assert result.exit_code == 0, result.stdout
    assert "0 errors" in result.stdout


def test_select_and_ignore(cli, seed_tree: Path) -> None:
    only = cli.invoke(app, ["check", str(seed_tree), "--select", "timestamp-name"])
    assert "timestamp-name" in only.stdout and "duplicate-create" not in only.stdout
    without = cli.invoke(app, ["check", str(seed_tree), "--ignore", "timestamp-name,forward-reference"])
    assert "duplicate-create" in without.stdout and "timestamp-name" not in without.stdout
    unknown = cli.invoke(app, ["check", str(seed_tree), "--select", "no-such-code"])
    assert unknown.exit_code == 2 and "unknown rule code" in unknown.stderr


def test_dry_run_prints_diff_and_writes_nothing(cli, seed_tree: Path) -> None:
    before = tree_files(seed_tree)
    result = cli.invoke(app, ["apply", str(seed_tree), "--dry-run"])
    assert result.exit_code == 0
    assert "rename from" in result.stdout and "+ALTER TABLE \"dead_letter_queue\" ADD COLUMN IF NOT EXISTS" in result.stdout
    assert "\x1b[" not in result.stdout  # not a terminal: no colour
    assert tree_files(seed_tree) == before


def test_apply_writes_fixed_variants_and_backs_up_originals(cli, seed_tree: Path) -> None:
    migrations = seed_tree / "prisma" / "migrations"
    result = cli.invoke(app, ["apply", str(seed_tree)])
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in migrations.iterdir() if p.is_dir())
    assert names == [  # batch_processing is re-sequenced after the projects it needs; error_handling is rewritten
        "20250507030812_init",
        "20250513000000_add_error_handling_fixed",
        "20250513022650_add_project_and_schema_models",
        "20250513022651_add_batch_processing",
    ]
    backups = list((seed_tree / "prisma" / ".codemod-backup").iterdir())
    assert len(backups) == 1
    kept = sorted(p.name for p in backups[0].iterdir() if p.is_dir())
    assert kept == ["20250513_add_batch_processing", "20250513_add_error_handling"]
    original = (SEED / "before" / "20250513_add_error_handling" / "migration.sql").read_bytes()
    assert (backups[0] / "20250513_add_error_handling" / "migration.sql").read_bytes() == original
    expected = (SEED / "expected" / "20250513000000_add_error_handling" / "migration.sql").read_bytes()
    assert (migrations / "20250513000000_add_error_handling_fixed" / "migration.sql").read_bytes() == expected
    again = cli.invoke(app, ["check", str(seed_tree)])
    assert again.exit_code == 0, again.stdout


def test_in_place_equals_expected(cli, seed_tree: Path) -> None:
    result = cli.invoke(app, ["apply", str(seed_tree), "--in-place"])
    assert result.exit_code == 0
    assert tree_files(seed_tree / "prisma" / "migrations") == tree_files(SEED / "expected")
    assert "20250513_add_batch_processing becomes 20250513022651_add_batch_processing:" in result.stderr


@pytest.mark.usefixtures("needs_git")
@pytest.mark.parametrize("case", ["seed-story", "crlf-duplicate", "forward-reference-index-and-fk"])
def test_patch_applies_with_git_and_equals_in_place(cli, tmp_path: Path, monkeypatch, case: str) -> None:
    work = tmp_path / "work"
    shutil.copytree(GOLDEN / case / "before", work / "migrations")
    monkeypatch.chdir(work)
    result = cli.invoke(app, ["apply", "migrations", "--patch", str(tmp_path / "fix.patch")])
    assert result.exit_code == 0, result.stderr
    assert tree_files(work / "migrations") == tree_files(GOLDEN / case / "before")  # nothing else written
    subprocess.run(["git", "apply", "--check", str(tmp_path / "fix.patch")], cwd=work, check=True)
    subprocess.run(["git", "apply", str(tmp_path / "fix.patch")], cwd=work, check=True)
    assert tree_files(work / "migrations") == tree_files(GOLDEN / case / "expected")


def test_list_transforms_and_explain(cli) -> None:
    listing = cli.invoke(app, ["list-transforms"])
    assert listing.exit_code == 0
    for code in ("duplicate-create", "forward-reference", "timestamp-name"):
        assert code in listing.stdout
        text = cli.invoke(app, ["explain", code]).stdout
        for part in ("What it finds", "Why it breaks", "What the fix does", "Example"):
            assert part in text
    assert cli.invoke(app, ["explain", "nope"]).exit_code == 2


def _tree_with(tmp_path: Path, files: dict[str, bytes], lock: str | None = 'provider = "postgresql"\n') -> Path:
    root = tmp_path / "migrations"
    root.mkdir()
    if lock is not None:
        (root / "migration_lock.toml").write_text(lock)
    for relative, data in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


GOOD = b'CREATE TABLE "a" ("id" TEXT);\nCREATE TABLE "a" ("id" TEXT);\n'


@pytest.mark.parametrize(
    "files, lock, expected",
    [
        ({"20240101000000_a/migration.sql": b"CREATE TABLE \"a\" (\"id\" TEXT DEFAULT 'oops);\n"}, 'provider = "postgresql"\n', "20240101000000_a/migration.sql:1: cannot tokenize SQL: unterminated string"),
        ({"20240101000000_a/migration.sql": b"/* never closed\nCREATE TABLE a (id int);\n"}, 'provider = "postgresql"\n', "20240101000000_a/migration.sql: cannot tokenize SQL"),
        ({"20240101000000_a/migration.sql": b"DO $$ BEGIN PERFORM 1;\n"}, 'provider = "postgresql"\n', "unterminated $$ body"),
        ({"20240101000000_a/migration.sql": GOOD}, 'provider = "oracle"\n', "migration_lock.toml: unknown provider 'oracle'"),
    ],
    ids=["unterminated-string", "unterminated-comment", "unterminated-dollar", "unknown-provider"],
)
def test_bad_input_one_line_exit_2_nothing_written(cli, tmp_path: Path, files, lock, expected) -> None:
    root = _tree_with(tmp_path, files, lock)
    before = tree_files(tmp_path)
    for args in (["check", str(root)], ["apply", str(root)], ["apply", str(root), "--in-place"]):
        result = cli.invoke(app, args)
        assert result.exit_code == 2, (args, result.stdout, result.stderr)
        assert result.stderr.count("\n") == 1 and expected in result.stderr
        assert result.stdout == ""
    assert tree_files(tmp_path) == before


@pytest.mark.parametrize(
    "files, code",
    [
        ({"20240101000000_a/migration.sql": b"CREATE TABLE \"caf\xe9\" (id int);\n"}, "file-encoding"),
        ({"20240101000000_a/migration.sql": GOOD, "20240102000000_b/README.md": b"x"}, "missing-migration-file"),
    ],
    ids=["not-utf8", "p3015"],
)
def test_readable_trees_with_unreadable_migrations_are_findings(cli, tmp_path: Path, files, code) -> None:
    """What Prisma cannot read is a finding about the tree (exit 1), not bad input (exit 2)."""
    root = _tree_with(tmp_path, files, 'provider = "postgresql"\n')
    result = cli.invoke(app, ["check", str(root)])
    assert result.exit_code == 1 and f"{code} error" in result.stdout, result.stdout


def test_missing_path_and_empty_directory(cli, tmp_path: Path) -> None:
    missing = cli.invoke(app, ["check", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "no such file or directory" in missing.stderr
    empty = cli.invoke(app, ["check", str(tmp_path)])
    assert empty.exit_code == 2 and "no Prisma migrations here" in empty.stderr
    only_lock = _tree_with(tmp_path, {})
    result = cli.invoke(app, ["check", str(only_lock)])
    assert result.exit_code == 2 and "no migration folders" in result.stderr


def test_unreadable_file(cli, tmp_path: Path) -> None:
    root = _tree_with(tmp_path, {"20240101000000_a/migration.sql": GOOD})
    target = root / "20240101000000_a" / "migration.sql"
    target.unlink()
    target.mkdir()  # a directory where the file should be: reading it fails on every user
    result = cli.invoke(app, ["check", str(root)])
    assert result.exit_code == 2 and "migration.sql" in result.stderr


def test_bom_and_crlf_survive_an_edit(cli, tmp_path: Path) -> None:
    """Untouched bytes stay byte-identical: the BOM and CRLF line endings around an edit included."""
    users = b'CREATE TABLE "users" ("id" TEXT NOT NULL);\r\n'
    root = _tree_with(
        tmp_path,
        {
            "20240101000000_a/migration.sql": users,
            "20240102000000_b/migration.sql": b"\xef\xbb\xbf-- again\r\n" + users + b"-- end\r\n",
        },
    )
    assert cli.invoke(app, ["apply", str(root), "--in-place", "--ignore", "utf8-bom"]).exit_code == 0
    data = (root / "20240102000000_b" / "migration.sql").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf-- again\r\n-- codemod: removed duplicate")
    assert data.endswith(b"\r\n-- end\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert (root / "20240101000000_a" / "migration.sql").read_bytes() == users


def test_bom_is_removed_by_its_own_transform(cli, tmp_path: Path) -> None:
    root = _tree_with(tmp_path, {"20240101000000_a/migration.sql": b"\xef\xbb\xbf-- x\r\nCREATE TABLE a (id int);\r\n"})
    assert "utf8-bom error" in cli.invoke(app, ["check", str(root)]).stdout
    assert cli.invoke(app, ["apply", str(root), "--in-place"]).exit_code == 0
    assert (root / "20240101000000_a" / "migration.sql").read_bytes() == b"-- x\r\nCREATE TABLE a (id int);\r\n"


def test_fixed_names_that_would_reorder_the_tree_are_refused(cli, tmp_path: Path) -> None:
    root = _tree_with(
        tmp_path,
        {
            "20231231000000_init/migration.sql": b"CREATE TABLE t (id int);\n",
            "20240101000000_a/migration.sql": b"CREATE TABLE t (id int);\n",
            "20240101000000_a_b/migration.sql": b"SELECT 1;\n",
        },
    )
    before = tree_files(tmp_path)
    result = cli.invoke(app, ["apply", str(root)])
    assert result.exit_code == 2 and "20240101000000_a_b would sort out of its place" in result.stderr
    assert "use --in-place" in result.stderr and tree_files(tmp_path) == before
    assert cli.invoke(app, ["apply", str(root), "--in-place"]).exit_code == 0
