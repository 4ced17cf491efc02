"""The analysis cache (issue 12): a warm run reports exactly what a cold run reports.

A warm run restores the replay of the longest unchanged history and replays only what follows;
these tests hold it to the cold run's output on every golden case and every corpus tree, with
the newest one or two migrations added after the history was cached, and check that a cache
that is corrupt, from another format or unwritable is ignored.
"""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from codemod.analysis.cache import DIR_NAME, FORMAT, SUFFIX
from codemod.analysis.tree import list_tree
from codemod.cli import app
from codemod.engine import Analysis, CacheChoice, analyse
from codemod.reporting.json_report import json_report
from codemod.reporting.text import findings_full
from tests.conftest import shared_dir
from tests.golden_support import golden_cases

CASES = golden_cases()
SHARED = shared_dir()
CORPUS = sorted((SHARED / "corpus" / "prisma").iterdir()) if SHARED is not None else []


def _copy_tree(source: Path, work: Path) -> Path:
    listing = list_tree(source)
    target = work / "prisma" / "migrations"
    shutil.copytree(listing.migrations_dir, target, symlinks=True)
    return target


def _output(analysis: Analysis, tree: Path) -> tuple[str, str]:
    """The JSON report and the text report, with the tree's location taken out."""
    return (
        json_report(analysis.tree, analysis.findings).replace(str(tree), "TREE"),
        findings_full(analysis.tree, analysis.findings).replace(str(tree), "TREE"),
    )


def _held_back_then_warm(tree: Path, cache: Path, held: int, options=None) -> Analysis:  # type: ignore[no-untyped-def]
    """Cache the tree without its newest ``held`` migrations, put them back, and analyse warm."""
    names = [folder.name for folder in list_tree(tree).folders]
    aside = tree.parent / "aside"
    aside.mkdir()
    for name in names[-held:]:
        shutil.move(tree / name, aside / name)
    first = analyse(tree, options, cache=CacheChoice(cache))
    assert first.cache is not None and first.cache.written
    for name in names[-held:]:
        shutil.move(aside / name, tree / name)
    aside.rmdir()
    return analyse(tree, options, cache=CacheChoice(cache))


def _assert_warm_equals_cold(source: Path, work: Path, held: int, options=None) -> None:  # type: ignore[no-untyped-def]
    tree = _copy_tree(source, work)
    cold = analyse(tree, options)
    count = len(cold.tree.migrations)
    if count <= held:
        pytest.skip("the tree has no history before its newest migrations")
    warm = _held_back_then_warm(tree, work / "cache", held, options)
    assert warm.cache is not None and warm.cache.reused == count - held and warm.cache.replayed == held
    assert _output(warm, tree) == _output(cold, tree)
    whole = analyse(tree, options, cache=CacheChoice(work / "whole"))  # cold: stores the whole tree
    assert whole.cache is not None and whole.cache.written and _output(whole, tree) == _output(cold, tree)
    again = analyse(tree, options, cache=CacheChoice(work / "whole"))
    assert again.cache is not None and again.cache.reused == count and again.cache.replayed == 0
    assert _output(again, tree) == _output(cold, tree)


