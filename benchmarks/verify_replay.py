"""Replay time of the largest healthy corpus tree (triggerdotdev__trigger.dev, 820 migrations).

Runs the original tree Prisma-style (each migration.sql one simple query) on a fresh database
of a temporary PostgreSQL cluster (or --database-url), and prints the seconds it took.

    .venv/bin/python benchmarks/verify_replay.py [--tree NAME] [--repeat N] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from codemod.analysis.tree import load_tree  # noqa: E402
from codemod.verify.runner import replay_migrations  # noqa: E402
from codemod.verify.session import scratch_server  # noqa: E402


def corpus_dir() -> Path:
    for candidate in (os.environ.get("CODEMOD_SHARED_DIR"), REPO.parent / "shared", Path("/work/shared")):
        if candidate and (Path(candidate) / "corpus" / "prisma").is_dir():
            return Path(candidate) / "corpus" / "prisma"
    raise SystemExit("shared/corpus not found (set CODEMOD_SHARED_DIR)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", default="triggerdotdev__trigger.dev")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    t0 = time.perf_counter()
    tree = load_tree(corpus_dir() / args.tree)
    load_seconds = time.perf_counter() - t0
    timings = []
    with scratch_server(args.database_url) as server:
        for _ in range(args.repeat):
            url = server.create("bench")
            try:
                result = replay_migrations(url, tree.migrations, "original")
            finally:
                server.drop(url)
            if not result.ok:
                failure = result.failure
                raise SystemExit(f"{args.tree} did not apply: {failure.name}: {failure.message}")
            timings.append(result.seconds)
    print(f"tree: {args.tree} ({len(tree.migrations)} migrations; load+split+parse {load_seconds:.2f}s)")
    print("replay seconds: " + ", ".join(f"{t:.2f}" for t in timings))
    print(f"{statistics.median(timings):.2f}")


if __name__ == "__main__":
    main()
