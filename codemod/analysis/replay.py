"""Replay a tree statement by statement: the schema state, and what PostgreSQL would say.

Each statement is checked against the state before it, the way PostgreSQL checks it: what it
needs must exist (42P01, 42703, 42704, 42883), what it creates must not (42P07, 42710, 42701),
and a few rules of their own (25001, 42P13, 42P16). Every predicted failure is recorded with the
SQLSTATE PostgreSQL would give; the replay then goes on as the author meant (the object stays,
the delta lands), so that what follows is judged too.

``DO $$ … $$`` bodies are read (:mod:`plpgsql`): ``IF`` conditions that the state can answer
are decided (:mod:`conditions`), others "may run"; an ``EXCEPTION WHEN …`` handler that catches
a failure rolls the block back, as PostgreSQL does.

Transforms never re-read SQL: they ask the replay what a statement created, what it needed,
whether that existed at that point, who else created it, and where PostgreSQL would stop.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.tokens import Token

from codemod.analysis import opaque, plpgsql
from codemod.analysis.conditions import decide
from codemod.analysis.parse import parse_statement
from codemod.analysis.statements import StatementHandlers
from codemod.model.schema import EXTENSION_TYPES, IndexMap, NodeRef, SchemaObject, SchemaState, TableState
from codemod.model.tree import UNPARSED, Migration, MigrationTree, Statement
from codemod.names import QName

RequirementKind = Literal["table", "type", "column", "constraint", "index", "function", "trigger", "label", "schema", "relation"]
ObjectKind = Literal["table", "type", "index", "constraint", "column", "relation", "function", "trigger", "label", "schema"]

# PL/pgSQL condition names → the SQLSTATEs they catch (``others`` catches all).
HANDLER_CONDITIONS = {
    "duplicate_object": {"42710"},
    "duplicate_table": {"42P07"},
    "duplicate_column": {"42701"},
    "duplicate_schema": {"42P06"},
    "duplicate_function": {"42723"},
    "undefined_table": {"42P01"},
    "undefined_column": {"42703"},
    "undefined_object": {"42704"},
    "undefined_function": {"42883"},
    "invalid_table_definition": {"42P16"},
    "invalid_parameter_value": {"22023"},
    "dependent_objects_still_exist": {"2BP01"},
    "feature_not_supported": {"0A000"},
    "active_sql_transaction": {"25001"},
    "invalid_function_definition": {"42P13"},
}


@dataclass(frozen=True)
class Requirement:
    """An object a statement needs; ``present`` tells whether it existed at that point.

    For a column, constraint, trigger or enum label, ``name`` is its table (or type) and
    ``detail`` its own name.
    """

    kind: RequirementKind
    name: QName
    present: bool
    detail: str | None = None

    @property
    def column(self) -> str | None:
        return self.detail if self.kind == "column" else None

    @property
    def key(self) -> object:
        """The key under which the replay logs the object's creations."""
        return (self.name, self.detail) if self.detail is not None else self.name

    @property
    def log_kind(self) -> str:
        return "table" if self.kind == "relation" else self.kind

    @property
    def log_kinds(self) -> tuple[str, ...]:
        """The kinds under which the replay may have logged what it names (a relation need can be
        met by a table, a view or a sequence)."""
        return ("table", "relation") if self.kind in ("table", "relation") else (self.log_kind,)

    def __str__(self) -> str:
        if self.kind == "column":
            return f"column {self.detail!r} of {self.name}"
        if self.kind in ("constraint", "trigger"):
            return f"{self.kind} {self.detail!r} on {self.name}"
        if self.kind == "label":
            return f"value {self.detail!r} of enum {self.name}"
        if self.kind == "relation":
            return f"table {self.name}"
        return f"{self.kind} {self.name}"


@dataclass(frozen=True)
class Creation:
    """An object a statement creates; ``existing`` is what already stood under that name."""

    kind: ObjectKind
    key: object
    label: str
    new: SchemaObject | str
    existing: SchemaObject | str | None
    if_not_exists: bool


