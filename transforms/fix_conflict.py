"""Two fixes would edit the same bytes; the later one is not applied.

What it finds: a fix whose edits overlap the edits of a fix chosen before it (in tree order), or
that renames a folder another fix already renames to another name.

Why it breaks: two rewrites of the same bytes cannot both land; merging them by guesswork could
produce SQL that neither fix meant.

What the fix does: nothing; the first fix applies, this one is dropped and reported. Run codemod
again after applying: the rewritten tree is analysed afresh.

Fix safety: no fix.

Example::

    migration.sql:12:1 fix-conflict warning: the fix for duplicate-create here was not applied:
    its edit of 20250513_x overlaps another fix
"""

from __future__ import annotations

from codemod.context import Context
from codemod.model import Edit, Finding, Fix
from codemod.model.rules import Rule

RULE = Rule(
    code="fix-conflict",
    summary="Two fixes would edit the same bytes; the later one is not applied",
    severity="warning",
    fix_safety="none",
    doc=__doc__ or "",
    phase="finish",
)


def finish(context: Context, chosen: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    edits: dict[str, list[Edit]] = {}
    renames: dict[str, str] = {}
    kept: list[Finding] = []
    found: list[Finding] = []
    for finding in chosen:
        assert finding.fix is not None
        clash = _clash(finding.fix, edits, renames)
        if clash is not None:
            found.append(
                Finding(
                    RULE.code, RULE.severity, finding.migration, finding.path, finding.line, finding.col,
                    f"the fix for {finding.code} here was not applied: {clash}",
                    help="apply the other fix first, then run codemod again",
                )
            )
            continue
        for edit in finding.fix.edits:
            edits.setdefault(edit.migration, []).append(edit)
        for rename in finding.fix.renames:
            renames[rename.old] = rename.new
        kept.append(finding)
    return found, kept


def _clash(fix: Fix, edits: dict[str, list[Edit]], renames: dict[str, str]) -> str | None:
    for edit in fix.edits:
        for other in edits.get(edit.migration, []):
            if edit != other and edit.span.overlaps(other.span):
                return f"its edit of {edit.migration} overlaps another fix"
    for rename in fix.renames:
        if rename.old in renames and renames[rename.old] != rename.new:
            return f"{rename.old} is already renamed to {renames[rename.old]}"
    return None
