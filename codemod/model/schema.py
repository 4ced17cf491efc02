"""The schema state the replay keeps: what exists at a point of the tree, and who created it.

Every object is a frozen value. The replay never changes an object: it puts a new one in its
place (``replace``), so a finding that keeps the object it saw (``Creation.existing``) keeps
exactly what stood there at that statement, whatever the tree does later.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, cast, overload

from sqlglot import exp

from codemod.model.tree import Statement
from codemod.names import DEFAULT_SCHEMA, QName, identifier_name


def render(node: exp.Expression | None, dialect: str) -> str:
    """SQL for a node, generated only when asked: regeneration is the replay's costliest step."""
    return node.sql(dialect) if node is not None else ""


# One tuple for each step a path can take (``("expressions", 3)``): a large tree's state holds
# hundreds of thousands of paths made of the same few steps, and so does its cache entry.
_STEPS: dict[tuple[str, int | None], tuple[str, int | None]] = {}
NodePath = tuple[tuple[str, int | None], ...]  # (argument, index in it or None) from a root down to a node


def node_path(node: exp.Expression, stop: exp.Expression | None = None) -> tuple[Any, NodePath]:
    """Where a node is: the root of its syntax tree (or ``stop``, an ancestor the walk meets first)
    and the path from there down to it."""
    steps: list[tuple[str, int | None]] = []
    root: Any = node
    while root.parent is not None and root is not stop:
        step = (root.arg_key, root.index)
        steps.append(_STEPS.setdefault(step, step))
        root = root.parent
    steps.reverse()
    return root, tuple(steps)


def follow(root: exp.Expression, path: NodePath) -> exp.Expression:
    """The node a path leads to from a root (the inverse of :func:`node_path`)."""
    node = root
    for key, index in path:
        child = node.args[key]
        node = child[index] if index is not None else child
    return node


class NodeRef:
    """A node of a statement's syntax tree, named by its path from the statement's root.

    The schema state holds these rather than nodes, so a statement's syntax tree can be let go
    once its migration is replayed (a large tree's trees do not fit in memory together), and
    the analysis cache (:mod:`codemod.analysis.cache`) stores them as paths: syntax trees cost
    more to load than to parse, and a run asks for few of them. A node let go is found again
    by parsing its statement again, from its own tokens.
    """

    __slots__ = ("statement", "path", "_node")

    def __init__(self, statement: Statement, path: NodePath, node: exp.Expression | None = None) -> None:
        self.statement = statement
        self.path = path
        self._node = node

    @classmethod
    def to(cls, statement: Statement, node: exp.Expression, under: NodeRef | None = None) -> NodeRef | None:
        """A reference to ``node`` if it is in ``statement``'s syntax tree (None: another tree's);
        ``under``, a reference to one of its ancestors, shortens the walk."""
        top = under._node if under is not None else None
        root, path = node_path(node, top)
        if under is not None and root is top:
            return cls(statement, under.path + path, node)
        if root is not statement._expression:
            return None
        return cls(statement, path, node)

    def let_go(self) -> None:
        """Forget the node (its statement is letting its syntax tree go); :meth:`resolve` finds it again."""
        self._node = None

    def resolve(self) -> exp.Expression:
        if self._node is None:
            root = self.statement.expression
            if root is None:
                raise ValueError(f"{self.statement.migration.name}: a cached node of a statement that no longer parses")
            self._node = follow(root, self.path)
        return self._node

    def __eq__(self, other: object) -> bool:
        return self.resolve() == (other.resolve() if isinstance(other, NodeRef) else other)

    def __hash__(self) -> int:
        return hash(self.resolve())


Node = exp.Expression | NodeRef  # what the state stores: a node, or (from the cache) where to find it


def resolved(node: Node | None) -> exp.Expression | None:
    return node.resolve() if isinstance(node, NodeRef) else node


@dataclass(frozen=True)
class ColumnDef:
    """A column as declared; its SQL forms are rendered on demand (for comparisons and rewrites)."""

    name: str
    type_ast: Node | None
    not_null: bool
    default_ast: Node | None
    column_ast: Node | None
    dialect: str
    type_ref: QName | None = None
    created_by: Statement | None = None

    @property
    def type_node(self) -> exp.Expression | None:
        return resolved(self.type_ast)

    @property
    def default_node(self) -> exp.Expression | None:
        return resolved(self.default_ast)

    @property
    def node(self) -> exp.Expression | None:
        return resolved(self.column_ast)

    @property
    def type_sql(self) -> str:
        return render(self.type_node, self.dialect)

    @property
    def default_sql(self) -> str | None:
        return render(self.default_node, self.dialect) if self.default_ast is not None else None

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


