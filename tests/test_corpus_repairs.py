"""The real broken trees of ../shared/corpus, repaired and judged on a real PostgreSQL.

Each either comes out proven (it applies, keeps the original's intent, converges), or `apply`
names the errors left: never "statically clean" for a rewrite that PostgreSQL rejects.
"""

from __future__ import annotations

import pytest

from codemod import analyse, make_plan
from codemod.plan import Mode
from codemod.verify import verify
from tests.conftest import shared_dir

pytest_plugins = ["tests.pg_fixtures"]

SHARED = shared_dir()
# Trees whose repair must be proven; the others need objects no migration creates (civitai,
# hotel-common) or hold a project's own migration.ts runners (webstudio: an unsafe fix).
PROVEN = {
    "farukcanugurlu__travel-site__at-2fda4e8",
    "profyt7__carelinkai__at-8b6d8a5",
    "karthikdintakurthi__scan2ship__at-d25bbad",
    "tripplemay__aigcgateway__at-609d74e",
}


def _broken_trees() -> list[str]:
    if SHARED is None:
        return []
    names = []
    for line in (SHARED / "corpus" / "README.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 8 and "__" in cells[0] and cells[3] == "postgresql" and cells[7].startswith("fails") and not cells[0].startswith("formbricks"):
            names.append(cells[0])
    return names


BROKEN = _broken_trees()


@pytest.mark.parametrize("name", BROKEN)
def test_broken_tree_is_repaired_or_its_errors_are_named(name: str, pg_cluster) -> None:
    assert SHARED is not None
    root = SHARED / "corpus" / "prisma" / name
    plan = make_plan(analyse(root))
    left = [f for f in plan.findings if f.severity == "error"]
    report = verify(root, database_url=pg_cluster.url, plan=plan)
    if name in PROVEN:
        assert report.proven and not left, (report.to_json()["rewritten"], [f.message for f in left])
    else:
        assert left and not report.rewritten.ok
        stop = next(f for f in left if f.stops_here)
        failure = report.rewritten.failure
        assert failure is not None and (stop.migration, stop.sqlstate) == (failure.name, failure.sqlstate)


def test_the_broken_trees_are_listed() -> None:
    if SHARED is None:
        pytest.skip("../shared/corpus is not here")
    assert PROVEN <= set(BROKEN) and len(BROKEN) == 7


@pytest.mark.parametrize("mode", ["in-place", "fixed"])
@pytest.mark.parametrize("name", sorted(PROVEN))
def test_prisma_applies_the_repaired_corpus_tree(name: str, mode: Mode, needs_prisma: None, pg_database: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Prisma's own engine, the second opinion: the repaired real tree applies to an empty database."""
    from codemod.render.write import copy_rewritten_tree
    from codemod.verify.prisma_oracle import prisma_apply

    if SHARED is None or name not in BROKEN:
        pytest.skip("../shared/corpus is not here")
    tree = copy_rewritten_tree(make_plan(analyse(SHARED / "corpus" / "prisma" / name)), mode, tmp_path / "tree")
    verdict = prisma_apply(pg_database, tree)
    assert verdict.ok, (verdict.failed_migration, verdict.message)
