"""What the original tree *intends*: the schema it would build if every statement that can run did.

Prisma stops at the first failing migration, so a broken tree never shows its intent on a real
server. We approximate it by replaying the ORIGINAL tree statement by statement (the engine's
split, ``tree.migrations[i].statements[j]``), each statement inside a SAVEPOINT, one
transaction per migration, and skipping the statements that fail:

* A statement that failed because something did not exist *yet* (undefined table, column,
  type, function or schema: SQLSTATE 42P01, 42703, 42704, 42883, 3F000) is tried again after
  each later migration, in order, until it runs; so a forward foreign key lands as soon as its
  target exists (and a later DROP still removes it), which is what its author meant.
* A ``CREATE TABLE`` that failed because the table already exists (42P07) is run again in a
  private shadow schema (with ``public`` behind it on the search path); the columns it declares
  that the existing table lacks are added to the real table (type, default, NOT NULL). So the
  intent of "create it again with two more columns" is those two columns.
* A ``CREATE TYPE ... AS ENUM`` that failed because the type exists (42710) is run in the
  shadow schema too, and the values it declares that the existing type lacks are added.
* A statement that may not run inside a transaction block (25001, e.g. ``CREATE INDEX
  CONCURRENTLY``) is run on its own, outside one.
* ``ALTER TABLE … DROP CONSTRAINT x`` that failed because ``x`` is a unique index, not a
  constraint (42704), means "drop x": the index is dropped.
* Everything else that fails is skipped and listed (``skipped``).

The catalog snapshot at the end is the intended schema. The intent check then asks that every
table, column, enum and enum value, index and constraint (foreign keys included) of it exists
after the rewritten tree, by name. Why this and not the engine's static replay: PostgreSQL
decides what a statement creates (implicit indexes, constraint names, identifier folding),
so the intent is read from the same catalog the rewritten tree is checked against.

Known limits: a column adopted from a duplicate CREATE TABLE keeps no constraint of that
statement (constraints there are usually already on the existing table); a statement retried
after a later migration may land after a statement that meant to change it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import psycopg
from psycopg import sql
from sqlglot import exp

from codemod.model import MigrationTree, Statement
from codemod.names import QName, identifier_name, table_qname
from codemod.verify.introspect import Snapshot, snapshot
from codemod.verify.runner import _TRANSACTION_CONTROL, connect, run_script

RETRYABLE = {"42P01", "42703", "42704", "42883", "3F000"}
DUPLICATE_TABLE = "42P07"
NOT_IN_TRANSACTION = "25001"
SHADOW_SCHEMA = "codemod_intent_shadow"
DUPLICATE_OBJECT = "42710"
UNDEFINED_OBJECT = "42704"
_CREATE_ENUM = re.compile(r"^\s*CREATE\s+TYPE\b.*\bAS\s+ENUM\b", re.I | re.S)
_CREATE_TABLE = re.compile(r"^\s*CREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?(?:UNLOGGED\s+)?TABLE\b", re.I)


@dataclass
class SkippedStatement:
    migration: str
    line: int
    sqlstate: str | None
    message: str

    def to_json(self) -> dict[str, object]:
        return vars(self).copy()


@dataclass
class Intent:
    snapshot: Snapshot
    skipped: list[SkippedStatement] = field(default_factory=list)
    adopted_columns: list[str] = field(default_factory=list)  # table.column from duplicate CREATE TABLEs
    adopted_enum_values: list[str] = field(default_factory=list)  # type.value from duplicate CREATE TYPEs
    deferred: list[str] = field(default_factory=list)  # migration:line of statements run later
    adopted_index_drops: list[str] = field(default_factory=list)  # indexes a DROP CONSTRAINT meant to drop


def intended_schema(url: str, tree: MigrationTree, progress: Callable[[str], None] | None = None) -> Intent:
    intent = Intent(Snapshot())
    with connect(url) as conn:
        pending: list[tuple[Statement, psycopg.Error]] = []
        for migration in tree.migrations:
            conn.execute("BEGIN")
            for statement in migration.statements:
                if _TRANSACTION_CONTROL.match(statement.text):
                    continue
                error = _attempt(conn, statement.text)
                if error is None:
                    continue
                if error.sqlstate == NOT_IN_TRANSACTION:
                    conn.execute("COMMIT")
                    error = _attempt_alone(conn, statement.text)
                    conn.execute("BEGIN")
                    if error is None:
                        continue
                if error.sqlstate == DUPLICATE_TABLE and _CREATE_TABLE.match(statement.text):
                    intent.adopted_columns.extend(_adopt_columns(conn, statement.text))
                    continue
                if error.sqlstate == DUPLICATE_OBJECT and _CREATE_ENUM.match(statement.text):
                    intent.adopted_enum_values.extend(_adopt_enum_values(conn, statement.text))
                    continue
                if error.sqlstate == UNDEFINED_OBJECT and (index := _index_dropped_as_constraint(statement)) is not None:
                    if _attempt(conn, f"DROP INDEX IF EXISTS {index}") is None:
                        intent.adopted_index_drops.append(index)
                        continue
                if error.sqlstate in RETRYABLE:
                    pending.append((statement, error))
                    continue
                intent.skipped.append(_skipped(statement, error))
            conn.execute("COMMIT")
            if pending:
                pending = _retry(conn, pending, intent)
            if progress is not None:
                progress(migration.name)
        intent.skipped.extend(_skipped(statement, error) for statement, error in pending)
        intent.snapshot = snapshot(conn)
    return intent


def _index_dropped_as_constraint(statement: Statement) -> str | None:
    """The index name of ``ALTER TABLE t DROP CONSTRAINT x`` (its only action), quoted for SQL."""
    node = statement.expression
    if not isinstance(node, exp.Alter) or (node.args.get("kind") or "").upper() != "TABLE":
        return None
    actions = node.args.get("actions") or []
    if len(actions) != 1 or not isinstance(actions[0], exp.Drop) or (actions[0].args.get("kind") or "").upper() != "CONSTRAINT":
        return None
    table = table_qname(node.this)
    targets = actions[0].args.get("tables") or []
    name = identifier_name(targets[0]) if len(targets) == 1 else None
    return QName(table.schema, name).sql() if table is not None and name else None


def _attempt(conn: psycopg.Connection, text: str) -> psycopg.Error | None:
    conn.execute("SAVEPOINT codemod_intent")
    try:
        run_script(conn, text)
    except psycopg.Error as error:
        conn.execute("ROLLBACK TO SAVEPOINT codemod_intent")
        conn.execute("RELEASE SAVEPOINT codemod_intent")
        return error
    conn.execute("RELEASE SAVEPOINT codemod_intent")
    return None


def _attempt_alone(conn: psycopg.Connection, text: str) -> psycopg.Error | None:
    try:
        run_script(conn, text)
    except psycopg.Error as error:
        return error
    return None


def _retry(
    conn: psycopg.Connection, pending: list[tuple[Statement, psycopg.Error]], intent: Intent
) -> list[tuple[Statement, psycopg.Error]]:
    still: list[tuple[Statement, psycopg.Error]] = []
    conn.execute("BEGIN")
    for statement, _previous in pending:
        error = _attempt(conn, statement.text)
        if error is None:
            intent.deferred.append(f"{statement.migration.name}:{statement.line}")
        elif error.sqlstate in RETRYABLE:
            still.append((statement, error))
        else:
            intent.skipped.append(_skipped(statement, error))
    conn.execute("COMMIT")
    return still


def _adopt_columns(conn: psycopg.Connection, text: str) -> list[str]:
    """Run a duplicate CREATE TABLE in a shadow schema; add its extra columns to the real table."""
    conn.execute("SAVEPOINT codemod_shadow")
    columns: list[tuple[str, str, str, bool, str | None]] = []
    try:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(SHADOW_SCHEMA)))
        conn.execute(sql.SQL("SET LOCAL search_path = {}, public").format(sql.Identifier(SHADOW_SCHEMA)))
        run_script(conn, text)
        rows = conn.execute(
            """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid)
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
              AND NOT EXISTS (
                  SELECT 1 FROM pg_attribute r
                  JOIN pg_class rc ON rc.oid = r.attrelid
                  JOIN pg_namespace rn ON rn.oid = rc.relnamespace
                  WHERE rn.nspname = 'public' AND rc.relname = c.relname AND r.attname = a.attname
                    AND r.attnum > 0 AND NOT r.attisdropped)
            ORDER BY c.relname, a.attnum
            """,
            (SHADOW_SCHEMA,),
        ).fetchall()
        columns = [(t, c, ty, nn, d) for t, c, ty, nn, d in rows]
    except psycopg.Error:
        columns = []
    conn.execute("ROLLBACK TO SAVEPOINT codemod_shadow")
    conn.execute("RELEASE SAVEPOINT codemod_shadow")
    adopted = []
    for table, column, type_, not_null, default in columns:
        clause = sql.SQL("ALTER TABLE {}.{} ADD COLUMN {} {}").format(
            sql.Identifier("public"), sql.Identifier(table), sql.Identifier(column), sql.SQL(type_)
        )
        if default is not None and SHADOW_SCHEMA not in default:
            clause += sql.SQL(" DEFAULT ") + sql.SQL(default)
        if not_null:
            clause += sql.SQL(" NOT NULL")
        if _attempt(conn, clause.as_string(conn)) is None:
            adopted.append(f"public.{table}.{column}")
    return adopted


def _adopt_enum_values(conn: psycopg.Connection, text: str) -> list[str]:
    """Run a duplicate CREATE TYPE ... AS ENUM in a shadow schema; add its new values to the real type."""
    conn.execute("SAVEPOINT codemod_shadow")
    rows: list[tuple[str, str]] = []
    try:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(SHADOW_SCHEMA)))
        conn.execute(sql.SQL("SET LOCAL search_path = {}, public").format(sql.Identifier(SHADOW_SCHEMA)))
        run_script(conn, text)
        rows = conn.execute(
            """
            SELECT t.typname, e.enumlabel FROM pg_enum e
            JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE n.nspname = %s ORDER BY t.typname, e.enumsortorder
            """,
            (SHADOW_SCHEMA,),
        ).fetchall()
    except psycopg.Error:
        rows = []
    conn.execute("ROLLBACK TO SAVEPOINT codemod_shadow")
    conn.execute("RELEASE SAVEPOINT codemod_shadow")
    adopted = []
    for type_name, label in rows:
        statement = sql.SQL("ALTER TYPE {}.{} ADD VALUE IF NOT EXISTS {}").format(
            sql.Identifier("public"), sql.Identifier(type_name), sql.Literal(label)
        )
        exists = conn.execute(
            "SELECT 1 FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace"
            " WHERE n.nspname = 'public' AND t.typname = %s AND e.enumlabel = %s",
            (type_name, label),
        ).fetchone()
        if exists is None and _attempt(conn, statement.as_string(conn)) is None:
            adopted.append(f"public.{type_name}.{label}")
    return adopted


def _skipped(statement: Statement, error: psycopg.Error) -> SkippedStatement:
    message = error.diag.message_primary or str(error).strip()
    return SkippedStatement(statement.migration.name, statement.line, error.sqlstate, message)
