"""The schema state the replay keeps: what exists at a point of the tree, and who created it."""

from __future__ import annotations

from dataclasses import dataclass, field

from codemod.model import Statement
from codemod.names import QName


@dataclass
class ColumnDef:
    """A column as declared; ``signature`` compares definitions, ``sql`` re-declares it."""

    name: str
    type_sql: str
    not_null: bool
    default_sql: str | None
    sql: str
    type_ref: QName | None = None
    created_by: Statement | None = None

    def differences(self, other: ColumnDef) -> list[str]:
        """Human-readable differences that cannot be reconciled by adding things."""
        found = []
        if self.type_sql.lower() != other.type_sql.lower():
            found.append(f"type {self.type_sql} vs {other.type_sql}")
        if self.not_null != other.not_null:
            found.append("NOT NULL vs nullable" if self.not_null else "nullable vs NOT NULL")
        if (self.default_sql or "") != (other.default_sql or ""):
            found.append(f"default {self.default_sql or 'none'} vs {other.default_sql or 'none'}")
        return found


@dataclass
class ConstraintDef:
    """A table constraint; ``kind`` is p(rimary), u(nique), f(oreign), c(heck) or x (other)."""

    name: str | None
    kind: str
    signature: str
    sql: str
    references: QName | None = None
    columns: frozenset[str] = frozenset()
    created_by: Statement | None = None


@dataclass
class TableState:
    name: QName
    columns: dict[str, ColumnDef] | None
    constraints: dict[str, ConstraintDef] = field(default_factory=dict)
    created_by: Statement | None = None


@dataclass
class TypeState:
    name: QName
    values: list[str] | None
    created_by: Statement | None = None


@dataclass
class IndexState:
    name: QName
    table: QName | None
    signature: str | None
    created_by: Statement | None = None
    columns: frozenset[str] = frozenset()


@dataclass
class SchemaState:
    """Live state during the replay; relations share one namespace per schema, as in PostgreSQL."""

    schemas: set[str] = field(default_factory=lambda: {"public"})
    tables: dict[QName, TableState] = field(default_factory=dict)
    views: set[QName] = field(default_factory=set)
    types: dict[QName, TypeState] = field(default_factory=dict)
    indexes: dict[QName, IndexState] = field(default_factory=dict)

    def relation_exists(self, name: QName) -> bool:
        return name in self.tables or name in self.views or name in self.indexes

    def drop_table(self, name: QName) -> None:
        if self.tables.pop(name, None) is not None:
            self._drop_indexes_of(name)

    def drop_view(self, name: QName) -> None:
        """Materialized views carry indexes; they go with the view."""
        if name in self.views:
            self.views.discard(name)
            self._drop_indexes_of(name)

    def drop_column(self, table: TableState, column: str) -> None:
        """PostgreSQL drops the indexes and constraints that use a dropped column."""
        if table.columns is not None:
            table.columns.pop(column, None)
        for name in [key for key, constraint in table.constraints.items() if column in constraint.columns]:
            del table.constraints[name]
        for key in [key for key, index in self.indexes.items() if index.table == table.name and column in index.columns]:
            del self.indexes[key]

    def _drop_indexes_of(self, relation: QName) -> None:
        for index_name in [key for key, index in self.indexes.items() if index.table == relation]:
            del self.indexes[index_name]

    def rename_table(self, old: QName, new: QName) -> None:
        table = self.tables.pop(old)
        table.name = new
        self.tables[new] = table
        for index in self.indexes.values():
            if index.table == old:
                index.table = new
        for other in self.tables.values():
            for constraint in other.constraints.values():
                if constraint.references == old:
                    constraint.references = new
