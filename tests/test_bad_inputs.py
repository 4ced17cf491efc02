"""The CLI over a catalogue of bad and hostile inputs: never a traceback; a failure is one line.

Each case builds a project, then runs several commands on it. Whatever the outcome (0, 1, 2),
no exception may escape, "Traceback" may never print, an exit code 2 comes with exactly one line
on stderr, and no control character of a name reaches the output raw.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from codemod.cli import app

LOCK = 'provider = "postgresql"\n'
GOOD = "CREATE TABLE a (id int);\n"


def tree(root: Path, files: dict[str, bytes | str], lock: str | None = LOCK) -> Path:
    migrations = root / "prisma" / "migrations"
    migrations.mkdir(parents=True)
    if lock is not None:
        (migrations / "migration_lock.toml").write_text(lock)
    for relative, data in files.items():
        path = migrations / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    return root


def _fifo(root: Path) -> Path:
    project = tree(root, {"20240101000000_a/migration.sql": GOOD})
    (project / "prisma" / "migrations" / "20240102000000_f").mkdir()
    os.mkfifo(project / "prisma" / "migrations" / "20240102000000_f" / "migration.sql")
    return project


def _symlink_loop(root: Path) -> Path:
    project = tree(root, {"20240101000000_a/migration.sql": GOOD})
    (project / "prisma" / "migrations" / "20240102000000_loop").symlink_to("20240102000000_loop")
    return project


def _dangling(root: Path) -> Path:
    project = tree(root, {"20240101000000_a/migration.sql": GOOD})
    (project / "prisma" / "migrations" / "20240102000000_d").mkdir()
    (project / "prisma" / "migrations" / "20240102000000_d" / "migration.sql").symlink_to(root / "nowhere.sql")
    return project


def _config(text: str) -> Callable[[Path], Path]:
    def make(root: Path) -> Path:
        project = tree(root, {"20240101000000_a/migration.sql": GOOD})
        (project / "codemod.toml").write_text(text)
        return project

    return make


def _files(files: dict[str, bytes | str], lock: str | None = LOCK) -> Callable[[Path], Path]:
    return lambda root: tree(root, files, lock)


CASES: dict[str, Callable[[Path], Path]] = {
    "nul-byte": _files({"20240101000000_a/migration.sql": b"CREATE TABLE a (id int);\n-- \x00\nCREATE TABLE a (id int);\n"}),
    "not-utf8": _files({"20240101000000_a/migration.sql": b"CREATE TABLE \"caf\xe9\" (id int);\n"}),
    "binary": _files({"20240101000000_a/migration.sql": bytes(range(256)) * 4}),
    "empty-file": _files({"20240101000000_a/migration.sql": b""}),
    "only-comments": _files({"20240101000000_a/migration.sql": "-- nothing\n/* at all */\n"}),
    "unterminated-string": _files({"20240101000000_a/migration.sql": "SELECT 'oops;\n"}),
    "unterminated-dollar": _files({"20240101000000_a/migration.sql": "DO $$ BEGIN\n"}),
    "positional-parameters": _files({"20240101000000_a/migration.sql": "PREPARE p(text) AS SELECT $1||'$';\n"}),
    "lone-cr": _files({"20240101000000_a/migration.sql": b"CREATE TABLE a (id int);\rCREATE TABLE a (id int);\r"}),
    "bom-crlf": _files({"20240101000000_a/migration.sql": b"\xef\xbb\xbfCREATE TABLE a (id int);\r\n"}),
    "escape-in-name": _files({"20240101000000_\x1b[2J\x1b]0;x\x07/migration.sql": GOOD, "20240102000000_b/migration.sql": GOOD}),
    "newline-in-name": _files({"20240101000000_a\nb/migration.sql": GOOD, "20240102000000_b/migration.sql": GOOD}),
    "bidi-in-name": _files({"20240101000000_a\u202egnp.sql/migration.sql": GOOD}),
    "escape-in-sql": _files({"20240101000000_a/migration.sql": "CREATE TABLE \"\x1b[2J\" (id int);\nCREATE TABLE \"\x1b[2J\" (id int);\n"}),
    "long-name": _files({"20240101000000_" + "x" * 240 + "/migration.sql": GOOD, "20240102000000_b/migration.sql": GOOD}),
    "no-migration-sql": _files({"20240101000000_a/README.md": "x"}),
    "migration-sql-is-a-dir": lambda root: (tree(root, {"20240101000000_a/migration.sql/x": GOOD})),
    "fifo": _fifo,
    "symlink-loop": _symlink_loop,
    "dangling-symlink": _dangling,
    "unknown-provider": _files({"20240101000000_a/migration.sql": GOOD}, lock='provider = "oracle"\n'),
    "broken-lock-file": _files({"20240101000000_a/migration.sql": GOOD}, lock="provider = \n"),
    "no-lock-file": _files({"20240101000000_a/migration.sql": GOOD}, lock=None),
    "lock-file-only": _files({}),
    "broken-config": _config("select = [\n"),
    "unknown-setting": _config('colour = "red"\n'),
    "bad-setting-type": _config("order = 3\n"),
    "garbage-dotenv": lambda root: _with_dotenv(root, b"\xff\xfe DATABASE_URL\n=\n'unterminated\n"),
    "garbage-url-in-dotenv": lambda root: _with_dotenv(root, b"DATABASE_URL=not a url at all\n"),
    "mysql-url-in-dotenv": lambda root: _with_dotenv(root, b"DATABASE_URL=mysql://u:secret@localhost/db\n"),
    "bad-port-in-dotenv": lambda root: _with_dotenv(root, b"DATABASE_URL=postgresql://u:secret@localhost:99999/db\n"),
    "refused-url-in-dotenv": lambda root: _with_dotenv(root, b"DATABASE_URL=postgresql://u:secret@127.0.0.1:1/db\n"),
}


def _with_dotenv(root: Path, data: bytes) -> Path:
    project = tree(root, {"20240101000000_a/migration.sql": GOOD})
    (project / ".env").write_bytes(data)
    return project


COMMANDS = [
    ["check"],
    ["check", "--format", "concise"],
    ["check", "--format", "json"],
    ["check", "--format", "sarif"],
    ["check", "--format", "github"],
    ["check", "--statistics"],
    ["apply", "--dry-run"],
    ["status"],
    ["doctor"],
    ["cleanup"],
    ["resolve", "--dry-run"],
]


def assert_clean(result, label: str) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), (label, repr(result.exception))
    assert "Traceback" not in result.output, (label, result.output)
    assert result.exit_code in (0, 1, 2), (label, result.exit_code, result.output)
    if result.exit_code == 2:
        assert result.stderr.count("\n") == 1, (label, result.stderr)
        assert result.stderr.startswith("codemod: "), (label, result.stderr)
    for raw in ("\x1b", "\x07", "\x00", "\u202e"):
        assert raw not in result.output, (label, raw, result.output)
    assert "secret" not in result.output, label


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_never_prints_a_traceback(case: str, cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    # apply --dry-run shows the SQL raw only when piped (so that it stays a valid patch): as on a terminal here
    monkeypatch.setattr("codemod.commands.apply.on_terminal", lambda stream=None: True)
    project = CASES[case](tmp_path)
    monkeypatch.chdir(project)  # so that codemod.toml (when there is one) is read
    for command in COMMANDS:
        if command[0] in ("status", "doctor", "resolve") and not (project / ".env").exists():
            command = [*command, "--database-url", "postgresql://u:secret@127.0.0.1:1/db"]
        result = cli.invoke(app, [*command, str(project)])
        assert_clean(result, f"{case}: codemod {' '.join(command)}")


@pytest.mark.parametrize(
    "args",
    [
        ["resolve", "--lock-timeout", "nan"],
        ["resolve", "--lock-timeout", "inf"],
        ["resolve", "--lock-timeout", "-1"],
        ["resolve", "--lock-timeout", "1e300"],
        ["resolve", "--lock-timeout", "soon"],
        ["check", "--order", "random"],
        ["check", "--format", "xml"],
        ["check", "--select", "no-such-rule"],
        ["check", "--no-such-option"],
        ["apply", "--color", "sometimes"],
        ["explain", "no-such-rule"],
        ["explain"],
        ["no-such-command"],
        ["check", "/nonexistent/path"],
        ["verify", "/nonexistent/path"],
        ["status", "/nonexistent/path", "--database-url", "postgresql://u:secret@127.0.0.1:1/db"],
    ],
    ids=lambda args: " ".join(args),
)
def test_bad_arguments_are_one_line(args: list[str], cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    project = tree(tmp_path, {"20240101000000_a/migration.sql": GOOD})
    if len(args) > 1 and args[0] == "resolve":
        args = [*args, str(project), "--database-url", "postgresql://u:secret@127.0.0.1:1/db"]
    result = cli.invoke(app, args)
    assert_clean(result, " ".join(args))
    assert result.exit_code == 2, result.output
    if args[:2] == ["resolve", "--lock-timeout"]:
        assert "--lock-timeout" in result.stderr
