"""`codemod doctor`: can we connect, what is there, and does it match what the tree creates?

Drift compares tables, columns, enum types and standalone indexes (the indexes behind PRIMARY KEY
and UNIQUE constraints are left out: they follow their constraint). Names are compared as
PostgreSQL stores them: truncated to 63 bytes, and an unnamed ``CREATE INDEX ON t (a)`` under the
name PostgreSQL chooses for it (``t_a_idx``, then ``t_a_idx1``… when taken).

The exit code agrees with the last line: 0 exactly when it says there is nothing to do.

Read only: the session is ``default_transaction_read_only``. Row counts are exact unless a count
takes longer than a few seconds (then PostgreSQL's estimate, shown with ``~``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codemod.analysis.discover import Order
from codemod.display import escape
from codemod.errors import CodemodError
from codemod.history.connect import DatabaseUrl, connect, parse_url
from codemod.history.local import load_local_tree
from codemod.history.status import StatusReport, compare
from codemod.history.table import TABLE, read_rows
from codemod.names import DEFAULT_SCHEMA, QName, identifier_name, table_qname

COUNT_TIMEOUT_MS = 5000
NAMEDATALEN = 64  # PostgreSQL keeps identifiers of up to NAMEDATALEN - 1 bytes
NOTHING_TO_DO = "nothing to do"


@dataclass
class DoctorReport:
    url: DatabaseUrl
    server_version: str = ""
    database: str = ""
    user: str = ""
    tables: list[tuple[str, str]] = field(default_factory=list)  # (schema.table, count text)
    missing_in_db: list[str] = field(default_factory=list)  # created by the tree, absent in the database
    extra_in_db: list[str] = field(default_factory=list)  # in the database, not created by the tree
    tree_note: str | None = None
    status: StatusReport | None = None
    history: str = ""

    @property
    def exit_code(self) -> int:
        return 0 if self.next_step().startswith(NOTHING_TO_DO) else 1

    def next_step(self) -> str:
        """What to do; starts with "nothing to do" exactly when the exit code is 0."""
        if self.tree_note is not None:
            return f"check the tree ({self.tree_note})"
        if self.status is None:
            return "check the tree (its migrations could not be compared with the database)"
        step = self.status.next_step()
        if (self.missing_in_db or self.extra_in_db) and step.startswith(NOTHING_TO_DO):
            return (
                "the history agrees with the tree but the schema does not (see drift): a change made outside "
                "the migrations? `prisma migrate diff` shows it"
            )
        return step

    def text(self) -> str:
        lines = [
            f"connected to {self.url.display}",
            f"server: PostgreSQL {self.server_version}; database {self.database}, user {self.user}, schema {self.url.schema}",
            f"tables ({len(self.tables)}):",
        ]
        width = max((len(name) for name, _ in self.tables), default=0)
        lines += [f"  {name:<{width}}  {count} row(s)" for name, count in self.tables] or ["  (none)"]
        if self.tree_note:
            lines.append(f"drift: not checked ({self.tree_note})")
        elif not self.missing_in_db and not self.extra_in_db:
            lines.append("drift: none (the database has what the tree creates, and no more)")
        else:
            if self.missing_in_db:
                lines.append(f"drift: the tree creates, the database lacks ({len(self.missing_in_db)}):")
                lines += [f"  - {item}" for item in self.missing_in_db]
            if self.extra_in_db:
                lines.append(f"drift: the database has, the tree does not create ({len(self.extra_in_db)}):")
                lines += [f"  + {item}" for item in self.extra_in_db]
        lines.append(f"{TABLE}: {self.history}")
        lines.append(f"next: {self.next_step()}")
        return "\n".join(map(escape, lines)) + "\n"  # names are data: one line each, no control characters


def doctor(path: Path | str | None, database_url: str | DatabaseUrl | None, order: Order = "locale") -> DoctorReport:
    url = database_url if isinstance(database_url, DatabaseUrl) else parse_url(database_url)
    report = DoctorReport(url)
    with connect(url, read_only=True) as conn:
        version, database, user = conn.execute(
            "SELECT current_setting('server_version'), current_database(), current_user"
        ).fetchone()
        report.server_version, report.database, report.user = version, database, user
        report.tables = _tables_with_counts(conn, url.schema)
        db_objects = _database_objects(conn, url.schema)
        rows = read_rows(conn, url.schema)
    if rows is None:
        report.history = f"no such table in schema {url.schema} (nothing deployed with Prisma Migrate)"
    else:
        applied = sum(1 for r in rows if r.applied)
        failed = [r.migration_name for r in rows if r.failed]
        rolled = sum(1 for r in rows if r.rolled_back)
        report.history = f"{len(rows)} row(s): {applied} applied, {len(failed)} failed, {rolled} rolled back"
        if failed:
            report.history += f" (failed: {', '.join(failed)}: deploys stop with P3009)"
    if path is None:
        report.tree_note = "no tree given"
        return report
    try:
        found: tuple[set[str], set[str]] | None = _tree_objects(Path(path), order, url.schema)
    except CodemodError as error:
        report.tree_note = f"the tree could not be read: {error.one_line()}"
        found = None
    if found is not None:
        tree_objects, opaque_tables = found
        db_objects = {o for o in db_objects if not any(o.startswith(f"column {t}.") for t in opaque_tables)}
        report.missing_in_db = sorted(tree_objects - db_objects)
        report.extra_in_db = sorted(db_objects - tree_objects)
    try:
        report.status = compare(load_local_tree(Path(path), order), url, rows)
    except CodemodError:
        report.status = None
    return report


def _tables_with_counts(conn: Any, schema: str) -> list[tuple[str, str]]:
    from psycopg import errors, sql

    listed = conn.execute(
        "SELECT n.nspname, c.relname, c.reltuples::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg\\_%%' ORDER BY n.nspname <> %s, n.nspname, c.relname",
        (schema,),
    ).fetchall()
    result = []
    conn.execute(sql.SQL("SET statement_timeout = {}").format(sql.Literal(COUNT_TIMEOUT_MS)))
    for nspname, relname, estimate in listed:
        label = relname if nspname == schema else f"{nspname}.{relname}"
        try:
            count = conn.execute(
                sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(nspname), sql.Identifier(relname))
            ).fetchone()[0]
            result.append((label, str(count)))
        except errors.QueryCanceled:
            result.append((label, f"~{max(estimate, 0)}"))
        except errors.InsufficientPrivilege:
            result.append((label, "? (no permission)"))
    conn.execute("SET statement_timeout = 0")
    return result


def _label(schema: str, name: str, default_schema: str) -> str:
    return name if schema == default_schema else f"{schema}.{name}"


def _database_objects(conn: Any, schema: str) -> set[str]:
    """Tables, columns, enum types and indexes of the user's schemas, as labels."""
    objects: set[str] = set()
    user_schemas = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%%'"
    for nspname, relname in conn.execute(
        f"SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        f"WHERE c.relkind IN ('r', 'p') AND {user_schemas}"
    ).fetchall():
        if relname != TABLE:
            objects.add(f"table {_label(nspname, relname, schema)}")
    for nspname, relname, attname in conn.execute(
        f"SELECT n.nspname, c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        f"JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 "
        f"AND NOT a.attisdropped AND {user_schemas}"
    ).fetchall():
        if relname != TABLE:
            objects.add(f"column {_label(nspname, relname, schema)}.{attname}")
    for nspname, typname in conn.execute(
        f"SELECT n.nspname, t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
        f"WHERE t.typtype = 'e' AND {user_schemas}"
    ).fetchall():
        objects.add(f"type {_label(nspname, typname, schema)}")
    for nspname, relname, tablename in conn.execute(
        f"SELECT n.nspname, c.relname, t.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        f"JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        f"WHERE t.relkind IN ('r', 'p', 'm') AND {user_schemas} "
        # indexes behind PRIMARY KEY / UNIQUE constraints follow their constraint (renames included)
        f"AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))"
    ).fetchall():
        if tablename != TABLE:
            objects.add(f"index {_label(nspname, relname, schema)}")
    return objects