@dataclass(frozen=True)
class Failure:
    """What PostgreSQL would say at a statement: its SQLSTATE and message.

    ``rule`` is the code of the rule that reports it; ``subject`` what the failure is about.
    ``certain`` is False inside a ``DO`` branch whose condition codemod cannot decide.
    """

    sqlstate: str
    message: str
    rule: str
    subject: Requirement | Creation | None = None
    certain: bool = True
    detail: str = ""
    dependents: tuple[str, ...] = ()  # objects that depend on the subject (a fix must not drop them)
    origins: tuple[Statement, ...] = ()  # earlier statements the failure stems from (a fix may move them)


@dataclass
class StatementReport:
    """What one statement did; a statement inside a ``DO`` body has a report of its own."""

    statement: Statement
    seq: int
    guarded: bool
    line: int
    col: int
    action_count: int = 1
    creations: list[Creation] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    certain: bool = True
    caught: bool = False  # inside a block whose EXCEPTION handler catches its failure
    inner: tuple[int, int] | None = None  # a DO body's statement: its characters in the file (no ';')

    @property
    def text(self) -> str:
        """The statement's own text (a DO body's statement, or the whole statement)."""
        if self.inner is not None:
            return self.statement.migration.text[self.inner[0] : self.inner[1]]
        return self.statement.text

    @property
    def missing(self) -> list[Requirement]:
        return [requirement for requirement in self.requirements if not requirement.present]


@dataclass
class Replay:
    reports: list[StatementReport]
    creation_log: dict[tuple[str, object], list[StatementReport]]
    final: SchemaState
    opaque_statements: int
    _failures: list[tuple[StatementReport, Failure]] | None = field(default=None, repr=False, compare=False)

    def top_level(self) -> list[StatementReport]:
        return [report for report in self.reports if not report.guarded]

    def failures(self) -> list[tuple[StatementReport, Failure]]:
        """Every predicted failure in tree order (listed once: each rule asks, and a large tree has
        hundreds of thousands of reports)."""
        if self._failures is None:
            self._failures = [(report, failure) for report in self.reports for failure in report.failures]
        return self._failures

    def first_creation_after(self, kind: str, key: object, seq: int) -> StatementReport | None:
        for report in self.creation_log.get((kind, key), []):
            if report.seq > seq:
                return report
        return None

    def creators(self, kind: str, key: object) -> list[StatementReport]:
        return self.creation_log.get((kind, key), [])

    def created_before(self, requirement: Requirement, seq: int) -> StatementReport | None:
        """The last statement before ``seq`` that created what a requirement names; a column may have
        come with its table's ``CREATE TABLE``."""
        found = [report for kind in requirement.log_kinds for report in self.creators(kind, requirement.key) if report.seq < seq]
        if not found and requirement.kind == "column":
            for report in self.creators("table", requirement.name):
                if report.seq < seq and any(
                    creation.kind == "table" and isinstance(creation.new, TableState) and requirement.detail in (creation.new.columns or {})
                    for creation in report.creations
                ):
                    found.append(report)
        return max(found, key=lambda report: report.seq) if found else None

    def remover(self, report: StatementReport, requirement: Requirement) -> str | None:
        """The migration that took away an object a statement needs: the last statement before it
        that needed the object and found it (a ``DROP COLUMN`` needs its column), if the object was
        created before that (None: it was there before the tree, or nothing took it away)."""
        for earlier in reversed(self.reports[: report.seq]):
            if not earlier.certain or earlier.caught:
                continue
            if any(need.present and need.log_kind in requirement.log_kinds and need.key == requirement.key for need in earlier.requirements):
                if self.created_before(requirement, earlier.seq) is None:
                    return None
                return earlier.statement.migration.name
        return None


def replay_tree(tree: MigrationTree, dialect: Dialect) -> Replay:
    return _Replayer(dialect).run(tree.migrations)


# What a replay carries from one migration to the next: enough to go on from there (the cache).
CARRIED = ("state", "reports", "creation_log", "opaque", "long_names", "session_path")


