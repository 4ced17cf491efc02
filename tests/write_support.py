"""Real subprocesses of the CLI for the write-safety tests: results, snapshots, an unprivileged user.

Permission tests need a user the file modes apply to: as root (containers, CI) the CLI runs as
``nobody`` (through ``setpriv``) on a tree handed over to it; as anyone else, as that user.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.golden_support import GOLDEN

REPO = Path(__file__).resolve().parent.parent
SEED = GOLDEN / "seed-story" / "before"
NOBODY = 65534


def _load_kill_test():
    spec = importlib.util.spec_from_file_location("codemod_kill_test", REPO / "benchmarks" / "kill_test.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


kill_test = _load_kill_test()
snapshot = kill_test.snapshot


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def one_line_error(self, *fragments: str) -> bool:
        """Exit 2, one line on stderr (``codemod: …``) naming every fragment, and no traceback."""
        return (
            self.code == 2
            and self.stderr.count("\n") == 1
            and self.stderr.startswith("codemod: ")
            and all(fragment in self.stderr for fragment in fragments)
            and "Traceback" not in self.stderr + self.stdout
        )


def codemod(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None, unprivileged: bool = False) -> Result:
    """Run ``python -m codemod.cli`` for real; ``unprivileged`` runs it as ``nobody`` when we are root."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CODEMOD_") and k != "DATABASE_URL"}
    full_env.update({"PYTHONDONTWRITEBYTECODE": "1", "CODEMOD_LOCK_WAIT": "3", "NO_COLOR": "1"})
    full_env.update(env or {})
    command = [sys.executable, "-m", "codemod.cli", *map(str, args)]
    if unprivileged and os.geteuid() == 0:
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
    process = subprocess.run(command, cwd=cwd or REPO, env=full_env, capture_output=True, text=True, timeout=120)
    return Result(process.returncode, process.stdout, process.stderr)


def seed_project(base: Path, name: str = "project") -> Path:
    """A project root with the seed story at prisma/migrations."""
    root = base / name
    shutil.copytree(SEED, root / "prisma" / "migrations")
    return root


def leftovers(project: Path) -> list[str]:
    """codemod's transient files beside the tree (staging, journal, lock, temporaries)."""
    prisma = project / "prisma"
    return sorted(
        p.name
        for p in prisma.iterdir()
        if p.name.startswith((".codemod-staging-", ".codemod-journal", ".codemod-lock")) or ".codemod-tmp-" in p.name
    )


@contextmanager
def unprivileged_base() -> Iterator[Path]:
    """A directory the unprivileged user owns (``nobody`` when we are root), removed afterwards."""
    base = Path(tempfile.mkdtemp(prefix="codemod-perm-"))
    os.chmod(base, 0o755)
    try:
        yield base
    finally:
        for directory, subdirectories, _ in os.walk(base):
            for name in subdirectories:
                os.chmod(os.path.join(directory, name), 0o755)
        shutil.rmtree(base, ignore_errors=True)


UNPRIVILEGED = os.geteuid() != 0 or shutil.which("setpriv") is not None
UNPRIVILEGED_REASON = "running as root without setpriv: file modes cannot be tested"


def hand_over(path: Path) -> None:
    """Give a tree to the unprivileged user (a no-op when we are not root)."""
    if os.geteuid() != 0:
        return
    for directory, subdirectories, files in os.walk(path):
        os.chown(directory, NOBODY, NOBODY)
        for name in subdirectories + files:
            os.chown(os.path.join(directory, name), NOBODY, NOBODY, follow_symlinks=False)