def pg_truncate(name: str) -> str:
    """``name`` as PostgreSQL stores it: at most 63 bytes, cut at a character boundary."""
    data = name.encode("utf-8")
    if len(data) < NAMEDATALEN:
        return name
    return data[: NAMEDATALEN - 1].decode("utf-8", "ignore")


def _clip(name: str, limit: int) -> str:
    return name.encode("utf-8")[:limit].decode("utf-8", "ignore")


def make_object_name(name1: str, name2: str | None, label: str) -> str:
    """PostgreSQL's ``makeObjectName``: ``name1_name2_label`` in 63 bytes, the longer name cut first."""
    n1, n2 = len(name1.encode("utf-8")), len(name2.encode("utf-8")) if name2 else 0
    available = NAMEDATALEN - 1 - (len(label) + 1) - (1 if name2 else 0)
    while n1 + n2 > available:
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    parts = [_clip(name1, n1)] + ([_clip(name2, n2)] if name2 else [])
    return "_".join([*parts, label])


def index_column_names(columns: list[str]) -> str:
    """PostgreSQL's ``ChooseIndexColumnNames`` + ``ChooseIndexNameAddition``: ``a_b``, ``a_a1``…"""
    chosen: list[str] = []
    for original in columns:
        current, attempt = original, 0
        while current in chosen:
            attempt += 1
            suffix = str(attempt)
            current = _clip(original, NAMEDATALEN - 1 - len(suffix)) + suffix
        chosen.append(current)
    addition = ""
    for name in chosen:
        addition = f"{addition}_{name}" if addition else name
        if len(addition.encode("utf-8")) >= NAMEDATALEN:
            break
    return addition


