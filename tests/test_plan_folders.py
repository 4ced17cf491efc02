"""Plans that add and remove whole folders: file changes, git-format diffs, both write modes, crashes.

Nothing produces such plans yet (a migration split in two will), so the plans here are made by
hand: the seed story's repair, plus one added folder and one removed folder.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import codemod
from codemod.backup import BACKUP_DIR_NAME
from codemod.errors import CodemodError
from codemod.plan import Mode, Plan
from codemod.render.changes import file_changes
from codemod.render.diff import patch_notes, unified_diff
from codemod.render.write import copy_rewritten_tree, write_plan
from tests.write_support import REPO, leftovers, seed_project, snapshot
from tests.write_support import codemod as run_cli

ADDED = "20250601000000_second_half"
ADDED_SQL = b'-- the second half of a split migration\nCREATE TABLE IF NOT EXISTS "parts" ("id" TEXT);\n'
REMOVED = "20250520000000_obsolete"


def project_with_extra_folder(base: Path, binary: bool = False) -> Path:
    """The seed story plus a migration folder the hand-made plan removes (with a README, maybe a binary)."""
    project = seed_project(base)
    folder = project / "prisma" / "migrations" / REMOVED
    (folder / "notes").mkdir(parents=True)
    (folder / "migration.sql").write_bytes(b"-- nothing left to do\nSELECT 1;\n")
    (folder / "notes" / "README.md").write_bytes(b"why this folder existed\n")
    if binary:
        (folder / "diagram.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    return project


def make_folder_plan(project: Path) -> Plan:
    """The seed's repair, plus one added and one removed folder."""
    plan = codemod.make_plan(codemod.analyse(project))
    plan.add_folder(ADDED, ADDED_SQL)
    plan.remove_folder(REMOVED)
    return plan


def test_file_changes_list_added_and_removed_files(tmp_path: Path) -> None:
    plan = make_folder_plan(project_with_extra_folder(tmp_path))
    changes = file_changes(plan, "in-place")
    kinds = [(c.kind, c.new_path.relative_to(plan.tree.root).as_posix()) for c in changes]
    assert kinds[-3:] == [
        ("added", f"{ADDED}/migration.sql"),
        ("removed", f"{REMOVED}/migration.sql"),
        ("removed", f"{REMOVED}/notes/README.md"),
    ]
    assert all(kind == "changed" for kind, _ in kinds[:-3])
    assert changes[-3].old == b"" and changes[-3].new == ADDED_SQL
    assert changes[-1].old == b"why this folder existed\n" and changes[-1].new == b""


def test_diff_shows_new_and_deleted_files_as_git_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = project_with_extra_folder(tmp_path)
    monkeypatch.chdir(project)
    plan = make_folder_plan(project)
    text = unified_diff(file_changes(plan, "in-place"))
    added = f"prisma/migrations/{ADDED}/migration.sql"
    assert (
        f"diff --git a/{added} b/{added}\nnew file mode 100644\n--- /dev/null\n+++ b/{added}\n@@ -0,0 +1,2 @@\n"
        "+-- the second half of a split migration\n" in text
    )
    removed = f"prisma/migrations/{REMOVED}/notes/README.md"
    assert f"diff --git a/{removed} b/{removed}\ndeleted file mode 100644\n--- a/{removed}\n+++ /dev/null\n@@ -1 +0,0 @@\n-why this folder existed\n" in text
    assert patch_notes(plan, file_changes(plan, "in-place")) == []


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_apply_of_the_patch_equals_the_in_place_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    patched = project_with_extra_folder(tmp_path / "patched")
    written = project_with_extra_folder(tmp_path / "written")
    monkeypatch.chdir(patched)
    plan = make_folder_plan(patched)
    (tmp_path / "fix.patch").write_text(unified_diff(file_changes(plan, "in-place")))
    subprocess.run(["git", "apply", "--check", str(tmp_path / "fix.patch")], cwd=patched, check=True)
    subprocess.run(["git", "apply", str(tmp_path / "fix.patch")], cwd=patched, check=True)
    report = write_plan(make_folder_plan(written), "in-place")
    assert f"added {ADDED}/migration.sql" in report.actions
    assert snapshot(patched / "prisma" / "migrations") == snapshot(written / "prisma" / "migrations")
    copied = copy_rewritten_tree(make_folder_plan(project_with_extra_folder(tmp_path / "copied")), "in-place", tmp_path / "copy")
    assert snapshot(copied) == snapshot(written / "prisma" / "migrations")
    assert not (written / "prisma" / "migrations" / REMOVED).exists()


