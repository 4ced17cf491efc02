"""`apply` ends with a verdict: statically clean or the errors left (from the final rewritten tree),
and with --verify what a real PostgreSQL says, a failure the static model missed included."""

from __future__ import annotations

import shutil
from pathlib import Path

from codemod.cli import app
from tests.golden_support import GOLDEN
from tests.trees import write_tree

pytest_plugins = ["tests.pg_fixtures"]


def _copy(case: str, tmp_path: Path) -> Path:
    target = tmp_path / case
    shutil.copytree(GOLDEN / case / "before", target)
    return target


def test_dry_run_says_statically_clean(cli, tmp_path: Path) -> None:
    result = cli.invoke(app, ["apply", str(_copy("seed-story", tmp_path)), "--dry-run"])
    assert result.exit_code == 0
    assert "would apply 4 fixes; verdict: statically clean" in result.stderr


def test_errors_left_are_counted_on_the_rewritten_tree(cli, tmp_path: Path) -> None:
    result = cli.invoke(app, ["apply", str(_copy("missing-object-left-for-a-human", tmp_path)), "--dry-run"])
    assert result.exit_code == 1
    assert "left after the rewrite:" in result.stderr and "missing-object error" in result.stderr
    assert "verdict: 1 error left for a human; deploy would stop at 20240102000000_payments (missing-object, SQLSTATE 42P01)" in result.stderr


def test_verify_proves_the_rewrite_before_writing(cli, tmp_path: Path, pg_cluster) -> None:
    root = _copy("seed-story", tmp_path)
    result = cli.invoke(app, ["apply", str(root), "--in-place", "--verify", "--database-url", pg_cluster.url])
    assert result.exit_code == 0, result.stderr
    assert "verified on PostgreSQL: the rewritten tree applies" in result.stderr
    assert (root / "20250513022651_add_batch_processing").is_dir()


def test_a_failure_the_static_model_misses_is_never_reported_as_success(cli, tmp_path: Path, pg_cluster) -> None:
    """Data decides this one (a text that is not a number): only PostgreSQL can tell."""
    root = write_tree(tmp_path, {
        "20240101000000_init": "CREATE TABLE \"t\" (\"a\" TEXT);\nINSERT INTO \"t\" (\"a\") VALUES ('x');\n",
        "20240102000000_retype": 'ALTER TABLE "t" ALTER COLUMN "a" TYPE INTEGER USING "a"::integer;\n',
        "20240103000000_again": 'CREATE TABLE "u" ("id" INT);\nCREATE TABLE "u" ("id" INT);\n',
    })
    result = cli.invoke(app, ["apply", str(root), "--dry-run", "--verify", "--database-url", pg_cluster.url])
    assert result.exit_code == 1
    assert "verdict: statically clean" in result.stderr
    assert "NOT PROVEN on PostgreSQL: 20240102000000_retype (line 1) fails: invalid input syntax for type integer" in result.stderr
    assert "[SQLSTATE 22P02]" in result.stderr