@dataclass(frozen=True)
class ConstraintDef:
    """A table constraint; ``kind`` is p(rimary), u(nique), f(oreign), c(heck) or x (other).

    For a foreign key, ``references`` is the referenced table, ``ref_columns`` its columns and
    ``actions`` the ``ON DELETE`` / ``ON UPDATE`` clauses as written (upper case).
    """

    name: str | None
    kind: str
    body_ast: Node
    constraint_ast: Node
    dialect: str
    references: QName | None = None
    columns: frozenset[str] = frozenset()
    created_by: Statement | None = None
    ref_columns: frozenset[str] = frozenset()
    actions: tuple[str, str] = ("NO ACTION", "NO ACTION")

    @property
    def body(self) -> exp.Expression:
        return self.body_ast.resolve() if isinstance(self.body_ast, NodeRef) else self.body_ast

    @property
    def node(self) -> exp.Expression:
        return self.constraint_ast.resolve() if isinstance(self.constraint_ast, NodeRef) else self.constraint_ast

    @property
    def signature(self) -> str:
        """The definition as comparable text; ``"public"."T"`` and ``"T"`` are the same table."""
        body = self.body
        if any(table.args.get("db") is not None for table in body.find_all(exp.Table)):
            body = body.copy()
            for table in body.find_all(exp.Table):
                if identifier_name(table.args.get("db")) == DEFAULT_SCHEMA:
                    table.set("db", None)
        return render(body, self.dialect)

    @property
    def sql(self) -> str:
        return render(self.node, self.dialect)


@dataclass(frozen=True)
class TableState:
    """A table; ``columns`` is None when they cannot be known (``CREATE TABLE … AS``, ``LIKE``)."""

    name: QName
    columns: Mapping[str, ColumnDef] | None
    constraints: Mapping[str, ConstraintDef] = field(default_factory=dict)
    created_by: Statement | None = None

    def with_column(self, column: ColumnDef) -> TableState:
        if self.columns is None:
            return self
        return replace(self, columns={**self.columns, column.name: column})

    def without_column(self, name: str) -> TableState:
        """PostgreSQL drops the constraints that use a dropped column with it."""
        columns = None if self.columns is None else {k: v for k, v in self.columns.items() if k != name}
        constraints = {k: c for k, c in self.constraints.items() if name not in c.columns}
        return replace(self, columns=columns, constraints=constraints)

    def with_renamed_column(self, old: str, new: str) -> TableState:
        if self.columns is None or old not in self.columns:
            return self
        columns = {(new if k == old else k): (replace(v, name=new) if k == old else v) for k, v in self.columns.items()}
        constraints = {
            k: replace(c, columns=frozenset(new if x == old else x for x in c.columns)) if old in c.columns else c
            for k, c in self.constraints.items()
        }
        return replace(self, columns=columns, constraints=constraints)

    def with_constraint(self, key: str, constraint: ConstraintDef) -> TableState:
        return replace(self, constraints={**self.constraints, key: constraint})

    def without_constraint(self, key: str) -> TableState:
        return replace(self, constraints={k: v for k, v in self.constraints.items() if k != key})

    def with_renamed_constraint(self, old: str, new: str) -> TableState:
        return replace(
            self,
            constraints={(new if k == old else k): (replace(v, name=new) if k == old else v) for k, v in self.constraints.items()},
        )

    @property
    def primary_key(self) -> ConstraintDef | None:
        return next((c for c in self.constraints.values() if c.kind == "p"), None)


@dataclass(frozen=True)
class TypeState:
    """A type; ``values`` are an enum's labels in order (None for other kinds of type)."""

    name: QName
    values: tuple[str, ...] | None
    created_by: Statement | None = None


@dataclass(frozen=True)
class IndexState:
    """An index; ``constraint`` names the PRIMARY KEY / UNIQUE constraint it backs, if any."""

    name: QName
    table: QName | None
    definition_ast: Node | None  # a CREATE INDEX; None for the index behind a PRIMARY KEY or UNIQUE constraint
    dialect: str = "postgres"
    created_by: Statement | None = None
    columns: frozenset[str] = frozenset()
    unique: bool = False
    constraint: str | None = None

    @property
    def definition(self) -> exp.Create | None:
        node = resolved(self.definition_ast)
        assert node is None or isinstance(node, exp.Create)
        return node

    @property
    def signature(self) -> str | None:
        if self.definition is None:
            return None
        params = self.definition.this.args.get("params") if isinstance(self.definition.this, exp.Index) else None
        unique = "UNIQUE " if self.definition.args.get("unique") else ""
        return f"{unique}{self.table}{render(params, self.dialect)}"