def replay_onwards(
    migrations: Iterable[Migration], dialect: Dialect, carried: dict[str, Any] | None, let_go: bool = False
) -> tuple[Replay, dict[str, Any]]:
    """Replay ``migrations`` after the point ``carried`` describes (None: from an empty database).

    Returns the replay of everything so far and what to carry on from its end. The analysis
    cache (:mod:`codemod.analysis.cache`) stores the carried values of an unchanged history, so
    a run replays only the migrations after it; the result is the replay a cold run makes.

    With ``let_go``, each migration's syntax trees are let go once it is replayed (they are parsed
    again if someone asks): a caller that reads and parses ``migrations`` one at a time then never
    holds a large tree's syntax trees all at once. The replay is the same.
    """
    replayer = _Replayer(dialect)
    replayer.let_go = let_go
    for name, value in (carried or {}).items():
        setattr(replayer, name, value)
    replay = replayer.run(migrations)
    return replay, {name: getattr(replayer, name) for name in CARRIED}


class _Replayer(StatementHandlers):
    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.dialect_name = type(dialect).__name__.lower()
        self.postgres = self.dialect_name == "postgres"
        # SQLite checks a foreign key's target only when rows are written, never at CREATE time.
        self.checks_reference_targets = self.dialect_name != "sqlite"
        self.state = SchemaState()
        self.reports: list[StatementReport] = []
        self.creation_log: dict[tuple[str, object], list[StatementReport]] = {}
        self.opaque = 0
        self.report: StatementReport | None = None
        self.long_names: dict[tuple[str, QName], str] = {}
        self.certain = True
        self.statements_in_migration = 0
        self.labels_added_here: dict[tuple[QName, str], Statement] = {}  # enum labels this migration adds
        self.refs_here: list[NodeRef] = []
        self.let_go = False  # let each migration's syntax trees go after it (see replay_onwards)

    # ── driving ──────────────────────────────────────────────────────────────────────────
    def run(self, migrations: Iterable[Migration]) -> Replay:
        for migration in migrations:
            self.refs_here = []
            self.statements_in_migration = len(migration.statements)
            self.labels_added_here = {}
            self.path = self.session_path  # SET LOCAL ends with the migration's transaction
            for statement in migration.statements:
                if statement.opaque:
                    self.opaque += 1
                if _ends_transaction(statement):
                    self.labels_added_here = {}  # a COMMIT inside the script: what it added is usable after it
                # a parsed statement that let its tokens go is read from its expression (analysis.tree)
                tokens = statement.tokens if statement.has_tokens else []
                self._replay(statement, statement.expression, tokens, guarded=False, line=statement.line, col=statement.col)
            if self.let_go:
                _let_go(migration, self.refs_here)
        self.refs_here = []
        return Replay(self.reports, self.creation_log, self.state, self.opaque)

    def _replay(
        self, statement: Statement, expression: exp.Expression | None, tokens: list[Token], guarded: bool, line: int, col: int
    ) -> StatementReport:
        report = StatementReport(statement, len(self.reports), guarded, line, col, certain=self.certain)
        self.report = report
        self.reports.append(report)
        if expression is not None and not isinstance(expression, exp.Command):
            self.expression(expression, tokens)
        else:
            command = opaque.read_command(tokens)
            if isinstance(command, opaque.DoBlock):
                self._do_block(statement, command, line)
            elif command is not None:
                self.command(command)
            self.report = report
        return report

    # ── bookkeeping (used by the handlers) ───────────────────────────────────────────────
    def current(self) -> StatementReport:
        assert self.report is not None
        return self.report

    def fail(
        self, sqlstate: str, message: str, rule: str, subject: Requirement | Creation | None = None, detail: str = "",
        dependents: tuple[str, ...] = (), origins: tuple[Statement, ...] = (),
    ) -> None:
        if not self.postgres and rule not in ("duplicate-create", "missing"):
            return  # the failure model is PostgreSQL's; other providers keep the duplicates and order checks
        report = self.current()
        report.failures.append(Failure(sqlstate, message, rule, subject, self.certain, detail, dependents, origins))

    def require(self, kind: RequirementKind, name: QName | None, present: bool | None = None, detail: str | None = None, message: str | None = None, sqlstate: str | None = None) -> bool:
        """Record that the statement needs an object; a missing one is a failure."""
        if name is None:
            return True
        if present is None:
            present = self.exists(kind, name, detail)
        requirement = Requirement(kind, name, present, detail)
        self.current().requirements.append(requirement)
        if not present:
            state, text = sqlstate or _MISSING_STATES[kind], message or _missing_message(requirement)
            self.fail(state, text, "missing", requirement)
        return present

    def exists(self, kind: RequirementKind, name: QName, detail: str | None = None) -> bool:
        state = self.state
        if kind == "table":
            return name in state.tables
        if kind == "relation":
            return state.relation_kind(name) is not None
        if kind == "type":
            extension = EXTENSION_TYPES.get(name.name)
            return name in state.types or name in state.tables or (extension is not None and extension in state.extensions)
        if kind == "index":
            return name in state.indexes
        if kind == "schema":
            return name.name in state.schemas
        if kind == "function":
            return any(key[0] == name for key in state.functions)
        if kind == "column":
            table = state.tables.get(name)
            return table is None or table.columns is None or detail in table.columns
        if kind == "constraint":
            table = state.tables.get(name)
            return table is not None and detail in table.constraints
        if kind == "trigger":
            return (name, detail or "") in state.triggers
        if kind == "label":
            enum = state.types.get(name)
            return enum is None or enum.values is None or detail in enum.values
        return True

    def creating(
        self, kind: ObjectKind, key: object, label: str, new: SchemaObject | str, existing: SchemaObject | str | None,
        if_not_exists: bool, written: str | None = None, sqlstate: str | None = None, message: str | None = None,
    ) -> bool:
        """Record a creation; True when the state should take the new object."""
        report = self.current()
        if existing is not None and not if_not_exists and written is not None and isinstance(key, QName):
            earlier = self.long_names.get((kind, key))
            if earlier is not None and earlier != written:
                self.fail("42P07" if kind in ("table", "index", "relation") else "42710",
                          f"{label} already exists: {written!r} and {earlier!r} are the same name once PostgreSQL truncates them to 63 bytes",
                          "identifier-collision", Creation(kind, key, label, new, existing, if_not_exists))
                return False
        creation = Creation(kind, key, label, new, existing, if_not_exists)
        report.creations.append(creation)
        if existing is None:
            self.creation_log.setdefault((kind, key), []).append(report)
            if written is not None and isinstance(key, QName) and written != key.name:
                self.long_names[(kind, key)] = written
            return True
        if not if_not_exists:
            self.fail(sqlstate or _EXISTS_STATES.get(kind, "42710"), message or f"{label} already exists", "duplicate-create", creation)
        return False

    # ── DO blocks ────────────────────────────────────────────────────────────────────────
    def _do_block(self, statement: Statement, command: opaque.DoBlock, line: int) -> None:
        if not self.postgres:
            return
        block = plpgsql.read_body(command.body, self.dialect)
        if block is None:
            return
        if self.current().guarded:  # a DO inside a DO body: rare, and its offsets point elsewhere
            return
        self._run_block(statement, block, statement.migration.text, command.offset)

    def _run_block(self, statement: Statement, block: plpgsql.Block, text: str, body_start: int) -> None:
        if not block.handlers:
            self._run_steps(statement, block.steps, text, body_start)
            return
        saved = _copy_state(self.state)
        saved_log = {key: list(value) for key, value in self.creation_log.items()}
        first = len(self.reports)
        self._run_steps(statement, block.steps, text, body_start)
        inner = self.reports[first:]
        failure = next((f for report in inner for f in report.failures), None)
        if failure is None:
            return
        handler = next((steps for names, steps in block.handlers if _catches(names, failure.sqlstate)), None)
        if handler is None:
            return
        self.state = saved
        self.creation_log = saved_log
        for report in inner:
            report.caught = True
            report.failures.clear()
            report.creations.clear()
        self._run_steps(statement, handler, text, body_start)

    def _run_steps(self, statement: Statement, steps: list[plpgsql.Step], text: str, body_start: int) -> None:
        for step in steps:
            if isinstance(step, plpgsql.SqlStep):
                line, col = _position(statement, text, body_start + step.offset)
                expression = parse_statement(self.dialect, step.tokens, step.text)
                report = self._replay(statement, expression, step.tokens, guarded=True, line=line, col=col)
                if step.text is text or step.text == text[body_start:body_start + len(step.text)]:
                    report.inner = (body_start + step.tokens[0].start, body_start + step.tokens[-1].end + 1)
            elif isinstance(step, plpgsql.Block):
                self._run_block(statement, step, text, body_start)
            elif isinstance(step, plpgsql.LoopStep):
                self._uncertain(statement, step.steps, text, body_start)
            elif isinstance(step, plpgsql.IfStep):
                self._run_if(statement, step, text, body_start)

    def _run_if(self, statement: Statement, step: plpgsql.IfStep, text: str, body_start: int) -> None:
        for condition, branch in step.branches:
            truth = decide(condition, self.state)
            if truth is True:
                self._run_steps(statement, branch, text, body_start)
                return
            if truth is None:
                self._uncertain(statement, branch, text, body_start)
                return
        if step.otherwise is not None:
            self._run_steps(statement, step.otherwise, text, body_start)

    def _uncertain(self, statement: Statement, steps: list[plpgsql.Step], text: str, body_start: int) -> None:
        """Steps that may or may not run: replayed as if they run, their failures marked uncertain."""
        was = self.certain
        self.certain = False
        try:
            self._run_steps(statement, steps, text, body_start)
        finally:
            self.certain = was


