"""`codemod doctor`: can we connect, what is there, and does it match what the tree creates?

Drift compares tables, columns, enum types and standalone indexes (the indexes behind PRIMARY KEY
and UNIQUE constraints are left out: they follow their constraint).

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
from codemod.names import DEFAULT_SCHEMA, QName

COUNT_TIMEOUT_MS = 5000


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
        drift = bool(self.missing_in_db or self.extra_in_db)
        history_ok = self.status is None or self.status.clean
        return 0 if not drift and history_ok and self.tree_note is None else 1

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
        if self.status is not None:
            lines.append(f"next: {self.status.next_step()}")
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


def _tree_objects(path: Path, order: Order, schema: str) -> tuple[set[str], set[str]]:
    """What the whole tree leaves behind, from the replay's final state."""
    from codemod.engine import AnalyseOptions, analyse

    analysis = analyse(path, AnalyseOptions(order=order, select=frozenset()))
    final = analysis.replay.final

    def label(qname: Any) -> str:
        real_schema = schema if qname.schema == DEFAULT_SCHEMA else qname.schema
        return _label(real_schema, qname.name, schema)

    objects: set[str] = set()
    opaque_tables: set[str] = set()
    for qname, table in final.tables.items():
        objects.add(f"table {label(qname)}")
        if table.columns is None:
            opaque_tables.add(label(qname))
        for column in (table.columns or {}):
            objects.add(f"column {label(qname)}.{column}")
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
    return objects, opaque_tables
