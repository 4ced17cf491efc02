"""Benchmark codemod against squawk on real and synthetic Prisma trees, side by side in one run.

    .venv/bin/python benchmarks/run.py [--repeat 12] [--big-repeat 3] [--skip-squawk] [--sqlfluff]
                                       [--skip-50k] [--json FILE] [--keep]

From a fresh clone, after the README's install, this one command:

* byte-compiles codemod (``compileall``), so that the figures are those of an installed codemod
  (pip compiles on install), not of Python compiling codemod's sources at every start (which it
  does when ``PYTHONDONTWRITEBYTECODE`` is set, or in a checkout nothing has imported yet);
* generates synthetic healthy trees of 1,000, 10,000 and 50,000 migrations (benchmarks/generate.py,
  seed 1) into a temporary directory;
* installs squawk (npm ``squawk-cli``, pinned, into benchmarks/.tools) and, when asked, sqlfluff;
* on each tree (the synthetic ones, and the corpus trees triggerdotdev__trigger.dev and
  civitai__civitai, found in $CODEMOD_SHARED_DIR, ../shared or /work/shared) runs, in rounds, each
  command once per round in turn (codemod check; codemod apply --dry-run; the npm ``squawk``
  command, a node wrapper that starts the Rust binary; the Rust binary alone): a cold process each
  time, output discarded, wall clock and peak RSS (``os.wait4``) of each; medians over the rounds,
  and the ratios codemod/squawk taken round by round (a machine whose speed drifts moves both);
* measures the warm and incremental ``check`` (issue 12: a cache of the replayed state) when
  ``codemod check --help`` offers ``--cache-dir``, and prints "n/a (cache not built yet)" until then;
* prints the table, and the targets of issue 12 with how far each is met or missed.

Everything installed goes under benchmarks/.tools (not versioned); nothing else is written outside
a temporary directory (and codemod's __pycache__).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
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
PYTHON = REPO / ".venv" / "bin" / "python"
SQUAWK_VERSION = "2.66.0"
SQLFLUFF_VERSION = "4.5.0"
CORPUS_TREES = ["triggerdotdev__trigger.dev", "civitai__civitai"]
SYNTHETIC = (1_000, 10_000, 50_000)
TARGET_50K_SECONDS = 10.0
TARGET_50K_RSS_MB = 1024.0
TARGET_WARM_SECONDS = 0.1
NOT_YET = "n/a (cache not built yet)"

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
            time.sleep(0.001)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return Run(seconds, usage.ru_maxrss / 1024, process.returncode, stderr)


@dataclass
class Command:
    argv: list[str]
    ok: set[int]
    cwd: Path | None = None
    before: object = None  # a callable run (untimed) before each timed run
    runs: list[Run] = field(default_factory=list)

    def run(self) -> Run:
        if callable(self.before):
            self.before()
        run = run_once(self.argv, self.cwd)
        if run.returncode not in self.ok:
            raise SystemExit(f"{' '.join(map(str, self.argv))} exited {run.returncode}:\n{run.stderr[-2000:]}")
        self.runs.append(run)
        return run

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def spread(self) -> tuple[float, float]:
        return min(r.seconds for r in self.runs), max(r.seconds for r in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(r.rss_mb for r in self.runs)


def in_rounds(commands: dict[str, Command], rounds: int) -> None:
    """One untimed warm-up of each command (file cache), then ``rounds`` rounds of each in turn."""
    for command in commands.values():
        if callable(command.before):
            command.before()
        run_once(command.argv, command.cwd)
    for _ in range(rounds):
        for command in commands.values():
            command.run()


def paired_ratio(a: Command | None, b: Command | None) -> float | None:
    """Median of the per-round ratios a/b (runs of one round are neighbours in time)."""
    if a is None or b is None or not a.runs or not b.runs:
        return None
    return statistics.median(x.seconds / y.seconds for x, y in zip(a.runs, b.runs, strict=False))


# ---- trees ----------------------------------------------------------------------------------------
@dataclass
class Tree:
    label: str
    root: Path  # what codemod is given
    migrations_dir: Path
    synthetic: bool = False
    count: int = 0
    sql_bytes: int = 0

    def __post_init__(self) -> None:
        folders = [p for p in self.migrations_dir.iterdir() if (p / "migration.sql").is_file()]
        self.count = len(folders)
        self.sql_bytes = sum((p / "migration.sql").stat().st_size for p in folders)


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


def cache_supported() -> bool:
    """Whether this codemod has the cache of issue 12 (item 2): `check --cache-dir`."""
    done = subprocess.run([str(CODEMOD), "check", "--help"], capture_output=True, text=True)
    return "--cache-dir" in done.stdout


# ---- the benchmark --------------------------------------------------------------------------------
@dataclass
class Row:
    tree: Tree
    commands: dict[str, Command] = field(default_factory=dict)
    sqlfluff_sample: float | None = None  # seconds on the first `sample` migrations
    sample: int = 0

    def get(self, name: str) -> Command | None:
        command = self.commands.get(name)
        return command if command is not None and command.runs else None

    @property
    def sqlfluff(self) -> float | None:
        if self.sqlfluff_sample is None or not self.sample:
            return None
        return self.sqlfluff_sample / self.sample * self.tree.count


@dataclass
class Incremental:
    """`check` on trigger.dev with one migration more than the cache has seen (issue 12)."""

    command: Command | None = None
    note: str = NOT_YET


def add_one_migration(migrations_dir: Path, round_number: list[int]) -> None:
    """Replace the previous round's extra migration by a new one (new name, new content)."""
    for old in migrations_dir.glob("99999999*_bench_new_*"):
        shutil.rmtree(old)
    round_number[0] += 1
    n = round_number[0]
    folder = migrations_dir / f"99999999{n:06d}_bench_new_{n}"
    folder.mkdir()
    (folder / "migration.sql").write_text(
        f'-- CreateTable\nCREATE TABLE "BenchNew{n}" (\n    "id" TEXT NOT NULL,\n\n'
        f'    CONSTRAINT "BenchNew{n}_pkey" PRIMARY KEY ("id")\n);\n'
    )


