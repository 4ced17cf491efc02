"""Golden cases: ``golden/<case>/before`` is a migrations tree, ``expected`` the in-place result.

An optional ``golden/<case>/options.json`` holds analysis options (``order``, ``unsafe_fixes``,
``keep_order``, ``idempotent``, ``select``, ``ignore``), ``"expect": "unproven"`` for a case
whose rewrite must still fail on PostgreSQL (an object no migration creates), and
``"empty_folders"``: folders of ``before`` that are empty (git cannot keep them, so they are
made before the cases are read).
Set ``CODEMOD_UPDATE_GOLDEN=1`` to rewrite ``expected`` from the current code (then review it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from codemod import AnalyseOptions, analyse, make_plan
from codemod.engine import Analysis
from codemod.plan import Plan

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


@dataclass
class GoldenCase:
    name: str
    folder: Path

    @property
    def before(self) -> Path:
        return self.folder / "before"

    @property
    def expected(self) -> Path:
        return self.folder / "expected"

    def options(self) -> dict:
        path = self.folder / "options.json"
        return json.loads(path.read_text()) if path.exists() else {}

    def analyse(self, root: Path | None = None) -> Analysis:
        return analyse(root or self.before, self.analyse_options())

    def analyse_options(self) -> AnalyseOptions:
        options = self.options()
        return AnalyseOptions(
            order=options.get("order", "locale"),
            unsafe_fixes=options.get("unsafe_fixes", False),
            keep_order=options.get("keep_order", False),
            idempotent=options.get("idempotent", False),
            select=frozenset(options["select"]) if "select" in options else None,
            ignore=frozenset(options.get("ignore", ())),
        )

    @property
    def expect_proven(self) -> bool:
        return self.options().get("expect", "proven") == "proven"

    def plan(self, root: Path | None = None) -> Plan:
        return make_plan(self.analyse(root))


def golden_cases() -> list[GoldenCase]:
    cases = [GoldenCase(folder.name, folder) for folder in sorted(GOLDEN.iterdir()) if (folder / "before").is_dir()]
    for case in cases:
        for name in case.options().get("empty_folders", ()):
            (case.before / name).mkdir(exist_ok=True)
    return cases


def tree_files(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}
