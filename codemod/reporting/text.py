"""Text reports of findings.

* :func:`findings_full` (``check``'s default): per finding a header ``path:line:col: code severity:
  message``, the source line with a caret under the statement, a ``help:`` line and where the
  rule is documented, like ruff's and squawk's reports.
* :func:`findings_text` (``--format concise``, and ``apply``'s leftovers): one line per finding,
  grouped by migration.
* :func:`statistics_text` (``--statistics``): counts per code.

Names, messages and SQL go through :func:`codemod.display.escape`: what a folder name or a file
holds never reaches the terminal raw.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from codemod.display import escape, shown_path
from codemod.model import Finding, Migration, MigrationTree, tally

if TYPE_CHECKING:
    from codemod.analysis.cache import CacheOutcome

MAX_SOURCE_WIDTH = 160  # a longer source line shows a window around the caret
MAX_UNDERLINE = 60  # the start of a long statement is underlined, and its label stays in sight

_BOLD, _RESET = "\x1b[1m", "\x1b[0m"
_SEVERITY_COLOR = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "note": "\x1b[1;36m"}
_GUTTER = "\x1b[1;34m"
_HELP = "\x1b[1;36m"


def findings_text(findings: list[Finding]) -> str:
    """The concise form: ``path:line:col code severity: message [fixable]``, grouped by migration."""
    lines: list[str] = []
    current = None
    for finding in findings:
        if finding.migration != current:
            current = finding.migration
            if lines:
                lines.append("")
            lines.append(escape(current))
        where = f"{shown_path(finding.path)}:{finding.line}:{finding.col}"
        advice = f"; {'fix' if finding.fix is not None else 'help'}: {escape(finding.advice)}" if finding.advice else ""
        state = f" [{finding.sqlstate}]" if finding.sqlstate else ""
        stop = " <- deploy stops here" if finding.stops_here else ""
        lines.append(
            f"  {where} {finding.code} {finding.severity}: {escape(finding.message)}{state}{advice}{_fixability(finding)}{stop}"
        )
    return "\n".join(lines) + ("\n" if lines else "")


def _fixability(finding: Finding) -> str:
    if finding.fix is None:
        return ""
    return " [unsafe fix]" if finding.fix.unsafe else " [fixable]"


class _Paint:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, style: str, text: str) -> str:
        return f"{style}{text}{_RESET}" if self.color and text else text


def findings_full(tree: MigrationTree, findings: list[Finding], color: bool = False) -> str:
    """Every finding with its source line, a caret, ``help:`` and ``see:``; a blank line between them."""
    paint = _Paint(color)
    migrations = {migration.name: migration for migration in tree.migrations}
    blocks = [_block(finding, migrations.get(finding.migration), paint) for finding in findings]
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def _block(finding: Finding, migration: Migration | None, paint: _Paint) -> str:
    severity_style = _SEVERITY_COLOR[finding.severity]
    where = f"{shown_path(finding.path)}:{finding.line}:{finding.col}:"
    head = f"{paint(_BOLD, where)} {paint(_BOLD, finding.code)} {paint(severity_style, finding.severity + ':')} {escape(finding.message)}"
    if finding.sqlstate:
        head += f" [SQLSTATE {finding.sqlstate}]"
    lines = [head]
    excerpt = _excerpt(finding, migration)
    number, source, start, width = excerpt if excerpt is not None else ("", "", 0, 0)
    gutter = " " * max(len(number), 1)
    bar = paint(_GUTTER, gutter + " |")
    if excerpt is not None:
        label = " deploy stops here" if finding.stops_here else ""
        carets = "^" * min(max(width, 1), MAX_UNDERLINE)
        lines += [
            bar,
            paint(_GUTTER, f"{number:>{len(gutter)}} |") + (" " + source if source else ""),
            bar + " " + " " * start + paint(severity_style, carets + label),
            bar,
        ]
    elif finding.stops_here:
        lines.append(f"{gutter} = {paint(severity_style, 'deploy stops here')}")
    advice = finding.advice
    if advice:
        lines.append(f"{gutter} = {paint(_HELP, 'help:')} {escape(advice)}{_fix_hint(finding)}")
    lines.append(f"{gutter} = {paint(_HELP, 'see:')} codemod explain {finding.code}")
    return "\n".join(lines)


def _fix_hint(finding: Finding) -> str:
    if finding.fix is None:
        return ""
    if finding.fix.unsafe:
        return " (unsafe fix: `codemod apply --unsafe-fixes`)"
    return " (fixable: `codemod apply`)"


def _excerpt(finding: Finding, migration: Migration | None) -> tuple[str, str, int, int] | None:
    """(line number, shown source line, caret column, caret width), all in display columns."""
    if migration is None:
        return None
    if finding.path != migration.sql_path:  # about the folder itself: show its name
        name = escape(migration.name) + "/"
        return "", name, 0, _width(name) - 1
    lines = migration.text.split("\n")
    if not 1 <= finding.line <= len(lines):
        return None
    line = lines[finding.line - 1].rstrip("\r")
    start = min(max(finding.col - 1, 0), len(line))
    end = len(line.rstrip())
    statement = next(
        (s for s in migration.statements if s.line == finding.line and s.col == finding.col), None
    )
    if statement is not None:
        first = statement.text.split("\n", 1)[0].rstrip("\r").rstrip()
        end = min(end, start + len(first)) if first else end
    end = max(end, start + 1)
    before, marked, after = (_shown(part) for part in (line[:start], line[start:end], line[end:]))
    caret, width = _width(before), _width(marked)
    shown = before + marked + after
    if _width(shown) > MAX_SOURCE_WIDTH:  # a window around the caret
        skip = max(0, caret - 20)
        shown = ("…" if skip else "") + _clip(shown[skip:] if skip else shown, MAX_SOURCE_WIDTH) + "…"
        caret = caret - skip + (1 if skip else 0)
        width = min(width, max(MAX_SOURCE_WIDTH - caret, 1))
    return str(finding.line), shown.rstrip(), caret, width


def _shown(text: str) -> str:
    return escape(text).replace("\t", "    ")


def _clip(text: str, width: int) -> str:
    out, used = [], 0
    for char in text:
        used += _char_width(char)
        if used > width:
            break
        out.append(char)
    return "".join(out)


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _width(text: str) -> int:
    return sum(_char_width(char) for char in text)


def statistics_text(findings: list[Finding]) -> str:
    """Counts per code and severity, most frequent first (``check --statistics``)."""
    rows = statistics_json(findings)
    if not rows:
        return ""
    code_width = max(len("code"), *(len(row["code"]) for row in rows))
    count_width = max(len("count"), *(len(str(row["count"])) for row in rows))
    lines = [f"{'count':>{count_width}}  {'code':<{code_width}}  severity  fixable"]
    for row in rows:
        lines.append(f"{row['count']:>{count_width}}  {row['code']:<{code_width}}  {row['severity']:<8}  {row['fixable']}")
    return "\n".join(lines) + "\n"


def statistics_json(findings: list[Finding]) -> list[dict]:
    """Counts per code and severity (and how many carry a safe fix), most frequent first."""
    rows: dict[tuple[str, str], dict] = {}
    for finding in findings:
        key = (finding.code, finding.severity)
        row = rows.setdefault(key, {"code": finding.code, "severity": finding.severity, "count": 0, "fixable": 0})
        row["count"] += 1
        row["fixable"] += int(finding.fix is not None and not finding.fix.unsafe)
    return sorted(rows.values(), key=lambda row: (-row["count"], row["code"], row["severity"]))


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


def verbose_cache(outcome: CacheOutcome) -> str:
    """What the analysis cache did, for ``--verbose``."""
    where = shown_path(outcome.directory) if outcome.directory is not None else "nowhere"
    stored = "; stored the replay of this tree" if outcome.written else ""
    return f"cache: {outcome.reused} migrations restored, {outcome.replayed} replayed ({where}){stored}"