_MISSING_STATES: dict[str, str] = {
    "table": "42P01", "relation": "42P01", "index": "42704", "type": "42704", "column": "42703", "constraint": "42704",
    "function": "42883", "trigger": "42704", "label": "22023", "schema": "3F000",
}
_EXISTS_STATES: dict[str, str] = {
    "table": "42P07", "relation": "42P07", "index": "42P07", "type": "42710", "column": "42701", "constraint": "42710",
    "function": "42723", "trigger": "42710", "label": "42710", "schema": "42P06",
}


def _missing_message(requirement: Requirement) -> str:
    name = requirement.name.name if requirement.name.schema == "public" else f"{requirement.name.schema}.{requirement.name.name}"
    if requirement.kind in ("table", "relation"):
        return f'relation "{name}" does not exist'
    if requirement.kind == "column":
        return f'column "{requirement.detail}" of relation "{name}" does not exist'
    if requirement.kind == "constraint":
        return f'constraint "{requirement.detail}" of relation "{name}" does not exist'
    if requirement.kind == "trigger":
        return f'trigger "{requirement.detail}" for table "{name}" does not exist'
    if requirement.kind == "label":
        return f'"{requirement.detail}" is not an existing enum label of "{name}"'
    if requirement.kind == "schema":
        return f'schema "{requirement.name.name}" does not exist'
    if requirement.kind == "function":
        return f"function {name}() does not exist"
    return f'{requirement.kind} "{name}" does not exist'


