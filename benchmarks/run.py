"""Benchmark codemod against squawk and sqlfluff on synthetic and real Prisma trees, in one run.

    .venv/bin/python benchmarks/run.py [--repeat 3] [--big-repeat 2] [--sqlfluff-sample 100]
                                       [--skip-squawk] [--skip-sqlfluff] [--json FILE] [--keep]

From a fresh clone, after the README's install, this one command:

* generates synthetic healthy trees of 1,000 and 10,000 migrations (benchmarks/generate.py,
  seed 1) into a temporary directory;
* times, wall clock, best of N, ``codemod check`` and ``codemod apply --dry-run`` (subprocesses of
  .venv/bin/codemod, output discarded) on them and on the corpus trees triggerdotdev__trigger.dev
  and civitai__civitai (found in $CODEMOD_SHARED_DIR, ../shared or /work/shared), and the peak
  RSS of each codemod process (os.wait4's ru_maxrss);
* installs squawk (npm ``squawk-cli``, pinned, into benchmarks/.tools) and times it over all the
  migration.sql files of each tree in one invocation, both as the npm ``squawk`` command (a node
  wrapper that starts the Rust binary) and as the Rust binary alone;
* installs sqlfluff (PyPI, pinned, into its own venv under benchmarks/.tools) and times
  ``sqlfluff lint --dialect postgres`` on the first --sqlfluff-sample migrations of each tree (it
  lints about 20 migrations a second), extrapolating linearly per migration to the whole tree;
* prints the table of times and ratios, codemod's time per migration at 1k and 10k, and the
  targets of issue 3 (check on trigger.dev faster than squawk; 10k tree under 10 s; peak memory
  under 500 MB) with how far each is met or missed.

Everything installed goes under benchmarks/.tools (not versioned); nothing else is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TOOLS = HERE / ".tools"
CODEMOD = REPO / ".venv" / "bin" / "codemod"
SQUAWK_VERSION = "2.66.0"
SQLFLUFF_VERSION = "4.5.0"
CORPUS_TREES = ["triggerdotdev__trigger.dev", "civitai__civitai"]
TARGET_10K_SECONDS = 10.0
TARGET_RSS_MB = 500.0

sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402


# ---- running and timing ------------------------------------------------------------------------
@dataclass
class Run:
    seconds: float
    rss_mb: float  # peak resident set size of the process (its own, not its children's)
    returncode: int
    stderr: str


def run_once(argv: list[str], cwd: Path | None = None, timeout: float = 1800) -> Run:
    """Run ``argv`` with output discarded (stderr kept); wall time and the process's peak RSS."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.002)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return Run(seconds, usage.ru_maxrss / 1024, process.returncode, stderr)


def best_of(argv: list[str], repeat: int, ok: set[int], cwd: Path | None = None) -> Run:
    runs = []
    for _ in range(repeat):
        run = run_once(argv, cwd)
        if run.returncode not in ok:
            raise SystemExit(f"{' '.join(map(str, argv))} exited {run.returncode}:\n{run.stderr[-2000:]}")
        runs.append(run)
    best = min(runs, key=lambda r: r.seconds)
    return Run(best.seconds, max(r.rss_mb for r in runs), best.returncode, best.stderr)


# ---- trees ----------------------------------------------------------------------------------------
@dataclass
class Tree:
    label: str
    root: Path  # what codemod is given
    migrations_dir: Path
    sql_files: list[str] = field(default_factory=list)  # relative to migrations_dir, in name order
    sql_bytes: int = 0
    synthetic: bool = False

    def __post_init__(self) -> None:
        folders = sorted(p for p in self.migrations_dir.iterdir() if (p / "migration.sql").is_file())
        self.sql_files = [f"{p.name}/migration.sql" for p in folders]
        self.sql_bytes = sum((p / "migration.sql").stat().st_size for p in folders)

    @property
    def count(self) -> int:
        return len(self.sql_files)


def corpus_dir() -> Path | None:
    for candidate in (os.environ.get("CODEMOD_SHARED_DIR"), REPO.parent / "shared", Path("/work/shared")):
        if candidate and (Path(candidate) / "corpus" / "prisma").is_dir():
            return Path(candidate) / "corpus" / "prisma"
    return None


def find_migrations(root: Path) -> Path:
    for candidate in (root / "prisma" / "migrations", root / "migrations", root):
        if (candidate / "migration_lock.toml").is_file() or any(candidate.glob("*/migration.sql")):
            return candidate
    raise SystemExit(f"no migrations directory under {root}")


