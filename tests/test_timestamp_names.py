"""Folder names: the allocator keeps today's order, always finds names, and they sort the same both ways;
timestamp-name judges an order ambiguity by its outcome."""

from __future__ import annotations

from pathlib import Path

import pytest

from codemod import analyse, make_plan
from codemod.allocate import Slot, allocate, stamp_of
from codemod.analysis.discover import sort_names


@pytest.mark.parametrize(
    "names",
    [
        ["20250507030812_init", "20250513_add_batch", "20250513_add_errors", "20250513022650_add_projects"],
        ["20250513_x", "20250513000000_y"],  # the date itself is taken: the second before it is used
        ["20250512235959_a", "20250513_x", "20250513_y", "20250513000001_z"],  # no room for both: one more is renamed
        ["01_init", "02_users", "03_posts"],  # no dates, no neighbours
        ["0001_init", "20240101000000_next"],
        ["migration one", "migration-two", "20240101000000_next"],
        ["20240101000000_init", "2024010110_hourly", "202401011030_minutes", "20240102_day"],
        ["20250511000000_a", "20250512999999_fix_order", "20250513_next", "20250514000000_b"],  # not a real time
        ["20240101000003_c", "20240101000001_a", "20240101000002_b"],  # an order the names contradict
    ],
)
def test_allocated_names_keep_the_order_and_agree_under_both_orders(names: list[str]) -> None:
    renamed = allocate([Slot(name, stamp_of(name) is None) for name in names])
    assert all(stamp_of(name) is not None for name in renamed)
    assert len(set(renamed)) == len(renamed)
    assert sort_names(renamed, "locale") == renamed == sort_names(renamed, "bytes")


def test_the_longest_run_of_real_timestamps_keeps_its_names() -> None:
    names = ["20240101000000_init", "20240105_posts", "20240106_likes", "20240107000000_tags"]
    assert allocate([Slot(name, stamp_of(name) is None) for name in names]) == [
        "20240101000000_init", "20240105000000_posts", "20240106000000_likes", "20240107000000_tags"
    ]
    assert allocate([Slot("20250513_x", True), Slot("20250513000000_y")]) == ["20250512235959_x", "20250513000000_y"]
    moved = allocate([Slot(name) for name in ["20240101000000_a", "20240103000000_c", "20240102000000_b", "20240104000000_d"]])
    assert sum(new != old for new, old in zip(moved, ["20240101000000_a", "20240103000000_c", "20240102000000_b", "20240104000000_d"], strict=True)) == 1


def _tree(root: Path, migrations: dict[str, str]) -> Path:
    for name, sql in migrations.items():
        (root / name).mkdir(parents=True)
        (root / name / "migration.sql").write_text(sql)
    (root / "migration_lock.toml").write_text('provider = "postgresql"\n')
    return root


def test_shared_timestamps_whose_order_changes_the_outcome_are_renamed(tmp_path: Path) -> None:
    root = _tree(tmp_path / "migrations", {
        "20240101000000_add_users": 'CREATE TABLE "users" ("id" INT);\n',
        "20240101000000_Backfill": 'UPDATE "users" SET "id" = 1;\n',
        "20240102000000_later": "SELECT 1;\n",
    })
    assert sort_names(["20240101000000_add_users", "20240101000000_Backfill"], "bytes")[0] == "20240101000000_Backfill"
    analysis = analyse(root)
    assert [(f.code, f.severity, f.migration) for f in analysis.findings] == [("timestamp-name", "error", "20240101000000_Backfill")]
    plan = make_plan(analysis)
    assert plan.renames == {"20240101000000_Backfill": "20240101000001_Backfill"}
    assert plan.problems == []


def test_orders_that_differ_with_the_same_outcome_keep_their_names(tmp_path: Path) -> None:
    """A healthy tree whose two orders give the same schema is not renamed by default."""
    root = _tree(tmp_path / "migrations", {
        "20240101000000_init": 'CREATE TABLE "users" ("id" INT);\n',
        "20240102_posts": 'CREATE TABLE "posts" ("id" INT);\n',
        "20240102000000_tags": 'CREATE TABLE "tags" ("id" INT);\n',
    })
    analysis = analyse(root)
    assert {(f.code, f.severity) for f in analysis.findings} == {("timestamp-name", "warning")}
    assert make_plan(analysis).empty


def test_a_fixed_folder_between_bare_dates_renames_one_neighbour_not_every_bare_date() -> None:
    """``20250514_more_imports_fixed`` would sort after ``20250514_more_imports_2`` under one order
    only: the neighbour gets a timestamp too; ``20250513_add_import_batches``, well placed, stays."""
    slots = [
        Slot("20250501000000_init"),
        Slot("20250513_add_import_batches"),
        Slot("20250514_more_imports", must_rename=True, suffix="more_imports_fixed"),
        Slot("20250514_more_imports_2"),
    ]
    names = allocate(slots, "locale")
    assert names[:2] == ["20250501000000_init", "20250513_add_import_batches"]
    assert names[2:] == ["20250514000000_more_imports_fixed", "20250514000001_more_imports_2"]
