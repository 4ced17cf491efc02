"""Formats, configuration, inline suppressions and --since: what CI and pre-commit users rely on."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from codemod.cli import app
from tests.golden_support import GOLDEN

SARIF_SCHEMA = Path(__file__).parent / "schemas" / "sarif-2.1.0-rtm.5.json"
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "seed-story"


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """A project directory (the working directory) with the seed story at prisma/migrations."""
    shutil.copytree(GOLDEN / "seed-story" / "before", tmp_path / "prisma" / "migrations")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_sarif_validates_against_the_2_1_0_schema(cli, monkeypatch) -> None:
    monkeypatch.chdir(EXAMPLE.parent.parent)
    result = cli.invoke(app, ["check", "examples/seed-story", "--format", "sarif"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(document)
    run = document["runs"][0]
    assert {r["ruleId"] for r in run["results"]} == {"timestamp-name", "forward-reference", "duplicate-create"}
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert all(uri.endswith("/migration.sql") for uri in uris)


def test_github_annotations(cli, project: Path) -> None:
    result = cli.invoke(app, ["check", "--format", "github"])
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 4
    pattern = re.compile(r"^::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+,title=codemod [a-z-]+::\S.*$")
    assert all(pattern.match(line) for line in lines), lines
    assert "file=prisma/migrations/20250513_add_error_handling/migration.sql,line=2,col=1" in result.stdout


def test_json_report_is_versioned(cli, project: Path) -> None:
    document = json.loads(cli.invoke(app, ["check", "--format", "json"]).stdout)
    assert document["schema_version"] == 1 and document["summary"]["error"] == 4
    assert {"code", "severity", "migration", "path", "line", "column", "message", "fix"} <= set(document["findings"][0])


def test_pyproject_setting_changes_the_result(cli, project: Path) -> None:
    assert "timestamp-name" in cli.invoke(app, ["check"]).stdout
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.codemod]\nignore = ["timestamp-name"]\n')
    result = cli.invoke(app, ["check"])
    assert "timestamp-name" not in result.stdout and "duplicate-create" in result.stdout
    overridden = cli.invoke(app, ["check", "--ignore", "duplicate-create"])
    assert "timestamp-name" in overridden.stdout and "duplicate-create" not in overridden.stdout
    shown = cli.invoke(app, ["config"]).stdout
    assert re.search(r"ignore\s+= timestamp-name\s+# .*pyproject.toml \[tool.codemod\]", shown), shown


def test_codemod_toml_path_and_format(cli, project: Path, tmp_path: Path, monkeypatch) -> None:
    """A relative path in the file is relative to the file, not to where codemod runs."""
    elsewhere = project / "src" / "deeper"
    elsewhere.mkdir(parents=True)
    (project / "codemod.toml").write_text('path = "prisma/migrations"\nformat = "json"\nselect = ["duplicate-create"]\n')
    monkeypatch.chdir(elsewhere)
    result = cli.invoke(app, ["check"])
    document = json.loads(result.stdout)
    assert [f["code"] for f in document["findings"]] == ["duplicate-create"]


def test_bad_configuration_is_one_line_exit_2(cli, project: Path) -> None:
    (project / "codemod.toml").write_text('colour = "red"\n')
    result = cli.invoke(app, ["check"])
    assert result.exit_code == 2 and "codemod.toml: unknown setting 'colour'" in result.stderr
    (project / "codemod.toml").write_text('order = "random"\n')
    assert "must be one of locale, bytes" in cli.invoke(app, ["check"]).stderr


def test_inline_suppression_silences_and_unknown_codes_are_reported(cli, project: Path) -> None:
    sql = project / "prisma" / "migrations" / "20250513_add_error_handling" / "migration.sql"
    text = sql.read_text()
    sql.write_text(text.replace("-- CreateTable\nCREATE TABLE \"dead_letter_queue\"", "-- codemod: ignore[duplicate-create]\nCREATE TABLE \"dead_letter_queue\"", 1))
    result = cli.invoke(app, ["check", "--select", "duplicate-create"])
    assert result.exit_code == 0 and "duplicate-create error" not in result.stdout
    sql.write_text(text.replace("-- CreateTable\nCREATE TABLE \"dead_letter_queue\"", "-- codemod: ignore[duplicate-craete]\nCREATE TABLE \"dead_letter_queue\"", 1))
    result = cli.invoke(app, ["check", "--select", "duplicate-create,unknown-suppression"])
    assert result.exit_code == 1 and "unknown code 'duplicate-craete'" in result.stdout
    sql.write_text("SELECT '-- codemod: ignore[duplicate-create]';\n" + text)
    assert "duplicate-create error" in cli.invoke(app, ["check", "--select", "duplicate-create"]).stdout


def test_folder_finding_suppressed_anywhere_in_its_file(cli, project: Path) -> None:
    for name in ("20250513_add_error_handling", "20250513_add_batch_processing"):
        sql = project / "prisma" / "migrations" / name / "migration.sql"
        sql.write_text("-- codemod: ignore[timestamp-name]\n" + sql.read_text())
    assert "timestamp-name" not in cli.invoke(app, ["check"]).stdout


@pytest.mark.usefixtures("needs_git")
def test_since_reports_only_changed_migrations_with_full_context(cli, project: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], check=True, capture_output=True)

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "tree")
    new = project / "prisma" / "migrations" / "20250601000000_again"
    new.mkdir()
    (new / "migration.sql").write_text('CREATE TABLE "projects" ("id" TEXT NOT NULL);\n')
    result = cli.invoke(app, ["check", "--since", "HEAD"])
    assert result.exit_code == 1
    assert "20250601000000_again" in result.stdout and "already exists (created by migration 20250513022650" in result.stdout
    assert "dead_letter_queue" not in result.stdout  # older findings are out of focus
    bad = cli.invoke(app, ["check", "--since", "no-such-ref"])
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1 and "no such git ref 'no-such-ref'" in bad.stderr


def test_pre_commit_hook_definition() -> None:
    text = (Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text()
    assert "id: codemod-check" in text and "entry: codemod check" in text