@dataclass(frozen=True)
class RelationState:
    """A view, materialized view or sequence: a relation without columns the replay tracks."""

    name: QName
    kind: str
    created_by: Statement | None = None
    owner: tuple[QName, str] | None = None  # the column a SERIAL or identity sequence belongs to
    reads: frozenset[QName] = frozenset()  # a view's tables (what it depends on)
    mentions: frozenset[str] = frozenset()  # column names its query uses
    calls: frozenset[str] = frozenset()  # functions its query calls


@dataclass(frozen=True)
class FunctionState:
    """A function by its identity in PostgreSQL: name and argument types; and what it returns."""

    name: QName
    arguments: tuple[str, ...]
    returns: str
    created_by: Statement | None = None
    input_names: tuple[str, ...] = ()  # "" for an unnamed argument; OR REPLACE may not rename one

    @property
    def signature(self) -> str:
        return f"{self.name}({', '.join(self.arguments)})"


@dataclass(frozen=True)
class TriggerState:
    name: str
    table: QName
    created_by: Statement | None = None
    function: QName | None = None


# Types that extensions bring, and the extension that brings each.
EXTENSION_TYPES: dict[str, str] = {
    "citext": "citext", "vector": "vector", "halfvec": "vector", "sparsevec": "vector", "geometry": "postgis",
    "geography": "postgis", "box2d": "postgis", "box3d": "postgis", "raster": "postgis_raster", "hstore": "hstore",
    "ltree": "ltree", "lquery": "ltree", "ltxtquery": "ltree", "cube": "cube", "earth": "earthdistance",
    "isbn": "isn", "isbn13": "isn", "ismn": "isn", "issn": "isn", "ean13": "isn", "upc": "isn", "seg": "seg",
}

SchemaObject = ColumnDef | ConstraintDef | TableState | TypeState | IndexState | RelationState | FunctionState | TriggerState


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

    def __reduce__(self) -> tuple:
        """Pickled as its entries (the cache of :mod:`codemod.analysis.cache`); the by-table sets are rebuilt."""
        return (_index_map, (list(self.items()),))

    def of_table(self, table: QName) -> list[QName]:
        return sorted(self._by_table.get(table, ()))

    def move_table(self, old: QName, new: QName) -> None:
        for name in self.of_table(old):
            index = self[name]
            self[name] = replace(index, table=new)


def _index_map(items: list[tuple[QName, IndexState]]) -> IndexMap:
    indexes = IndexMap()
    for name, index in items:
        indexes[name] = index
    return indexes


_MISSING = object()


class RelationMap(dict[QName, RelationState]):
    """Views, materialized views and sequences by name; the sequences a table owns, and the views
    that read a table, are also reachable by that table, so dropping a column must not scan every
    relation."""

    def __init__(self, relations: dict[QName, RelationState] | None = None) -> None:
        super().__init__()
        self._owned: dict[QName, set[QName]] = {}
        self._readers: dict[QName, set[QName]] = {}
        self._added: dict[QName, int] = {}  # when each name entered the map: its place in the dict's order
        self._count = 0
        for name, relation in (relations or {}).items():
            self[name] = relation

    def __setitem__(self, name: QName, relation: RelationState) -> None:
        if name in self:
            self._forget(name)
        else:
            self._count += 1
            self._added[name] = self._count
        super().__setitem__(name, relation)
        if relation.owner is not None:
            self._owned.setdefault(relation.owner[0], set()).add(name)
        for table in relation.reads:
            self._readers.setdefault(table, set()).add(name)

    def __delitem__(self, name: QName) -> None:
        self._forget(name)
        del self._added[name]
        super().__delitem__(name)

    @overload  # type: ignore[override]
    def pop(self, name: QName) -> RelationState: ...

    @overload
    def pop(self, name: QName, default: RelationState | None) -> RelationState | None: ...

    def pop(self, name: QName, default: object = _MISSING) -> RelationState | None:
        if name not in self:
            if default is _MISSING:
                raise KeyError(name)
            return default  # type: ignore[return-value]
        relation = self[name]
        del self[name]
        return relation

    def _forget(self, name: QName) -> None:
        relation = self[name]
        if relation.owner is not None:
            self._owned.get(relation.owner[0], set()).discard(name)
        for table in relation.reads:
            self._readers.get(table, set()).discard(name)

    def __reduce__(self) -> tuple:
        """Pickled as its entries (the cache of :mod:`codemod.analysis.cache`); the owner sets are rebuilt."""
        return (RelationMap, (dict(self),))

    def owned_by(self, table: QName) -> list[QName]:
        """The relations (sequences) owned by a column of ``table`` (callers delete or replace them in
        place, so the order does not matter)."""
        return list(self._owned.get(table, ()))

    def readers(self, table: QName) -> list[RelationState]:
        """The relations (views) that read ``table``, in the map's order."""
        names = self._readers.get(table)
        return [self[name] for name in sorted(names, key=self._added.__getitem__)] if names else []