def default_index_name(table: str, columns: list[str], taken: set[str]) -> str:
    """The name PostgreSQL gives ``CREATE INDEX ON table (columns)``: ``ChooseRelationName``."""
    addition = index_column_names(columns)
    label, attempt = "idx", 0
    while True:
        name = make_object_name(table, addition or None, label)
        if name not in taken:
            return name
        attempt += 1
        label = f"idx{attempt}"


def _index_column_name(element: Any) -> str:
    """The name an index column contributes: the column, a function's name, else ``expr``."""
    from sqlglot import exp

    while isinstance(element, (exp.Ordered, exp.Paren, exp.Opclass)):
        element = element.this
    if isinstance(element, exp.Column):
        return identifier_name(element.this) or element.name
    if isinstance(element, exp.Anonymous):
        return str(element.this).lower()
    if isinstance(element, exp.Func):
        return element.sql_name().lower()
    return "expr"


def _unnamed_indexes(analysis: Any) -> dict[Any, Any]:
    """Unnamed ``CREATE INDEX ON t (…)`` statements (the replay keeps no name for them): the name
    PostgreSQL chose, numbered against the relations of the schema at that point (tables and
    indexes share one namespace), unless a later ``DROP INDEX`` removed it. Maps QName → table."""
    from sqlglot import exp

    taken: dict[str, set[str]] = {}
    chosen: dict[QName, QName] = {}
    for report in analysis.replay.reports:
        for creation in report.creations:
            if creation.kind in ("table", "index") and isinstance(creation.key, QName):
                taken.setdefault(creation.key.schema, set()).add(pg_truncate(creation.key.name))
        expression = report.statement.expression
        if isinstance(expression, exp.Drop) and str(expression.args.get("kind") or "").upper() == "INDEX":
            for dropped in expression.args.get("tables") or [expression.this]:
                gone = table_qname(dropped) if isinstance(dropped, exp.Table) else None
                if gone is not None:
                    chosen.pop(QName(gone.schema, pg_truncate(gone.name)), None)
            continue
        if not isinstance(expression, exp.Create) or str(expression.args.get("kind") or "").upper() != "INDEX":
            continue
        index = expression.this
        if not isinstance(index, exp.Index) or index.this:
            continue
        table = table_qname(index.args.get("table"))
        params = index.args.get("params")
        if table is None or params is None:
            continue
        names = [_index_column_name(column) for column in params.args.get("columns") or []]
        schema_taken = taken.setdefault(table.schema, set())
        name = default_index_name(pg_truncate(table.name), names, schema_taken)
        schema_taken.add(name)
        chosen[QName(table.schema, name)] = table
    return chosen


def _tree_objects(path: Path, order: Order, schema: str) -> tuple[set[str], set[str]]:
    """What the whole tree leaves behind, from the replay's final state, named as PostgreSQL names it."""
    from codemod.engine import AnalyseOptions, analyse

    analysis = analyse(path, AnalyseOptions(order=order, select=frozenset()))
    final = analysis.replay.final

    def label(qname: Any) -> str:
        real_schema = schema if qname.schema == DEFAULT_SCHEMA else qname.schema
        return _label(pg_truncate(real_schema), pg_truncate(qname.name), schema)

    objects: set[str] = set()
    opaque_tables: set[str] = set()
    for qname, table in final.tables.items():
        objects.add(f"table {label(qname)}")
        if table.columns is None:
            opaque_tables.add(label(qname))
        for column in (table.columns or {}):
            objects.add(f"column {label(qname)}.{pg_truncate(column)}")
    for qname in final.types:
        if final.types[qname].values is not None:
            objects.add(f"type {label(qname)}")
    constraint_indexes = {
        QName(table.name.schema, constraint.name)
        for table in final.tables.values()
        for constraint in table.constraints.values()
        if constraint.kind in ("p", "u") and constraint.name
    }
    for qname in final.indexes:
        if qname not in constraint_indexes:
            objects.add(f"index {label(qname)}")
    for qname, table in _unnamed_indexes(analysis).items():
        if table in final.tables:
            objects.add(f"index {label(qname)}")
    return objects, opaque_tables
