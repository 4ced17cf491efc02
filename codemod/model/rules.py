"""What a rule is: the catalogue entry that every code codemod can print has.

``list-transforms``, ``explain``, ``--select``/``--ignore``, inline suppressions and the SARIF
rules table all read these entries (collected in :mod:`transforms`), so no code can appear in
output without one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from codemod.model.findings import Severity

# Like Ruff's "Fix safety": safe fixes apply by default, unsafe ones with --unsafe-fixes;
# "depends" rules say in their docstring when their fix is unsafe.
FixSafety = Literal["safe", "unsafe", "depends", "none"]
# tree: analyses the tree; finish: runs over the migrations that chosen fixes touch;
# meta: produced by the engine itself (suppressions).
Phase = Literal["tree", "finish", "meta"]


@dataclass(frozen=True)
class Rule:
    code: str
    summary: str
    severity: Severity
    fix_safety: FixSafety
    doc: str
    phase: Phase = "tree"
