"""The last lines of ``apply``: what is known about the rewritten tree.

Statically: the findings of the final rewritten tree (the fixpoint's last round) say whether the
replay still predicts a failure. With ``--verify``: what a real PostgreSQL said. A failure the
static model missed is reported with its migration, line and SQLSTATE, never as success.
"""

from __future__ import annotations

from typing import Any

from codemod.model import Finding
from codemod.plan import Plan


def static_verdict(plan: Plan, dry: bool, verifying: bool = False) -> str:
    errors = [f for f in plan.findings if f.severity == "error"]
    applied = len(plan.applied)
    fixes = f"{applied} fix{'es' * (applied != 1)}"
    head = f"would apply {fixes}" if dry else f"applied {fixes}"
    rounds = f" in {plan.rounds} round{'s' * (plan.rounds != 1)}" if plan.rounds > 1 else ""
    if errors:
        stop = next((f for f in errors if f.stops_here), None)
        where = f"; deploy would stop at {stop.migration} ({stop.code}, SQLSTATE {stop.sqlstate})" if stop else ""
        return f"{head}{rounds}; verdict: {len(errors)} error{'s' * (len(errors) != 1)} left for a human{where}"
    hint = "" if verifying else "; --verify proves it on PostgreSQL"
    return f"{head}{rounds}; verdict: statically clean (the replay of the rewritten tree predicts no failure{hint})"


def proof_verdict(report: Any) -> str:
    """One line from a ``codemod verify`` report of the rewritten tree."""
    if report.proven:
        return "verified on PostgreSQL: the rewritten tree applies, keeps the original's intent and converges"
    failure = report.rewritten.failure
    if failure is not None:
        line = f" (line {failure.line})" if failure.line else ""
        return f"NOT PROVEN on PostgreSQL: {failure.name}{line} fails: {failure.message} [SQLSTATE {failure.sqlstate}]"
    if report.missing:
        return f"NOT PROVEN on PostgreSQL: {len(report.missing)} object(s) the original creates are missing, e.g. {report.missing[0]}"
    return "NOT PROVEN on PostgreSQL: the rewritten tree does not converge with a half-deployed database (run `codemod verify`)"


def left_errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity != "note"]