def test_a_binary_file_goes_as_a_git_binary_patch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = project_with_extra_folder(tmp_path, binary=True)
    monkeypatch.chdir(project)
    plan = make_folder_plan(project)
    changes = file_changes(plan, "in-place")
    diff = unified_diff(changes)
    removed = f"prisma/migrations/{REMOVED}/diagram.png"
    assert f"diff --git a/{removed} b/{removed}\ndeleted file mode 100644\nindex " in diff and "GIT binary patch\nliteral 0\n" in diff
    assert patch_notes(plan, changes) == []
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q"], cwd=project, check=True)
        subprocess.run(["git", "apply", "--check", "-"], cwd=project, input=diff.encode(), check=True)
    result = run_cli("apply", project, "--dry-run", "--in-place")  # the CLI path makes no such plan: no note
    assert "Traceback" not in result.stderr


def test_fixed_mode_adds_the_folder_and_moves_the_removed_one_into_the_backup(tmp_path: Path) -> None:
    project = project_with_extra_folder(tmp_path, binary=True)
    migrations = project / "prisma" / "migrations"
    removed_files = snapshot(migrations / REMOVED)
    report = write_plan(make_folder_plan(project), "fixed")
    assert report.backup is not None and report.backup.parent == project.absolute() / "prisma" / BACKUP_DIR_NAME
    assert f"removed {REMOVED} (moved to {report.backup / REMOVED})" in report.actions
    assert (migrations / ADDED / "migration.sql").read_bytes() == ADDED_SQL
    assert not (migrations / REMOVED).exists() and snapshot(report.backup / REMOVED) == removed_files
    manifest = json.loads((report.backup / "manifest.json").read_text())
    assert [entry["name"] for entry in manifest["added"]] == [ADDED]
    assert [entry["name"] for entry in manifest["removed"]] == [REMOVED]
    assert {entry["new"] for entry in manifest["changes"]} == {  # re-sequenced (renamed) and rewritten (_fixed)
        "20250513022651_add_batch_processing",
        "20250513000000_add_error_handling_fixed",
    }
    assert leftovers(project) == []


def test_an_added_folder_that_exists_or_a_removed_one_that_is_gone_writes_nothing(tmp_path: Path) -> None:
    project = project_with_extra_folder(tmp_path)
    migrations = project / "prisma" / "migrations"
    plan = make_folder_plan(project)
    (migrations / ADDED).mkdir()
    before = snapshot(tmp_path)
    with pytest.raises(CodemodError, match="target folder already exists"):
        write_plan(plan, "fixed")
    assert snapshot(tmp_path) == before
    (migrations / ADDED).rmdir()
    shutil.rmtree(migrations / REMOVED)
    before = snapshot(tmp_path)
    with pytest.raises(CodemodError, match="the tree changed since codemod read it"):
        write_plan(plan, "in-place")
    assert snapshot(tmp_path) == before


_WRITE = """
import sys
from pathlib import Path
from codemod.render.write import write_plan
from tests.test_plan_folders import make_folder_plan
write_plan(make_folder_plan(Path(sys.argv[1])), sys.argv[2])
"""