def _let_go(migration: Migration, refs: list[NodeRef]) -> None:
    """Forget a replayed migration's syntax trees; the state reaches them through ``refs``
    (:meth:`NodeRef.resolve` parses a statement again when one of its nodes is asked for)."""
    if migration.parser is None:
        return
    for ref in refs:
        ref.let_go()
    for statement in migration.statements:
        if isinstance(statement._expression, exp.Expression) and not isinstance(statement._expression, exp.Command):
            statement._expression = UNPARSED


def _ends_transaction(statement: Statement) -> bool:
    if isinstance(statement.expression, (exp.Commit, exp.Rollback)):
        return True
    return statement.keyword in ("COMMIT", "END", "ROLLBACK", "ABORT")  # not .tokens: parsed statements let theirs go


def _catches(names: frozenset[str], sqlstate: str) -> bool:
    for name in names:
        if name == "others" or name.strip("'") == sqlstate.lower() or sqlstate in HANDLER_CONDITIONS.get(name, ()):
            return True
    return False


def _copy_state(state: SchemaState) -> SchemaState:
    """A copy of the containers; the objects in them are frozen values and are shared."""
    indexes = IndexMap()
    for name, index in state.indexes.items():
        indexes[name] = index
    return SchemaState(
        schemas=set(state.schemas),
        tables=dict(state.tables),
        relations=dict(state.relations),
        types=dict(state.types),
        indexes=indexes,
        functions=dict(state.functions),
        triggers=dict(state.triggers),
        extensions=set(state.extensions),
    )


def _position(statement: Statement, text: str, offset: int) -> tuple[int, int]:
    """Line and column in the file of a character offset (for statements inside a DO body)."""
    line = statement.line + text.count("\n", statement.char_start, offset)
    col = offset - text.rfind("\n", 0, offset)
    return line, col
