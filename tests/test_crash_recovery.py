"""A write killed at any instant is finished or undone by the next codemod run, whatever the command.

Two kinds of kill: at every journaled step, deterministically (``CODEMOD_CRASH_AFTER=N`` makes
`apply` SIGKILL itself at the N-th step), and at random instants from outside (a short run of
``benchmarks/kill_test.py``'s trials). After each: the tree is exactly the old one or exactly the
new one, every original byte is in the tree or in a backup, and nothing of the run is left.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from codemod.backup import BACKUP_DIR_NAME
from tests.write_support import codemod, kill_test, leftovers, seed_project, snapshot

# The next command after a kill: any command recovers first (status and doctor then stop for want
# of a database URL; list-transforms names no tree and finds it from the working directory).
NEXT_COMMANDS = [["check"], ["status"], ["cleanup"], ["doctor"], ["apply", "--dry-run"], ["list-transforms"]]
MODES = {"fixed": [], "in-place": ["--in-place"]}


def _reference(tmp_path: Path, mode: str) -> dict[str, bytes]:
    project = seed_project(tmp_path, f"reference-{mode}")
    assert codemod("apply", project, *MODES[mode]).code == 0
    return snapshot(project / "prisma" / "migrations")


def _after_kill(project: Path, command: list[str], original: dict[str, bytes], new: dict[str, bytes]) -> tuple[str, str]:
    """Run the next command; check the tree, the backups, the leftovers; return (tree, recovery line)."""
    migrations = project / "prisma" / "migrations"
    if command == ["list-transforms"]:
        result = codemod(*command, cwd=migrations)
    else:
        result = codemod(command[0], project, *command[1:])
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    recovered = [line for line in result.stderr.splitlines() if "recovered an interrupted codemod write" in line]
    assert len(recovered) == 1, (command, result.stderr)
    now = snapshot(migrations)
    tree = "old" if now == original else "new" if now == new else "mixed"
    assert tree != "mixed", sorted(set(now.items()) ^ set(original.items()))[:3]
    runs = [p for p in (project / "prisma" / BACKUP_DIR_NAME).glob("*") if p.is_dir()]
    for relative, data in original.items():
        if relative.endswith("/") or now.get(relative) == data:
            continue
        assert any((run / relative).is_file() and (run / relative).read_bytes() == data for run in runs), relative
    assert leftovers(project) == []
    assert all((run / "manifest.json").is_file() for run in runs)
    assert (tree == "old") == (not runs)
    return tree, recovered[0]


# the seed's repair changes 2 folders: 1 journal, 2-3 backups, 4-5 staged (undone); 6 swap, 7-10 aside and in,
# 11 cleanup (completed); every step of the moves in one mode; in the other, each kind of step once
POINTS = {"fixed": [1, 4, 7, *range(8, 40)], "in-place": [1, 8, 9, 10, 13, 15, *range(16, 40)]}


@pytest.mark.parametrize("mode", list(MODES))
def test_killed_at_every_step_then_any_command(tmp_path: Path, mode: str) -> None:
    original = snapshot(seed_project(tmp_path, "pristine") / "prisma" / "migrations")
    new = _reference(tmp_path, mode)
    seen = []
    for point in POINTS[mode]:
        project = seed_project(tmp_path, f"crash-{point}")
        killed = codemod("apply", project, *MODES[mode], env={"CODEMOD_CRASH_AFTER": str(point)})
        if killed.code == 0:
            break  # past the last step: the run completed
        assert killed.code == -9, killed.stderr
        tree, line = _after_kill(project, NEXT_COMMANDS[point % len(NEXT_COMMANDS)], original, new)
        seen.append((tree, "completed" in line))
        shutil.rmtree(project)
    else:
        pytest.fail("apply never completed")
    # kills while preparing leave the old tree (undone), kills from the first move on the new one (completed)
    olds = [entry for entry in seen if entry == ("old", False)]
    assert olds and seen == olds + [("new", True)] * (len(seen) - len(olds)) and len(seen) > len(olds)


@pytest.mark.parametrize("crash", [10, 11, 12, 13])
def test_killed_while_undoing_a_failed_write(tmp_path: Path, crash: int) -> None:
    """An I/O error at step 9 (second folder aside) starts the undo; a kill during it is undone next run."""
    original = snapshot(seed_project(tmp_path, "pristine") / "prisma" / "migrations")
    project = seed_project(tmp_path)
    killed = codemod("apply", project, env={"CODEMOD_FAIL_AT": "9", "CODEMOD_CRASH_AFTER": str(crash)})
    assert killed.code == -9, killed.stderr
    tree, line = _after_kill(project, ["check"], original, {})
    assert tree == "old" and "rolled back" in line


def test_killed_at_random_instants(tmp_path: Path) -> None:
    """The short kill test: 8 random SIGKILLs of `apply` (both modes) on 60 rewritten migrations, then `check`."""
    pristine = tmp_path / "pristine"
    kill_test.generate_tree(pristine, changed=60, healthy=15, seed=11)
    rng = random.Random(11)
    problems, endings = [], []
    for mode in MODES:
        ref = kill_test.reference(pristine, mode, tmp_path)
        assert ref.new != ref.old
        delays = [  # anywhere, in the write window, and twice while folders move (0-2 ms after they start)
            (rng.uniform(0.05, ref.apply_seconds * 1.05), False),
            (rng.uniform(ref.dry_run_seconds * 0.9, ref.apply_seconds), False),
            (rng.uniform(0.0, 0.002), True),
            (0.0, True),
        ]
        for delay, in_swap in delays:
            outcome = kill_test.trial(ref, mode, delay, tmp_path, in_swap=in_swap)
            problems += [f"{mode} at {delay:.3f}s: {p}" for p in outcome.problems]
            endings.append(outcome.ended)
    assert problems == []
    assert "completed" in endings  # the trials aimed at the folder moves landed there