@pytest.mark.parametrize("mode", ["fixed", "in-place"])
def test_killed_at_every_move_of_added_and_removed_folders(tmp_path: Path, mode: Mode) -> None:
    """Leaving folders (changed and removed) and entering ones (changed and added): a kill at every point,
    from preparing (undone: the old tree) to the moves and the cleanup (completed: the new tree)."""
    reference = project_with_extra_folder(tmp_path / "reference")
    write_plan(make_folder_plan(reference), mode)
    new = snapshot(reference / "prisma" / "migrations")
    original = snapshot(project_with_extra_folder(tmp_path / "pristine") / "prisma" / "migrations")
    endings = []
    for point in range(1, 40):
        project = project_with_extra_folder(tmp_path / f"crash-{point}")
        killed = subprocess.run(
            [sys.executable, "-c", _WRITE, str(project), mode],
            cwd=REPO, env={"CODEMOD_CRASH_AFTER": str(point), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
        )
        if killed.returncode == 0:
            break  # past the last point
        assert killed.returncode == -9, killed.stderr
        recovered = run_cli("cleanup", project)
        assert "Traceback" not in recovered.stderr and "recovered an interrupted codemod write" in recovered.stderr
        now = snapshot(project / "prisma" / "migrations")
        assert now in (original, new), point
        completed = now == new
        endings.append(completed)
        runs = list((project / "prisma" / BACKUP_DIR_NAME).glob("*/manifest.json"))
        if completed:
            (run,) = runs
            inside = {k[len(REMOVED) + 1 :]: v for k, v in original.items() if k.startswith(REMOVED + "/")}
            assert snapshot(run.parent / REMOVED) == {k: v for k, v in inside.items() if k}
        else:
            assert runs == []
        assert leftovers(project) == []
    first_new = endings.index(True)
    assert 0 < first_new and all(endings[first_new:]), endings  # undone while preparing, completed from the first move


def chain_project(base: Path) -> Path:
    """Three migrations; the hand-made plan renames the first onto the second's name, the second onto a new one."""
    migrations = base / "prisma" / "migrations"
    for name, table in (("20240101000000_a", "a"), ("20240102000000_b", "b"), ("20240104000000_d", "d")):
        (migrations / name).mkdir(parents=True)
        (migrations / name / "migration.sql").write_text(f'CREATE TABLE "{table}" ("id" TEXT);\n')
    (migrations / "migration_lock.toml").write_text('provider = "postgresql"\n')
    return base


def make_chain_plan(project: Path) -> Plan:
    plan = codemod.make_plan(codemod.analyse(project))
    plan.rename_folder("20240101000000_a", "20240102000000_b")
    plan.rename_folder("20240102000000_b", "20240103000000_c")
    return plan


_CHAIN = """
import sys
from pathlib import Path
from codemod.render.write import write_plan
from tests.test_plan_folders import make_chain_plan
write_plan(make_chain_plan(Path(sys.argv[1])), "in-place")
"""


def test_a_chain_of_renames_survives_a_kill_at_every_move(tmp_path: Path) -> None:
    """a → b while b → c: b's name is free only after b moved aside, so a enters last (also on recovery)."""
    reference = chain_project(tmp_path / "reference")
    report = write_plan(make_chain_plan(reference), "in-place")
    assert report.renamed == [("20240101000000_a", "20240102000000_b"), ("20240102000000_b", "20240103000000_c")]
    new = snapshot(reference / "prisma" / "migrations")
    assert new["20240102000000_b/migration.sql"] == b'CREATE TABLE "a" ("id" TEXT);\n'
    assert new["20240103000000_c/migration.sql"] == b'CREATE TABLE "b" ("id" TEXT);\n'
    original = snapshot(chain_project(tmp_path / "pristine") / "prisma" / "migrations")
    # 1 journal, 2-3 backups, 4-5 staged, 6 swap, 7 a aside, 8 b aside, 9 c in, 10 b in (deferred), 11 cleanup
    for point in range(5, 12):
        project = chain_project(tmp_path / f"crash-{point}")
        killed = subprocess.run(
            [sys.executable, "-c", _CHAIN, str(project)],
            cwd=REPO, env={"CODEMOD_CRASH_AFTER": str(point), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
        )
        assert killed.returncode == -9, killed.stderr
        recovered = run_cli("check", project)
        assert "Traceback" not in recovered.stderr and "recovered an interrupted codemod write" in recovered.stderr
        assert snapshot(project / "prisma" / "migrations") == (original if point < 6 else new), point
        assert leftovers(project) == []
