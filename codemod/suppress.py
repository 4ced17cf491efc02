"""Inline suppressions: ``-- codemod: ignore[code, …]`` silences those findings at a statement.

A comment applies to the statement it stands in, or to the next statement below it. For a
finding about the folder itself (``timestamp-name``) the comment may stand anywhere in the
folder's ``migration.sql``. ``-- codemod: ignore`` without codes silences every code there.
Comments are found in the text and confirmed to lie outside every token (so a string that
happens to contain the words never counts); unknown codes are reported.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from codemod.model import Finding, Migration, MigrationTree
from codemod.model.rules import Rule

_MARKER = re.compile(r"(?:--|/\*)\s*codemod:\s*ignore(?:\[([^\]]*)\])?", re.IGNORECASE)
ALL = "*"


@dataclass(frozen=True)
class Suppression:
    migration: str
    line: int
    statement_line: int | None
    codes: frozenset[str]


def find_suppressions(migration: Migration) -> list[Suppression]:
    text = migration.text
    if "codemod" not in text:
        return []
    spans = sorted((token.start, token.end) for statement in migration.statements for token in statement.tokens)
    starts = [start for start, _ in spans]
    statement_lines = [
        (statement.char_start, statement.char_end, statement.line, text.count("\n", 0, statement.char_end))
        for statement in migration.statements
    ]
    found = []
    for match in _MARKER.finditer(text):
        offset = match.start()
        at = bisect.bisect_right(starts, offset) - 1
        if at >= 0 and spans[at][0] <= offset <= spans[at][1]:
            continue  # inside a string or identifier, not a comment
        codes = frozenset(code.strip() for code in (match.group(1) or ALL).split(",") if code.strip()) or frozenset({ALL})
        line = text.count("\n", 0, offset) + 1
        found.append(Suppression(migration.name, line, _statement_line(statement_lines, offset, line), codes))
    return found


def _statement_line(statement_lines: list[tuple[int, int, int, int]], offset: int, comment_line: int) -> int | None:
    """The statement a comment belongs to: one ending on its line (a trailing comment), else the next."""
    for _start, end, line, end_line in statement_lines:
        if offset >= end and end_line + 1 == comment_line:
            return line
        if offset < end:
            return line
    return None


class Suppressions:
    """The inline suppressions of a tree, read once; asked about each finding."""

    def __init__(self, tree: MigrationTree) -> None:
        self.root = tree.root
        self.tree = tree
        self.by_migration = {migration.name: find_suppressions(migration) for migration in tree.migrations}

    def covers(self, finding: Finding) -> bool:
        folder_level = finding.path == self.root / finding.migration
        return any(
            (finding.code in s.codes or ALL in s.codes) and (folder_level or s.statement_line == finding.line)
            for s in self.by_migration.get(finding.migration, [])
        )

    def apply(self, findings: list[Finding]) -> list[Finding]:
        """The findings no suppression covers."""
        return [finding for finding in findings if not self.covers(finding)]

    def unknown(self, known: set[str], rule: Rule) -> list[Finding]:
        """One finding for each code a suppression names that no rule has."""
        found = []
        for migration in self.tree.migrations:
            for suppression in self.by_migration[migration.name]:
                for code in sorted(suppression.codes - known - {ALL}):
                    found.append(
                        Finding(
                            rule.code,
                            rule.severity,
                            migration.name,
                            migration.sql_path,
                            suppression.line,
                            1,
                            f"suppression names an unknown code {code!r}",
                            help="see `codemod list-transforms` for the codes",
                        )
                    )
        return found