# ---- tools ----------------------------------------------------------------------------------------
def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def install_squawk() -> tuple[Path, Path, str] | None:
    """(npm `squawk` command, the Rust binary it starts, version), installing into benchmarks/.tools."""
    prefix = TOOLS / "npm"
    wrapper = prefix / "node_modules" / ".bin" / "squawk"
    arch = {"x86_64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(platform.machine(), platform.machine())
    native = prefix / "node_modules" / "@squawk-cli" / f"{sys.platform}-{arch}" / "bin" / "squawk"
    if not (wrapper.exists() and native.exists()):
        npm = shutil.which("npm")
        if npm is None:
            log("npm not found: squawk skipped")
            return None
        log(f"installing squawk-cli@{SQUAWK_VERSION} into {prefix} …")
        prefix.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--include=optional",
             f"squawk-cli@{SQUAWK_VERSION}"],
            capture_output=True, text=True,
        )
        if done.returncode != 0 or not wrapper.exists():
            log(f"npm install squawk-cli failed: squawk skipped\n{done.stderr[-1500:]}")
            return None
    version = subprocess.run([str(wrapper), "--version"], capture_output=True, text=True).stdout.strip()
    return wrapper, (native if native.exists() else wrapper), version


def install_sqlfluff() -> tuple[Path, str] | None:
    venv = TOOLS / "sqlfluff-venv"
    exe = venv / "bin" / "sqlfluff"
    if not exe.exists():
        log(f"installing sqlfluff=={SQLFLUFF_VERSION} into {venv} …")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        done = subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", f"sqlfluff=={SQLFLUFF_VERSION}"],
            capture_output=True, text=True,
        )
        if done.returncode != 0 or not exe.exists():
            log(f"pip install sqlfluff failed: sqlfluff skipped\n{done.stderr[-1500:]}")
            return None
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True).stdout.strip()
    return exe, version


# ---- the benchmark --------------------------------------------------------------------------------
@dataclass
class Row:
    tree: Tree
    check: Run | None = None
    apply: Run | None = None
    squawk: Run | None = None
    squawk_native: Run | None = None
    sqlfluff_sample: float | None = None  # seconds on the first `sample` migrations
    sample: int = 0

    @property
    def sqlfluff(self) -> float | None:
        if self.sqlfluff_sample is None or not self.sample:
            return None
        return self.sqlfluff_sample / self.sample * self.tree.count


