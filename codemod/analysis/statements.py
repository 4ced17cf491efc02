"""How each kind of statement changes the schema state, and what PostgreSQL checks first.

A mixin of :class:`codemod.analysis.replay._Replayer`: the replay drives, these handlers read one
statement each (a sqlglot expression, or an opaque command read from tokens), record what it
needs (``require``) and creates (``creating``), report predicted failures (``fail``), and put new
frozen values into the state. Messages follow PostgreSQL's own wording.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import TYPE_CHECKING, Any, overload

from sqlglot import exp
from sqlglot.tokens import Token

from codemod.analysis import opaque
from codemod.model.schema import (
    ColumnDef,
    ConstraintDef,
    FunctionState,
    IndexState,
    Node,
    NodeRef,
    RelationState,
    SchemaState,
    TableState,
    TriggerState,
    TypeState,
)
from codemod.model.tree import Statement
from codemod.names import DEFAULT_SCHEMA, QName, identifier_name, object_name, table_qname, truncate, written_name

DEFAULT_PATH = (DEFAULT_SCHEMA,)

_SERIAL_TYPES = {exp.DataType.Type.SERIAL, exp.DataType.Type.BIGSERIAL, exp.DataType.Type.SMALLSERIAL}

if TYPE_CHECKING:
    from codemod.analysis.replay import Creation, Requirement, StatementReport  # noqa: F401

# Views and materialized views may stand where a statement reads a table.
_READABLE = ("table", "view", "materialized view")


def pg_name(name: QName) -> str:
    """A name as PostgreSQL prints it in messages."""
    return name.name if name.schema == "public" else f"{name.schema}.{name.name}"


class StatementHandlers:
    state: SchemaState
    dialect_name: str
    postgres: bool
    checks_reference_targets: bool
    statements_in_migration: int

    # provided by the replay
    def current(self) -> StatementReport: ...  # type: ignore[empty-body]
    labels_added_here: dict[tuple[QName, str], Statement]

    def fail(self, sqlstate: str, message: str, rule: str, subject: Any = None, detail: str = "", dependents: tuple[str, ...] = (), origins: tuple = ()) -> None: ...
    def require(self, kind, name, present=None, detail=None, message=None, sqlstate=None) -> bool: ...  # type: ignore[no-untyped-def, empty-body]
    def creating(self, kind, key, label, new, existing, if_not_exists, written=None, sqlstate=None, message=None) -> bool: ...  # type: ignore[no-untyped-def, empty-body]

    def statement(self):  # type: ignore[no-untyped-def]
        return self.current().statement

    # references into the syntax trees of the migration being replayed (let go after it: see replay)
    refs_here: list[NodeRef]
    let_go: bool

    @overload
    def held(self, node: exp.Expression, under: Node | None = None) -> Node: ...
    @overload
    def held(self, node: exp.Expression | None, under: Node | None = None) -> Node | None: ...

    def held(self, node: exp.Expression | None, under: Node | None = None) -> Node | None:
        """What the state keeps of a node of the current statement: a reference by path, so the
        statement's syntax tree can be let go after its migration (other trees' nodes as they are).
        ``under``: what the state keeps of an ancestor of ``node`` (a shorter walk)."""
        if node is None or not self.let_go:
            return node
        ref = NodeRef.to(self.statement(), node, under if isinstance(under, NodeRef) else None)
        if ref is None:
            return node
        self.refs_here.append(ref)
        return ref

    # ── names through the search path ────────────────────────────────────────────────────
    path: tuple[str, ...] = DEFAULT_PATH
    session_path: tuple[str, ...] = DEFAULT_PATH

    def q(self, node: exp.Expression | None) -> QName | None:
        return self.resolved(table_qname(node))

    def resolved(self, name: QName | None) -> QName | None:
        """An unqualified name (read as ``public``) in the schemas of ``search_path``, as PostgreSQL
        finds it: the first schema that has an object of that name, else the first schema."""
        if name is None or self.path == DEFAULT_PATH or name.schema != DEFAULT_SCHEMA:
            return name
        for schema in self.path:
            candidate = QName(schema, name.name)
            if self.state.relation_kind(candidate) is not None or candidate in self.state.types or any(key[0] == candidate for key in self.state.functions):
                return candidate
        return QName(self.path[0], name.name)

    def set_search_path(self, schemas: tuple[str, ...] | None, local: bool) -> None:
        path = tuple(s for s in (schemas if schemas is not None else DEFAULT_PATH) if s in self.state.schemas or s == DEFAULT_SCHEMA) or DEFAULT_PATH
        self.path = path
        if not local:
            self.session_path = path

    # ── dispatch ─────────────────────────────────────────────────────────────────────────
    def expression(self, node: exp.Expression, tokens: list[Token]) -> None:
        if isinstance(node, exp.Create):
            self._create(node, tokens)
        elif isinstance(node, exp.Alter):
            self._alter(node)
        elif isinstance(node, exp.Drop):
            self._drop(node)
        elif isinstance(node, (exp.Insert, exp.Update, exp.Delete)):
            self._dml(node)
        elif isinstance(node, exp.Select) and isinstance(node.args.get("into"), exp.Into):
            self._select_into(node)
        elif isinstance(node, exp.Comment):
            self._comment(node)
        elif isinstance(node, exp.Set):
            for item in node.expressions:
                assignment = item.this if isinstance(item, exp.SetItem) else None
                if isinstance(assignment, exp.EQ) and isinstance(assignment.this, exp.Column) and assignment.this.name.lower() == "search_path":
                    values = assignment.expression.expressions if isinstance(assignment.expression, exp.Tuple) else [assignment.expression]
                    schemas = tuple(identifier_name(v) or "" for v in values)
                    self.set_search_path(schemas, (item.args.get("kind") or "").upper() == "LOCAL")

    def command(self, command: opaque.Command) -> None:
        if isinstance(command, opaque.SetSearchPath):
            self.set_search_path(command.schemas, command.local)
            return
        if self.path != DEFAULT_PATH:  # names read from tokens resolve through the search path too
            command = replace(command, **{f.name: self.resolved(getattr(command, f.name)) for f in fields(command) if isinstance(getattr(command, f.name), QName)})  # type: ignore[arg-type]
        if isinstance(command, opaque.AddEnumValue):
            self._add_enum_value(command)
        elif isinstance(command, opaque.RenameType):
            self._rename_type(command)
        elif isinstance(command, opaque.RenameEnumValue):
            self._rename_enum_value(command)
        elif isinstance(command, opaque.RenameConstraint):
            self._rename_constraint(command)
        elif isinstance(command, opaque.CreateFunction):
            self._create_function(command)
        elif isinstance(command, opaque.CreateExtension):
            if command.name in self.state.extensions and not command.if_not_exists:
                self.fail("42710", f'extension "{command.name}" already exists', "duplicate-create")
            self.state.extensions.add(command.name)
        elif isinstance(command, opaque.CreateTableOpaque):
            existing = self.state.relation_object(command.name)
            new = TableState(command.name, None, {}, self.statement())
            if existing is not None and command.if_not_exists:
                return
            message = f'relation "{pg_name(command.name)}" already exists'
            if self.creating("table", command.name, f"table {command.name}", new, existing, False, None, "42P07", message):
                self.state.tables[command.name] = new
        elif isinstance(command, opaque.CreateViewOpaque):
            self._create_view_named(command.name, "materialized view" if command.materialized else "view", command.or_replace, command.if_not_exists)
        elif isinstance(command, opaque.ConstraintUsingIndex):
            self._constraint_using_index(command)
        elif isinstance(command, opaque.TouchTable):
            if self.require("relation", command.table) and command.constraint is not None:
                self.require("constraint", command.table, detail=command.constraint)

    # ── CREATE ───────────────────────────────────────────────────────────────────────────
    def _create(self, node: exp.Create, tokens: list[Token]) -> None:
        kind = (node.args.get("kind") or "").upper()
        if_not_exists = bool(node.args.get("exists"))
        if kind == "TABLE":
            self._create_table(node, if_not_exists)
        elif kind == "TYPE":
            self._create_type(node)
        elif kind == "INDEX":
            self._create_index(node, if_not_exists)
        elif kind == "SCHEMA":
            target = node.this
            schema = identifier_name(target.args.get("db")) if isinstance(target, exp.Table) else None
            if schema:
                if schema in self.state.schemas and not if_not_exists:
                    self.fail("42P06", f'schema "{schema}" already exists', "duplicate-create")
                self.state.schemas.add(schema)
        elif kind in ("VIEW", "MATERIALIZED VIEW"):
            self._create_view(node, if_not_exists)
        elif kind == "SEQUENCE":
            self._create_relation(node, "sequence", if_not_exists)
        elif kind in ("FUNCTION", "PROCEDURE"):
            command = opaque.read_command(tokens)
            if isinstance(command, opaque.CreateFunction):
                self._create_function(command)
        elif kind == "TRIGGER":
            self._create_trigger(node)

    def _create_table(self, node: exp.Create, if_not_exists: bool) -> None:
        target = node.this
        schema_node = target if isinstance(target, exp.Schema) else None
        table_node = schema_node.this if schema_node else target
        name = self.q(table_node)
        if name is None:
            return
        if name.schema != "public":
            self.require("schema", QName(name.schema, name.schema), present=name.schema in self.state.schemas)
        existing_kind = self.state.relation_kind(name)
        if existing_kind is not None and if_not_exists:
            skipped = TableState(name, self._skipped_columns(schema_node), {}, self.statement())
            self.creating("table", name, f"table {name}", skipped, self.state.relation_object(name), True)
            return
        columns: dict[str, ColumnDef] | None = {} if schema_node is not None else None
        constraints: dict[str, ConstraintDef] = {}
        for item in schema_node.expressions if schema_node is not None else []:
            if isinstance(item, exp.ColumnDef):
                column = self.column_def(item)
                if columns is not None:
                    if column.name in columns:
                        self.fail("42701", f'column "{column.name}" specified more than once', "duplicate-create")
                    columns[column.name] = column
                for constraint in self._inline_constraints(item, name, column.name):
                    constraints[constraint.name or f"#{len(constraints)}"] = constraint
            elif isinstance(item, exp.LikeProperty):
                self.require("relation", self.q(item.this))
                columns = None
            else:
                defined = self.constraint_def(item, name)
                if defined is not None:
                    constraints[defined.name or f"#{len(constraints)}"] = defined
        properties = node.args.get("properties")
        if properties is not None and any(isinstance(p, exp.PartitionedOfProperty) for p in properties.expressions):
            columns = None
        if node.expression is not None:  # CREATE TABLE … AS
            columns = None
        if existing_kind is None and self.postgres:  # elsewhere constraint indexes have no names of their own
            for constraint in constraints.values():
                index_name = QName(name.schema, constraint.name or "")
                holder = self.state.relation_object(index_name) if constraint.kind in ("p", "u") and constraint.name else None
                if holder is not None:
                    wanted = IndexState(index_name, name, None, self.dialect_name, self.statement(), constraint.columns, True, constraint.name)
                    self.fail("42P07", f'relation "{pg_name(index_name)}" already exists', "duplicate-create",
                              _creation("index", index_name, f"index {index_name}", wanted, holder, False),
                              detail="a constraint's index takes the constraint's name, and another relation holds it")
        for constraint in constraints.values():
            if constraint.kind == "f" and constraint.references is not None and constraint.references != name and self.checks_reference_targets:
                if self.require("table", constraint.references):
                    self._require_referenced_columns(constraint)
            if columns is not None and constraint.kind in ("p", "u", "f") and self.postgres:
                for column_name in sorted(constraint.columns - set(columns)):
                    self.fail("42703", f'column "{column_name}" named in key does not exist', "missing",
                              _requirement("column", name, False, column_name))
        new = TableState(name, columns, constraints, self.statement())
        existing = self.state.relation_object(name)
        label = f"table {name}" if existing_kind in (None, "table") else f"relation {name}"
        message = f'relation "{pg_name(name)}" already exists'
        if self.creating("table", name, label, new, existing, if_not_exists, written_name(table_node), "42P07", message):
            self.state.tables[name] = new
            self._constraint_indexes(name, constraints.values())
            for column in (columns or {}).values():
                self._owned_sequence(name, column)
        elif isinstance(existing, TableState) and not if_not_exists and existing.columns is not None and columns:
            # keep the author's intent: what the later definition adds lands (the fix makes it so)
            merged = existing
            for column in columns.values():
                if column.name not in merged.columns:  # type: ignore[operator]
                    merged = merged.with_column(column)
            for key, constraint in constraints.items():
                if key not in merged.constraints:
                    merged = merged.with_constraint(key, constraint)
            self.state.tables[name] = merged

    def _constraint_indexes(self, table: QName, constraints) -> None:  # type: ignore[no-untyped-def]
        for constraint in constraints:
            if constraint.kind in ("p", "u") and constraint.name:
                index_name = QName(table.schema, constraint.name)
                if index_name not in self.state.indexes and self.state.relation_kind(index_name) is None:
                    self.state.indexes[index_name] = IndexState(
                        index_name, table, None, self.dialect_name, self.statement(), constraint.columns, True, constraint.name
                    )

    def _owned_sequence(self, table: QName, column: ColumnDef) -> None:
        """SERIAL and identity columns own a sequence named like ``table_column_seq``."""
        node, type_node = column.node, column.type_node
        serial = isinstance(type_node, exp.DataType) and type_node.this in _SERIAL_TYPES
        identity = False
        for constraint in (node.args.get("constraints") or ()) if node is not None else ():
            if isinstance(constraint.args.get("kind"), exp.GeneratedAsIdentityColumnConstraint):
                identity = True
                break
        if serial or identity:
            name = QName(table.schema, object_name(table.name, column.name, "seq"))
            if self.state.relation_kind(name) is None:
                self.state.relations[name] = RelationState(name, "sequence", self.statement(), (table, column.name))

    def _inline_constraints(self, column: exp.ColumnDef, table: QName, column_name: str) -> list[ConstraintDef]:
        """PRIMARY KEY, UNIQUE and REFERENCES written on a column, as the table constraints they are."""
        found = []
        for constraint in column.args.get("constraints") or []:
            kind = constraint.args.get("kind")
            name = identifier_name(constraint.this) if isinstance(constraint, exp.ColumnConstraint) and constraint.this else None
            if isinstance(kind, exp.PrimaryKeyColumnConstraint):
                found.append(ConstraintDef(name or object_name(table.name, None, "pkey"), "p", self.held(kind), self.held(constraint), self.dialect_name, None, frozenset({column_name}), self.statement()))
            elif isinstance(kind, exp.UniqueColumnConstraint):
                found.append(ConstraintDef(name or object_name(table.name, column_name, "key"), "u", self.held(kind), self.held(constraint), self.dialect_name, None, frozenset({column_name}), self.statement()))
            elif isinstance(kind, exp.Reference):
                target = self.resolved(_reference_table(kind))
                found.append(ConstraintDef(
                    name or object_name(table.name, column_name, "fkey"), "f", self.held(kind), self.held(constraint), self.dialect_name, target,
                    frozenset({column_name}), self.statement(), _reference_columns(kind), _actions(kind),
                ))
        return found

    def _skipped_columns(self, schema_node: exp.Schema | None) -> dict[str, ColumnDef] | None:
        """The columns of a definition PostgreSQL skips (IF NOT EXISTS of an existing table): read
        for the rules to compare, never checked (PostgreSQL checks nothing of it)."""
        if schema_node is None:
            return None
        report = self.current()
        failures, requirements = list(report.failures), list(report.requirements)
        try:
            columns = [self.column_def(item) for item in schema_node.expressions if isinstance(item, exp.ColumnDef)]
        finally:
            report.failures[:] = failures
            report.requirements[:] = requirements
        return {column.name: column for column in columns}

    def column_def(self, node: exp.ColumnDef) -> ColumnDef:
        name = identifier_name(node.this) or ""
        data_type = node.args.get("kind")
        type_node = data_type if isinstance(data_type, exp.DataType) else None
        not_null = False
        default_node = None
        for constraint in node.args.get("constraints") or []:
            kind = constraint.args.get("kind")
            if isinstance(kind, exp.NotNullColumnConstraint) and not kind.args.get("allow_null"):
                not_null = True
            elif isinstance(kind, exp.PrimaryKeyColumnConstraint):
                not_null = True
            elif isinstance(kind, exp.DefaultColumnConstraint):
                default_node = kind.this
        type_ref = self.resolved(user_type(data_type))
        if type_ref is not None:
            self.require("type", type_ref)
            self._new_label_in_use(type_ref, default_node)
        held = self.held(node)
        return ColumnDef(
            name, self.held(type_node, held), not_null, self.held(default_node, held), held, self.dialect_name, type_ref, self.statement()
        )

    def _new_label_in_use(self, type_name: QName, value: exp.Expression | None) -> None:
        """A string used as a value of an enum must be one of its labels (22P02), and a label added
        by this migration's transaction cannot be used in it yet (55P04)."""
        while isinstance(value, (exp.Cast, exp.Paren)):
            value = value.this
        if not isinstance(value, exp.Literal) or not value.is_string or value.this.startswith("{"):
            return  # '{"A","B"}' is an array's input, for a column of the enum's array type
        enum = self.state.types.get(type_name)
        if enum is not None and enum.values is not None and value.this not in enum.values:
            self.require("label", type_name, present=False, detail=value.this, sqlstate="22P02",
                         message=f'invalid input value for enum {pg_name(type_name)}: "{value.this}"')
            return
        if not self.labels_added_here:
            return
        origin = self.labels_added_here.get((type_name, value.this))
        if origin is not None:
            self.fail(
                "55P04", f'unsafe use of new value "{value.this}" of enum type "{pg_name(type_name)}"', "new-enum-value-used",
                _requirement("label", type_name, True, value.this),
                detail="a value added by ALTER TYPE … ADD VALUE can only be used once its transaction commits, and Prisma runs the whole migration as one",
                origins=(origin,),
            )

    def constraint_def(self, node: exp.Expression, table: QName) -> ConstraintDef | None:
        name = None
        body = node
        if isinstance(node, exp.Constraint):
            name = identifier_name(node.this)
            body = node.expressions[0] if node.expressions else node
        if isinstance(body, (exp.PrimaryKey, exp.PrimaryKeyColumnConstraint)):
            kind = "p"
        elif isinstance(body, exp.UniqueColumnConstraint):
            kind = "u"
        elif isinstance(body, exp.ForeignKey):
            kind = "f"
        elif isinstance(body, exp.CheckColumnConstraint):
            kind = "c"
        else:
            kind = "x"
        reference = body.find(exp.Reference)
        references = self.resolved(_reference_table(reference)) if reference is not None else None
        columns = _column_names(body)
        ordered = _ordered_columns(body)
        if name is None and kind == "p":
            name = object_name(table.name, None, "pkey")
        elif name is None and kind == "u" and ordered:
            name = object_name(table.name, "_".join(ordered), "key")
        elif name is None and kind == "f" and ordered:
            name = object_name(table.name, "_".join(ordered), "fkey")
        return ConstraintDef(
            name, kind, self.held(body), self.held(node), self.dialect_name, references, columns, self.statement(),
            _reference_columns(reference) if reference is not None else frozenset(), _actions(reference),
        )

    def _require_referenced_columns(self, constraint: ConstraintDef) -> None:
        target = self.state.tables.get(constraint.references) if constraint.references else None
        if target is None or target.columns is None:
            return
        for column in sorted(constraint.ref_columns - set(target.columns)):
            self.fail("42703", f'column "{column}" referenced in foreign key constraint does not exist', "missing",
                      _requirement("column", target.name, False, column))

    def _create_type(self, node: exp.Create) -> None:
        name = self.q(node.this)
        if name is None:
            return
        values = None
        data_type = node.expression
        if isinstance(data_type, exp.DataType) and data_type.this == exp.DataType.Type.ENUM:
            values = tuple(literal.this for literal in data_type.expressions if isinstance(literal, exp.Literal))
        new = TypeState(name, values, self.statement())
        existing = self.state.types.get(name) or self.state.tables.get(name)
        message = f'type "{pg_name(name)}" already exists'
        if self.creating("type", name, f"type {name}", new, existing, False, written_name(node.this), "42710", message):
            self.state.types[name] = new
        elif isinstance(existing, TypeState) and existing.values is not None and values:
            self.state.types[name] = replace(existing, values=existing.values + tuple(v for v in values if v not in existing.values))

    def _create_index(self, node: exp.Create, if_not_exists: bool) -> None:
        if node.args.get("concurrently") and self.postgres:
            self._concurrently("CREATE INDEX CONCURRENTLY")
        index = node.this
        if not isinstance(index, exp.Index):
            return
        table = self.q(index.args.get("table"))
        if table is None:
            return
        index_name = identifier_name(index.this)
        name = QName(table.schema, index_name) if index_name else None
        if name is not None and if_not_exists and self.state.relation_kind(name) is not None:
            self.creating("index", name, f"index {name}", self._index_state(name, table, node), self.state.relation_object(name), True)
            return
        if not self.require("relation", table):
            return
        params = index.args.get("params")
        self._require_columns(table, _index_columns(params) | _expression_columns(params) | _expression_columns(index.args.get("where")))
        if name is None:
            return
        new = self._index_state(name, table, node)
        existing = self.state.relation_object(name)
        message = f'relation "{pg_name(name)}" already exists'
        if self.creating("index", name, f"index {name}", new, existing, if_not_exists, written_name(index.this), "42P07", message):
            self.state.indexes[name] = new

    def _index_state(self, name: QName, table: QName, node: exp.Create) -> IndexState:
        params = node.this.args.get("params") if isinstance(node.this, exp.Index) else None
        columns = _column_names(params) if params is not None else frozenset()
        return IndexState(name, table, self.held(node), self.dialect_name, self.statement(), columns, bool(node.args.get("unique")))

    def _concurrently(self, what: str) -> None:
        if self.current().guarded:
            self.fail("25001", f"{what} cannot be executed from a function", "concurrent-index")
        elif self.statements_in_migration > 1:
            self.fail("25001", f"{what} cannot run inside a transaction block", "concurrent-index",
                      detail="Prisma sends the whole migration as one script, which PostgreSQL runs as one transaction")

    def _create_view(self, node: exp.Create, if_not_exists: bool) -> None:
        kind = "materialized view" if any(isinstance(p, exp.MaterializedProperty) for p in (node.args.get("properties") or exp.Properties()).expressions) or (node.args.get("kind") or "").upper() == "MATERIALIZED VIEW" else "view"
        target = node.this.this if isinstance(node.this, exp.Schema) else node.this
        name = self.q(target)
        if name is None:
            return
        query = node.expression if isinstance(node.expression, exp.Expression) else None
        if query is not None:
            self._require_read_tables(query)
        self._create_view_named(name, kind, bool(node.args.get("replace")), if_not_exists, query)

    def _create_view_named(self, name: QName, kind: str, or_replace: bool, if_not_exists: bool, query: exp.Expression | None = None) -> None:
        existing = self.state.relation_object(name)
        replacing = or_replace and isinstance(existing, RelationState) and existing.kind == kind
        if existing is not None and if_not_exists:
            return
        new = RelationState(name, kind, self.statement(), None, *self._dependencies(query))
        if replacing:
            self.state.relations[name] = new
            return
        if self.creating("relation", name, f"{kind} {name}", new, existing, False, None, "42P07", f'relation "{pg_name(name)}" already exists'):
            self.state.relations[name] = new

    def _dependencies(self, query: exp.Expression | None) -> tuple[frozenset[QName], frozenset[str], frozenset[str]]:
        """What a view's query reads: tables, column names, functions (for PostgreSQL's dependency checks)."""
        if query is None:
            return frozenset(), frozenset(), frozenset()
        ctes = {identifier_name(cte.args["alias"].this) for cte in query.find_all(exp.CTE) if cte.args.get("alias") is not None}
        reads = {q for table in query.find_all(exp.Table) if (q := self.q(table)) is not None and q.name not in ctes}
        mentions = {identifier_name(column.this) or "" for column in query.find_all(exp.Column)}
        mentions |= self._star_columns(query)
        calls = {str(call.this).lower() for call in query.find_all(exp.Anonymous) if isinstance(call.this, str)}
        return frozenset(reads), frozenset(mentions - {""}), frozenset(calls)

    def _star_columns(self, query: exp.Expression) -> set[str]:
        """The columns a ``*`` or ``t.*`` of the view's select list stands for: PostgreSQL expands it
        when the view is created, and the view then depends on each of those columns."""
        found: set[str] = set()
        for star in query.find_all(exp.Star):
            qualified = star.parent if isinstance(star.parent, exp.Column) else None
            select = (qualified or star).parent
            if not isinstance(select, exp.Select):
                continue  # count(*) and the like
            source = _from_clause(select)
            tables = [source.this] if isinstance(source, exp.From) else []
            tables += [join.this for join in select.args.get("joins") or []]
            for table in tables:
                if not isinstance(table, exp.Table) or (qualified is not None and qualified.table != table.alias_or_name):
                    continue
                name = self.q(table)
                state = self.state.tables.get(name) if name is not None else None
                if state is not None and state.columns is not None:
                    found |= set(state.columns)
        return found

    def _views_in_the_way(self, views: list[RelationState], sqlstate: str, message: str, detail: str) -> None:
        if views:
            self.fail(sqlstate, message, "view-dependency", detail=detail, origins=tuple(v.created_by for v in views if v.created_by is not None),
                      dependents=tuple(str(v.name) for v in views))

    def _create_relation(self, node: exp.Create, kind: str, if_not_exists: bool) -> None:
        name = self.q(node.this)
        if name is None:
            return
        existing = self.state.relation_object(name)
        new = RelationState(name, kind, self.statement())
        if self.creating("relation", name, f"{kind} {name}", new, existing, if_not_exists, written_name(node.this), "42P07", f'relation "{pg_name(name)}" already exists'):
            self.state.relations[name] = new

    def _create_function(self, command: opaque.CreateFunction) -> None:
        if command.language == "sql" and command.body and self.postgres:
            self._check_sql_body(command.body)
        key = (command.name, command.arguments)
        new = FunctionState(command.name, command.arguments, command.returns, self.statement(), command.input_names)
        existing = self.state.functions.get(key)
        if existing is not None and command.or_replace:
            renamed = next(((old, name) for old, name in zip(existing.input_names, command.input_names, strict=False) if old and old != name), None)
            if existing.returns and command.returns and existing.returns != command.returns and not command.procedure:
                message = "cannot change return type of existing function"
                detail = f"it returns {existing.returns} (created by {_where(existing.created_by)}); this definition returns {command.returns}"
            elif renamed is not None:
                message = f'cannot change name of input parameter "{renamed[0]}"'
                detail = f"{_where(existing.created_by)} named it {renamed[0]!r}; this definition names it {renamed[1] or 'nothing'!r}"
            else:
                self.state.functions[key] = new
                return
            users = tuple(f"trigger {t.name} on {t.table}" for t in self.state.triggers.values() if t.function is not None and t.function.name == command.name.name)
            users += tuple(f"view {v.name}" for v in self.state.views_calling(command.name.name))
            users += self._defaults_calling(command.name.name)
            self.fail("42P13", message, "function-return-type", _creation("function", key, f"function {new.signature}", new, existing, False),
                      detail=detail, dependents=users)
            self.state.functions[key] = new
            return
        label = f"function {new.signature}"
        if self.creating("function", key, label, new, existing, False, None, "42723", f"function {new.signature} already exists with same argument types"):
            self.state.functions[key] = new

    def _defaults_calling(self, function: str) -> tuple[str, ...]:
        """Columns whose default calls a function: dropping the function would fail (2BP01). Asked
        only when a function's return type changes, so reading every default here is rare."""
        found = []
        for table in self.state.tables.values():
            for column in (table.columns or {}).values():
                default = column.default_node if column.default_ast is not None else None
                if default is not None and any(
                    isinstance(call.this, str) and call.this.lower() == function.lower() for call in default.find_all(exp.Anonymous)
                ):
                    found.append(f"the default of column {column.name} of {table.name}")
        return tuple(found)

    def _check_sql_body(self, body: str) -> None:
        """A LANGUAGE sql body is checked when the function is created: the tables it reads must exist."""
        from sqlglot.errors import TokenError

        from codemod.analysis.parse import parse_statement
        from codemod.analysis.split import split_tokens

        try:
            tokens = self.dialect.tokenize(body)  # type: ignore[attr-defined]
        except (TokenError, ValueError, IndexError):
            return
        for raw in split_tokens(tokens):
            expression = parse_statement(self.dialect, raw.tokens, body)  # type: ignore[attr-defined]
            if isinstance(expression, (exp.Select, exp.Insert, exp.Update, exp.Delete, exp.Union)):
                self._require_read_tables(expression)

    def _create_trigger(self, node: exp.Create) -> None:
        name = identifier_name(node.this)
        properties = node.args.get("properties")
        trigger = next((p for p in properties.expressions if isinstance(p, exp.TriggerProperties)), None) if properties else None
        if not name or trigger is None:
            return
        table = self.q(trigger.args.get("table"))
        if table is None or not self.require("relation", table):
            return
        columns = {identifier_name(column) or "" for event in trigger.args.get("events") or [] for column in event.args.get("columns") or []}
        self._require_columns(table, frozenset(columns - {""}))
        execute = trigger.args.get("execute")
        function = execute.this if execute is not None else None
        function_name = None
        if isinstance(function, exp.Anonymous):
            function_name = QName.of(_function_identifier(function))
        elif isinstance(function, exp.Dot) and isinstance(function.expression, exp.Anonymous):
            function_name = QName.of(_function_identifier(function.expression), identifier_name(function.this))
        if function_name is not None and self.postgres:
            self.require("function", function_name)
        key = (table, name)
        existing = self.state.triggers.get(key)
        new = TriggerState(name, table, self.statement(), function_name)
        if existing is not None and node.args.get("replace"):
            self.state.triggers[key] = new
            return
        if self.creating("trigger", key, f"trigger {name!r} on {table}", new, existing, False, None, "42710", f'trigger "{name}" for relation "{pg_name(table)}" already exists'):
            self.state.triggers[key] = new

    # ── ALTER ────────────────────────────────────────────────────────────────────────────
    def _alter(self, node: exp.Alter) -> None:
        kind = (node.args.get("kind") or "").upper()
        name = self.q(node.this)
        if name is None:
            return
        actions = node.args.get("actions") or []
        self.current().action_count = len(actions)
        if_exists = bool(node.args.get("exists"))
        if kind == "INDEX":
            if if_exists and name not in self.state.indexes:
                return
            if not self.require("index", name, sqlstate="42P01", message=f'relation "{pg_name(name)}" does not exist'):
                return
            for action in actions:
                if isinstance(action, exp.AlterRename):
                    self._rename_index(name, action)
            return
        if kind in ("VIEW", "MATERIALIZED VIEW"):
            if if_exists and name not in self.state.relations:
                return
            if self.require("relation", name):
                for action in actions:
                    if isinstance(action, exp.AlterRename):
                        new_name = self.q(action.this)
                        if new_name is not None and name in self.state.relations:
                            relation = self.state.relations.pop(name)
                            moved = QName(name.schema, new_name.name)
                            self.state.relations[moved] = replace(relation, name=moved)
            return
        if kind != "TABLE":
            return
        if if_exists and name not in self.state.tables:
            return
        if not self.require("table", name, present=name in self.state.tables or self.state.relation_kind(name) is not None):
            return
        if name not in self.state.tables:
            return
        for action in actions:
            table = self.state.tables.get(name)
            if table is None:
                return
            name = self._alter_action(table, action, node) or name

    def _alter_action(self, table: TableState, action: exp.Expression, node: exp.Alter) -> QName | None:
        """Apply one action; returns the table's new name when the action renames it."""
        if isinstance(action, exp.ColumnDef):
            self._add_column(table, action)
        elif isinstance(action, exp.AddConstraint):
            for item in action.expressions:
                current = self.state.tables.get(table.name, table)
                self._add_constraint(current, item)
        elif isinstance(action, exp.Drop):
            self._alter_drop(table, action)
        elif isinstance(action, exp.AlterRename):
            options = node.args.get("options") or []
            to_column = next((option for option in options if isinstance(option, exp.ToTableProperty)), None)
            if to_column is not None:  # ALTER TABLE t RENAME x TO y (COLUMN omitted)
                self._rename_column(table, identifier_name(action.this), identifier_name(to_column.this))
                return None
            new_name = self.q(action.this)
            if new_name is None:
                return None
            moved = QName(table.name.schema, new_name.name)
            if self.state.relation_kind(moved) is not None:
                self.fail("42P07", f'relation "{pg_name(moved)}" already exists', "duplicate-create")
                return None
            self.state.rename_table(table.name, moved)
            return moved
        elif isinstance(action, exp.RenameColumn):
            self._rename_column(table, identifier_name(action.this), identifier_name(action.args.get("to")))
        elif isinstance(action, exp.AlterColumn):
            self._alter_column(table, action)
        return None

    def _add_column(self, table: TableState, action: exp.ColumnDef) -> None:
        column = self.column_def(action)
        existing = table.columns.get(column.name) if table.columns is not None else None
        key = (table.name, column.name)
        label = f"column {column.name!r} of {table.name}"
        message = f'column "{column.name}" of relation "{pg_name(table.name)}" already exists'
        if_not_exists = bool(action.args.get("exists"))
        if existing is not None and if_not_exists:
            self.creating("column", key, label, column, existing, True)
            return
        inline = self._inline_constraints(action, table.name, column.name)
        for constraint in inline:
            if constraint.kind == "f" and constraint.references and constraint.references != table.name:
                self.require("table", constraint.references)
        if self.creating("column", key, label, column, existing, if_not_exists, None, "42701", message):
            updated = table.with_column(column)
            for constraint in inline:
                updated = updated.with_constraint(constraint.name or f"#{len(updated.constraints)}", constraint)
            self.state.tables[table.name] = updated
            self._constraint_indexes(table.name, inline)
            self._owned_sequence(table.name, column)

    def _add_constraint(self, table: TableState, item: exp.Expression) -> None:
        constraint = self.constraint_def(item, table.name)
        if constraint is None:
            return
        if constraint.kind == "f" and constraint.references and constraint.references != table.name:
            if self.require("table", constraint.references):
                self._require_referenced_columns(constraint)
        if constraint.kind in ("f", "p", "u"):
            self._require_columns(table.name, constraint.columns)
        key_name = constraint.name or f"#{len(table.constraints)}"
        existing = table.constraints.get(key_name) if constraint.name else None
        label = f"constraint {constraint.name!r} on {table.name}"
        if existing is None and constraint.kind == "p" and table.primary_key is not None:
            self.fail("42P16", f'multiple primary keys for table "{pg_name(table.name)}" are not allowed', "duplicate-create",
                      _creation("constraint", (table.name, key_name), label, constraint, table.primary_key, False))
            return
        if existing is None and constraint.kind in ("p", "u") and constraint.name:
            index_name = QName(table.name.schema, constraint.name)
            holder = self.state.relation_object(index_name)
            if holder is not None:
                self.fail("42P07", f'relation "{pg_name(index_name)}" already exists', "index-not-constraint" if isinstance(holder, IndexState) else "duplicate-create",
                          _creation("index", index_name, f"index {index_name}", constraint, holder, False),
                          detail=f"an index of that name exists (created by {_where(getattr(holder, 'created_by', None))}), and ADD CONSTRAINT … {'UNIQUE' if constraint.kind == 'u' else 'PRIMARY KEY'} creates an index under the constraint's name")
                return
        message = f'constraint "{constraint.name}" for relation "{pg_name(table.name)}" already exists'
        if self.creating("constraint", (table.name, key_name), label, constraint, existing, False, None, "42710", message):
            self.state.tables[table.name] = table.with_constraint(key_name, constraint)
            self._constraint_indexes(table.name, [constraint])

    def _constraint_using_index(self, command: opaque.ConstraintUsingIndex) -> None:
        """The index becomes the constraint's (renamed to the constraint's name, as PostgreSQL does)."""
        if not self.require("table", command.table):
            return
        table = self.state.tables[command.table]
        index_name = QName(command.table.schema, command.index)
        if not self.require("index", index_name, message=f'index "{command.index}" does not exist'):
            return
        index = self.state.indexes[index_name]
        if command.constraint in table.constraints:
            self.fail("42710", f'constraint "{command.constraint}" for relation "{pg_name(table.name)}" already exists', "duplicate-create")
            return
        body = exp.UniqueColumnConstraint() if command.kind == "u" else exp.PrimaryKey()
        constraint = ConstraintDef(command.constraint, command.kind, body, body, self.dialect_name, None, index.columns, self.statement())
        self.current().creations.append(_creation("constraint", (table.name, command.constraint), f"constraint {command.constraint!r} on {table.name}", constraint, None, False))
        self.state.tables[table.name] = table.with_constraint(command.constraint, constraint)
        del self.state.indexes[index_name]
        moved = QName(command.table.schema, command.constraint)
        self.state.indexes[moved] = replace(index, name=moved, constraint=command.constraint)

    def _alter_drop(self, table: TableState, action: exp.Drop) -> None:
        kind = (action.args.get("kind") or "").upper()
        if_exists = bool(action.args.get("exists"))
        for target in action.args.get("tables") or []:
            name = identifier_name(target)
            if not name:
                continue
            current = self.state.tables.get(table.name, table)
            if kind == "CONSTRAINT":
                if name in current.constraints:
                    self.state.tables[table.name] = current.without_constraint(name)
                    index = self.state.indexes.get(QName(table.name.schema, name))
                    if index is not None and index.constraint == name:
                        del self.state.indexes[QName(table.name.schema, name)]
                    continue
                if if_exists:
                    continue
                index = self.state.indexes.get(QName(table.name.schema, name))
                requirement = _requirement("constraint", table.name, False, name)
                self.current().requirements.append(requirement)
                if index is not None and index.table == table.name:
                    self.fail("42704", f'constraint "{name}" of relation "{pg_name(table.name)}" does not exist', "index-not-constraint", requirement,
                              detail=f'"{name}" is an index (created by {_where(index.created_by)}), not a constraint: DROP INDEX removes it')
                else:
                    self.fail("42704", f'constraint "{name}" of relation "{pg_name(table.name)}" does not exist', "missing", requirement)
            else:
                if current.columns is not None and name not in current.columns:
                    if not if_exists:
                        self.require("column", table.name, present=False, detail=name)
                    continue
                if current.columns is not None:  # what it needs (a later reader's finding names this drop)
                    self.require("column", table.name, detail=name)
                if not action.args.get("cascade"):
                    views = self.state.views_on(table.name, name)
                    self._views_in_the_way(views, "2BP01", f"cannot drop column {name} of table {pg_name(table.name)} because other objects depend on it",
                                           f"{', '.join(str(v.name) for v in views)} uses it")
                self.state.drop_column(current, name)

    def _rename_column(self, table: TableState, old: str | None, new: str | None) -> None:
        if not old or not new or table.columns is None:
            return
        if not self.require("column", table.name, detail=old):
            return
        if new in table.columns:
            self.fail("42701", f'column "{new}" of relation "{pg_name(table.name)}" already exists', "duplicate-create")
            return
        self.state.tables[table.name] = table.with_renamed_column(old, new)
        for key in self.state.indexes.of_table(table.name):
            index = self.state.indexes[key]
            if old in index.columns:
                self.state.indexes[key] = replace(index, columns=frozenset(new if c == old else c for c in index.columns))

    def _alter_column(self, table: TableState, action: exp.AlterColumn) -> None:
        name = identifier_name(action.this) or ""
        if table.columns is None:
            return
        if not self.require("column", table.name, detail=name):
            return
        column = table.columns[name]
        changes: dict[str, object] = {}
        data_type = action.args.get("dtype")
        if isinstance(data_type, exp.DataType):
            views = self.state.views_on(table.name, name)
            self._views_in_the_way(views, "0A000", "cannot alter type of a column used by a view or rule",
                                   f"{', '.join(str(v.name) for v in views)} uses column \"{name}\"")
            changes["type_ast"] = self.held(data_type)
            changes["type_ref"] = self.resolved(user_type(data_type))
            if changes["type_ref"] is not None:
                self.require("type", changes["type_ref"])  # type: ignore[arg-type]
        if "default" in action.args and action.args.get("default") is not None:
            changes["default_ast"] = self.held(action.args["default"])
            if column.type_ref is not None:
                self._new_label_in_use(column.type_ref, action.args["default"])
        if action.args.get("drop") and action.args.get("allow_null") is None and "default" not in action.args:
            changes["default_ast"] = None
        if action.args.get("allow_null") is not None:
            changes["not_null"] = not action.args["allow_null"]
        if changes:
            self.state.tables[table.name] = table.with_column(replace(column, **changes))  # type: ignore[arg-type]

    def _rename_index(self, name: QName, action: exp.AlterRename) -> None:
        new_name = self.q(action.this)
        if new_name is None:
            return
        moved = QName(name.schema, new_name.name)
        if self.state.relation_kind(moved) is not None:
            self.fail("42P07", f'relation "{pg_name(moved)}" already exists', "duplicate-create")
            return
        index = self.state.indexes.pop(name)
        assert index is not None
        renamed_constraint = index.constraint
        self.state.indexes[moved] = replace(index, name=moved, constraint=moved.name if renamed_constraint else None)
        table = self.state.tables.get(index.table) if index.table is not None else None
        if table is not None and renamed_constraint and renamed_constraint in table.constraints:  # PostgreSQL renames the constraint too
            self.state.tables[table.name] = table.with_renamed_constraint(renamed_constraint, moved.name)

    # ── DROP ─────────────────────────────────────────────────────────────────────────────
    def _drop(self, node: exp.Drop) -> None:
        kind = (node.args.get("kind") or "").upper()
        if_exists = bool(node.args.get("exists"))
        cascade = bool(node.args.get("cascade"))
        targets = [t for t in node.args.get("tables") or []]
        names = [self.q(target) for target in targets]
        for target, name in zip(targets, names, strict=True):
            if kind == "SCHEMA":
                schema = identifier_name(target.args.get("db")) or identifier_name(target.args.get("this"))
                if schema:
                    if schema not in self.state.schemas and not if_exists:
                        self.require("schema", QName(schema, schema), present=False)
                    self._drop_schema(schema)
                continue
            if name is None:
                continue
            if kind == "TABLE":
                if name not in self.state.tables:
                    if not if_exists:
                        self.require("table", name, present=False)
                    continue
                self._drop_table(name, cascade, set(n for n in names if n is not None))
            elif kind in ("VIEW", "MATERIALIZED VIEW", "SEQUENCE"):
                if name not in self.state.relations:
                    if not if_exists:
                        self.require("relation", name, present=False)
                    continue
                self.state.drop_relation(name)
            elif kind == "INDEX":
                if node.args.get("concurrently") and self.postgres:
                    self._concurrently("DROP INDEX CONCURRENTLY")
                index = self.state.indexes.get(name)
                if index is None:
                    if not if_exists:
                        self.require("index", name, present=False, message=f'index "{pg_name(name)}" does not exist')
                    continue
                if index.constraint is not None and not cascade:
                    self.fail("2BP01", f'cannot drop index {pg_name(name)} because constraint {index.constraint} on table {pg_name(index.table) if index.table else "?"} requires it',
                              "missing", detail="drop the constraint instead (ALTER TABLE … DROP CONSTRAINT)")
                    continue
                del self.state.indexes[name]
            elif kind == "TYPE":
                if name not in self.state.types:
                    if not if_exists:
                        self.require("type", name, present=False)
                    continue
                self.state.types.pop(name, None)
            elif kind in ("FUNCTION", "PROCEDURE"):
                self._drop_function(node, name, if_exists)
            elif kind == "TRIGGER":
                table = self.q(node.args["cluster"].this) if isinstance(node.args.get("cluster"), exp.OnProperty) else None
                trigger = identifier_name(target)
                if table is None or not trigger:
                    continue
                if if_exists and (table, trigger) not in self.state.triggers:
                    continue
                if self.require("relation", table) and self.require("trigger", table, detail=trigger):
                    self.state.triggers.pop((table, trigger), None)

    def _drop_table(self, name: QName, cascade: bool, dropping: set[QName]) -> None:
        if not cascade and self.postgres:
            views = [v for v in self.state.views_on(name) if v.name not in dropping]
            self._views_in_the_way(views, "2BP01", f"cannot drop table {pg_name(name)} because other objects depend on it",
                                   f"{', '.join(str(v.name) for v in views)} reads it")
        for view in self.state.views_on(name):
            self.state.drop_relation(view.name)  # CASCADE takes them; a failed drop is reported above
        dependents = [(table, constraint) for table, constraint in self.state.referencing(name) if table.name not in dropping]
        if dependents and not cascade and self.postgres:
            table, constraint = dependents[0]
            self.fail("2BP01", f"cannot drop table {pg_name(name)} because other objects depend on it", "missing",
                      detail=f"constraint {constraint.name} on table {pg_name(table.name)} depends on table {pg_name(name)}")
        for table, constraint in dependents:
            current = self.state.tables[table.name]
            key = next((k for k, c in current.constraints.items() if c is constraint), None)
            if key is not None:
                self.state.tables[table.name] = current.without_constraint(key)
        self.state.drop_table(name)

    def _drop_function(self, node: exp.Drop, name: QName, if_exists: bool) -> None:
        arguments = node.args.get("expressions")
        matches = [key for key in self.state.functions if key[0] == name]
        if arguments is not None and arguments:
            identity = tuple(opaque.normalize_type(argument.sql("postgres")) for argument in arguments)
            matches = [key for key in matches if key[1] == identity]
        if not matches:
            if not if_exists:
                self.require("function", name, present=False)
            return
        for key in matches[:1]:
            del self.state.functions[key]

    def _drop_schema(self, schema: str) -> None:
        self.state.schemas.discard(schema)
        for table in [key for key in self.state.tables if key.schema == schema]:
            self.state.drop_table(table)
        for key in [key for key in self.state.relations if key.schema == schema]:
            self.state.drop_relation(key)
        for key in [key for key in self.state.types if key.schema == schema]:
            del self.state.types[key]
        for key in [key for key in self.state.indexes if key.schema == schema]:
            del self.state.indexes[key]

    # ── data and comments ────────────────────────────────────────────────────────────────
    def _dml(self, node: exp.Expression) -> None:
        target = node.this
        columns: list[str] = []
        if isinstance(target, exp.Schema):
            columns = [identifier_name(c) or "" for c in target.expressions]
            target = target.this
        table = self.q(target)
        if table is None:
            return
        if not self.require("relation", table):
            return
        self._require_columns(table, frozenset(c for c in columns if c))
        if isinstance(node, exp.Update) and not _from_clause(node) or isinstance(node, exp.Delete) and not node.args.get("using"):
            # no other table: the columns it names are its own
            self._require_columns(table, _own_columns(node, {target.alias_or_name} if isinstance(target, exp.Table) else set()))
        if isinstance(node, exp.Insert) and isinstance(node.expression, exp.Select):
            read = _simple_select_columns(node.expression)
            source = self.q(read[0]) if read is not None else None
            if read is not None and source is not None and source in self.state.tables:
                self._require_columns(source, read[1])
        self._new_labels_written(node, table, columns)
        self._new_labels_compared(node)
        self._require_read_tables(node, skip=target)

    def _new_labels_written(self, node: exp.Expression, table: QName, columns: list[str]) -> None:
        """Literals an UPDATE or INSERT writes into enum columns (for labels this migration adds)."""
        state = self.state.tables.get(table)
        if not self.labels_added_here or state is None or state.columns is None:
            return
        pairs: list[tuple[str, exp.Expression]] = []
        if isinstance(node, exp.Update):
            for assignment in node.expressions:
                if isinstance(assignment, exp.EQ) and isinstance(assignment.this, exp.Column):
                    pairs.append((identifier_name(assignment.this) or "", assignment.expression))
        elif isinstance(node, exp.Insert) and isinstance(node.expression, exp.Values) and columns:
            for row in node.expression.expressions:
                pairs += list(zip(columns, row.expressions if isinstance(row, exp.Tuple) else [row], strict=False))
        for column, value in pairs:
            definition = state.columns.get(column)
            if definition is not None and definition.type_ref is not None:
                self._new_label_in_use(definition.type_ref, value)

    def _new_labels_compared(self, node: exp.Expression) -> None:
        """String literals compared with enum columns (``WHERE "role" = 'ADMIN'``, ``IN (…)``):
        PostgreSQL reads them as values of the enum, which a label this migration adds cannot be yet."""
        if not self.labels_added_here:
            return
        tables: dict[str, TableState] = {}
        for table_node in node.find_all(exp.Table):
            name = self.q(table_node)
            state = self.state.tables.get(name) if name is not None else None
            if state is not None and state.columns is not None:
                tables[table_node.alias_or_name] = tables[name.name] = state  # type: ignore[union-attr]
        for comparison in node.find_all(exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.In):
            if isinstance(comparison, exp.In):
                pairs = [(comparison.this, value) for value in comparison.expressions]
            else:
                pairs = [(comparison.this, comparison.expression), (comparison.expression, comparison.this)]
            for column, value in pairs:
                if not isinstance(column, exp.Column):
                    continue
                column_name = identifier_name(column) or ""
                owners = [tables[column.table]] if column.table in tables else list({id(t): t for t in tables.values()}.values())
                definitions = [t.columns[column_name] for t in owners if t.columns is not None and column_name in t.columns]
                if len(definitions) == 1 and definitions[0].type_ref is not None:
                    self._new_label_in_use(definitions[0].type_ref, value)

    def _require_read_tables(self, statement: exp.Expression, skip: exp.Expression | None = None) -> None:
        """Tables a statement reads must exist (CTE names, catalogs and the written table aside)."""
        ctes = {identifier_name(cte.args["alias"].this) for cte in statement.find_all(exp.CTE) if cte.args.get("alias") is not None}
        for table in statement.find_all(exp.Table):
            if table is skip or isinstance(table.parent, exp.Into):
                continue
            if isinstance(table.this, exp.Identifier) and not isinstance(table.parent, (exp.Schema,)):
                name = self.q(table)
                if name is None or name.name in ctes or (table.db or "").lower() in ("pg_catalog", "information_schema") or name.name.startswith("pg_"):
                    continue
                self.require("relation", name)

    def _select_into(self, node: exp.Select) -> None:
        """``SELECT … INTO [TEMP] TABLE t FROM …`` creates a table whose columns codemod does not read."""
        self._require_read_tables(node)
        name = self.q(node.args["into"].this)
        if name is None:
            return
        new = TableState(name, None, {}, self.statement())
        if self.creating("table", name, f"table {name}", new, self.state.relation_object(name), False, None, "42P07", f'relation "{pg_name(name)}" already exists'):
            self.state.tables[name] = new

    def _comment(self, node: exp.Comment) -> None:
        kind = (node.args.get("kind") or "").upper()
        target = node.this
        if kind in ("TABLE", "VIEW", "MATERIALIZED VIEW"):
            self.require("relation", self.q(target))
        elif kind == "COLUMN" and isinstance(target, exp.Column):
            table = QName.of(identifier_name(target.args.get("table")) or "", identifier_name(target.args.get("db")))
            if table.name and self.require("relation", table):
                self._require_columns(table, frozenset({identifier_name(target) or ""}))

    def _require_columns(self, table: QName, columns: frozenset[str]) -> None:
        """Columns a statement uses, where the table's columns are known."""
        state = self.state.tables.get(table)
        if state is None or state.columns is None:
            return
        for column in sorted(columns):
            if column and column not in state.columns:
                self.require("column", table, present=False, detail=column)

    # ── statements sqlglot keeps opaque ──────────────────────────────────────────────────
    def _add_enum_value(self, command: opaque.AddEnumValue) -> None:
        if not self.require("type", command.type_name):
            return
        enum = self.state.types.get(command.type_name)
        if enum is None or enum.values is None:
            return
        if command.value in enum.values:
            if not command.if_not_exists:
                creation = _creation("label", (command.type_name, command.value), f"value {command.value!r} of enum {command.type_name}", command.value, enum, False)
                self.current().creations.append(creation)
                self.fail("42710", f'enum label "{command.value}" already exists', "duplicate-create", creation)
            return
        values = list(enum.values)
        if command.neighbour is not None:
            if command.neighbour not in values:
                self.require("label", command.type_name, present=False, detail=command.neighbour)
                values.append(command.value)
            else:
                values.insert(values.index(command.neighbour) + 1, command.value)
        else:
            values.append(command.value)
        self.current().creations.append(_creation("label", (command.type_name, command.value), f"value {command.value!r} of enum {command.type_name}", command.value, None, command.if_not_exists))
        self.state.types[command.type_name] = replace(enum, values=tuple(values))
        self.labels_added_here[(command.type_name, command.value)] = self.statement()

    def _rename_type(self, command: opaque.RenameType) -> None:
        if not self.require("type", command.old):
            return
        if command.new in self.state.types:
            self.fail("42710", f'type "{pg_name(command.new)}" already exists', "duplicate-create")
            return
        enum = self.state.types.pop(command.old, None)
        if enum is not None:
            self.state.types[command.new] = replace(enum, name=command.new)
        for table in list(self.state.tables.values()):  # columns of the type follow it (rare: a scan is fine)
            if table.columns is not None and any(column.type_ref == command.old for column in table.columns.values()):
                renamed = table
                for column in table.columns.values():
                    if column.type_ref == command.old:
                        renamed = renamed.with_column(replace(column, type_ref=command.new))
                self.state.tables[table.name] = renamed

    def _rename_enum_value(self, command: opaque.RenameEnumValue) -> None:
        if not self.require("type", command.type_name):
            return
        enum = self.state.types.get(command.type_name)
        if enum is None or enum.values is None:
            return
        if command.old not in enum.values:
            self.require("label", command.type_name, present=False, detail=command.old)
            return
        if command.new in enum.values:
            self.fail("42710", f'enum label "{command.new}" already exists', "duplicate-create")
            return
        values = tuple(command.new if v == command.old else v for v in enum.values)
        self.state.types[command.type_name] = replace(enum, values=values)

    def _rename_constraint(self, command: opaque.RenameConstraint) -> None:
        if not self.require("table", command.table):
            return
        table = self.state.tables[command.table]
        if not self.require("constraint", command.table, detail=command.old):
            return
        self.state.tables[command.table] = table.with_renamed_constraint(command.old, command.new)
        index = self.state.indexes.pop(QName(command.table.schema, command.old), None)
        if index is not None:
            moved = QName(command.table.schema, command.new)
            self.state.indexes[moved] = replace(index, name=moved, constraint=command.new if index.constraint else None)


