"""The schema state the replay keeps: what exists at a point of the tree, and who created it."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

from codemod.model import Statement
from codemod.names import QName


def render(node: exp.Expression | None, dialect: str) -> str:
    """SQL for a node, generated only when asked: regeneration is the replay's costliest step."""
    return node.sql(dialect) if node is not None else ""


@dataclass
class ColumnDef:
    """A column as declared; its SQL forms are rendered on demand (for comparisons and rewrites)."""

    name: str
    type_node: exp.Expression | None
    not_null: bool
    default_node: exp.Expression | None
    node: exp.Expression
    dialect: str
    type_ref: QName | None = None
    created_by: Statement | None = None

    @property
    def type_sql(self) -> str:
        return render(self.type_node, self.dialect)

    @property
    def default_sql(self) -> str | None:
        return render(self.default_node, self.dialect) if self.default_node is not None else None

    @property
    def sql(self) -> str:
        return render(self.node, self.dialect)

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
    body: exp.Expression
    node: exp.Expression
    dialect: str
    references: QName | None = None
    columns: frozenset[str] = frozenset()
    created_by: Statement | None = None

    @property
    def signature(self) -> str:
        return render(self.body, self.dialect)

    @property
    def sql(self) -> str:
        return render(self.node, self.dialect)


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
    definition: exp.Create | None  # None for the index behind a PRIMARY KEY or UNIQUE constraint
    dialect: str = "postgres"
    created_by: Statement | None = None
    columns: frozenset[str] = frozenset()

    @property
    def signature(self) -> str | None:
        if self.definition is None:
            return None
        params = self.definition.this.args.get("params") if isinstance(self.definition.this, exp.Index) else None
        unique = "UNIQUE " if self.definition.args.get("unique") else ""
        return f"{unique}{self.table}{render(params, self.dialect)}"


class IndexMap(dict[QName, IndexState]):
    """Indexes by name, also reachable by table: dropping a column must not scan every index."""

    def __init__(self) -> None:
        super().__init__()
        self._by_table: dict[QName | None, set[QName]] = {}

    def __setitem__(self, name: QName, index: IndexState) -> None:
        if name in self:
            self._forget(name)
        super().__setitem__(name, index)
        self._by_table.setdefault(index.table, set()).add(name)

    def __delitem__(self, name: QName) -> None:
        self._forget(name)
        super().__delitem__(name)

    def pop(self, name: QName, default: IndexState | None = None) -> IndexState | None:  # type: ignore[override]
        if name not in self:
            return default
        index = self[name]
        del self[name]
        return index

    def _forget(self, name: QName) -> None:
        self._by_table.get(self[name].table, set()).discard(name)

    def of_table(self, table: QName) -> list[QName]:
        return sorted(self._by_table.get(table, ()))

    def move_table(self, old: QName, new: QName) -> None:
        for name in self.of_table(old):
            index = self.pop(name)
            assert index is not None
            index.table = new
            self[name] = index


@dataclass
class SchemaState:
    """Live state during the replay; relations share one namespace per schema, as in PostgreSQL."""

    schemas: set[str] = field(default_factory=lambda: {"public"})
    tables: dict[QName, TableState] = field(default_factory=dict)
    views: set[QName] = field(default_factory=set)
    types: dict[QName, TypeState] = field(default_factory=dict)
    indexes: IndexMap = field(default_factory=IndexMap)

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
        for key in self.indexes.of_table(table.name):
            if column in self.indexes[key].columns:
                del self.indexes[key]

    def _drop_indexes_of(self, relation: QName) -> None:
        for index_name in self.indexes.of_table(relation):
            del self.indexes[index_name]

    def rename_table(self, old: QName, new: QName) -> None:
        table = self.tables.pop(old)
        table.name = new
        self.tables[new] = table
        self.indexes.move_table(old, new)
        for other in self.tables.values():
            for constraint in other.constraints.values():
                if constraint.references == old:
                    constraint.references = new
