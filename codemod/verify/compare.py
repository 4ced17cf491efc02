"""Compare catalog snapshots: a readable diff, and "what is missing" for the intent check.

``diff_snapshots(a, b)`` lists every difference, one line each, prefixed ``-`` (only in a),
``+`` (only in b) or ``~`` (in both, different). ``missing_objects(intended, actual)`` lists
the tables, columns, enum types and values, indexes and constraints (foreign keys included)
of ``intended`` that ``actual`` lacks, by name; differences of definition are not "missing", and
a constraint of the same kind and definition on the same table under a new name is not either.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from codemod.verify.introspect import Constraint, Snapshot


@dataclass(frozen=True)
class MissingObject:
    kind: str  # table | column | enum | enum value | index | constraint kinds (foreign key, ...)
    name: str

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "name": self.name}


T = TypeVar("T")


def missing_objects(intended: Snapshot, actual: Snapshot) -> list[MissingObject]:
    missing: list[MissingObject] = []
    for table, columns in sorted(intended.tables.items()):
        if table not in actual.tables:
            missing.append(MissingObject("table", table))
            continue
        for column in sorted(columns):
            if column not in actual.tables[table]:
                missing.append(MissingObject("column", f"{table}.{column}"))
    for view in sorted(intended.views - actual.views):
        missing.append(MissingObject("view", view))
    for enum, values in sorted(intended.enums.items()):
        if enum not in actual.enums:
            missing.append(MissingObject("enum", enum))
            continue
        for value in values:
            if value not in actual.enums[enum]:
                missing.append(MissingObject("enum value", f"{enum}.{value}"))
    for name in sorted(set(intended.indexes) - set(actual.indexes)):
        missing.append(MissingObject("index", name))
    for table, constraints in sorted(intended.constraints.items()):
        present = actual.constraints.get(table, {})
        for name, constraint in sorted(constraints.items()):
            if name not in present and not _renamed(name, constraint, constraints, present):
                missing.append(MissingObject(constraint.kind, f"{table}.{name}"))
    return missing


def _renamed(name: str, constraint: Constraint, intended: Mapping[str, Constraint], present: Mapping[str, Constraint]) -> bool:
    """The same constraint (kind and definition) on the same table under a name the intent does not use.

    A renamed table keeps its constraints' names, so re-creating the table under the old name
    needs them: the repair renames the old ones (``ALTER INDEX … RENAME``), and the constraint is
    still there.
    """
    return any(
        other_name not in intended and other.kind == constraint.kind and other.definition == constraint.definition
        for other_name, other in present.items()
    )


def _diff_named(
    lines: list[str],
    left: Mapping[str, T],
    right: Mapping[str, T],
    head: Callable[[str, T], str],
    show: Callable[[T], str],
    gap: str = ": ",
) -> None:
    """``-`` for what only ``left`` has, ``+`` for what only ``right`` has, ``~`` for what differs."""
    for name in sorted(set(left) | set(right)):
        if name not in right:
            lines.append(f"- {head(name, left[name])}{gap}{show(left[name])}")
        elif name not in left:
            lines.append(f"+ {head(name, right[name])}{gap}{show(right[name])}")
        elif left[name] != right[name]:
            lines.append(f"~ {head(name, left[name])}: {show(left[name])} → {show(right[name])}")


def _column_head(table: str, name: str, _column: object) -> str:
    return f"column {table}.{name}"


def _constraint_head(table: str, name: str, constraint: Constraint) -> str:
    return f"{constraint.kind} {table}.{name}"


def diff_snapshots(a: Snapshot, b: Snapshot) -> list[str]:
    """Every difference between ``a`` and ``b``, readable, in a stable order."""
    lines: list[str] = []
    for table in sorted(set(a.tables) | set(b.tables)):
        if table not in b.tables:
            lines.append(f"- table {table}")
        elif table not in a.tables:
            lines.append(f"+ table {table}")
        else:
            _diff_named(
                lines, a.tables[table], b.tables[table], partial(_column_head, table), lambda c: c.describe(), " "
            )
    lines += [f"- view {view}" for view in sorted(a.views - b.views)]
    lines += [f"+ view {view}" for view in sorted(b.views - a.views)]
    _diff_named(lines, a.enums, b.enums, lambda name, _: f"enum {name}", lambda values: f"({', '.join(values)})", " ")
    _diff_named(lines, a.indexes, b.indexes, lambda name, _: f"index {name}", lambda index: index.definition)
    for table in sorted(set(a.constraints) | set(b.constraints)):
        _diff_named(
            lines,
            a.constraints.get(table, {}),
            b.constraints.get(table, {}),
            partial(_constraint_head, table),
            lambda constraint: constraint.definition,
        )
    return lines
