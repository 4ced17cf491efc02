"""Reconcile an existing definition with a later one, difference by difference (used by duplicate-create).

A later ``CREATE`` of an existing object usually means "it should look like this now". Each
difference is sorted by what applying it risks:

- only in the later definition (a column, a constraint, an enum value): added;
- relaxed by the later one (``DROP NOT NULL``, a default added, changed or dropped, a foreign
  key's ``ON DELETE``/``ON UPDATE`` changed on the same columns): applied, it cannot fail on data;
- only in the existing one: kept (no data is dropped); a ``NOT NULL`` column without a default
  is relaxed to nullable, so inserts written for the later definition still work;
- tightened or retyped by the later one (``SET NOT NULL``, a type change, another check): left
  as it is and reported, applied only with ``--unsafe-fixes`` (it can fail on existing rows).

Not a rule: it has no code of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

from codemod import sqlgen
from codemod.model.schema import ColumnDef, ConstraintDef, TableState, TypeState
from codemod.names import QName, quote_ident, quote_literal


@dataclass
class Delta:
    """Statements that bring the existing object to the later definition, sorted by risk."""

    safe: list[str] = field(default_factory=list)
    unsafe: list[str] = field(default_factory=list)
    done: list[str] = field(default_factory=list)  # what the safe statements do, in words
    left: list[str] = field(default_factory=list)  # what stays as it is unless --unsafe-fixes
    kept: list[str] = field(default_factory=list)  # what only the existing object has, and keeps

    def statements(self, unsafe_fixes: bool) -> list[str]:
        return self.safe + (self.unsafe if unsafe_fixes else [])

    def describe(self, unsafe_fixes: bool) -> str:
        parts = list(self.done)
        if self.left:
            verb = "also applies" if unsafe_fixes else "leaves for a human (--unsafe-fixes applies them)"
            parts.append(f"{verb}: {'; '.join(self.left)}")
        if self.kept:
            parts.append(f"the existing one also has {', '.join(self.kept)}, which stays")
        return "; ".join(parts)


def column_changes(table: QName, existing: ColumnDef, new: ColumnDef, delta: Delta) -> None:
    """ALTER COLUMN actions (without ``ALTER TABLE``) that bring a column to its later definition."""
    column = quote_ident(new.name)
    prefix = f"ALTER TABLE {table} "
    if existing.type_sql.lower() != new.type_sql.lower():
        statement = f"{prefix}ALTER COLUMN {column} TYPE {new.type_sql} USING {column}::{new.type_sql};"
        if widens(existing.type_node, new.type_node):
            delta.safe.append(statement)
            delta.done.append(f"widens {new.name!r} to {new.type_sql}")
        else:
            delta.unsafe.append(statement)
            delta.left.append(f"column {new.name!r} type {existing.type_sql} → {new.type_sql} (existing values must convert)")
    if existing.not_null and not new.not_null:
        delta.safe.append(f"{prefix}ALTER COLUMN {column} DROP NOT NULL;")
        delta.done.append(f"makes {new.name!r} nullable")
    elif new.not_null and not existing.not_null:
        delta.unsafe.append(f"{prefix}ALTER COLUMN {column} SET NOT NULL;")
        delta.left.append(f"column {new.name!r} SET NOT NULL (fails if a row holds NULL)")
    if (existing.default_sql or "") != (new.default_sql or ""):
        if new.default_sql is not None:
            delta.safe.append(f"{prefix}ALTER COLUMN {column} SET DEFAULT {new.default_sql};")
            delta.done.append(f"sets the default of {new.name!r}")
        else:
            delta.safe.append(f"{prefix}ALTER COLUMN {column} DROP DEFAULT;")
            delta.done.append(f"drops the default of {new.name!r}")


_INTEGER_WIDTH = {"SMALLINT": 2, "INT": 4, "BIGINT": 8}
_TEXTUAL = {"VARCHAR", "CHAR", "TEXT"}


def widens(old: object, new: object) -> bool:
    """A type change every existing value survives: a longer varchar, text, a wider integer or numeric."""
    if not isinstance(old, exp.DataType) or not isinstance(new, exp.DataType):
        return False
    before, after = old.this.name, new.this.name
    if before in _INTEGER_WIDTH and after in _INTEGER_WIDTH:
        return _INTEGER_WIDTH[after] >= _INTEGER_WIDTH[before]
    if before in ("VARCHAR", "CHAR") and after == "TEXT":
        return True
    if before == after == "VARCHAR":
        old_size, new_size = _sizes(old), _sizes(new)
        return not new_size or (bool(old_size) and new_size[0] >= old_size[0])
    if before == after == "DECIMAL":
        old_size, new_size = _sizes(old), _sizes(new)
        if not new_size:
            return True
        if len(old_size) == 2 and len(new_size) == 2:
            return new_size[1] >= old_size[1] and new_size[0] - new_size[1] >= old_size[0] - old_size[1]
    return False


def _sizes(data_type: exp.DataType) -> list[int]:
    sizes = []
    for parameter in data_type.expressions:
        literal = parameter.this if isinstance(parameter, exp.DataTypeParam) else parameter
        if isinstance(literal, exp.Literal) and literal.this.isdigit():
            sizes.append(int(literal.this))
    return sizes


def table_delta(
    existing: TableState, new: TableState, written: dict[str, str], newline: str, written_constraints: dict[str, str] | None = None
) -> Delta | str:
    """The delta, or why the two cannot be compared."""
    if existing.columns is None or new.columns is None:
        return "one of them is not a plain column list"
    delta = Delta()
    added = [column for name, column in new.columns.items() if name not in existing.columns]
    for column in added:
        delta.safe.append(f"ALTER TABLE {new.name} ADD COLUMN IF NOT EXISTS {written.get(column.name, column.sql)};")
    if added:
        delta.done.append("adds " + ", ".join(repr(column.name) for column in added))
    for name, column in new.columns.items():
        if name in existing.columns:
            column_changes(new.name, existing.columns[name], column, delta)
    key_columns = {c for constraint in existing.constraints.values() if constraint.kind == "p" for c in constraint.columns}
    for name, column in existing.columns.items():
        if name in new.columns:
            continue
        delta.kept.append(f"column {name!r}")
        if column.not_null and column.default_node is None and name not in key_columns:
            delta.safe.append(f"ALTER TABLE {new.name} ALTER COLUMN {quote_ident(name)} DROP NOT NULL;")
            delta.done.append(f"makes {name!r} nullable (the later definition has no such column)")
        delta.unsafe.append(f"ALTER TABLE {new.name} DROP COLUMN {quote_ident(name)};")
        delta.left.append(f"drop column {name!r} (its data goes)")
    _constraint_delta(existing, new, delta, newline, written_constraints or {})
    return delta


def _constraint_delta(existing: TableState, new: TableState, delta: Delta, newline: str, written: dict[str, str]) -> None:
    known_signatures = {constraint.signature for constraint in existing.constraints.values()}
    added: list[ConstraintDef] = []
    for key, constraint in new.constraints.items():
        if not constraint.name or constraint.kind not in ("p", "u", "f", "c"):
            continue
        present = existing.constraints.get(key)
        if present is None:
            if constraint.signature not in known_signatures:
                added.append(constraint)
            continue
        if present.signature == constraint.signature:
            continue
        change = constraint_change(new.name, present, constraint, written.get(key))
        if change.safe:
            delta.safe += change.safe
            delta.done += change.done
        delta.unsafe += change.unsafe
        delta.left += change.left
    for constraint in added:
        delta.safe.append(guarded_add_constraint(new.name, constraint, newline, written.get(constraint.name or "")))
    if added:
        delta.done.append("adds constraint " + ", ".join(repr(c.name) for c in added))


def constraint_change(table: QName, existing: ConstraintDef, new: ConstraintDef, written: str | None = None) -> Delta:
    """A named constraint whose definition changed: drop and re-add it (safe for a foreign key's actions)."""
    delta = Delta()
    statements = [f"ALTER TABLE {table} DROP CONSTRAINT {quote_ident(existing.name or '')};", f"ALTER TABLE {table} ADD {written or new.sql};"]
    same_key = (
        existing.kind == new.kind == "f"
        and existing.columns == new.columns
        and existing.references == new.references
        and existing.ref_columns == new.ref_columns
    )
    if same_key and existing.actions != new.actions:
        delta.safe += statements
        delta.done.append(f"changes foreign key {new.name!r} to ON DELETE {new.actions[0]} ON UPDATE {new.actions[1]}")
    else:
        delta.unsafe += statements
        delta.left.append(f"constraint {new.name!r} becomes {new.signature} (was {existing.signature}; existing rows must satisfy it)")
    return delta


def guarded_add_constraint(table: QName, constraint: ConstraintDef, newline: str, written: str | None = None) -> str:
    assert constraint.name
    conditions = [sqlgen.constraint_missing(table, constraint.name)]
    if constraint.kind == "p":
        conditions = [sqlgen.primary_key_missing(table)]
    if constraint.references is not None:
        conditions.insert(0, sqlgen.relation_exists(constraint.references))
    return sqlgen.guarded(f"ALTER TABLE {table} ADD {written or constraint.sql}", conditions, newline)


def enum_delta(existing: TypeState, new: TypeState) -> Delta | str:
    if existing.values is None or new.values is None:
        return "one of them is not an enum"
    shared_new = [value for value in new.values if value in existing.values]
    shared_old = [value for value in existing.values if value in new.values]
    delta = Delta()
    if shared_new != shared_old:  # PostgreSQL cannot reorder the labels of an enum: the order stays
        delta.left.append(f"the values of {new.name} keep their existing order ({', '.join(shared_old)}), not this one ({', '.join(shared_new)})")
    for index, value in enumerate(new.values):
        if value in existing.values:
            continue
        if index > 0:
            position = f" AFTER {quote_literal(new.values[index - 1])}"
        else:
            position = f" BEFORE {quote_literal(existing.values[0])}" if existing.values else ""
        delta.safe.append(f"ALTER TYPE {new.name} ADD VALUE IF NOT EXISTS {quote_literal(value)}{position};")
    added = [value for value in new.values if value not in existing.values]
    if added:
        delta.done.append("adds value " + ", ".join(repr(v) for v in added))
    delta.kept = [f"value {value!r}" for value in existing.values if value not in new.values]
    return delta
