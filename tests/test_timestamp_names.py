"""Renames to 14-digit timestamps keep today's order, stay unique, and sort the same both ways."""

from __future__ import annotations

import pytest

from codemod.analysis.discover import sort_names
from transforms.timestamp_name import CONVENTION, plan_renames


@pytest.mark.parametrize(
    "names",
    [
        ["20250507030812_init", "20250513_add_batch", "20250513_add_errors", "20250513022650_add_projects"],
        ["20250513_x", "20250513000000_y"],  # the date itself is taken: the second before it is used
        ["20250512235959_a", "20250513_x", "20250513_y", "20250513000001_z"],  # no room for both
        ["01_init", "02_users", "03_posts"],  # no dates, no neighbours
        ["0001_init", "20240101000000_next"],
        ["migration one", "migration-two", "20240101000000_next"],
        ["20240101000000_init", "2024010110_hourly", "202401011030_minutes", "20240102_day"],
    ],
)
def test_renames_keep_the_order_and_agree_under_both_orders(names: list[str]) -> None:
    order = sort_names(names, "locale")
    renames, blocked = plan_renames(order)
    if blocked:  # only where one second cannot hold two folders
        assert names[1:3] == ["20250513_x", "20250513_y"] and len(blocked) == 1
        return
    renamed = [renames.get(name, name) for name in order]
    assert all(CONVENTION.match(name) for name in renamed)
    assert len(set(renamed)) == len(renamed)
    assert sort_names(renamed, "locale") == renamed == sort_names(renamed, "bytes")


def test_dates_in_names_are_kept_where_they_fit() -> None:
    renames, _ = plan_renames(sort_names(["20240101000000_init", "20240105_posts", "20240106_likes"], "locale"))
    assert renames == {"20240105_posts": "20240105000000_posts", "20240106_likes": "20240106000000_likes"}
    renames, _ = plan_renames(["20250513_x", "20250513000000_y"])
    assert renames == {"20250513_x": "20250512235959_x"}


def test_shared_timestamps_whose_order_flips_are_renamed(tmp_path) -> None:
    from codemod import analyse, make_plan

    root = tmp_path / "migrations"
    for name in ("20240101000000_add_users", "20240101000000_Backfill", "20240102000000_later"):
        (root / name).mkdir(parents=True)
        (root / name / "migration.sql").write_text("SELECT 1;\n")
    (root / "migration_lock.toml").write_text('provider = "postgresql"\n')
    assert sort_names(["20240101000000_add_users", "20240101000000_Backfill"], "bytes")[0] == "20240101000000_Backfill"
    analysis = analyse(root)
    assert [(f.code, f.severity, f.migration) for f in analysis.findings] == [
        ("timestamp-name", "error", "20240101000000_Backfill")
    ]
    plan = make_plan(analysis)
    assert plan.renames == {"20240101000000_Backfill": "20240101000001_Backfill"}
    assert plan.problems == []
