"""Every rule's ``Example::`` is executed: the migrations it shows are analysed with that rule alone,
and what it says the rule does is what happens.

The format (see any rule in transforms/): ``-- <folder>`` starts a migration; ``(before)`` marks
one the rule fixes, ``(after)`` what that folder holds after the fix (under its new name, if
renamed; a new folder, if added), ``(finds)`` one where the rule reports without a fix. Rules
whose example is about bytes or folders rather than SQL say so, and are listed below.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import transforms
from codemod import AnalyseOptions, analyse, make_plan

# Examples that show bytes, folder listings or a finishing rule rather than migrations.
NOT_MIGRATIONS = {"utf8-bom", "file-encoding", "nul-byte", "missing-migration-file", "fix-conflict", "not-idempotent"}
_HEADER = re.compile(r"^--\s+(\S+)(?:\s+\((before|after|finds)\))?\s*$")


@dataclass
class Example:
    migrations: dict[str, str] = field(default_factory=dict)
    after: dict[str, str] = field(default_factory=dict)
    finds: list[str] = field(default_factory=list)
    fixed: list[str] = field(default_factory=list)


def parse_example(doc: str) -> Example:
    block = doc.split("Example::", 1)[1]
    lines = textwrap.dedent("\n".join(line for line in block.splitlines()[1:])).splitlines()
    example = Example()
    current: tuple[str, str | None] | None = None
    for line in lines:
        header = _HEADER.match(line)
        if header and re.match(r"^[\w.-]+$", header.group(1)) and header.group(1)[:1].isdigit():
            current = (header.group(1), header.group(2))
            if current[1] == "after":
                example.after[current[0]] = ""
            else:
                example.migrations[current[0]] = ""
                if current[1] == "finds":
                    example.finds.append(current[0])
                elif current[1] == "before":
                    example.fixed.append(current[0])
            continue
        if current is None:
            continue
        target = example.after if current[1] == "after" else example.migrations
        target[current[0]] += line + "\n"
    return example


def _squash(text: str) -> str:
    return " ".join(text.split())


RULES = [rule for code, rule in transforms.RULES.items() if rule.phase == "tree" and code not in NOT_MIGRATIONS]


@pytest.mark.parametrize("rule", RULES, ids=[rule.code for rule in RULES])
def test_example_does_what_it_says(rule, tmp_path: Path) -> None:
    example = parse_example(rule.doc)
    assert example.migrations, f"{rule.code}: its example shows no migration"
    root = tmp_path / "migrations"
    for name, sql in example.migrations.items():
        (root / name).mkdir(parents=True)
        (root / name / "migration.sql").write_text(sql)
    (root / "migration_lock.toml").write_text('provider = "postgresql"\n')
    analysis = analyse(root, AnalyseOptions(select=frozenset({rule.code})))
    found = {finding.migration for finding in analysis.findings if finding.code == rule.code}
    assert set(example.finds) | set(example.fixed) <= found, (rule.code, [f.message for f in analysis.findings])
    if not example.after:
        return
    plan = make_plan(analysis)
    names = plan.names("in-place")
    result = {names[key]: (plan.state.contents[key] or b"").decode() for key in plan.state.order}
    for name, expected in example.after.items():
        assert name in result, (rule.code, sorted(result))
        assert _squash(expected) in _squash(result[name]), (rule.code, name, result[name])


def test_every_rule_has_an_example_in_four_parts() -> None:
    for code, rule in transforms.RULES.items():
        doc = rule.doc
        for part in ("What it finds:", "Why it breaks:", "What the fix does:", "Fix safety:", "Example::"):
            assert part in doc, f"{code}: no {part!r}"
        assert rule.summary and rule.severity in ("error", "warning", "note")
