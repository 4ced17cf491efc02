"""Read and change ``_prisma_migrations``, with parameters only, under Prisma's advisory lock.

The table, as Prisma's schema engine creates it on PostgreSQL::

    id VARCHAR(36) PRIMARY KEY, checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ,
    migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ,
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0

Checksums are the lower-case hex SHA-256 of ``migration.sql``'s bytes; when comparing, Prisma
also accepts the hash of the text with CRLF→LF or LF→CRLF (so do we).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from codemod.errors import CodemodError

TABLE = "_prisma_migrations"
PRISMA_LOCK_KEY = 72707369  # the key `prisma migrate deploy` locks (pg_advisory_lock)
COLUMNS = (
    "id",
    "checksum",
    "finished_at",
    "migration_name",
    "logs",
    "rolled_back_at",
    "started_at",
    "applied_steps_count",
)


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def checksum_variants(data: bytes) -> set[str]:
    """The checksums Prisma accepts for a file: as is, CRLF→LF, LF→CRLF."""
    lf = data.replace(b"\r\n", b"\n")
    crlf = lf.replace(b"\n", b"\r\n")
    return {checksum(data), checksum(lf), checksum(crlf)}


@dataclass
class Row:
    id: str
    checksum: str
    finished_at: datetime | None
    migration_name: str
    logs: str | None
    rolled_back_at: datetime | None
    started_at: datetime
    applied_steps_count: int

    @property
    def applied(self) -> bool:
        return self.finished_at is not None and self.rolled_back_at is None

    @property
    def failed(self) -> bool:
        return self.finished_at is None and self.rolled_back_at is None

    @property
    def rolled_back(self) -> bool:
        return self.rolled_back_at is not None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, datetime):
                data[key] = value.isoformat()
        return data


def qualified_table(schema: str) -> Any:
    from psycopg import sql

    return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(TABLE))


def table_exists(conn: Any, schema: str) -> bool:
    row = conn.execute("SELECT to_regclass(format('%%I.%%I', %s::text, %s::text)) IS NOT NULL", (schema, TABLE)).fetchone()
    return bool(row and row[0])


def read_rows(conn: Any, schema: str) -> list[Row] | None:
    """Every row, oldest first (``started_at``, then ``id``); ``None`` when there is no table."""
    from psycopg import sql

    if not table_exists(conn, schema):
        return None
    query = sql.SQL("SELECT {} FROM {} ORDER BY started_at, id").format(
        sql.SQL(", ").join(sql.Identifier(c) for c in COLUMNS), qualified_table(schema)
    )
    return [Row(*values) for values in conn.execute(query).fetchall()]


def backup_rows(rows: list[Row], path: Path, schema: str, display_url: str) -> Path:
    """Write the table's rows to a JSON file before anything changes (never overwrites)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "table": f"{schema}.{TABLE}",
        "database": display_url,
        "taken_at": datetime.now().astimezone().isoformat(),
        "rows": [row.as_json() for row in rows],
    }
    with open(path, "x", encoding="utf-8") as stream:
        json.dump(document, stream, indent=2)
        stream.write("\n")
    return path


class LockBusy(CodemodError):
    """Another `prisma migrate deploy` or `codemod resolve` holds Prisma's migration lock."""


def acquire_lock(conn: Any, timeout: float = 10.0) -> None:
    """Take Prisma's advisory lock (session level), waiting at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        got = conn.execute("SELECT pg_try_advisory_lock(%s)", (PRISMA_LOCK_KEY,)).fetchone()[0]
        if got:
            return
        if time.monotonic() >= deadline:
            raise LockBusy(
                f"another `prisma migrate deploy` or `codemod resolve` holds the migration lock "
                f"(pg_advisory_lock({PRISMA_LOCK_KEY})) after {timeout:g}s; try again when it is done"
            )
        time.sleep(0.2)


def release_lock(conn: Any) -> None:
    conn.execute("SELECT pg_advisory_unlock(%s)", (PRISMA_LOCK_KEY,))