# ── helpers ──────────────────────────────────────────────────────────────────────────────
def _requirement(kind: str, name: QName, present: bool, detail: str | None = None) -> Requirement:
    from codemod.analysis.replay import Requirement

    return Requirement(kind, name, present, detail)  # type: ignore[arg-type]


def _creation(kind: str, key: object, label: str, new: object, existing: object, if_not_exists: bool) -> Creation:
    from codemod.analysis.replay import Creation

    return Creation(kind, key, label, new, existing, if_not_exists)  # type: ignore[arg-type]


def _where(statement: object) -> str:
    migration = getattr(statement, "migration", None)
    return f"migration {migration.name}" if migration is not None else "an earlier statement"


def _index_columns(params: exp.Expression | None) -> frozenset[str]:
    """Plain columns an index is built on (expressions and operator classes aside)."""
    if params is None:
        return frozenset()
    names = set()
    for ordered in params.args.get("columns") or []:
        target = ordered.this if isinstance(ordered, exp.Ordered) else ordered
        if isinstance(target, exp.Column) and not target.table:
            names.add(identifier_name(target) or "")
    names.discard("")
    return frozenset(names)


def _expression_columns(node: exp.Expression | None) -> frozenset[str]:
    """Columns used inside index expressions or a partial index's WHERE."""
    if node is None:
        return frozenset()
    names = {identifier_name(column) or "" for column in node.find_all(exp.Column) if not column.table and isinstance(column.this, exp.Identifier) and column.this.args.get("quoted")}
    names.discard("")
    return frozenset(names)


