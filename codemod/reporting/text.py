"""Text reports of findings: ``path:line:col code message``, grouped by migration."""

from __future__ import annotations

from codemod.display import display_path
from codemod.model import Finding, MigrationTree, tally


def findings_text(findings: list[Finding]) -> str:
    lines: list[str] = []
    current = None
    for finding in findings:
        if finding.migration != current:
            current = finding.migration
            if lines:
                lines.append("")
            lines.append(current)
        where = f"{display_path(finding.path)}:{finding.line}:{finding.col}"
        fixable = " [fixable]" if finding.fix is not None and not finding.fix.unsafe else ""
        fixable = " [unsafe fix]" if finding.fix is not None and finding.fix.unsafe else fixable
        advice = f"; {'fix' if finding.fix is not None else 'help'}: {finding.advice}" if finding.advice else ""
        state = f" [{finding.sqlstate}]" if finding.sqlstate else ""
        stop = " <- deploy stops here" if finding.stops_here else ""
        lines.append(f"  {where} {finding.code} {finding.severity}: {finding.message}{state}{advice}{fixable}{stop}")
    return "\n".join(lines) + ("\n" if lines else "")


def summary(tree: MigrationTree, findings: list[Finding]) -> str:
    counts = tally(findings)
    fixable = counts["fixable"]
    parts = [f"{counts['error']} error{'s' * (counts['error'] != 1)}", f"{counts['warning']} warning{'s' * (counts['warning'] != 1)}", f"{counts['note']} note{'s' * (counts['note'] != 1)}"]
    text = f"{', '.join(parts)} in {len(tree.migrations)} migrations ({tree.provider}, {tree.order} order)"
    if fixable:
        text += f"; {fixable} fixable with `codemod apply`"
    return text


def verbose_stats(total: int, opaque: int) -> str:
    return (
        f"{total} statements replayed; {opaque} kept opaque (sqlglot could not model them; "
        f"the replay read the ones it needs from their tokens)"
    )
