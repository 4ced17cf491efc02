"""Replay a migration tree on a real PostgreSQL database, migration by migration, as Prisma does.

Each ``migration.sql`` is sent as ONE script through the simple query protocol (psycopg 3 uses
``PQsendQuery`` when a query has no parameters): PostgreSQL runs a multi-statement simple query
as one implicit transaction, so a failing migration leaves nothing behind, exactly as under
``prisma migrate deploy``. After the first failure the later migrations are "not run".

On failure we keep PostgreSQL's message and SQLSTATE, and the line of the failing statement in
the file: from the error position when the server gives one, else by running the statements
one by one inside a transaction that is rolled back (only to find the culprit).

:class:`ScratchServer` hands out throw-away databases, on a :class:`TemporaryCluster` or on a
server given by URL; with a URL it creates and drops only databases it named itself
(``codemod_verify_<random>_<role>``), and it never prints the password.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import psycopg
from psycopg import conninfo, sql

from codemod.dburl import mask_url, scrub
from codemod.model import Migration, MigrationTree

SCRATCH_PREFIX = "codemod_verify_"

# psycopg logs what it ignores while closing a connection that an interruption left busy ("error
# ignored in rollback"); unhandled, Python prints it on stderr, after our one line. Keep it quiet.
logging.getLogger("psycopg").addHandler(logging.NullHandler())

APPLIED = "applied"
FAILED = "failed"
NOT_RUN = "not run"

Progress = Callable[[str], None]


class VerifyDatabaseError(RuntimeError):
    """The server could not be used (unreachable, no CREATEDB right...): bad input, exit 2."""


class NulByte(psycopg.DataError):
    """A script holding a NUL byte, never sent: PostgreSQL's simple-query protocol reads the text
    only up to the first NUL, so the statements after it would silently not run (an "applies"
    would be a lie). Raised before anything is sent; it has no SQLSTATE."""


def nul_byte_message(text: str) -> str:
    line = text.count("\n", 0, text.index("\0")) + 1
    return (
        f"not fully sent: a NUL byte on line {line} ends the query text for PostgreSQL, so the "
        "statements after it would never run; remove the byte"
    )


# --------------------------------------------------------------------------- results


@dataclass
class MigrationResult:
    name: str
    status: str  # applied | failed | not run
    message: str | None = None
    sqlstate: str | None = None
    line: int | None = None
    statement: int | None = None  # index of the failing statement in the file (0-based)
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["seconds"] = round(self.seconds, 4)
        return data


@dataclass
class TreeResult:
    label: str
    migrations: list[MigrationResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(m.status == APPLIED for m in self.migrations)

    @property
    def failure(self) -> MigrationResult | None:
        return next((m for m in self.migrations if m.status == FAILED), None)

    @property
    def failed_migration(self) -> str | None:
        failure = self.failure
        return failure.name if failure else None

    @property
    def applied(self) -> list[str]:
        return [m.name for m in self.migrations if m.status == APPLIED]

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "failed_migration": self.failed_migration,
            "applied": len(self.applied),
            "seconds": round(self.seconds, 3),
            "migrations": [m.to_json() for m in self.migrations],
        }


# --------------------------------------------------------------------------- replay


def connect(url: str, **kwargs: Any) -> psycopg.Connection:
    kwargs.setdefault("autocommit", True)
    kwargs.setdefault("connect_timeout", 10)
    return psycopg.connect(url, **kwargs)


def run_script(conn: psycopg.Connection, script: str) -> None:
    """Send ``script`` as one simple query (no parameters, never prepared); refuse a NUL byte."""
    if "\0" in script:
        raise NulByte(nul_byte_message(script))
    with conn.cursor() as cursor:
        cursor.execute(script.encode("utf-8"), prepare=False)  # type: ignore[call-overload]


def replay_tree_on(
    url: str,
    tree: MigrationTree,
    label: str,
    *,
    start: int = 0,
    stop: int | None = None,
    progress: Progress | None = None,
) -> TreeResult:
    """Apply ``tree.migrations[start:stop]`` to the database at ``url``, Prisma-style."""
    return replay_migrations(url, tree.migrations[start:stop], label, progress=progress)


def replay_migrations(
    url: str, migrations: Sequence[Migration], label: str, *, progress: Progress | None = None
) -> TreeResult:
    result = TreeResult(label)
    began = time.perf_counter()
    with connect(url) as conn:
        failed = False
        for migration in migrations:
            if failed:
                result.migrations.append(MigrationResult(migration.name, NOT_RUN))
                continue
            if not migration.has_sql or migration.encoding != "utf-8" or migration.nul_offset is not None:  # Prisma cannot send it
                result.migrations.append(_unreadable(migration))
                failed = True
                continue
            t0 = time.perf_counter()
            try:
                # Prisma sends the file as it is: a byte-order mark reaches PostgreSQL (and fails there).
                run_script(conn, ("\ufeff" if migration.bom else "") + migration.text)
                outcome = MigrationResult(migration.name, APPLIED)
            except psycopg.Error as error:
                if isinstance(error, psycopg.OperationalError) and conn.closed:
                    raise VerifyDatabaseError(f"lost the connection to the server: {error}") from error
                outcome = _failure(conn, migration, error)
                failed = True
            outcome.seconds = time.perf_counter() - t0
            result.migrations.append(outcome)
            if progress is not None:
                progress(migration.name)
    result.seconds = time.perf_counter() - began
    return result


def _unreadable(migration: Migration) -> MigrationResult:
    """What Prisma's engine reports for a file it cannot send as a query (checked with its WASM engine)."""
    if not migration.has_sql:
        return MigrationResult(migration.name, FAILED, "Could not find the migration file at migration.sql", "P3015")
    if migration.nul_offset is not None:  # never sent: PostgreSQL would read the text only up to the NUL
        line = migration.text.count("\n", 0, migration.nul_offset) + 1
        index = _statement_at(migration, migration.nul_offset)
        return MigrationResult(migration.name, FAILED, "invalid message format (the script holds NUL bytes)", "08P01", line, index)
    if migration.encoding.startswith("utf-16"):
        return MigrationResult(migration.name, FAILED, "invalid message format (the script holds NUL bytes)", "08P01")
    return MigrationResult(migration.name, FAILED, f"migration.sql is not UTF-8 ({migration.encoding}): Prisma cannot read it as sent", "22021")