def _column_names(node: exp.Expression | None) -> frozenset[str]:
    """Columns a constraint or index uses (the referenced side of a foreign key excluded)."""
    if node is None:
        return frozenset()
    names = set()
    for found in node.find_all(exp.Identifier):
        if found.find_ancestor(exp.Reference) is None and found.find_ancestor(exp.Anonymous, exp.Func) is None:
            names.add(identifier_name(found) or "")
    names.discard("")
    return frozenset(names)


def _function_identifier(function: exp.Anonymous) -> str:
    """A called function's name as PostgreSQL looks it up (unquoted names fold to lower case)."""
    name = function.this
    if isinstance(name, exp.Identifier):
        return identifier_name(name) or ""
    return truncate(str(name).lower())


def _ordered_columns(node: exp.Expression) -> list[str]:
    """A key's own columns in the order written (for the names PostgreSQL derives from them)."""
    found: list[str] = []
    for identifier in node.find_all(exp.Identifier):
        name = identifier_name(identifier)
        if name and identifier.find_ancestor(exp.Reference) is None and name not in found:
            found.append(name)
    return found


def _from_clause(node: exp.Expression) -> exp.Expression | None:
    return node.args.get("from_") or node.args.get("from")  # sqlglot has used both names


def _simple_select_columns(select: exp.Select) -> tuple[exp.Table, frozenset[str]] | None:
    """The table of a SELECT that reads one table (no joins, no subqueries) and the columns it
    names there (output aliases aside). Anything more complex is not read: a column could belong
    to another table, or to an outer query."""
    source = _from_clause(select)
    table = source.this if isinstance(source, exp.From) else None
    if not isinstance(table, exp.Table) or select.args.get("joins") or select.args.get("with") or select.args.get("with_"):
        return None
    if any(inner is not select for inner in select.find_all(exp.Select)) or select.find(exp.Subquery, exp.Exists) is not None:
        return None
    aliases = {identifier_name(e.args.get("alias")) for e in select.expressions if isinstance(e, exp.Alias)}
    return table, _own_columns(select, {table.alias_or_name, table.name}) - aliases