def bench(args: argparse.Namespace, workdir: Path) -> tuple[list[Row], dict]:
    if not CODEMOD.exists():
        raise SystemExit(f"{CODEMOD} not found: install first (README, 'Set-up')")
    trees: list[Tree] = []
    for count in (1000, 10000):
        log(f"generating {count} migrations …")
        out = workdir / f"synthetic-{count // 1000}k"
        generate(count, out, seed=1)
        trees.append(Tree(f"synthetic {count // 1000}k", out, out / "prisma" / "migrations", synthetic=True))
    corpus = corpus_dir()
    if corpus is None:
        log("shared/corpus/prisma not found (set CODEMOD_SHARED_DIR): corpus trees skipped")
    else:
        for name in CORPUS_TREES:
            if (corpus / name).is_dir():
                trees.append(Tree(name.split("__")[1], corpus / name, find_migrations(corpus / name)))
            else:
                log(f"{name} not in the corpus: skipped")

    one = workdir / "synthetic-1"
    generate(1, one, seed=1)
    startup = best_of([str(CODEMOD), "check", str(one)], max(args.repeat, 3), {0}).seconds
    log(f"codemod check on a 1-migration tree (start-up): {startup:.2f} s")

    squawk = None if args.skip_squawk else install_squawk()
    sqlfluff = None if args.skip_sqlfluff else install_sqlfluff()
    tools = {
        "codemod": subprocess.run([str(CODEMOD), "--version"], capture_output=True, text=True).stdout.strip()
        or git_describe(),
        "squawk": squawk[2].removeprefix("squawk ") if squawk else None,
        "sqlfluff": sqlfluff[1] if sqlfluff else None,
        "codemod_startup_seconds": startup,
    }

    rows = []
    sqlfluff_cache: dict[tuple[str, ...], float] = {}
    for tree in trees:
        big = tree.count > 5000
        repeat = args.big_repeat if big else args.repeat
        row = Row(tree)
        log(f"{tree.label}: {tree.count} migrations, {tree.sql_bytes / 1e6:.2f} MB of SQL")
        # civitai has a real error finding: exit 1 is a result there, not a failure
        ok = {0} if tree.synthetic else {0, 1}
        row.check = best_of([str(CODEMOD), "check", str(tree.root)], repeat, ok)
        log(f"  codemod check          {row.check.seconds:7.2f} s  ({row.check.rss_mb:.0f} MB)")
        row.apply = best_of([str(CODEMOD), "apply", str(tree.root), "--dry-run", "--color", "never"], repeat, ok)
        log(f"  codemod apply --dry-run {row.apply.seconds:6.2f} s  ({row.apply.rss_mb:.0f} MB)")
        if squawk:
            files = tree.sql_files
            row.squawk = best_of([str(squawk[0]), *files], repeat, {0, 1}, cwd=tree.migrations_dir)
            row.squawk_native = best_of([str(squawk[1]), *files], repeat, {0, 1}, cwd=tree.migrations_dir)
            log(f"  squawk                 {row.squawk.seconds:7.2f} s  (binary alone {row.squawk_native.seconds:.2f} s)")
        if sqlfluff:
            sample = tree.sql_files[: args.sqlfluff_sample]
            key = tuple((tree.migrations_dir / f).read_text("utf-8", "replace") for f in sample)
            if key not in sqlfluff_cache:  # the 10k tree starts with the 1k tree (same seed)
                run = run_once(
                    [str(sqlfluff[0]), "lint", "--dialect", "postgres", "--processes", "1",
                     "--nofail", "--disable-progress-bar", *sample],
                    cwd=tree.migrations_dir, timeout=3600,
                )
                if run.returncode not in (0, 1):
                    log(f"  sqlfluff exited {run.returncode}: {run.stderr[-500:]}")
                sqlfluff_cache[key] = run.seconds
            row.sqlfluff_sample, row.sample = sqlfluff_cache[key], len(sample)
            log(f"  sqlfluff ({row.sample} migrations) {row.sqlfluff_sample:7.2f} s → {row.sqlfluff:.0f} s extrapolated")
        rows.append(row)
    return rows, tools


def git_describe() -> str:
    done = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True, text=True)
    return f"codemod {done.stdout.strip() or '?'}"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()} {platform.release()}"


# ---- the report -----------------------------------------------------------------------------------
def fmt(seconds: float | None, digits: int = 2) -> str:
    return "—" if seconds is None else f"{seconds:.{digits}f}"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "—"
    return f"{a / b:.2f}×"


