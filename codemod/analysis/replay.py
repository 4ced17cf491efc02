"""Replay a tree statement by statement, keeping the schema state and what each statement did.

Transforms never re-read SQL: they ask the replay what a statement created, what it needed and
whether that existed at that point, and who else created the same object before or after.
Statements inside ``DO $$ … $$`` blocks count as guarded: they change the state only where their
guard would let them (what they need exists, what they create does not), and never raise findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.tokens import Token

from codemod.analysis import opaque
from codemod.analysis.parse import parse_statement
from codemod.model import MigrationTree, Statement
from codemod.model.schema import ColumnDef, ConstraintDef, IndexState, SchemaState, TableState, TypeState
from codemod.names import QName, identifier_name, table_qname

ObjectKind = Literal["table", "type", "index", "constraint", "column"]


@dataclass
class Requirement:
    """An object a statement needs; ``present`` tells whether it existed at that point.

    For a column, ``name`` is its table and ``column`` its name.
    """

    kind: Literal["table", "type", "column"]
    name: QName
    present: bool
    column: str | None = None

    @property
    def key(self) -> object:
        """The key under which the replay logs the object's creations."""
        return (self.name, self.column) if self.kind == "column" else self.name

    def __str__(self) -> str:
        return f"column {self.column!r} of {self.name}" if self.kind == "column" else f"{self.kind} {self.name}"


@dataclass
class Creation:
    """An object a statement creates; ``existing`` is what already stood under that name."""

    kind: ObjectKind
    key: object
    label: str
    new: object
    existing: object | None
    if_not_exists: bool


@dataclass
class StatementReport:
    statement: Statement
    seq: int
    guarded: bool
    action_count: int = 1
    creations: list[Creation] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)

    @property
    def missing(self) -> list[Requirement]:
        return [requirement for requirement in self.requirements if not requirement.present]


@dataclass
class Replay:
    reports: list[StatementReport]
    creation_log: dict[tuple[str, object], list[StatementReport]]
    final: SchemaState
    opaque_statements: int

    def top_level(self) -> list[StatementReport]:
        return [report for report in self.reports if not report.guarded]

    def first_creation_after(self, kind: str, key: object, seq: int) -> StatementReport | None:
        for report in self.creation_log.get((kind, key), []):
            if report.seq > seq:
                return report
        return None


def replay_tree(tree: MigrationTree, dialect: Dialect) -> Replay:
    return _Replayer(dialect).run(tree)


