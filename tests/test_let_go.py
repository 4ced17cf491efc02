"""Large trees let their syntax trees go after each migration (codemod.analysis.stream, issue 12).

From ``LET_GO_FROM`` migrations on, each migration's syntax trees are dropped once it is
replayed, and the schema state reaches the nodes it keeps by path (``NodeRef``), parsing a
statement again when one is asked for. Only the 50,000-migration benchmark crosses that line,
so these tests lower it to 0 and hold every golden case and corpus tree to the output of a run
that keeps its trees: the same findings, the same repairs in both modes, the same cache entries.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from codemod import make_plan
from codemod.analysis import stream
from codemod.analysis.tree import list_tree
from codemod.engine import AnalyseOptions, Analysis, CacheChoice, analyse
from codemod.model.schema import NodeRef
from codemod.model.tree import UNPARSED
from codemod.names import QName
from codemod.render.changes import file_changes
from codemod.render.diff import unified_diff
from codemod.reporting.json_report import json_report
from codemod.reporting.text import findings_full
from tests.conftest import shared_dir
from tests.golden_support import golden_cases

CASES = golden_cases()
SHARED = shared_dir()
CORPUS = sorted((SHARED / "corpus" / "prisma").iterdir()) if SHARED is not None else []


def _outputs(analysis: Analysis) -> tuple[str, ...]:
    """The reports and both modes' repairs, as a user sees them."""
    plan = make_plan(analysis)
    return (
        json_report(analysis.tree, analysis.findings),
        findings_full(analysis.tree, analysis.findings),
        unified_diff(file_changes(plan, "in-place")),
        unified_diff(file_changes(plan, "fixed")),
    )


def _kept_and_let_go(tree: Path, options: AnalyseOptions, monkeypatch: pytest.MonkeyPatch) -> tuple[Analysis, Analysis]:
    kept = analyse(tree, options)
    monkeypatch.setattr(stream, "LET_GO_FROM", 0)
    let_go = analyse(tree, options)
    monkeypatch.undo()
    return kept, let_go


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_letting_go_changes_no_output_on_golden_cases(case, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    kept, let_go = _kept_and_let_go(case.before, case.analyse_options(), monkeypatch)
    assert _outputs(let_go) == _outputs(kept)


@pytest.mark.skipif(not CORPUS, reason="../shared/corpus is not here")
@pytest.mark.parametrize("tree", CORPUS, ids=[tree.name for tree in CORPUS])
def test_letting_go_changes_no_output_on_corpus_trees(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kept, let_go = _kept_and_let_go(tree, AnalyseOptions(), monkeypatch)
    assert _outputs(let_go) == _outputs(kept)


def test_the_state_keeps_paths_not_nodes_once_let_go(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = tmp_path / "prisma" / "migrations"
    for name, sql in [
        ("20240101000000_a", 'CREATE TABLE "a" ("id" TEXT NOT NULL DEFAULT \'x\', CONSTRAINT "a_pkey" PRIMARY KEY ("id"));\n'),
        ("20240102000000_b", 'CREATE INDEX "a_id_idx" ON "a"("id");\nALTER TABLE "a" ALTER COLUMN "id" SET DEFAULT \'y\';\n'),
    ]:
        (tree / name).mkdir(parents=True)
        (tree / name / "migration.sql").write_text(sql)
    (tree / "migration_lock.toml").write_text('provider = "postgresql"\n')
    monkeypatch.setattr(stream, "LET_GO_FROM", 0)
    analysis = analyse(tree, AnalyseOptions())
    table = analysis.replay.final.tables[next(iter(analysis.replay.final.tables))]
    column = table.columns["id"]  # type: ignore[index]
    held = [column.type_ast, column.default_ast, column.column_ast, table.constraints["a_pkey"].constraint_ast]
    held.append(analysis.replay.final.indexes[QName("public", "a_id_idx")].definition_ast)
    assert all(isinstance(node, NodeRef) and node._node is None for node in held)
    assert all(s._expression is UNPARSED for m in analysis.tree.migrations for s in m.statements)
    # asked for, each is found again where it was: the default the second migration set
    assert column.default_sql == "'y'" and column.type_sql == "TEXT"
    assert column.node is not None and column.node.parent is not None  # a node of its statement's tree
    monkeypatch.undo()
    kept = analyse(tree, AnalyseOptions()).replay.final
    assert [i.signature for i in analysis.replay.final.indexes.values()] == [i.signature for i in kept.indexes.values()]
    assert table.constraints["a_pkey"].sql == kept.tables[table.name].constraints["a_pkey"].sql


@pytest.mark.parametrize("case", CASES[:12], ids=[case.name for case in CASES[:12]])
def test_a_cache_written_after_letting_go_restores_the_same_findings(case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    tree = tmp_path / "prisma" / "migrations"
    shutil.copytree(list_tree(case.before).migrations_dir, tree, symlinks=True)
    options = case.analyse_options()
    kept = analyse(tree, options)
    monkeypatch.setattr(stream, "LET_GO_FROM", 0)
    cold = analyse(tree, options, cache=CacheChoice(tmp_path / "cache"))
    assert cold.cache is not None and cold.cache.written
    monkeypatch.undo()
    warm = analyse(tree, options, cache=CacheChoice(tmp_path / "cache"))
    assert warm.cache is not None and warm.cache.reused == len(kept.tree.migrations)
    assert _outputs(warm) == _outputs(kept)