@dataclass
class SchemaState:
    """The live state during the replay: containers of frozen values.

    Relations (tables, views, materialized views, sequences, indexes) share one namespace per
    schema, as in PostgreSQL; types, functions and triggers have their own.
    """

    schemas: set[str] = field(default_factory=lambda: {"public"})
    tables: dict[QName, TableState] = field(default_factory=dict)
    relations: dict[QName, RelationState] = field(default_factory=RelationMap)  # a RelationMap
    types: dict[QName, TypeState] = field(default_factory=dict)
    indexes: IndexMap = field(default_factory=IndexMap)
    functions: dict[tuple[QName, tuple[str, ...]], FunctionState] = field(default_factory=dict)
    triggers: dict[tuple[QName, str], TriggerState] = field(default_factory=dict)
    extensions: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        if not isinstance(self.relations, RelationMap):  # a copy made with dict(...)
            self.relations = RelationMap(self.relations)

    @property
    def _relations(self) -> RelationMap:
        return cast(RelationMap, self.relations)  # made one by __post_init__

    @property
    def views(self) -> set[QName]:
        return {name for name, relation in self.relations.items() if relation.kind != "sequence"}

    def relation_kind(self, name: QName) -> str | None:
        """What holds this name in the relation namespace: table, view, sequence, index, or None."""
        if name in self.tables:
            return "table"
        relation = self.relations.get(name)
        if relation is not None:
            return relation.kind
        if name in self.indexes:
            return "index"
        return None

    def relation_object(self, name: QName) -> SchemaObject | None:
        return self.tables.get(name) or self.relations.get(name) or self.indexes.get(name)

    def drop_table(self, name: QName) -> None:
        if self.tables.pop(name, None) is not None:
            self._drop_dependents_of(name)

    def drop_relation(self, name: QName) -> None:
        """Views, materialized views and sequences; a materialized view's indexes go with it."""
        if self.relations.pop(name, None) is not None:
            self._drop_dependents_of(name)

    def drop_column(self, table: TableState, column: str) -> None:
        """PostgreSQL drops the indexes, constraints and owned sequences that use a dropped column."""
        self.tables[table.name] = table.without_column(column)
        for key in self.indexes.of_table(table.name):
            if column in self.indexes[key].columns:
                del self.indexes[key]
        for key in [key for key in self._relations.owned_by(table.name) if self.relations[key].owner == (table.name, column)]:
            del self.relations[key]

    def _drop_dependents_of(self, relation: QName) -> None:
        for index_name in self.indexes.of_table(relation):
            del self.indexes[index_name]
        for key in self._relations.owned_by(relation):
            del self.relations[key]
        for trigger in [key for key in self.triggers if key[0] == relation]:
            del self.triggers[trigger]

    def rename_table(self, old: QName, new: QName) -> None:
        table = self.tables.pop(old)
        self.tables[new] = replace(table, name=new)
        self.indexes.move_table(old, new)
        for key in self._relations.owned_by(old):
            relation = self.relations[key]
            self.relations[key] = replace(relation, owner=(new, relation.owner[1]))  # type: ignore[index]
        for trigger_key in [key for key in self.triggers if key[0] == old]:
            trigger = self.triggers.pop(trigger_key)
            self.triggers[(new, trigger_key[1])] = replace(trigger, table=new)
        for name, other in list(self.tables.items()):
            if any(c.references == old for c in other.constraints.values()):
                constraints = {k: replace(c, references=new) if c.references == old else c for k, c in other.constraints.items()}
                self.tables[name] = replace(other, constraints=constraints)

    def views_on(self, table: QName, column: str | None = None) -> list[RelationState]:
        """Views that read a table (and name the column, when one is given), in creation order."""
        found = [r for r in self._relations.readers(table) if column is None or column in r.mentions]
        return sorted(found, key=lambda r: (r.created_by.migration.position, r.created_by.index) if r.created_by else (0, 0))

    def views_calling(self, function: str) -> list[RelationState]:
        return [r for r in self.relations.values() if function in r.calls]

    def referencing(self, table: QName) -> Iterator[tuple[TableState, ConstraintDef]]:
        """Foreign keys of other tables that point at ``table``."""
        for other in self.tables.values():
            if other.name == table:
                continue
            for constraint in other.constraints.values():
                if constraint.kind == "f" and constraint.references == table:
                    yield other, constraint