class _Replayer:
    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.dialect_name = type(dialect).__name__.lower()
        # SQLite checks a foreign key's target only when rows are written, never at CREATE time.
        self.checks_reference_targets = type(dialect).__name__.lower() != "sqlite"
        self.state = SchemaState()
        self.reports: list[StatementReport] = []
        self.creation_log: dict[tuple[str, object], list[StatementReport]] = {}
        self.opaque = 0
        self.report: StatementReport | None = None

    # ── driving ──────────────────────────────────────────────────────────────────────────
    def run(self, tree: MigrationTree) -> Replay:
        for migration in tree.migrations:
            for statement in migration.statements:
                if statement.opaque:
                    self.opaque += 1
                self._replay(statement, statement.expression, statement.tokens, guarded=False)
        return Replay(self.reports, self.creation_log, self.state, self.opaque)

    def _replay(
        self, statement: Statement, expression: exp.Expression | None, tokens: list[Token], guarded: bool
    ) -> None:
        self.report = StatementReport(statement, len(self.reports), guarded)
        self.reports.append(self.report)
        if expression is not None and not isinstance(expression, exp.Command):
            self._expression(expression)
        else:
            self._opaque(statement, tokens)

    def _expression(self, node: exp.Expression) -> None:
        if isinstance(node, exp.Create):
            self._create(node)
        elif isinstance(node, exp.Alter):
            self._alter(node)
        elif isinstance(node, exp.Drop):
            self._drop(node)

    # ── bookkeeping ──────────────────────────────────────────────────────────────────────
    def _require(self, kind: Literal["table", "type"], name: QName | None) -> bool:
        if name is None:
            return True
        if kind == "table":
            present = name in self.state.tables or name in self.state.views
        else:
            present = name in self.state.types
        assert self.report is not None
        self.report.requirements.append(Requirement(kind, name, present))
        return present

    def _require_columns(self, table: QName, columns: frozenset[str]) -> None:
        """Columns a statement uses, where the table's columns are known (present if not)."""
        state = self.state.tables.get(table)
        if state is None or state.columns is None:
            return
        assert self.report is not None
        for column in sorted(columns):
            if column not in state.columns:
                self.report.requirements.append(Requirement("column", table, False, column))

    def _creating(
        self, kind: ObjectKind, key: object, label: str, new: object, existing: object | None, if_not_exists: bool
    ) -> bool:
        """Record a creation; True when the state should take the new object."""
        assert self.report is not None
        report = self.report
        if report.guarded and (existing is not None or report.missing):
            return False
        report.creations.append(Creation(kind, key, label, new, _snapshot(existing), if_not_exists))
        if existing is None:
            self.creation_log.setdefault((kind, key), []).append(report)
            return True
        return False

    # ── CREATE ───────────────────────────────────────────────────────────────────────────
    def _create(self, node: exp.Create) -> None:
        kind = (node.args.get("kind") or "").upper()
        if_not_exists = bool(node.args.get("exists"))
        if kind == "TABLE":
            self._create_table(node, if_not_exists)
        elif kind == "TYPE":
            self._create_type(node)
        elif kind == "INDEX":
            self._create_index(node, if_not_exists)
        elif kind == "SCHEMA":
            schema = identifier_name(node.this.args.get("db")) if isinstance(node.this, exp.Table) else None
            if schema:
                self.state.schemas.add(schema)
        elif kind in ("VIEW", "MATERIALIZED VIEW"):
            name = table_qname(node.this)
            if name:
                self.state.views.add(name)

    def _create_table(self, node: exp.Create, if_not_exists: bool) -> None:
        target = node.this
        schema_node = target if isinstance(target, exp.Schema) else None
        name = table_qname(schema_node.this if schema_node else target)
        if name is None:
            return
        columns: dict[str, ColumnDef] | None = {} if schema_node is not None else None
        constraints: dict[str, ConstraintDef] = {}
        if schema_node is not None:
            for item in schema_node.expressions:
                if isinstance(item, exp.ColumnDef):
                    column = self._column_def(item)
                    assert columns is not None
                    columns[column.name] = column
                    self._inline_references(item, name)
                elif isinstance(item, exp.LikeProperty):
                    columns = None
                else:
                    constraint = self._constraint_def(item)
                    if constraint is not None:
                        constraints[constraint.name or f"#{len(constraints)}"] = constraint
                        if constraint.references and constraint.references != name and self.checks_reference_targets:
                            self._require("table", constraint.references)
        if node.expression is not None:  # CREATE TABLE … AS
            columns = None
        new = TableState(name, columns, constraints, self.report.statement if self.report else None)
        existing = self.state.tables.get(name)
        if self._creating("table", name, f"table {name}", new, existing, if_not_exists):
            self.state.tables[name] = new
            for constraint in constraints.values():
                if constraint.kind in ("p", "u") and constraint.name:
                    index_name = QName(name.schema, constraint.name)
                    self.state.indexes[index_name] = IndexState(
                        index_name, name, None, self.dialect_name, new.created_by, constraint.columns
                    )
        elif existing is not None and not if_not_exists and existing.columns is not None and columns:
            for column_name, column in columns.items():  # keep the author's intent: the delta lands
                existing.columns.setdefault(column_name, column)
            for constraint_name, constraint in constraints.items():
                existing.constraints.setdefault(constraint_name, constraint)

    def _inline_references(self, column: exp.ColumnDef, table: QName) -> None:
        for reference in column.find_all(exp.Reference):
            referenced = _reference_table(reference)
            if referenced and referenced != table and self.checks_reference_targets:
                self._require("table", referenced)

    def _column_def(self, node: exp.ColumnDef) -> ColumnDef:
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
        type_ref = _user_type(data_type)
        if type_ref is not None:
            # Recorded either way; a missing type only matters when a later migration creates it
            # (extension types such as citext or vector are never created by a migration).
            self._require("type", type_ref)
        statement = self.report.statement if self.report else None
        return ColumnDef(name, type_node, not_null, default_node, node, self.dialect_name, type_ref, statement)

    def _constraint_def(self, node: exp.Expression) -> ConstraintDef | None:
        name = None
        body = node
        if isinstance(node, exp.Constraint):
            name = identifier_name(node.this)
            body = node.expressions[0] if node.expressions else node
        if isinstance(body, exp.PrimaryKey) or isinstance(body, exp.PrimaryKeyColumnConstraint):
            kind = "p"
        elif isinstance(body, exp.UniqueColumnConstraint):
            kind = "u"
        elif isinstance(body, exp.ForeignKey):
            kind = "f"
        elif isinstance(body, exp.CheckColumnConstraint):
            kind = "c"
        else:
            kind = "x"
        references = None
        reference = body.find(exp.Reference)
        if reference is not None:
            references = _reference_table(reference)
        statement = self.report.statement if self.report else None
        return ConstraintDef(name, kind, body, node, self.dialect_name, references, _column_names(body), statement)

    def _create_type(self, node: exp.Create) -> None:
        name = table_qname(node.this)
        if name is None:
            return
        values = None
        data_type = node.expression
        if isinstance(data_type, exp.DataType) and data_type.this == exp.DataType.Type.ENUM:
            values = [literal.this for literal in data_type.expressions if isinstance(literal, exp.Literal)]
        new = TypeState(name, values, self.report.statement if self.report else None)
        existing = self.state.types.get(name)
        if self._creating("type", name, f"type {name}", new, existing, False):
            self.state.types[name] = new
        elif existing is not None and existing.values is not None and values:
            existing.values.extend(value for value in values if value not in existing.values)

    def _create_index(self, node: exp.Create, if_not_exists: bool) -> None:
        index = node.this
        if not isinstance(index, exp.Index):
            return
        table = table_qname(index.args.get("table"))
        if table is None:
            return
        self._require("table", table)
        index_name = identifier_name(index.this)
        if not index_name:
            return
        name = QName(table.schema, index_name)
        params = index.args.get("params")
        columns = _column_names(params) if params is not None else frozenset()
        self._require_columns(table, _index_columns(params))
        new = IndexState(name, table, node, self.dialect_name, self.report.statement if self.report else None, columns)
        existing = self.state.indexes.get(name)
        if self._creating("index", name, f"index {name}", new, existing, if_not_exists):
            self.state.indexes[name] = new

    # ── ALTER ────────────────────────────────────────────────────────────────────────────
    def _alter(self, node: exp.Alter) -> None:
        kind = (node.args.get("kind") or "").upper()
        name = table_qname(node.this)
        if name is None:
            return
        actions = node.args.get("actions") or []
        assert self.report is not None
        self.report.action_count = len(actions)
        if kind == "INDEX":
            for action in actions:
                if isinstance(action, exp.AlterRename):
                    self._rename_index(name, action)
            return
        if kind != "TABLE":
            return
        if node.args.get("exists") and name not in self.state.tables:
            return
        if not self._require("table", name):
            return
        table = self.state.tables[name]
        for action in actions:
            self._alter_action(table, action, node)

    def _alter_action(self, table: TableState, action: exp.Expression, node: exp.Alter) -> None:
        if isinstance(action, exp.ColumnDef):
            column = self._column_def(action)
            existing = table.columns.get(column.name) if table.columns is not None else None
            key = (table.name, column.name)
            label = f"column {column.name!r} of {table.name}"
            if self._creating("column", key, label, column, existing, bool(action.args.get("exists"))):
                if table.columns is not None:
                    table.columns[column.name] = column
        elif isinstance(action, exp.AddConstraint):
            for item in action.expressions:
                self._add_constraint(table, item)
        elif isinstance(action, exp.Drop):
            self._alter_drop(table, action)
        elif isinstance(action, exp.AlterRename):
            options = node.args.get("options") or []
            to_column = next((option for option in options if isinstance(option, exp.ToTableProperty)), None)
            if to_column is not None:  # ALTER TABLE t RENAME x TO y (COLUMN omitted)
                self._rename_column(table, identifier_name(action.this), identifier_name(to_column.this))
            else:
                new_name = table_qname(action.this)
                if new_name is not None:
                    self.state.rename_table(table.name, QName(table.name.schema, new_name.name))
        elif isinstance(action, exp.RenameColumn):
            self._rename_column(table, identifier_name(action.this), identifier_name(action.args.get("to")))
        elif isinstance(action, exp.AlterColumn):
            self._alter_column(table, action)

    def _add_constraint(self, table: TableState, item: exp.Expression) -> None:
        constraint = self._constraint_def(item)
        if constraint is None:
            return
        if constraint.references and constraint.references != table.name:
            self._require("table", constraint.references)
        if constraint.kind == "f":
            self._require_columns(table.name, constraint.columns)
        key_name = constraint.name or f"#{len(table.constraints)}"
        existing = table.constraints.get(key_name) if constraint.name else None
        label = f"constraint {constraint.name!r} on {table.name}"
        if self._creating("constraint", (table.name, key_name), label, constraint, existing, False):
            table.constraints[key_name] = constraint
            if constraint.kind in ("p", "u") and constraint.name:
                index_name = QName(table.name.schema, constraint.name)
                self.state.indexes[index_name] = IndexState(
                    index_name, table.name, None, self.dialect_name, self.report.statement if self.report else None, constraint.columns
                )

    def _alter_drop(self, table: TableState, action: exp.Drop) -> None:
        kind = (action.args.get("kind") or "").upper()
        for target in action.args.get("tables") or []:
            name = identifier_name(target)
            if not name:
                continue
            if kind == "CONSTRAINT":
                table.constraints.pop(name, None)
                self.state.indexes.pop(QName(table.name.schema, name), None)
            else:
                self.state.drop_column(table, name)

    def _rename_column(self, table: TableState, old: str | None, new: str | None) -> None:
        if table.columns is None or not old or not new or old not in table.columns:
            return
        column = table.columns.pop(old)
        column.name = new
        table.columns[new] = column

    def _alter_column(self, table: TableState, action: exp.AlterColumn) -> None:
        if table.columns is None:
            return
        column = table.columns.get(identifier_name(action.this) or "")
        if column is None:
            return
        data_type = action.args.get("dtype")
        if isinstance(data_type, exp.DataType):
            column.type_node = data_type
            column.type_ref = _user_type(data_type)
            if column.type_ref is not None:
                self._require("type", column.type_ref)
        if "default" in action.args and action.args.get("default") is not None:
            column.default_node = action.args["default"]
        if action.args.get("drop") and action.args.get("allow_null") is None and "default" not in action.args:
            column.default_node = None
        if action.args.get("allow_null") is not None:
            column.not_null = not action.args["allow_null"]

    def _rename_index(self, name: QName, action: exp.AlterRename) -> None:
        new_name = table_qname(action.this)
        index = self.state.indexes.pop(name, None)
        if index is None or new_name is None:
            return
        index.name = QName(name.schema, new_name.name)
        self.state.indexes[index.name] = index
        table = self.state.tables.get(index.table) if index.table is not None else None
        if table is not None and name.name in table.constraints:  # PostgreSQL renames the constraint too
            constraint = table.constraints.pop(name.name)
            constraint.name = new_name.name
            table.constraints[new_name.name] = constraint

    # ── DROP ─────────────────────────────────────────────────────────────────────────────
    def _drop(self, node: exp.Drop) -> None:
        kind = (node.args.get("kind") or "").upper()
        for target in node.args.get("tables") or []:
            name = table_qname(target)
            if name is None:
                continue
            if kind == "TABLE":
                self.state.drop_table(name)
            elif kind in ("VIEW", "MATERIALIZED VIEW"):
                self.state.drop_view(name)
            elif kind == "INDEX":
                self.state.indexes.pop(name, None)
            elif kind == "TYPE":
                self.state.types.pop(name, None)
            elif kind == "SCHEMA":
                schema = identifier_name(target.args.get("this")) or name.name
                self._drop_schema(schema)

    def _drop_schema(self, schema: str) -> None:
        self.state.schemas.discard(schema)
        for table in [key for key in self.state.tables if key.schema == schema]:
            self.state.drop_table(table)
        for key in [key for key in self.state.types if key.schema == schema]:
            del self.state.types[key]
        for key in [key for key in self.state.indexes if key.schema == schema]:
            del self.state.indexes[key]

    # ── statements sqlglot keeps opaque ──────────────────────────────────────────────────
    def _opaque(self, statement: Statement, tokens: list[Token]) -> None:
        command = opaque.read_command(tokens)
        if command is None:
            return
        if isinstance(command, opaque.AddEnumValue):
            enum = self.state.types.get(command.type_name)
            self._require("type", command.type_name)
            if enum is not None and enum.values is not None and command.value not in enum.values:
                enum.values.append(command.value)
        elif isinstance(command, opaque.RenameType):
            enum = self.state.types.pop(command.old, None)
            if enum is not None:
                enum.name = command.new
                self.state.types[command.new] = enum
        elif isinstance(command, opaque.RenameEnumValue):
            enum = self.state.types.get(command.type_name)
            if enum is not None and enum.values is not None and command.old in enum.values:
                enum.values[enum.values.index(command.old)] = command.new
        elif isinstance(command, opaque.RenameConstraint):
            table = self.state.tables.get(command.table)
            if table is not None and command.old in table.constraints:
                constraint = table.constraints.pop(command.old)
                constraint.name = command.new
                table.constraints[command.new] = constraint
                index = self.state.indexes.pop(QName(command.table.schema, command.old), None)
                if index is not None:
                    index.name = QName(command.table.schema, command.new)
                    self.state.indexes[index.name] = index
        elif isinstance(command, opaque.DoBlock):
            for inner_tokens, inner_text in opaque.guarded_statements(command.body, self.dialect):
                expression = parse_statement(self.dialect, inner_tokens, inner_text)
                self._replay(statement, expression, inner_tokens, guarded=True)


