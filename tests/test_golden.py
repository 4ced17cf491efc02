"""Every golden case: the in-place rewrite equals ``expected/``, byte for byte, and is stable.

Adding a case is adding a folder under ``golden/`` (see tests/golden_support.py).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from codemod.render.changes import file_changes
from codemod.render.diff import unified_diff
from codemod.render.write import copy_rewritten_tree
from codemod.reporting.text import findings_text
from tests.golden_support import GoldenCase, golden_cases, tree_files

CASES = golden_cases()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_in_place_result_matches_expected(case: GoldenCase, tmp_path: Path) -> None:
    result = copy_rewritten_tree(case.plan(), "in-place", tmp_path / "result")
    if os.environ.get("CODEMOD_UPDATE_GOLDEN") == "1":
        shutil.rmtree(case.expected, ignore_errors=True)
        shutil.copytree(result, case.expected)
    assert tree_files(result) == tree_files(case.expected)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_rewrite_is_idempotent(case: GoldenCase) -> None:
    """Running codemod on its own output changes nothing more."""
    plan = case.plan(case.expected)
    assert plan.empty, [finding.message for finding in plan.applied]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_report_and_diff_snapshot(case: GoldenCase, snapshot, monkeypatch) -> None:
    monkeypatch.chdir(case.folder)
    analysis = case.analyse(Path("before"))
    plan = case.plan(Path("before"))
    report = findings_text(analysis.findings)
    diff = unified_diff(file_changes(plan, "in-place"))
    left = findings_text(plan.findings)
    assert {"report": report, "diff": diff, "left": left} == snapshot