def _own_columns(node: exp.Update | exp.Delete | exp.Select, qualifiers: set[str]) -> frozenset[str]:
    """Columns a statement names on its own table: unqualified references, or ones qualified by
    the table's name or alias, outside subqueries (only where quoted, so that function names and
    keywords never count)."""
    names = set()
    for column in node.find_all(exp.Column):
        nested = column.find_ancestor(exp.Subquery, exp.Select, exp.Exists)
        if nested is not None and nested is not node:
            continue
        qualifier = column.table
        if qualifier and qualifier not in qualifiers:
            continue
        identifier = column.this
        if isinstance(identifier, exp.Identifier) and identifier.args.get("quoted"):
            names.add(identifier_name(identifier) or "")
    names.discard("")
    return frozenset(names)


def _reference_table(reference: exp.Reference) -> QName | None:
    target = reference.this
    if isinstance(target, exp.Schema):
        target = target.this
    return table_qname(target)


def _reference_columns(reference: exp.Reference) -> frozenset[str]:
    target = reference.this
    if isinstance(target, exp.Schema):
        return frozenset(identifier_name(e) or "" for e in target.expressions) - {""}
    return frozenset()


def _actions(reference: exp.Reference | None) -> tuple[str, str]:
    """(ON DELETE, ON UPDATE) as written, NO ACTION when absent."""
    delete, update = "NO ACTION", "NO ACTION"
    if reference is None:
        return delete, update
    for option in reference.args.get("options") or []:
        text = " ".join(str(option).upper().split())
        if text.startswith("ON DELETE "):
            delete = text[len("ON DELETE ") :]
        elif text.startswith("ON UPDATE "):
            update = text[len("ON UPDATE ") :]
    return delete, update


def user_type(data_type: exp.Expression | None) -> QName | None:
    """The user-defined type a column uses (arrays included), as a name a migration could create."""
    if not isinstance(data_type, exp.DataType):
        return None
    if data_type.this == exp.DataType.Type.ARRAY and data_type.expressions:
        return user_type(data_type.expressions[0])
    if data_type.this != exp.DataType.Type.USERDEFINED:
        return None
    kind = data_type.args.get("kind")
    if isinstance(kind, exp.Identifier):
        return QName.of(identifier_name(kind) or "")
    if isinstance(kind, exp.Dot):
        return QName.of(identifier_name(kind.expression) or "", identifier_name(kind.this))
    return None