def _snapshot(existing: object | None) -> object | None:
    """A copy of a table or enum as it stood, since the replay keeps changing the live one."""
    if isinstance(existing, TableState):
        columns = {name: replace(column) for name, column in existing.columns.items()} if existing.columns is not None else None
        return replace(existing, columns=columns, constraints=dict(existing.constraints))
    if isinstance(existing, TypeState):
        return replace(existing, values=list(existing.values) if existing.values is not None else None)
    return existing


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


def _column_names(node: exp.Expression) -> frozenset[str]:
    """Columns a constraint or index uses (the referenced side of a foreign key excluded)."""
    names = set()
    for found in node.find_all(exp.Identifier):
        if found.find_ancestor(exp.Reference) is None:
            names.add(identifier_name(found) or "")
    names.discard("")
    return frozenset(names)


def _reference_table(reference: exp.Reference) -> QName | None:
    target = reference.this
    if isinstance(target, exp.Schema):
        target = target.this
    return table_qname(target)


def _user_type(data_type: exp.Expression | None) -> QName | None:
    """The user-defined type a column uses (arrays included), as a name a migration could create."""
    if not isinstance(data_type, exp.DataType):
        return None
    if data_type.this == exp.DataType.Type.ARRAY and data_type.expressions:
        return _user_type(data_type.expressions[0])
    if data_type.this != exp.DataType.Type.USERDEFINED:
        return None
    kind = data_type.args.get("kind")
    if isinstance(kind, exp.Identifier):
        return QName.of(identifier_name(kind) or "")
    if isinstance(kind, exp.Dot):
        return QName.of(identifier_name(kind.expression) or "", identifier_name(kind.this))
    return None
