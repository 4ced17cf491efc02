"""Which migrations changed since a git ref, for ``check --since REF``.

The whole tree is still replayed (a migration's meaning depends on everything before it); only
the report is narrowed to migrations with a file added, changed or renamed since the ref, or
not yet tracked.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from codemod.errors import CodemodError
from codemod.model import MigrationTree


def _git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise CodemodError("--since needs git, and git is not installed") from error
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["git failed"])[0]
        raise CodemodError(f"git: {first}", root)
    return done.stdout


def changed_migrations(tree: MigrationTree, ref: str) -> set[str]:
    root = tree.root
    top = Path(_git(root, "rev-parse", "--show-toplevel").strip())
    try:
        _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except CodemodError as error:
        raise CodemodError(f"--since: no such git ref {ref!r}", root) from error
    changed = _git(root, "diff", "--name-only", "--no-renames", ref, "--", ".").splitlines()
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "--full-name", "--", ".").splitlines()
    names = set()
    root_in_repo = root.resolve().relative_to(top.resolve())
    for path in changed + untracked:
        try:
            relative = Path(path).relative_to(root_in_repo)
        except ValueError:
            continue
        if len(relative.parts) >= 2:
            names.add(relative.parts[0])
    return names