def bench(args: argparse.Namespace, workdir: Path) -> tuple[list[Row], Incremental, dict]:
    if not CODEMOD.exists():
        raise SystemExit(f"{CODEMOD} not found: install first (README, 'Set-up')")
    log("byte-compiling codemod …")
    subprocess.run([str(PYTHON), "-m", "compileall", "-q", str(REPO / "codemod"), str(REPO / "transforms")], check=True)

    trees: list[Tree] = []
    corpus = corpus_dir()
    if corpus is None:
        log("shared/corpus/prisma not found (set CODEMOD_SHARED_DIR): corpus trees skipped")
    else:
        for name in CORPUS_TREES:
            if (corpus / name).is_dir():
                trees.append(Tree(name.split("__")[1], corpus / name, find_migrations(corpus / name)))
            else:
                log(f"{name} not in the corpus: skipped")
    for count in SYNTHETIC:
        if count == 50_000 and args.skip_50k:
            continue
        log(f"generating {count} migrations …")
        out = workdir / f"synthetic-{count // 1000}k"
        generate(count, out, seed=1)
        trees.append(Tree(f"synthetic {count // 1000}k", out, out / "prisma" / "migrations", synthetic=True))

    cached = cache_supported()
    cold = ["--no-cache"] if cached else []  # a cold run: the cache neither read nor written
    one = workdir / "synthetic-1"
    generate(1, one, seed=1)
    startup = Command([str(CODEMOD), "check", str(one), *cold], {0})
    in_rounds({"check": startup}, max(args.repeat // 2, 3))
    log(f"codemod check on a 1-migration tree (start-up): {startup.median:.3f} s")

    squawk = None if args.skip_squawk else install_squawk()
    sqlfluff = install_sqlfluff() if args.sqlfluff else None
    tools = {
        "codemod": subprocess.run([str(CODEMOD), "--version"], capture_output=True, text=True).stdout.strip()
        or git_describe(),
        "squawk": squawk[2].removeprefix("squawk ") if squawk else None,
        "sqlfluff": sqlfluff[1] if sqlfluff else None,
        "python": platform.python_version(),
        "cache": cached,
    }

    rows = []
    for tree in trees:
        rounds = args.repeat if tree.count <= 5000 else args.big_repeat
        row = Row(tree)
        log(f"{tree.label}: {tree.count} migrations, {tree.sql_bytes / 1e6:.2f} MB of SQL, {rounds} rounds")
        ok = {0} if tree.synthetic else {0, 1}  # civitai has real error findings: exit 1 is a result there
        row.commands["check"] = Command([str(CODEMOD), "check", str(tree.root), *cold], ok)
        if tree.count <= 10_000 or args.apply_on_50k:
            row.commands["apply"] = Command([str(CODEMOD), "apply", str(tree.root), "--dry-run", "--color", "never"], ok)
        if squawk:  # squawk expands the pattern itself: no argument list too long on 50,000 files
            row.commands["squawk"] = Command([str(squawk[0]), "*/migration.sql"], {0, 1}, tree.migrations_dir)
            row.commands["squawk bin"] = Command([str(squawk[1]), "*/migration.sql"], {0, 1}, tree.migrations_dir)
        if cached:
            cache_dir = workdir / f"cache-{tree.label.replace(' ', '-')}"
            row.commands["warm"] = Command([str(CODEMOD), "check", str(tree.root), "--cache-dir", str(cache_dir)], ok)
        in_rounds(row.commands, rounds)
        for name, command in row.commands.items():
            log(f"  {name:11s} median {command.median:7.3f} s  (min {command.spread[0]:.3f}, max {command.spread[1]:.3f}; "
                f"peak {command.peak_mb:.0f} MB)")
        if sqlfluff:
            sample = sorted(f"{p.parent.name}/migration.sql" for p in tree.migrations_dir.glob("*/migration.sql"))
            sample = sample[: args.sqlfluff_sample]
            run = run_once(
                [str(sqlfluff[0]), "lint", "--dialect", "postgres", "--processes", "1", "--nofail",
                 "--disable-progress-bar", *sample],
                cwd=tree.migrations_dir, timeout=3600,
            )
            row.sqlfluff_sample, row.sample = run.seconds, len(sample)
            log(f"  sqlfluff ({row.sample} migrations) {row.sqlfluff_sample:7.2f} s → {row.sqlfluff:.0f} s extrapolated")
        rows.append(row)

    incremental = Incremental()
    trigger = next((row.tree for row in rows if row.tree.label == "trigger.dev"), None)
    if cached and trigger is not None:
        copy = workdir / "trigger-plus-one"
        shutil.copytree(trigger.root, copy, ignore=shutil.ignore_patterns(".codemod-cache"))
        migrations = find_migrations(copy)
        cache_dir = workdir / "cache-trigger-plus-one"
        counter = [0]
        subprocess.run([str(CODEMOD), "check", str(copy), "--cache-dir", str(cache_dir)], capture_output=True)
        incremental.command = Command(
            [str(CODEMOD), "check", str(copy), "--cache-dir", str(cache_dir)], {0, 1},
            before=lambda: add_one_migration(migrations, counter),
        )
        in_rounds({"incremental": incremental.command}, args.repeat)
        incremental.note = ""
    elif trigger is None:
        incremental.note = "not measured (trigger.dev missing)"
    tools["codemod_startup_seconds"] = startup.median
    return rows, incremental, tools


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


def times(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def report(rows: list[Row], incremental: Incremental, tools: dict, args: argparse.Namespace) -> str:
    lines = [
        f"codemod benchmark, {dt.date.today().isoformat()}; {machine()}",
        f"tools: {tools['codemod']}; squawk {tools['squawk'] or 'skipped'}"
        + (f"; {tools['sqlfluff']}" if tools["sqlfluff"] else "")
        + f"; codemod start-up (check of a 1-migration tree) {tools['codemod_startup_seconds']:.3f} s",
        f"cold processes, wall clock, median of {args.repeat} rounds ({args.big_repeat} on the 10k and 50k trees); "
        "in each round every command runs once, in turn; ratios are medians of the per-round ratios; "
        "peak MB = the codemod check process's peak RSS",
        "",
    ]
    header = ["tree", "migr.", "SQL MB", "check s", "peak MB", "apply -n s", "squawk s", "squawk bin s",
              "check/squawk", "check/squawk bin", "warm check s"]
    table = [header]
    for row in rows:
        check, squawk, native = row.get("check"), row.get("squawk"), row.get("squawk bin")
        warm = row.get("warm")
        table.append([
            row.tree.label, str(row.tree.count), f"{row.tree.sql_bytes / 1e6:.2f}",
            fmt(check and check.median, 3), f"{check.peak_mb:.0f}" if check else "—",
            fmt(row.get("apply") and row.get("apply").median, 3),  # type: ignore[union-attr]
            fmt(squawk and squawk.median, 3), fmt(native and native.median, 3),
            times(paired_ratio(check, squawk)), times(paired_ratio(check, native)),
            fmt(warm.median, 3) if warm else NOT_YET,
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
    if incremental.command is not None:
        lines.append(f"trigger.dev with one new migration, warm cache: {incremental.command.median:.3f} s (median)")
    else:
        lines.append(f"trigger.dev with one new migration, warm cache: {incremental.note}")
    for row in rows:
        if row.sqlfluff is not None:
            lines.append(
                f"sqlfluff on {row.tree.label}: {row.sqlfluff_sample:.1f} s for the first {row.sample} migrations, "
                f"{row.sqlfluff:.0f} s extrapolated to the tree (check/sqlfluff {times(row.get('check').median / row.sqlfluff)})"  # type: ignore[union-attr]
            )
    lines.append("")

    by_label = {row.tree.label: row for row in rows}
    lines.append("targets (issue 12):")
    trig = by_label.get("trigger.dev")
    check = trig.get("check") if trig else None
    if trig and check and trig.get("squawk"):
        ratio = paired_ratio(check, trig.get("squawk"))
        assert ratio is not None
        verdict = "MET   " if ratio < 1.0 else "MISSED"
        lines.append(f"  {verdict}  cold check on trigger.dev faster than npm squawk: ratio {ratio:.2f} "
                     f"({check.median:.3f} s vs {trig.get('squawk').median:.3f} s)")  # type: ignore[union-attr]
        lines.append(f"  (stated) cold check on trigger.dev against squawk's binary: ratio "
                     f"{times(paired_ratio(check, trig.get('squawk bin')))}")
    else:
        lines.append("  cold check on trigger.dev against squawk: not measured (corpus or squawk missing)")
    if incremental.command is not None:
        lines.append(target_line("warm check on trigger.dev with one new migration under 0.1 s",
                                 incremental.command.median, TARGET_WARM_SECONDS, "s"))
    else:
        lines.append(f"  —       warm check on trigger.dev with one new migration under 0.1 s: {incremental.note}")
    k50 = by_label.get("synthetic 50k")
    k50_check = k50.get("check") if k50 else None
    if k50_check:
        lines.append(target_line("50k generated migrations checked in under 10 s", k50_check.median, TARGET_50K_SECONDS, "s"))
        lines.append(target_line("peak memory of that check under 1 GB", k50_check.peak_mb, TARGET_50K_RSS_MB, "MB"))
    else:
        lines.append("  50k generated migrations: not measured (--skip-50k)")
    return "\n".join(lines)


def target_line(what: str, value: float, limit: float, unit: str) -> str:
    if value < limit:
        return f"  MET     {what}: {value:.2f} {unit} vs {limit:.2f} {unit}"
    return f"  MISSED  {what}: {value:.2f} {unit} vs {limit:.2f} {unit} ({value / limit:.2f}× the target)"


def to_json(rows: list[Row], incremental: Incremental, tools: dict) -> dict:
    def series(command: Command | None) -> dict | None:
        if command is None:
            return None
        return {
            "median_seconds": round(command.median, 4), "min_seconds": round(command.spread[0], 4),
            "max_seconds": round(command.spread[1], 4), "peak_rss_mb": round(command.peak_mb, 1),
            "runs": len(command.runs),
        }

    return {
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "tools": tools,
        "trees": [
            {
                "tree": row.tree.label, "migrations": row.tree.count, "sql_bytes": row.tree.sql_bytes,
                **{name.replace(" ", "_"): series(row.get(name)) for name in ("check", "apply", "squawk", "squawk bin", "warm")},
                "check_over_squawk": paired_ratio(row.get("check"), row.get("squawk")),
                "check_over_squawk_binary": paired_ratio(row.get("check"), row.get("squawk bin")),
                "sqlfluff_extrapolated_seconds": row.sqlfluff,
            }
            for row in rows
        ],
        "incremental_trigger_dev": series(incremental.command) or incremental.note,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=12, help="rounds on the trees up to 5,000 migrations (default 12)")
    parser.add_argument("--big-repeat", type=int, default=3, help="rounds on the 10k and 50k trees (default 3)")
    parser.add_argument("--skip-squawk", action="store_true")
    parser.add_argument("--skip-50k", action="store_true", help="leave out the 50,000-migration tree")
    parser.add_argument("--apply-on-50k", action="store_true", help="also time apply --dry-run on the 50k tree")
    parser.add_argument("--sqlfluff", action="store_true", help="also time sqlfluff on a sample of each tree (minutes)")
    parser.add_argument("--sqlfluff-sample", type=int, default=100, help="migrations sqlfluff lints per tree")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    parser.add_argument("--keep", action="store_true", help="keep the generated trees (their path is printed)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="codemod-bench-"))
    try:
        rows, incremental, tools = bench(args, workdir)
    finally:
        if args.keep:
            log(f"generated trees kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(report(rows, incremental, tools, args))
    if args.json:
        args.json.write_text(json.dumps(to_json(rows, incremental, tools), indent=2) + "\n")


if __name__ == "__main__":
    main()
