"""Writes never lose a byte: unique backups, one writer per tree, outputs that never clobber, one-line errors.

Every case runs the real CLI in a subprocess on real files (issue 11, items 1 to 3).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from codemod.backup import BACKUP_DIR_NAME, make_run_dir, read_manifests, run_name
from codemod.history.local import load_local_tree
from tests.write_support import (
    UNPRIVILEGED,
    UNPRIVILEGED_REASON,
    codemod,
    hand_over,
    leftovers,
    seed_project,
    snapshot,
    unprivileged_base,
)

DUPLICATE = b'CREATE TABLE "a" ("id" TEXT);\n'


def _tree(base: Path, files: dict[str, bytes]) -> Path:
    """A project root with ``prisma/migrations`` holding ``files`` (relative path → bytes)."""
    migrations = base / "prisma" / "migrations"
    migrations.mkdir(parents=True)
    (migrations / "migration_lock.toml").write_text('provider = "postgresql"\n')
    for relative, data in files.items():
        (migrations / relative).parent.mkdir(parents=True, exist_ok=True)
        (migrations / relative).write_bytes(data)
    return base


def _originals_kept(project: Path, original: dict[str, bytes]) -> list[str]:
    """Original files that are neither in the tree nor in any backup run folder."""
    migrations = project / "prisma" / "migrations"
    runs = [p for p in (project / "prisma" / BACKUP_DIR_NAME).rglob("*") if (p / "manifest.json").is_file()]
    lost = []
    for relative, data in original.items():
        if relative.endswith("/") or ((migrations / relative).is_file() and (migrations / relative).read_bytes() == data):
            continue
        if not any((run / relative).is_file() and (run / relative).read_bytes() == data for run in runs):
            lost.append(relative)
    return lost


# --- 1. backups: one run folder per run, never merged -------------------------------------------------


def test_two_in_place_runs_in_one_second_keep_every_original(tmp_path: Path) -> None:
    """The issue's loss: a `--select utf8-bom` run, then a full run, used to share one backup folder."""
    project = _tree(
        tmp_path,
        {
            "20240101000000_a/migration.sql": DUPLICATE,
            "20240102_b/migration.sql": b"\xef\xbb\xbf" + DUPLICATE,
        },
    )
    original = snapshot(project / "prisma" / "migrations")
    first = codemod("apply", project, "--in-place", "--select", "utf8-bom")
    second = codemod("apply", project, "--in-place", "--unsafe-fixes")  # renames 20240102_b: the same folder again
    assert first.code == 0 and second.code == 0, first.stderr + second.stderr
    assert "20240102000000_b" in second.stdout  # 20240102_b, renamed
    runs = sorted((project / "prisma" / BACKUP_DIR_NAME).iterdir())
    assert len(runs) == 2 and runs[0].name != runs[1].name
    assert all((run / "manifest.json").is_file() for run in runs)
    assert (runs[0] / "20240102_b" / "migration.sql").read_bytes() == b"\xef\xbb\xbf" + DUPLICATE
    assert _originals_kept(project, original) == []
    assert leftovers(project) == []


def test_run_folders_are_unique_and_never_reused(tmp_path: Path) -> None:
    names = {run_name() for _ in range(500)}
    assert len(names) == 500 and all(name[:8].isdigit() for name in names)
    target = tmp_path / "base" / run_name()
    make_run_dir(target)
    with pytest.raises(FileExistsError):
        make_run_dir(target)