@pytest.mark.parametrize("held", [1, 2])
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_warm_equals_cold_on_golden_cases(case, held: int, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _assert_warm_equals_cold(case.before, tmp_path, held, case.analyse_options())


@pytest.mark.parametrize("tree", CORPUS, ids=[tree.name for tree in CORPUS])
def test_warm_equals_cold_on_the_corpus(tree: Path, tmp_path: Path) -> None:
    _assert_warm_equals_cold(tree, tmp_path, 1)


def test_a_warm_run_still_repairs_what_the_new_migration_breaks(tmp_path: Path) -> None:
    """The new migration re-creates a table of the cached history: the finding and its fix need
    the cached table's columns (syntax trees parsed again from the cached statements)."""
    tree = _copy_tree(next(case.before for case in CASES if case.name == "seed-story"), tmp_path)
    cold = analyse(tree)
    warm = _held_back_then_warm(tree, tmp_path / "cache", 1)
    assert [f.code for f in warm.findings] == [f.code for f in cold.findings]
    assert any(f.fix is not None for f in warm.findings)
    assert [f.fix.description if f.fix else None for f in warm.findings] == [f.fix.description if f.fix else None for f in cold.findings]


def test_an_edited_migration_in_the_history_is_replayed_again(tmp_path: Path) -> None:
    tree = _copy_tree(next(case.before for case in CASES if case.name == "seed-story"), tmp_path)
    cache = tmp_path / "cache"
    analyse(tree, cache=CacheChoice(cache))
    second = sorted(path for path in tree.iterdir() if path.is_dir())[1]
    (second / "migration.sql").write_text((second / "migration.sql").read_text() + "\nCREATE TABLE \"Late\" (id int);\n")
    warm = analyse(tree, cache=CacheChoice(cache))
    assert warm.cache is not None and warm.cache.reused < len(warm.tree.migrations)
    assert _output(warm, tree) == _output(analyse(tree), tree)


def _entry(cache: Path) -> Path:
    entries = [path for path in cache.iterdir() if path.name.endswith(SUFFIX)]
    assert len(entries) == 1
    return entries[0]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other-format", "empty"])
def test_a_damaged_entry_is_a_cold_run_never_an_error(damage: str, tmp_path: Path) -> None:
    tree = _copy_tree(next(case.before for case in CASES if case.name == "seed-story"), tmp_path)
    cache = tmp_path / "cache"
    analyse(tree, cache=CacheChoice(cache))
    entry = _entry(cache)
    data = entry.read_bytes()
    if damage == "garbage":
        entry.write_bytes(b"not a pickle at all")
    elif damage == "truncated":
        entry.write_bytes(data[: len(data) // 2])
    elif damage == "other-format":
        entry.write_bytes(pickle.dumps({"format": FORMAT + 1, "names": [], "migrations": [], "carried": {}}))
    else:
        entry.write_bytes(b"")
    rerun = analyse(tree, cache=CacheChoice(cache))
    assert rerun.cache is not None and rerun.cache.reused == 0 and rerun.cache.written
    assert _output(rerun, tree) == _output(analyse(tree), tree)
    assert analyse(tree, cache=CacheChoice(cache)).cache.reused == len(rerun.tree.migrations)  # type: ignore[union-attr]


def test_an_unwritable_cache_is_ignored(tmp_path: Path) -> None:
    tree = _copy_tree(next(case.before for case in CASES if case.name == "seed-story"), tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("a file where the cache directory would go\n")
    run = analyse(tree, cache=CacheChoice(blocker / "cache"))
    assert run.cache is not None and not run.cache.written
    assert _output(run, tree) == _output(analyse(tree), tree)


def test_check_keeps_its_cache_beside_the_migrations_and_never_inside(tmp_path: Path, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("CODEMOD_CACHE_DIR", raising=False)
    monkeypatch.delenv("CODEMOD_NO_CACHE", raising=False)
    tree = _copy_tree(next(case.before for case in CASES if case.name == "seed-story"), tmp_path)
    cold = cli.invoke(app, ["check", str(tree), "--no-cache"])
    assert not (tree.parent / DIR_NAME).exists()
    first = cli.invoke(app, ["check", str(tree), "--verbose"])
    assert (tree.parent / DIR_NAME / ".gitignore").is_file()
    assert not any(path.name == DIR_NAME for path in tree.rglob("*"))
    warm = cli.invoke(app, ["check", str(tree), "--verbose"])
    count = len(list_tree(tree).folders)
    assert f"cache: {count} migrations restored, 0 replayed" in warm.stderr
    assert cold.stdout == first.stdout == warm.stdout and cold.exit_code == first.exit_code == warm.exit_code == 1
    inside = cli.invoke(app, ["check", str(tree), "--cache-dir", str(tree / "cache")])
    assert inside.exit_code == 2 and inside.stderr.count("\n") == 1
    assert "must not be inside the migrations directory" in inside.stderr
    assert not (tree / "cache").exists()


def test_the_history_many_runs_start_from_outlives_pruning(tmp_path: Path) -> None:
    """Each run below adds its own batch of new migrations (enough to be stored); the entry of the
    history before them is the one every run restores, and pruning keeps it."""
    from codemod.analysis.cache import KEEP, REPLAY_RATHER_THAN_STORE

    tree = _copy_tree(next(case.before for case in CASES if case.name == "seed-story"), tmp_path)
    cache = tmp_path / "cache"
    analyse(tree, cache=CacheChoice(cache))
    base = _entry(cache)
    count = len(list_tree(tree).folders)
    batch = REPLAY_RATHER_THAN_STORE + 1
    for run_number in range(KEEP + 3):
        for folder in tree.glob("2999*"):
            shutil.rmtree(folder)
        for index in range(batch):
            folder = tree / f"2999{run_number:02d}{index:08d}_new"
            folder.mkdir()
            (folder / "migration.sql").write_text(f'CREATE TABLE "New{run_number}_{index}" (id int);\n')
        run = analyse(tree, cache=CacheChoice(cache))
        assert run.cache is not None and (run.cache.reused, run.cache.replayed, run.cache.written) == (count, batch, True)
    entries = [path for path in cache.iterdir() if path.name.endswith(SUFFIX)]
    assert len(entries) == KEEP and base in entries


def test_a_few_new_migrations_are_replayed_rather_than_stored(tmp_path: Path) -> None:
    """Writing an entry costs more than replaying the migration being written, at every edit."""
    tree = _copy_tree(next(case.before for case in CASES if case.name == "seed-story"), tmp_path)
    cache = tmp_path / "cache"
    analyse(tree, cache=CacheChoice(cache))
    count = len(list_tree(tree).folders)
    newest = tree / "29991231000000_newest"
    newest.mkdir()
    for edit in range(3):
        (newest / "migration.sql").write_text(f'CREATE TABLE "Edited{edit}" (id int);\n')
        run = analyse(tree, cache=CacheChoice(cache))
        assert run.cache is not None and (run.cache.reused, run.cache.replayed, run.cache.written) == (count, 1, False)
        assert _output(run, tree) == _output(analyse(tree), tree)
    assert len([path for path in cache.iterdir() if path.name.endswith(SUFFIX)]) == 1


class _Trap:
    """Unpickling this creates a file: what a planted entry could do instead."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple:
        return (open, (str(self.marker), "w"))


@pytest.mark.parametrize("signature", ["none", "wrong"])
def test_an_entry_codemod_did_not_sign_is_never_unpickled(signature: str, tmp_path: Path) -> None:
    """A cache directory sits in a project others commit to: a planted entry must not run."""
    from codemod.analysis.cache import MAGIC

    tree = _copy_tree(next(case.before for case in CASES if case.name == "seed-story"), tmp_path)
    cache = tmp_path / "cache"
    analyse(tree, cache=CacheChoice(cache))
    entry = _entry(cache)
    marker = tmp_path / "planted-code-ran"
    payload = pickle.dumps({"format": FORMAT, "names": [], "migrations": [], "carried": {}, "trap": _Trap(marker)})
    entry.write_bytes(payload if signature == "none" else MAGIC + bytes(32) + payload)
    rerun = analyse(tree, cache=CacheChoice(cache))
    assert not marker.exists()
    assert rerun.cache is not None and rerun.cache.reused == 0
    assert _output(rerun, tree) == _output(analyse(tree), tree)