def _failure(conn: psycopg.Connection, migration: Migration, error: psycopg.Error) -> MigrationResult:
    diag = error.diag
    message = diag.message_primary or str(error).strip()
    sqlstate = error.sqlstate
    index = None
    position = diag.statement_position
    if position:
        index = _statement_at(migration, int(position) - 1)
    if index is None:
        index = _locate(conn, migration, sqlstate)
    line = migration.statements[index].line if index is not None else None
    if line is None and position:
        line = migration.text.count("\n", 0, int(position) - 1) + 1
    return MigrationResult(migration.name, FAILED, message, sqlstate, line, index)


def _statement_at(migration: Migration, char_offset: int) -> int | None:
    for statement in migration.statements:
        if statement.char_start <= char_offset < max(statement.char_end, statement.char_start + 1):
            return statement.index
    return None


_TRANSACTION_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|END|ROLLBACK|START\s+TRANSACTION|ABORT)\b", re.I)


def _locate(conn: psycopg.Connection, migration: Migration, sqlstate: str | None) -> int | None:
    """Find the failing statement by running them one by one in a transaction that is rolled back."""
    if not migration.statements:
        return None
    found = None
    try:
        with conn.transaction(force_rollback=True):
            for statement in migration.statements:
                if _TRANSACTION_CONTROL.match(statement.text):
                    continue
                try:
                    with conn.transaction():
                        run_script(conn, statement.text)
                except psycopg.Error as error:
                    if sqlstate is None or error.sqlstate == sqlstate:
                        found = statement.index
                        break
                    # Another error (e.g. a statement that may not run in a block): carry on.
    except psycopg.Error:
        return found
    return found


# --------------------------------------------------------------------------- databases


def _detail(error: psycopg.Error, url: str) -> str:
    """The server's message in one line, without the password."""
    return " ".join(scrub(str(error).strip(), url).split())


class ScratchServer:
    """Creates (and drops) throw-away databases named ``codemod_verify_<run>_<role>``.

    ``admin_url`` is a database to connect to for CREATE/DROP DATABASE (the given URL's own
    database, or ``postgres`` on a temporary cluster). Only databases this object created are
    ever dropped.
    """

    def __init__(self, admin_url: str, description: str | None = None) -> None:
        self.admin_url = admin_url
        self.description = description or mask_url(admin_url)
        self.run_id = uuid.uuid4().hex[:10]
        self.created: list[str] = []

    def _admin(self) -> psycopg.Connection:
        try:
            return connect(self.admin_url)
        except psycopg.Error as error:
            raise VerifyDatabaseError(
                f"cannot connect to {mask_url(self.admin_url)}: {_detail(error, self.admin_url)}"
            ) from error

    def check(self) -> str:
        """Connect once; return the server version string."""
        with self._admin() as conn:
            row = conn.execute("SHOW server_version").fetchone()
            return str(row[0]) if row else ""

    def create(self, role: str) -> str:
        role = re.sub(r"[^a-z0-9_]", "_", role.lower())[:30]
        name = f"{SCRATCH_PREFIX}{self.run_id}_{len(self.created)}_{role}"[:63]
        with self._admin() as conn:
            try:
                conn.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(name))
                )
            except psycopg.Error as error:
                raise VerifyDatabaseError(
                    f"cannot create scratch database {name} on {mask_url(self.admin_url)}: "
                    f"{_detail(error, self.admin_url)}"
                ) from error
        self.created.append(name)
        return conninfo.make_conninfo(self.admin_url, dbname=name)

    def drop(self, url: str) -> None:
        name = conninfo.conninfo_to_dict(url).get("dbname")
        if name not in self.created:
            raise ValueError(f"refusing to drop a database this run did not create: {name}")
        with self._admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        self.created.remove(name)

    def drop_all(self) -> None:
        for name in list(self.created):
            try:
                with self._admin() as conn:
                    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            except psycopg.Error:
                continue
            self.created.remove(name)

    def __enter__(self) -> ScratchServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.drop_all()


def names_of(migrations: Iterable[Migration]) -> list[str]:
    return [m.name for m in migrations]
