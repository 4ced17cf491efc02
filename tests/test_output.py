"""What a ruff or squawk user expects to read: check's report, colour, help, explain, names as data."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import jsonschema
import pytest

from codemod.cli import app
from codemod.display import escape, git_quote, use_color
from codemod.rst import rst_to_text
from tests.golden_support import tree_files

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "examples" / "seed-story"
SARIF_SCHEMA = REPO / "tests" / "schemas" / "sarif-2.1.0-rtm.5.json"
COMMANDS = ["check", "apply", "verify", "status", "resolve", "cleanup", "doctor", "config", "list-transforms", "explain"]


def write(root: Path, files: Mapping[str, bytes | str], lock: bool = True) -> Path:
    migrations = root / "prisma" / "migrations"
    migrations.mkdir(parents=True)
    if lock:
        (migrations / "migration_lock.toml").write_text('provider = "postgresql"\n')
    for relative, data in files.items():
        path = migrations / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    return migrations


# --------------------------------------------------------------------------- check's report


def test_check_on_the_seed_shows_source_lines_carets_and_help(cli, snapshot, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    result = cli.invoke(app, ["check", "examples/seed-story"])
    assert result.exit_code == 1
    assert result.stdout == snapshot
    assert "   | ^^^^" in result.stdout and "   = help: " in result.stdout
    assert "= see: codemod explain forward-reference" in result.stdout


def test_full_report_layout(cli, tmp_path: Path) -> None:
    migrations = write(
        tmp_path,
        {
            "20240101000000_a/migration.sql": 'CREATE TABLE "users" ("id" TEXT);\n',
            "20240102000000_b/migration.sql": '-- again\n\tCREATE TABLE "users" ("id" TEXT);\n',
        },
    )
    result = cli.invoke(app, ["check", str(migrations)])
    lines = result.stdout.splitlines()
    head = next(i for i, line in enumerate(lines) if "duplicate-create error:" in line)
    assert re.match(r"^\S*20240102000000_b/migration\.sql:2:2: duplicate-create error: table ", lines[head])
    assert lines[head + 1] == "  |"
    assert lines[head + 2] == '2 |     CREATE TABLE "users" ("id" TEXT);'  # a tab shows as four spaces
    assert lines[head + 3].removesuffix(" deploy stops here") == "  |     " + "^" * len('CREATE TABLE "users" ("id" TEXT);')
    assert lines[head + 4] == "  |"
    assert lines[head + 5].startswith("  = help: ") and lines[head + 5].endswith("(fixable: `codemod apply`)")
    assert lines[head + 6] == "  = see: codemod explain duplicate-create"
    assert lines[-1].startswith("1 error, 0 warnings")


def test_full_report_marks_sqlstate_and_where_deploy_stops(tmp_path: Path) -> None:
    """Fields the findings carry are shown: SQLSTATE in the header, "deploy stops here" under the caret."""
    from codemod import analyse
    from codemod.reporting.text import findings_full

    migrations = write(
        tmp_path,
        {
            "20240101000000_a/migration.sql": "CREATE TABLE t (id int);\n",
            "20240102000000_b/migration.sql": "CREATE TABLE t (id int);\n",
        },
    )
    analysis = analyse(migrations)
    [finding] = analysis.findings
    finding.sqlstate, finding.stops_here, finding.fix, finding.help = "42P07", True, None, "drop the second CREATE"
    text = findings_full(analysis.tree, [finding])
    assert "[SQLSTATE 42P07]" in text.splitlines()[0]
    assert "^^^ deploy stops here" in text
    assert "= help: drop the second CREATE\n" in text and "fixable" not in text


def test_concise_form_is_one_line_per_finding(cli, tmp_path: Path) -> None:
    shutil.copytree(SEED, tmp_path / "seed")
    result = cli.invoke(app, ["check", str(tmp_path / "seed"), "--output-format", "concise"])
    findings = [line for line in result.stdout.splitlines() if line.startswith("  ")]
    assert len(findings) == 4 and all(re.search(r":\d+:\d+ [a-z-]+ error: ", line) for line in findings)
    assert "^" not in result.stdout and "help:" not in result.stdout


def test_statistics_and_exit_zero(cli, tmp_path: Path) -> None:
    shutil.copytree(SEED, tmp_path / "seed")
    stats = cli.invoke(app, ["check", str(tmp_path / "seed"), "--statistics"])
    assert stats.exit_code == 1
    assert stats.stdout.splitlines()[:4] == [
        "count  code               severity  fixable",
        "    2  timestamp-name     error     2",
        "    1  duplicate-create   error     1",
        "    1  forward-reference  error     1",
    ]
    as_json = json.loads(cli.invoke(app, ["check", str(tmp_path / "seed"), "--statistics", "--format", "json"]).stdout)
    assert as_json[0] == {"code": "timestamp-name", "severity": "error", "count": 2, "fixable": 2}
    assert cli.invoke(app, ["check", str(tmp_path / "seed"), "--exit-zero"]).exit_code == 0
    assert cli.invoke(app, ["check", str(tmp_path / "nowhere"), "--exit-zero"]).exit_code == 2


# --------------------------------------------------------------------------- colour


@pytest.mark.parametrize(
    ("choice", "env", "tty", "expected"),
    [
        ("auto", {}, False, False),
        ("auto", {}, True, True),
        ("always", {}, False, True),
        ("always", {"NO_COLOR": "1"}, False, True),  # an explicit flag wins
        ("never", {"FORCE_COLOR": "1"}, True, False),
        ("auto", {"NO_COLOR": "1"}, True, False),
        ("auto", {"NO_COLOR": ""}, True, True),  # empty means unset
        ("auto", {"FORCE_COLOR": "1"}, False, True),
        ("auto", {"FORCE_COLOR": "0"}, True, False),
        ("auto", {"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),
    ],
)
def test_use_color(choice: str, env: dict[str, str], tty: bool, expected: bool, monkeypatch) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    class Stream:
        def isatty(self) -> bool:
            return tty

    assert use_color(choice, Stream()) is expected  # type: ignore[arg-type]


@pytest.mark.parametrize("command", [["check"], ["apply", "--dry-run"]])
def test_color_always_survives_a_pipe_and_no_color_is_honoured(command: list[str], tmp_path: Path) -> None:
    shutil.copytree(SEED, tmp_path / "seed")
    base = [sys.executable, "-m", "codemod.cli", *command, str(tmp_path / "seed")]
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    always = subprocess.run([*base, "--color", "always"], capture_output=True, text=True, env=env, timeout=60)
    assert "\x1b[" in always.stdout
    plain = subprocess.run(base, capture_output=True, text=True, env=env, timeout=60)
    assert "\x1b[" not in plain.stdout
    forced = subprocess.run(base, capture_output=True, text=True, env={**env, "FORCE_COLOR": "1"}, timeout=60)
    assert "\x1b[" in forced.stdout
    refused = subprocess.run(base, capture_output=True, text=True, env={**env, "NO_COLOR": "1", "FORCE_COLOR": "1"}, timeout=60)
    assert "\x1b[" not in refused.stdout


def test_dry_run_says_would_apply(cli, tmp_path: Path) -> None:
    shutil.copytree(SEED, tmp_path / "seed")
    dry = cli.invoke(app, ["apply", str(tmp_path / "seed"), "--dry-run"])
    assert "would apply 4 fixes" in dry.stderr and "fixes applied" not in dry.stderr and "applied 4" not in dry.stderr
    real = cli.invoke(app, ["apply", str(tmp_path / "seed"), "--in-place"])
    assert "applied 4 fixes" in real.stderr and "would apply" not in real.stderr


# --------------------------------------------------------------------------- help, version, explain


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_no_python_types_nor_broken_words(cli, command: str) -> None:
    result = cli.invoke(app, [command, "--help"], terminal_width=80, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    text = result.stdout
    for python_type in ("<bool>", "<str>", "<int>", "<float>", "<path>", "list[", "<list", "NoneType"):
        assert python_type not in text, (command, python_type)
    for line in text.splitlines():
        assert len(line) <= 80, line
        assert not re.search(r"\w-$", line), f"a word broken at a hyphen: {line!r}"
        assert "…" not in line.split("  ")[0], f"an option name cut short: {line!r}"


def test_top_level_help_and_version(cli) -> None:
    listing = cli.invoke(app, ["--help"], terminal_width=80).stdout
    assert all(f"  {command} " in listing for command in COMMANDS)
    summaries = listing.split("Commands:")[1]
    assert "..." not in summaries  # every summary fits whole
    version = cli.invoke(app, ["--version"])
    assert version.exit_code == 0 and re.fullmatch(r"codemod \S+\n", version.stdout)


def test_explain_is_plain_text(cli) -> None:
    import transforms

    for code in [*transforms.BY_CODE, "not-idempotent", "fix-conflict", "unknown-suppression"]:
        result = cli.invoke(app, ["explain", code])
        assert result.exit_code == 0, code
        assert "``" not in result.stdout and "::\n" not in result.stdout and ":code:" not in result.stdout
        assert "What it finds" in result.stdout
    seed = cli.invoke(app, ["explain", "duplicate-create"]).stdout
    assert "Example:\n\n    -- 20250507030812_init" in seed  # the literal block is kept, indented
    assert "a CREATE TABLE, CREATE TYPE" in seed


def test_rst_to_text() -> None:
    doc = "Intro with ``code`` and :code:`role`, *emphasis*, **strong**, an escaped \\*star.\n\nExample::\n\n    keep ``this`` \\n as is\n\nAfter."
    assert rst_to_text(doc) == (
        "Intro with code and role, emphasis, strong, an escaped *star.\n\nExample:\n\n    keep ``this`` \\n as is\n\nAfter."
    )
    assert rst_to_text("Text ::\n\n  block") == "Text\n\n  block"
    assert rst_to_text("::\n\n  block") == "\n  block"


# --------------------------------------------------------------------------- SARIF


def test_sarif_names_no_unrelated_home_page(cli, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"20240101000000_a b/migration.sql": "CREATE TABLE t (id int);\n", "20240102000000_x\x1b[2J/migration.sql": "CREATE TABLE t (id int);\n"})
    result = cli.invoke(app, ["check", ".", "--format", "sarif"])
    document = json.loads(result.stdout)
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(document)
    driver = document["runs"][0]["tool"]["driver"]
    assert "informationUri" not in driver and "pypi" not in result.stdout
    uri = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "prisma/migrations/20240102000000_x%1B%5B2J/migration.sql"
    assert all(rule["fullDescription"]["text"].count("``") == 0 for rule in driver["rules"] if "fullDescription" in rule)


# --------------------------------------------------------------------------- names are data


def test_escape() -> None:
    assert escape("a\x1b[2Jb") == "a\\e[2Jb"
    assert escape("x\ny\rz\x07\x85\u202e\tt") == "x\\ny\\rz\\x07\\x85\\u202e\tt"
    assert escape("l1\r\nl2\nl3\rx", keep_newlines=True) == "l1\r\nl2\nl3\\rx"
    assert escape("plain café ✓") == "plain café ✓"


def test_git_quote() -> None:
    assert git_quote("a/b c.sql") == "a/b c.sql"
    assert git_quote('a/x\ny"z\\w\x1b') == '"a/x\\ny\\"z\\\\w\\033"'
    assert git_quote("a/café") == '"a/caf\\303\\251"'


HOSTILE = {
    "20240101000000_init/migration.sql": "CREATE TABLE t (id int);\n",
    "20240102000000_a\x1b[2J\x1b]0;pwned\x07/migration.sql": "CREATE TABLE t (id int);\n-- \x1b[31mred\x1b[0m\n",
    "20240103000000_new\nline/migration.sql": "CREATE TABLE u (id int);\nCREATE TABLE u (id int);\n",
}


@pytest.mark.parametrize("fmt", ["text", "concise", "github"])
def test_hostile_names_never_reach_the_terminal_raw(cli, tmp_path: Path, fmt: str) -> None:
    migrations = write(tmp_path, HOSTILE)
    result = cli.invoke(app, ["check", str(migrations), "--format", fmt])
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output
    for line in result.stdout.splitlines():  # the newline in a name splits no line
        assert not line.startswith("line"), line
    assert "20240103000000_new\\nline" in result.stdout


def test_hostile_names_in_apply_and_its_patch(cli, tmp_path: Path, monkeypatch) -> None:
    migrations = write(tmp_path, HOSTILE)
    monkeypatch.chdir(tmp_path)
    dry = cli.invoke(app, ["apply", "prisma/migrations", "--dry-run", "--color", "always"])
    assert "\x1b[2J" not in dry.output and "\x1b]0" not in dry.output and "\x07" not in dry.output
    patch = tmp_path / "fix.patch"
    result = cli.invoke(app, ["apply", "prisma/migrations", "--patch", str(patch)])
    assert result.exit_code == 0, result.output
    text = patch.read_text()
    assert 'diff --git "a/prisma/migrations/20240103000000_new\\nline/migration.sql"' in text
    assert '"a/prisma/migrations/20240102000000_a\\033[2J\\033]0;pwned\\a/migration.sql"' in text
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", "."], cwd=tmp_path, check=True)
        subprocess.run(["git", "apply", "--check", str(patch)], cwd=tmp_path, check=True)
    assert (migrations / "20240103000000_new\nline" / "migration.sql").is_file()  # --patch wrote nothing else


def test_one_line_error_for_a_name_with_a_newline(cli, tmp_path: Path) -> None:
    migrations = write(tmp_path, {"20240101000000_a/migration.sql": "SELECT 1;\n"})
    (migrations / "20240102000000_x\ny\x1b[2J").mkdir()
    os.mkfifo(migrations / "20240102000000_x\ny\x1b[2J" / "migration.sql")  # reading it would block
    result = cli.invoke(app, ["check", str(migrations)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "\x1b" not in result.stderr
    assert "20240102000000_x\\ny\\e[2J/migration.sql: not a regular file" in result.stderr


# --------------------------------------------------------------------------- misreads


def test_prisma_migrations_comes_before_another_folder_with_a_migration_sql(cli, tmp_path: Path) -> None:
    write(tmp_path, {"20240101000000_a/migration.sql": "CREATE TABLE t (id int);\n"})
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "migration.sql").write_text("this is not SQL at all '\n")
    result = cli.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "1 migrations" in result.stdout


def test_a_folder_of_unrelated_sql_is_not_a_tree(cli, tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "migration.sql").write_text("SELECT 1;\n")
    result = cli.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2 and "no Prisma migrations here" in result.stderr
    lockless = tmp_path / "elsewhere" / "migrations"  # a directory called migrations still is one
    (lockless / "init").mkdir(parents=True)
    (lockless / "init" / "migration.sql").write_text("SELECT 1;\n")
    assert cli.invoke(app, ["check", str(lockless)]).exit_code == 0


def test_positional_parameters_are_not_dollar_quotes(cli, tmp_path: Path) -> None:
    from codemod.analysis.split import positional_parameters

    migrations = write(
        tmp_path,
        {
            "20240101000000_a/migration.sql": "PREPARE p(text) AS SELECT $1||'$';\nCREATE TABLE t (v text DEFAULT '$1$');\n"
            "DO $$ BEGIN PERFORM 1; END $$;\nCREATE TABLE t (v text);\n",
        },
    )
    result = cli.invoke(app, ["check", str(migrations), "--format", "concise"])
    assert result.exit_code == 1, result.output  # read, and the duplicate found after it
    assert "migration.sql:4:1 duplicate-create" in result.stdout
    text = "SELECT $1, '$2', \"$3\", a$4, $$ $5 $$, $t$ $6 $t$, E'\\'$7', -- $8\n/* $9 /* */ */ $10"
    assert [text[a:b] for a, b in positional_parameters(text)] == ["$1", "$10"]


def test_lone_cr_file_patch_applies(cli, tmp_path: Path, monkeypatch, needs_git: None) -> None:
    write(
        tmp_path,
        {
            "20240101000000_a/migration.sql": b"CREATE TABLE a (id int);\r",
            "20240102000000_b/migration.sql": b"-- b\rCREATE TABLE a (id int);\rCREATE TABLE c (id int);\r",
        },
    )
    monkeypatch.chdir(tmp_path)
    patch = tmp_path / "fix.patch"
    assert cli.invoke(app, ["apply", "prisma/migrations", "--patch", str(patch)]).exit_code == 0
    subprocess.run(["git", "init", "-q", "."], cwd=tmp_path, check=True)
    subprocess.run(["git", "apply", str(patch)], cwd=tmp_path, check=True)
    expected = tmp_path / "expected"
    shutil.copytree(tmp_path / "prisma", expected / "prisma")
    shutil.rmtree(tmp_path / "prisma")
    write(
        tmp_path,
        {
            "20240101000000_a/migration.sql": b"CREATE TABLE a (id int);\r",
            "20240102000000_b/migration.sql": b"-- b\rCREATE TABLE a (id int);\rCREATE TABLE c (id int);\r",
        },
    )
    assert cli.invoke(app, ["apply", "prisma/migrations", "--in-place"]).exit_code == 0
    assert tree_files(tmp_path / "prisma" / "migrations") == tree_files(expected / "prisma" / "migrations")
