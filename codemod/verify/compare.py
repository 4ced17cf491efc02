"""Compare catalog snapshots: a readable diff, and "what is missing" for the intent check.

``diff_snapshots(a, b)`` lists every difference, one line each, prefixed ``-`` (only in a),
``+`` (only in b) or ``~`` (in both, different). ``missing_objects(intended, actual)`` lists
the tables, columns, enum types and values, indexes and constraints (foreign keys included)
of ``intended`` that ``actual`` lacks, by name; differences of definition are not "missing".
"""

from __future__ import annotations

from dataclasses import dataclass

from codemod.verify.introspect import Snapshot


@dataclass(frozen=True)
class MissingObject:
    kind: str  # table | column | enum | enum value | index | constraint kinds (foreign key, ...)
    name: str

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "name": self.name}


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
            if name not in present:
                missing.append(MissingObject(constraint.kind, f"{table}.{name}"))
    return missing


def diff_snapshots(a: Snapshot, b: Snapshot) -> list[str]:
    """Every difference between ``a`` and ``b``, readable, in a stable order."""
    lines: list[str] = []
    for table in sorted(set(a.tables) | set(b.tables)):
        if table not in b.tables:
            lines.append(f"- table {table}")
            continue
        if table not in a.tables:
            lines.append(f"+ table {table}")
            continue
        left, right = a.tables[table], b.tables[table]
        for column in sorted(set(left) | set(right)):
            if column not in right:
                lines.append(f"- column {table}.{column} {left[column].describe()}")
            elif column not in left:
                lines.append(f"+ column {table}.{column} {right[column].describe()}")
            elif left[column] != right[column]:
                lines.append(f"~ column {table}.{column}: {left[column].describe()} → {right[column].describe()}")
    for view in sorted(a.views - b.views):
        lines.append(f"- view {view}")
    for view in sorted(b.views - a.views):
        lines.append(f"+ view {view}")
    for enum in sorted(set(a.enums) | set(b.enums)):
        if enum not in b.enums:
            lines.append(f"- enum {enum} ({', '.join(a.enums[enum])})")
        elif enum not in a.enums:
            lines.append(f"+ enum {enum} ({', '.join(b.enums[enum])})")
        elif a.enums[enum] != b.enums[enum]:
            lines.append(f"~ enum {enum}: ({', '.join(a.enums[enum])}) → ({', '.join(b.enums[enum])})")
    for index in sorted(set(a.indexes) | set(b.indexes)):
        if index not in b.indexes:
            lines.append(f"- index {index}: {a.indexes[index].definition}")
        elif index not in a.indexes:
            lines.append(f"+ index {index}: {b.indexes[index].definition}")
        elif a.indexes[index] != b.indexes[index]:
            lines.append(f"~ index {index}: {a.indexes[index].definition} → {b.indexes[index].definition}")
    for table in sorted(set(a.constraints) | set(b.constraints)):
        cleft, cright = a.constraints.get(table, {}), b.constraints.get(table, {})
        for name in sorted(set(cleft) | set(cright)):
            if name not in cright:
                lines.append(f"- {cleft[name].kind} {table}.{name}: {cleft[name].definition}")
            elif name not in cleft:
                lines.append(f"+ {cright[name].kind} {table}.{name}: {cright[name].definition}")
            elif cleft[name] != cright[name]:
                lines.append(
                    f"~ {cleft[name].kind} {table}.{name}: {cleft[name].definition} → {cright[name].definition}"
                )
    return lines
