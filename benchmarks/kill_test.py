"""Kill test: SIGKILL `codemod apply` at random instants, run another command, and check nothing is lost.

    .venv/bin/python benchmarks/kill_test.py [--trials 30] [--changed 120] [--healthy 40] [--seed 1]
                                             [--modes fixed,in-place] [--json FILE] [--keep]

For each mode (the default ``_fixed`` mode and ``--in-place``) it generates a tree in which
``--changed`` migrations each repeat an earlier migration's ``CREATE INDEX`` (so each one is
rewritten) among ``--healthy`` untouched ones, makes a reference run of ``apply`` on a pristine
copy, then for each trial:

1. copies the pristine tree, starts ``codemod apply`` as a subprocess, and SIGKILLs it after a
   random delay: a third of the trials anywhere in the run, a third inside its write window
   (measured from the reference run and a ``--dry-run``), a third 0–15 ms after it starts moving
   folders (seen by polling its journal from outside: that window lasts milliseconds);
2. runs the next command (``codemod check``, as a user would), which must first finish or undo
   the interrupted write and say so on stderr;
3. asserts that the migrations directory is exactly the old tree or exactly the reference result,
   that every original byte is in the tree or in a backup run folder, that no staging folder,
   journal or lock file is left, and that no output shows a traceback.

It prints, per mode, how the trials ended (killed before the write began; undone while preparing;
completed from the journal; finished before the kill) and exits 1 on any failure. The test suite
runs a short version of the same trials (tests/test_write_safety.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MODES = {"fixed": [], "in-place": ["--in-place"]}
LOCK = 'provider = "postgresql"\n'
START = dt.datetime(2024, 1, 1)


def generate_tree(project: Path, changed: int, healthy: int, seed: int = 1) -> Path:
    """``project/prisma/migrations`` with ``changed`` rewritten migrations among ``healthy`` untouched ones.

    Migration k creates table ``t{k}`` and its index; a changed one also repeats the ``CREATE INDEX``
    of an earlier table word for word (an identical duplicate: the fix comments it out and makes
    the rest idempotent, so the migration is rewritten).
    """
    rng = random.Random(seed)
    migrations = project / "prisma" / "migrations"
    migrations.mkdir(parents=True)
    (migrations / "migration_lock.toml").write_text(LOCK)
    total = changed + healthy
    kinds = ["changed"] * changed + ["healthy"] * healthy
    rng.shuffle(kinds)
    for k in range(total + 1):
        stamp = (START + dt.timedelta(minutes=7 * k)).strftime("%Y%m%d%H%M%S")
        sql = (
            f'-- CreateTable\nCREATE TABLE "t{k}" (\n    "id" TEXT NOT NULL,\n    "name" TEXT,\n\n'
            f'    CONSTRAINT "t{k}_pkey" PRIMARY KEY ("id")\n);\n\n'
            f'-- CreateIndex\nCREATE INDEX "t{k}_name_idx" ON "t{k}"("name");\n'
        )
        if k > 0 and kinds[k - 1] == "changed":
            earlier = rng.randrange(k)
            sql += f'\n-- CreateIndex\nCREATE INDEX "t{earlier}_name_idx" ON "t{earlier}"("name");\n'
        folder = migrations / f"{stamp}_step_{k:04d}"
        folder.mkdir()
        (folder / "migration.sql").write_text(sql)
    return migrations


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` (relative path → bytes); folders as entries too, links as their target."""
    files: dict[str, bytes] = {}
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory).as_posix()
        if path.is_symlink():
            files[relative] = b"-> " + os.readlink(path).encode()
        elif path.is_dir():
            files[relative + "/"] = b""
        else:
            files[relative] = path.read_bytes()
    return files