def report(rows: list[Row], tools: dict, args: argparse.Namespace) -> str:
    lines = []
    lines.append(f"codemod benchmark, {dt.date.today().isoformat()}; {machine()}")
    lines.append(
        f"tools: {tools['codemod']}; squawk {tools['squawk'] or 'skipped'}; {tools['sqlfluff'] or 'sqlfluff skipped'}; "
        f"codemod start-up (check of a 1-migration tree) {tools['codemod_startup_seconds']:.2f} s"
    )
    lines.append(
        f"wall clock, best of {args.repeat} (best of {args.big_repeat} on the 10k tree); "
        "output discarded; RSS = peak of the codemod check process"
    )
    lines.append("")
    header = [
        "tree", "migr.", "SQL MB", "check s", "apply -n s", "RSS MB", "squawk s", "squawk bin s",
        "sqlfluff s*", "check/squawk", "check/squawk bin", "check/sqlfluff",
    ]
    table = [header]
    for row in rows:
        table.append([
            row.tree.label, str(row.tree.count), f"{row.tree.sql_bytes / 1e6:.2f}",
            fmt(row.check.seconds), fmt(row.apply.seconds), f"{row.check.rss_mb:.0f}",
            fmt(row.squawk and row.squawk.seconds), fmt(row.squawk_native and row.squawk_native.seconds),
            fmt(row.sqlfluff, 0),
            ratio(row.check.seconds, row.squawk and row.squawk.seconds),
            ratio(row.check.seconds, row.squawk_native and row.squawk_native.seconds),
            ratio(row.check.seconds, row.sqlfluff),
        ])
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for n, r in enumerate(table):
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    lines.append(
        "check/x < 1× means codemod is faster. squawk = the npm `squawk` command (node wrapper + Rust binary), "
        "squawk bin = the Rust binary alone; both lint every migration.sql of the tree in one invocation."
    )
    samples = sorted({row.sample for row in rows if row.sample})
    if samples:
        lines.append(
            f"* sqlfluff (lint --dialect postgres, 1 process) was timed on the first {samples[0]} migrations of each "
            "tree and extrapolated linearly per migration to the whole tree (not run on the whole tree)."
        )
        for row in rows:
            if row.sqlfluff_sample is not None:
                lines.append(
                    f"  {row.tree.label}: {row.sqlfluff_sample:.1f} s for {row.sample} migrations "
                    f"({row.sample / row.sqlfluff_sample:.1f} migrations/s)"
                )
    lines.append("")

    by_label = {row.tree.label: row for row in rows}
    k1, k10 = by_label.get("synthetic 1k"), by_label.get("synthetic 10k")
    if k1 and k10:
        startup = tools["codemod_startup_seconds"]
        lines.append(
            "codemod time per migration (linear growth means equal figures; 'beyond start-up' subtracts "
            f"the {startup:.2f} s of `codemod check` on a 1-migration tree):"
        )
        for name, pick in (("check", lambda r: r.check), ("apply --dry-run", lambda r: r.apply)):
            a = pick(k1).seconds / k1.tree.count * 1000
            b = pick(k10).seconds / k10.tree.count * 1000
            a2 = (pick(k1).seconds - startup) / (k1.tree.count - 1) * 1000
            b2 = (pick(k10).seconds - startup) / (k10.tree.count - 1) * 1000
            lines.append(
                f"  {name:16s} 1k: {a:.2f} ms/migration   10k: {b:.2f} ms/migration   (10k/1k: {b / a:.2f}); "
                f"beyond start-up: {a2:.2f} vs {b2:.2f} ms (10k/1k: {b2 / a2:.2f})"
            )
        lines.append("")

    lines.append("targets (issue 3, point 6):")
    trig = by_label.get("trigger.dev")
    if trig and trig.squawk:
        for label, run in (("npm squawk", trig.squawk), ("squawk binary", trig.squawk_native)):
            lines.append(target_line(
                f"check on trigger.dev faster than {label} on it", trig.check.seconds, run.seconds, "s"
            ))
    else:
        lines.append("  check on trigger.dev faster than squawk: not measured (corpus or squawk missing)")
    if k10:
        lines.append(target_line("10k tree checked in under 10 s", k10.check.seconds, TARGET_10K_SECONDS, "s"))
        lines.append(target_line("peak memory of the 10k check under 500 MB", k10.check.rss_mb, TARGET_RSS_MB, "MB"))
    return "\n".join(lines)


def target_line(what: str, value: float, limit: float, unit: str) -> str:
    if value < limit:
        return f"  MET     {what}: {value:.2f} {unit} vs {limit:.2f} {unit}"
    return f"  MISSED  {what}: {value:.2f} {unit} vs {limit:.2f} {unit} ({value / limit:.1f}× the target, {value - limit:+.2f} {unit})"


def to_json(rows: list[Row], tools: dict) -> dict:
    def run(r: Run | None) -> dict | None:
        return None if r is None else {"seconds": round(r.seconds, 4), "peak_rss_mb": round(r.rss_mb, 1)}

    return {
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "tools": tools,
        "codemod_startup_seconds": tools["codemod_startup_seconds"],
        "trees": [
            {
                "tree": row.tree.label, "migrations": row.tree.count, "sql_bytes": row.tree.sql_bytes,
                "check": run(row.check), "apply_dry_run": run(row.apply),
                "squawk": run(row.squawk), "squawk_binary": run(row.squawk_native),
                "sqlfluff_sample": {"migrations": row.sample, "seconds": row.sqlfluff_sample},
                "sqlfluff_extrapolated_seconds": row.sqlfluff,
            }
            for row in rows
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="best of N for the trees up to 5,000 migrations")
    parser.add_argument("--big-repeat", type=int, default=2, help="best of N for the 10,000-migration tree")
    parser.add_argument("--sqlfluff-sample", type=int, default=100, help="migrations sqlfluff lints per tree")
    parser.add_argument("--skip-squawk", action="store_true")
    parser.add_argument("--skip-sqlfluff", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    parser.add_argument("--keep", action="store_true", help="keep the generated trees (their path is printed)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="codemod-bench-"))
    try:
        rows, tools = bench(args, workdir)
    finally:
        if args.keep:
            log(f"generated trees kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(report(rows, tools, args))
    if args.json:
        args.json.write_text(json.dumps(to_json(rows, tools), indent=2) + "\n")


if __name__ == "__main__":
    main()
