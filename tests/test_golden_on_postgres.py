"""Every golden repair, proven on a real PostgreSQL: the rewrite applies, and what the original
meant (every table, column, enum value, index and constraint it creates) exists at the end.

This runs ``codemod verify`` (replay of both trees, intent, convergence) with the plan of each case,
in both write modes, on the session's throwaway cluster.
"""

from __future__ import annotations

import pytest

from codemod.verify import verify
from tests.golden_support import GoldenCase, golden_cases

pytest_plugins = ["tests.pg_fixtures"]

CASES = golden_cases()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_golden_repair_is_proven_on_postgresql(case: GoldenCase, pg_cluster) -> None:
    plan = case.plan()
    report = verify(case.before, order=case.analyse_options().order, database_url=pg_cluster.url, plan=plan)
    left = [f for f in plan.findings if f.severity == "error"]
    if case.expect_proven:
        assert report.proven and not left, report.to_json()
    else:
        assert not report.rewritten.ok, "this case leaves an error for a human on purpose"
    if not report.rewritten.ok:  # apply never says fewer errors are left than PostgreSQL finds
        assert left