def codemod(args: list[str], **kwargs) -> subprocess.Popen:
    env = {**os.environ, "CODEMOD_LOCK_WAIT": "5"}
    env.pop("CODEMOD_CRASH_AFTER", None)
    return subprocess.Popen(
        [sys.executable, "-m", "codemod.cli", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def run(args: list[str]) -> tuple[int, str, str]:
    process = codemod(args)
    out, err = process.communicate()
    return process.returncode, out, err


@dataclass
class Reference:
    pristine: Path
    old: dict[str, bytes]
    new: dict[str, bytes]
    apply_seconds: float
    dry_run_seconds: float


def reference(pristine: Path, mode: str, work: Path) -> Reference:
    """The result of an uninterrupted run, and how long a run and its analysis take."""
    copy = work / f"reference-{mode}"
    shutil.copytree(pristine, copy)
    start = time.monotonic()
    code, _, err = run(["apply", str(copy), "--dry-run", *MODES[mode]])
    dry = time.monotonic() - start
    if code not in (0, 1):
        raise SystemExit(f"reference dry run failed: {err}")
    start = time.monotonic()
    code, _, err = run(["apply", str(copy), *MODES[mode]])
    elapsed = time.monotonic() - start
    if code not in (0, 1):
        raise SystemExit(f"reference apply failed: {err}")
    new = snapshot(copy / "prisma" / "migrations")
    shutil.rmtree(copy)
    return Reference(pristine, snapshot(pristine / "prisma" / "migrations"), new, elapsed, dry)


@dataclass
class Outcome:
    mode: str
    delay: float
    ended: str  # before-write | undone | completed | rolled-back | finished (the write was done when killed)
    tree: str  # old | new
    problems: list[str] = field(default_factory=list)
    at_kill: str = ""  # the journal's phase when killed, and how far the folder moves had gone


def _backed_up(project: Path) -> list[Path]:
    base = project / "prisma" / ".codemod-backup"
    return sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []


def _wait_for_swap(process: subprocess.Popen, journal: Path, timeout: float = 30.0) -> None:
    """Watch the journal from outside until the run starts moving folders (or ends)."""
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        try:
            if json.loads(journal.read_text())["phase"] != "prepare":
                return
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.0003)


def trial(ref: Reference, mode: str, delay: float, work: Path, next_command: str = "check", in_swap: bool = False) -> Outcome:
    """One kill: apply killed after ``delay`` seconds (counted from the start of its folder moves
    when ``in_swap``, as seen in its journal), then ``next_command``, then every check."""
    project = work / "project"
    if project.exists():
        shutil.rmtree(project)
    shutil.copytree(ref.pristine, project)
    process = codemod(["apply", str(project), *MODES[mode]])
    if in_swap:
        _wait_for_swap(process, project / "prisma" / ".codemod-journal.json")
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    out, err = process.communicate()
    finished = process.returncode == 0
    at_kill = _state_at_kill(project)
    problems = [f"apply printed a traceback: {err}"] if "Traceback" in err else []
    code, out, err = run([next_command, str(project)])
    if "Traceback" in err or "Traceback" in out:
        problems.append(f"{next_command} printed a traceback: {err}")
    if next_command == "check" and code not in (0, 1):
        problems.append(f"check exited {code}: {err.strip()}")
    recovered = [line for line in err.splitlines() if "recovered an interrupted codemod write" in line]
    if len(recovered) > 1:
        problems.append(f"recovered more than once: {recovered}")
    migrations = project / "prisma" / "migrations"
    now = snapshot(migrations)
    tree = "old" if now == ref.old else "new" if now == ref.new else "mixed"
    if tree == "mixed":
        extra = sorted(set(now) ^ set(ref.old))[:4]
        problems.append(f"the tree is neither the old nor the new one (differs from the old in {extra})")
    backups = _backed_up(project)
    for relative, data in ref.old.items():
        if relative.endswith("/") or now.get(relative) == data:
            continue
        if not any((run_folder / relative).is_file() and (run_folder / relative).read_bytes() == data for run_folder in backups):
            problems.append(f"original {relative} is neither in the tree nor in a backup")
    for leftover in sorted((project / "prisma").iterdir()):
        if leftover.name.startswith((".codemod-staging-", ".codemod-journal", ".codemod-lock")) or ".codemod-tmp-" in leftover.name:
            problems.append(f"left behind: {leftover.name}")
    for run_folder in backups:
        if not (run_folder / "manifest.json").is_file():
            problems.append(f"backup run folder without a manifest: {run_folder.name}")
    if tree == "old" and backups:
        problems.append("the tree is the old one but a backup run folder was kept")
    if recovered:
        text = recovered[0]
        ended = "undone" if "had not changed" in text else "rolled-back" if "rolled back" in text else "completed"
    else:  # no journal was left: killed before the write began, or after it ended (maybe before exiting)
        ended = "finished" if tree == "new" else "before-write"
        if finished and tree != "new":
            problems.append("apply exited 0 but the tree is not the new one")
    if ended == "completed" and tree != "new":
        problems.append("recovery said completed but the tree is not the new one")
    if ended in ("undone", "rolled-back", "before-write") and tree != "old":
        problems.append(f"{ended} but the tree is not the old one")
    if tree == "new" and next_command == "check" and code != 0:
        problems.append(f"check after the rewrite exited {code}")
    shutil.rmtree(project)
    return Outcome(mode, delay, ended, tree, problems, at_kill)


def _state_at_kill(project: Path) -> str:
    """What the killed run's journal says, and how many folders had moved aside and in."""
    try:
        journal = json.loads((project / "prisma" / ".codemod-journal.json").read_text())
    except (OSError, ValueError):
        return ""
    staging = Path(journal["staging"])
    steps = journal["steps"]
    aside = len(list((staging / "old").iterdir())) if (staging / "old").is_dir() else 0
    waiting = len(list((staging / "new").iterdir())) if (staging / "new").is_dir() else 0
    entering = sum(1 for step in steps if step["new"])
    if journal["phase"] != "swap":
        return journal["phase"]
    return f"swap: {aside}/{sum(1 for step in steps if step['old'])} aside, {entering - waiting}/{entering} in"


def delays(ref: Reference, trials: int, rng: random.Random) -> list[tuple[float, bool]]:
    """(delay, counted from the folder moves?): a third anywhere in the run, a third in its write
    window (after the analysis), a third while folders move (a window of milliseconds that random
    delays alone rarely hit; found by watching the journal from outside)."""
    chosen = []
    for index in range(trials):
        if index % 3 == 0:
            chosen.append((rng.uniform(0.05, ref.apply_seconds * 1.05), False))
        elif index % 3 == 1:
            chosen.append((rng.uniform(ref.dry_run_seconds * 0.9, ref.apply_seconds * 1.02), False))
        else:
            chosen.append((rng.uniform(0.0, 0.015), True))
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=30, help="trials per mode (default 30)")
    parser.add_argument("--changed", type=int, default=120, help="migrations that apply rewrites (default 120)")
    parser.add_argument("--healthy", type=int, default=40, help="untouched migrations among them (default 40)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--modes", default="fixed,in-place")
    parser.add_argument("--json", type=Path, help="write the outcomes as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="codemod-kill-"))
    pristine = work / "pristine"
    generate_tree(pristine, args.changed, args.healthy, args.seed)
    outcomes: list[Outcome] = []
    try:
        for mode in args.modes.split(","):
            ref = reference(pristine, mode, work)
            changed = sum(1 for k, v in ref.new.items() if k.endswith("/migration.sql") and ref.old.get(k) != v)
            print(f"{mode}: {args.changed + args.healthy + 1} migrations, {changed} rewritten by apply; "
                  f"apply {ref.apply_seconds:.2f}s, dry run {ref.dry_run_seconds:.2f}s", flush=True)
            for delay, in_swap in delays(ref, args.trials, rng):
                outcome = trial(ref, mode, delay, work, in_swap=in_swap)
                outcomes.append(outcome)
                mark = "FAIL " + "; ".join(outcome.problems) if outcome.problems else "ok"
                when = f"{delay * 1000:4.1f} ms into the moves" if in_swap else f"{delay:5.2f} s"
                state = f" ({outcome.at_kill})" if outcome.at_kill else ""
                print(f"  {mode:<8} kill at {when:<22} {outcome.ended + state:<42} tree {outcome.tree}  {mark}", flush=True)
    finally:
        if args.keep:
            print(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"{'mode':<9} {'trials':>6} {'before-write':>12} {'undone':>7} {'completed':>9} {'rolled-back':>11} {'finished':>8} {'failed':>6}")
    for mode in args.modes.split(","):
        mine = [o for o in outcomes if o.mode == mode]
        count = {kind: sum(1 for o in mine if o.ended == kind) for kind in ("before-write", "undone", "completed", "rolled-back", "finished")}
        failed = sum(1 for o in mine if o.problems)
        print(f"{mode:<9} {len(mine):>6} {count['before-write']:>12} {count['undone']:>7} {count['completed']:>9} {count['rolled-back']:>11} {count['finished']:>8} {failed:>6}")
    if args.json:
        args.json.write_text(json.dumps([o.__dict__ for o in outcomes], indent=1) + "\n")
    raise SystemExit(1 if any(o.problems for o in outcomes) else 0)


if __name__ == "__main__":
    main()
