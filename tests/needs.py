"""What some tests need beyond Python, and the one way to say that it is missing.

Each need skips the tests that use it with the same wording, ``needs <what>: <how to get it>``,
or fails them when the need's ``CODEMOD_REQUIRE_*`` variable is set (CI sets them), so nothing
can silently go missing there. A test asks through a fixture (``needs_pg``, ``needs_prisma``,
``needs_corpus``, ``needs_git``, ``needs_node``, see ``tests/conftest.py``): skips are counted
per test, never for a whole module at once.

The Prisma-engine tests need ``prisma_oracle/node_modules``. When this checkout has none, another
worktree of the same repository whose harness is byte-identical (``apply.mjs`` and
``package-lock.json``) and installed is used (through ``CODEMOD_PRISMA_ORACLE_DIR``); otherwise
the run ends with one line saying how to install it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
INSTALL = "run `bash .ci/install-db.sh`"


@dataclass
class Need:
    what: str
    how: str
    env: str
    check: Callable[[], bool]
    _available: bool | None = field(default=None, repr=False)

    @property
    def message(self) -> str:
        return f"needs {self.what}: {self.how}"

    @property
    def available(self) -> bool:
        if self._available is None:
            self._available = bool(self.check())
        return self._available

    @property
    def required(self) -> bool:
        return os.environ.get(self.env, "").strip().lower() in ("1", "true", "yes")

    def require(self) -> None:
        """Skip the calling test (or fail it when ``self.env`` is set) unless the need is met."""
        if self.available:
            return
        if self.required:
            pytest.fail(f"{self.env}=1 but this test {self.message}", pytrace=False)
        pytest.skip(self.message)


def _pg_binaries() -> bool:
    from codemod.verify.pgserver import find_pg_bin_dir

    return find_pg_bin_dir() is not None


def _oracle() -> bool:
    from codemod.verify.prisma_oracle import oracle_available

    return oracle_available()


def _corpus() -> bool:
    from tests.conftest import shared_dir

    return shared_dir() is not None


PG = Need("PostgreSQL server binaries (initdb, pg_ctl)", INSTALL, "CODEMOD_REQUIRE_PG", _pg_binaries)
PRISMA = Need("Prisma's schema engine (node and prisma_oracle/node_modules)", INSTALL, "CODEMOD_REQUIRE_PRISMA", _oracle)
NODE = Need("node", INSTALL, "CODEMOD_REQUIRE_PRISMA", lambda: shutil.which("node") is not None)
GIT = Need("git", "install git (`apt-get install git`)", "CODEMOD_REQUIRE_GIT", lambda: shutil.which("git") is not None)
CORPUS = Need(
    "the corpus of real trees (../shared/corpus)",
    "set CODEMOD_SHARED_DIR to the directory that holds corpus/",
    "CODEMOD_REQUIRE_CORPUS",
    _corpus,
)
ALL = (PG, PRISMA, NODE, GIT, CORPUS)


def find_prisma_oracle() -> Path | None:
    """An installed, byte-identical harness in another worktree of this repository (or None)."""
    own = REPO / "prisma_oracle"
    if os.environ.get("CODEMOD_PRISMA_ORACLE_DIR") or (own / "node_modules").is_dir() or shutil.which("git") is None:
        return None
    try:
        listing = subprocess.run(
            ["git", "worktree", "list", "--porcelain"], cwd=REPO, capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in listing.splitlines():
        if not line.startswith("worktree "):
            continue
        other = Path(line[len("worktree ") :]) / "prisma_oracle"
        if other.resolve() == own.resolve() or not (other / "node_modules").is_dir():
            continue
        try:
            same = all((other / name).read_bytes() == (own / name).read_bytes() for name in ("apply.mjs", "package-lock.json"))
        except OSError:
            continue
        if same:
            return other
    return None