def test_reused_backup_dir_keeps_every_manifest_for_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--backup-dir X` twice: two run folders under X, and `status` reads both runs' renames."""
    project = seed_project(tmp_path)
    chosen = tmp_path / "kept"
    first = codemod("apply", project, "--in-place", "--select", "timestamp-name", "--backup-dir", chosen)
    second = codemod("apply", project, "--in-place", "--backup-dir", chosen)
    assert first.code == 0 and second.code == 0, first.stderr + second.stderr
    manifests = sorted(chosen.glob("*/manifest.json"))
    assert len(manifests) == 2
    entries = read_manifests(chosen)
    assert {(e.old, e.new) for e in entries} >= {("20250513_add_batch_processing", "20250513000000_add_batch_processing")}
    assert {e.old for e in entries} >= {"20250513000000_add_batch_processing"}  # the second run moves it again
    assert len({e.manifest for e in entries}) == 2
    # `status` finds them through the configured backup-dir
    (tmp_path / "codemod.toml").write_text(f'backup-dir = "{chosen}"\n')
    monkeypatch.chdir(tmp_path)
    tree = load_local_tree(project)
    assert {e.old for e in tree.manifests} >= {"20250513_add_batch_processing", "20250513000001_add_error_handling"}
    assert len({e.manifest for e in tree.manifests}) == 2


def test_backup_dir_inside_the_default_backup_folder_is_read_by_status(tmp_path: Path) -> None:
    project = seed_project(tmp_path)
    chosen = project / "prisma" / BACKUP_DIR_NAME / "mine"
    for select in ("timestamp-name", "duplicate-create,forward-reference"):
        assert codemod("apply", project, "--in-place", "--select", select, "--backup-dir", chosen).code == 0
    tree = load_local_tree(project)
    assert len({e.manifest for e in tree.manifests}) == 2
    assert [e.old for e in tree.manifests][:2] == ["20250513_add_batch_processing", "20250513_add_error_handling"]


# --- 2. one writer per tree ----------------------------------------------------------------------------

_HOLD = """
import sys, time
from pathlib import Path
from codemod.fs.lock import tree_lock
with tree_lock(Path(sys.argv[1]), "codemod apply (test holder)"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _hold_lock(migrations: Path, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(migrations), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_run_refuses_naming_the_holder_then_takes_over_a_dead_one(tmp_path: Path) -> None:
    project = seed_project(tmp_path)
    migrations = project / "prisma" / "migrations"
    before = snapshot(migrations)
    holder = _hold_lock(migrations, 60)
    try:
        refused = codemod("apply", project, env={"CODEMOD_LOCK_WAIT": "0.5"})
        assert refused.one_line_error(".codemod-lock", f"pid {holder.pid}", "codemod apply (test holder)", "since"), refused.stderr
        assert snapshot(migrations) == before
        in_place = codemod("apply", project, "--in-place", env={"CODEMOD_LOCK_WAIT": "0.2"})
        assert in_place.one_line_error("another codemod run is writing this tree")
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert (project / "prisma" / ".codemod-lock").exists()  # left by the killed holder
    taken_over = codemod("apply", project)
    assert taken_over.code == 0, taken_over.stderr
    assert leftovers(project) == []


def test_a_second_run_waits_for_a_short_holder(tmp_path: Path) -> None:
    project = seed_project(tmp_path)
    holder = _hold_lock(project / "prisma" / "migrations", 1.0)
    waited = codemod("apply", project, env={"CODEMOD_LOCK_WAIT": "20"})
    holder.wait()
    assert waited.code == 0, waited.stderr
    assert leftovers(project) == []


def test_a_stale_lock_file_is_removed_by_the_next_command(tmp_path: Path) -> None:
    project = seed_project(tmp_path)
    lock = project / "prisma" / ".codemod-lock"
    lock.write_text('{"pid": 999999, "host": "gone", "command": "codemod apply", "since": "long ago"}\n')
    assert codemod("check", project).code == 1
    assert not lock.exists()


@pytest.mark.parametrize("mode", [[], ["--in-place"]])
def test_concurrent_applies_one_writes_the_other_waits_or_refuses(tmp_path: Path, mode: list[str]) -> None:
    reference = seed_project(tmp_path, "reference")
    assert codemod("apply", reference, *mode).code == 0
    expected = snapshot(reference / "prisma" / "migrations")
    for trial in range(3):
        project = seed_project(tmp_path, f"project{trial}")
        original = snapshot(project / "prisma" / "migrations")
        command = [sys.executable, "-m", "codemod.cli", "apply", str(project), *mode]
        runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [run.communicate() + (run.returncode,) for run in runs]
        codes = sorted(code for _, _, code in outputs)
        assert all("Traceback" not in err for _, err, _ in outputs)
        assert codes[0] == 0 and codes[1] in (0, 2), outputs
        for _, err, code in outputs:
            if code == 2:
                assert err.count("\n") == 1 and "the tree changed since codemod read it" in err, err
        assert snapshot(project / "prisma" / "migrations") == expected
        assert _originals_kept(project, original) == []
        assert leftovers(project) == []


# --- 3. outputs never clobber ---------------------------------------------------------------------------


def test_patch_refuses_an_existing_file_unless_forced(tmp_path: Path) -> None:
    project = seed_project(tmp_path)
    target = tmp_path / "fix.patch"
    target.write_text("keep me\n")
    refused = codemod("apply", project, "--patch", target)
    assert refused.one_line_error("fix.patch", "exists", "--force")
    assert target.read_text() == "keep me\n"
    forced = codemod("apply", project, "--patch", target, "--force")
    assert forced.code == 0 and target.read_text().startswith("diff --git")


@pytest.mark.parametrize(
    "target, expected",
    [
        ("", "not a directory"),
        (".", "not a directory"),
        ("{tmp}", "is a directory"),
        ("{migrations}/new.patch", "outside the migrations directory"),
        ("{migrations}/migration_lock.toml", "exists"),
        ("{migrations}/20250507030812_init/migration.sql", "exists"),
        ("{tmp}/no/such/dir/fix.patch", "directory does not exist"),
        ("{tmp}/link.patch", "symbolic link"),
        ("/dev/null", "not a regular file"),
    ],
    ids=["empty", "dot", "directory", "inside-tree", "lock-file", "migration-sql", "no-parent", "symlink", "device"],
)
def test_bad_patch_targets_are_refused_in_one_line(tmp_path: Path, target: str, expected: str) -> None:
    project = seed_project(tmp_path)
    migrations = project / "prisma" / "migrations"
    (tmp_path / "elsewhere.txt").write_text("not yours\n")
    (tmp_path / "link.patch").symlink_to(tmp_path / "elsewhere.txt")
    before = snapshot(tmp_path)
    path = target.format(tmp=tmp_path, migrations=migrations)
    existing = os.path.lexists(path) and not os.path.isdir(path)
    for force in ([], ["--force"]) if existing else ([],):  # --force replaces regular files outside the tree only
        result = codemod("apply", project, "--patch", path, *force, cwd=tmp_path)
        expected_now = "outside the migrations directory" if force and expected == "exists" else expected
        assert result.one_line_error(expected_now), (path, force, result.stderr)
        assert snapshot(tmp_path) == before


def test_dry_run_with_patch_prints_it_and_writes_nothing(tmp_path: Path) -> None:
    project = seed_project(tmp_path)
    target = tmp_path / "fix.patch"
    before = snapshot(tmp_path)
    result = codemod("apply", project, "--dry-run", "--patch", target)
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("diff --git") and "would write this patch to" in result.stderr
    assert not target.exists() and snapshot(tmp_path) == before


def test_patch_with_in_place_is_an_error(tmp_path: Path) -> None:
    project = seed_project(tmp_path)
    before = snapshot(tmp_path)
    result = codemod("apply", project, "--in-place", "--patch", tmp_path / "fix.patch")
    assert result.one_line_error("--patch", "--in-place")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("extra", [[], ["--dry-run"], ["--in-place"]])
def test_backup_dir_inside_the_tree_is_refused(tmp_path: Path, extra: list[str]) -> None:
    project = seed_project(tmp_path)
    migrations = project / "prisma" / "migrations"
    before = snapshot(tmp_path)
    result = codemod("apply", project, "--backup-dir", migrations / "backup", *extra)
    assert result.one_line_error("--backup-dir must be outside the migrations directory")
    (tmp_path / "codemod.toml").write_text(f'backup-dir = "{migrations}"\n')
    configured = codemod("apply", project, *extra, cwd=tmp_path)
    assert configured.one_line_error("--backup-dir must be outside")
    (tmp_path / "codemod.toml").unlink()
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("extra", [[], ["--dry-run"]])
def test_cleanup_move_to_inside_the_tree_is_refused(tmp_path: Path, extra: list[str]) -> None:
    project = seed_project(tmp_path)
    migrations = project / "prisma" / "migrations"
    (migrations / "old.bak").write_text("x")
    before = snapshot(tmp_path)
    result = codemod("cleanup", project, "--move-to", migrations / "attic", *extra)
    assert result.one_line_error("--move-to must be outside the migrations directory")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("mode", [[], ["--in-place"]])
def test_symlinked_migration_folder_is_refused_and_never_written_through(tmp_path: Path, mode: list[str]) -> None:
    project = seed_project(tmp_path)
    migrations = project / "prisma" / "migrations"
    outside = tmp_path / "outside" / "20250513_add_error_handling"
    outside.parent.mkdir()
    shutil.move(migrations / "20250513_add_error_handling", outside)
    (migrations / "20250513_add_error_handling").symlink_to(outside, target_is_directory=True)
    before = snapshot(tmp_path)
    result = codemod("apply", project, *mode)
    assert result.one_line_error("20250513_add_error_handling", "symbolic link"), result.stderr
    assert snapshot(tmp_path) == before
    assert leftovers(project) == [] and not (project / "prisma" / BACKUP_DIR_NAME).exists()


# --- one-line errors: permissions, names, a read-only tree -------------------------------------------------


@pytest.mark.skipif(not UNPRIVILEGED, reason=UNPRIVILEGED_REASON)
def test_unreadable_folder_is_one_line_for_every_command() -> None:
    with unprivileged_base() as base:
        project = seed_project(base)
        hand_over(base)
        folder = project / "prisma" / "migrations" / "20250513_add_error_handling"
        os.chmod(folder, 0)
        before = sorted(p.name for p in (project / "prisma").iterdir())
        for args in (["check"], ["apply"], ["apply", "--in-place"], ["apply", "--dry-run"], ["cleanup"]):
            result = codemod(*args, project, unprivileged=True, cwd=base)
            assert result.one_line_error("Permission denied"), (args, result.stderr)
        os.chmod(folder, 0o755)
        assert sorted(p.name for p in (project / "prisma").iterdir()) == before


@pytest.mark.skipif(not UNPRIVILEGED, reason=UNPRIVILEGED_REASON)
@pytest.mark.parametrize("mode", [[], ["--in-place"]])
def test_read_only_tree_is_refused_before_any_change(mode: list[str]) -> None:
    with unprivileged_base() as base:
        project = seed_project(base)
        hand_over(base)
        migrations = project / "prisma" / "migrations"
        before = snapshot(migrations)
        os.chmod(migrations, 0o555)
        result = codemod("apply", project, *mode, unprivileged=True, cwd=base)
        assert result.one_line_error("not writable", "nothing was written"), result.stderr
        os.chmod(migrations, 0o755)
        assert snapshot(migrations) == before  # no folder without migration.sql
        assert leftovers(project) == [] and not (project / "prisma" / BACKUP_DIR_NAME).exists()
        os.chmod(project / "prisma", 0o555)  # not even the lock file can be made
        locked_out = codemod("apply", project, *mode, unprivileged=True, cwd=base)
        os.chmod(project / "prisma", 0o755)
        assert locked_out.one_line_error("cannot lock the tree for writing"), locked_out.stderr
        assert snapshot(migrations) == before


@pytest.mark.parametrize("mode", [[], ["--in-place"]])
def test_an_error_midway_through_the_moves_puts_the_old_tree_back(tmp_path: Path, mode: list[str]) -> None:
    """An I/O error (a full disk) after some folders moved: the moved ones go back, the run's folders go."""
    project = seed_project(tmp_path)
    migrations = project / "prisma" / "migrations"
    before = snapshot(migrations)
    # failpoints (the seed's repair moves 2 folders): 1 journal, 2-3 backups, 4-5 staged, 6 swap saved,
    # 7 first folder aside, 8 it enters, 9 second aside
    result = codemod("apply", project, *mode, env={"CODEMOD_FAIL_AT": "9"})
    assert result.one_line_error("cannot write", "input/output error", "the tree was restored"), result.stderr
    assert snapshot(migrations) == before
    assert leftovers(project) == [] and not (project / "prisma" / BACKUP_DIR_NAME).exists()


def test_a_fixed_name_past_255_bytes_is_refused_before_writing(tmp_path: Path) -> None:
    long_name = "20240102000000_" + "n" * 235  # 250 bytes: `_fixed` would make 256
    project = _tree(tmp_path, {"20240101000000_a/migration.sql": DUPLICATE, f"{long_name}/migration.sql": DUPLICATE})
    migrations = project / "prisma" / "migrations"
    before = snapshot(tmp_path)
    for args in (["apply", str(project)], ["apply", str(project), "--dry-run"]):
        result = codemod(*args)
        assert result.one_line_error("256 bytes", "at most 255", "--in-place"), result.stderr
        assert snapshot(tmp_path) == before
    in_place = codemod("apply", project, "--in-place")
    assert in_place.code == 0, in_place.stderr
    assert (migrations / long_name / "migration.sql").read_bytes() != DUPLICATE


def test_a_corrupt_journal_stops_every_command_in_one_line(tmp_path: Path) -> None:
    project = seed_project(tmp_path)
    (project / "prisma" / ".codemod-journal.json").write_text("{not json")
    for command in ("check", "apply", "cleanup"):
        result = codemod(command, project)
        assert result.one_line_error(".codemod-journal.json", "interrupted codemod run"), result.stderr


def test_cleanup_lists_and_removes_staging_leftovers(tmp_path: Path) -> None:
    project = seed_project(tmp_path)
    staging = project / "prisma" / ".codemod-staging-20250101T000000Z-1-abcdef"
    (staging / "new" / "x").mkdir(parents=True)
    listed = codemod("cleanup", project)
    assert "codemod-staging" in listed.stdout and staging.name in listed.stdout
    removed = codemod("cleanup", project, "--remove")
    assert "Traceback" not in removed.stderr and not staging.exists()


def test_startup_recovery_check_imports_nothing_when_there_is_no_journal(tmp_path: Path) -> None:
    """`check`'s start-up pays a few stat calls for the recovery hook, and no import."""
    probe = (
        "import sys, time; from codemod.fs.recover import recover_at_startup; before = set(sys.modules); "
        "t = time.perf_counter(); recover_at_startup(sys.argv[1:]); spent = time.perf_counter() - t; "
        "print(sorted(set(sys.modules) - before), spent)"
    )
    out = subprocess.run([sys.executable, "-c", probe, "check", str(tmp_path)], capture_output=True, text=True, check=True).stdout
    modules, spent = out.rsplit(" ", 1)
    assert modules == "[]"
    assert float(spent) < 0.01


def test_the_startup_hook_looks_for_the_files_the_writer_makes() -> None:
    from codemod.fs import journal, lock, recover

    assert (recover.JOURNAL_NAME, recover.LOCK_NAME) == (journal.JOURNAL_NAME, lock.LOCK_NAME)
