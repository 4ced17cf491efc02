"""The real trees of ../shared/corpus: read without a crash; healthy trees stay byte-identical."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from codemod import analyse, make_plan
from codemod.errors import CodemodError
from codemod.render.write import copy_rewritten_tree
from tests.conftest import shared_dir
from tests.golden_support import tree_files

SHARED = shared_dir()
# Without the corpus each test below is collected once (id "corpus-missing") and skipped by the
# `needs_corpus` fixture, so that the run says what it did not test.
MISSING = ["corpus-missing"]


def _corpus_rows() -> list[tuple[str, str, str]]:
    """(tree, provider, verdict) from the corpus README's table."""
    if SHARED is None:
        return []
    rows = []
    for line in (SHARED / "corpus" / "README.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 8 and "__" in cells[0]:
            rows.append((cells[0], cells[3], cells[7]))
    return rows


ROWS = _corpus_rows()
HEALTHY = [name for name, provider, verdict in ROWS if provider == "postgresql" and verdict == "applies cleanly"]
ALL_TREES = [name for name, _, _ in ROWS]


def _tree(name: str) -> Path:
    assert SHARED is not None
    return SHARED / "corpus" / "prisma" / name


@pytest.mark.parametrize("name", HEALTHY or MISSING)
def test_healthy_tree_has_no_error_and_stays_byte_identical(name: str, needs_corpus: None, tmp_path: Path) -> None:
    analysis = analyse(_tree(name))
    errors = [f"{f.location()} {f.code}: {f.message}" for f in analysis.findings if f.severity == "error"]
    assert errors == []
    plan = make_plan(analysis)
    assert plan.contents == {} and plan.renames == {}
    result = copy_rewritten_tree(plan, "in-place", tmp_path / "copy")
    assert tree_files(result) == tree_files(plan.tree.root)


@pytest.mark.parametrize("name", ALL_TREES or MISSING)
def test_every_tree_is_read_without_a_crash(name: str, needs_corpus: None) -> None:
    try:
        analysis = analyse(_tree(name))
    except CodemodError as error:  # bad input is reported in one line, never a traceback
        assert "\n" not in str(error)
        assert re.search(r"P3015|migration\.sql", str(error))
        return
    make_plan(analysis)
    assert analysis.statement_count > 0


def test_corpus_is_listed(needs_corpus: None) -> None:
    assert len(HEALTHY) >= 19 and len(ALL_TREES) >= 30
