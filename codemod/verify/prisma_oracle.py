"""Python side of the Prisma oracle: ask Prisma's own schema engine what it makes of a tree.

``prisma_oracle/apply.mjs`` (Node) drives ``@prisma/schema-engine-wasm`` through
``@prisma/adapter-pg`` against a real PostgreSQL database, as ``prisma migrate deploy`` /
``prisma migrate resolve`` would, and prints one JSON object. This module runs it with a
timeout and turns the JSON into Python values.

Example::

    from codemod.verify.prisma_oracle import oracle_available, prisma_apply

    if oracle_available():
        verdict = prisma_apply("postgresql://postgres@127.0.0.1:5432/scratch", "prisma/migrations")
        if not verdict.ok:
            print(verdict.failed_migration, verdict.message)

The oracle is set up by ``npm ci --prefix prisma_oracle`` (``.ci/install-db.sh`` does it).
Its location can be overridden with the environment variable ``CODEMOD_PRISMA_ORACLE_DIR``
and the Node binary with ``CODEMOD_NODE``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "OracleError",
    "OracleVerdict",
    "oracle_available",
    "oracle_dir",
    "prisma_apply",
    "prisma_diagnose",
    "prisma_mark_applied",
    "prisma_mark_rolled_back",
]

DEFAULT_TIMEOUT = 300.0
_REQUIRED_MODULES = (
    "@prisma/schema-engine-wasm",
    "@prisma/adapter-pg",
    "@prisma/driver-adapter-utils",
    "pg",
)


class OracleError(RuntimeError):
    """The oracle could not give a verdict: not installed, crashed, timed out, bad output."""


@dataclass(frozen=True)
class OracleVerdict:
    """What ``prisma migrate deploy`` did with a migrations directory.

    Attributes:
        ok: every pending migration applied.
        applied: names of the migrations applied by this run, in order.
        failed_migration: the migration that failed (this run), or the earlier failed one that
            blocked the run (P3009); ``None`` when ok or when no migration is to blame.
        message: the database's error for ``failed_migration`` (e.g. ``ERROR: relation "User"
            already exists``), else the engine's error; ``None`` when ok.
        sqlstate: PostgreSQL's SQLSTATE of the failure in this run (e.g. ``42P07``), if known.
        error: the engine's whole error text (e.g. starting with ``P3009``), ``None`` when ok.
        raw: the JSON object the oracle printed.
    """

    ok: bool
    applied: list[str]
    failed_migration: str | None
    message: str | None
    sqlstate: str | None = None
    error: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


def oracle_dir() -> Path:
    """Directory of the Node harness (``<repo>/prisma_oracle`` unless overridden)."""
    env = os.environ.get("CODEMOD_PRISMA_ORACLE_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "prisma_oracle"


def _node() -> str | None:
    return os.environ.get("CODEMOD_NODE") or shutil.which("node")


def oracle_available() -> bool:
    """True when ``node`` is on PATH and the harness's ``node_modules`` is installed."""
    base = oracle_dir()
    if _node() is None or not (base / "apply.mjs").is_file():
        return False
    return all((base / "node_modules" / name / "package.json").is_file() for name in _REQUIRED_MODULES)


def _run(args: list[str], timeout: float) -> dict[str, Any]:
    node = _node()
    if node is None or not oracle_available():
        raise OracleError(
            f"Prisma oracle not available: needs node and `npm ci --prefix {oracle_dir()}` "
            "(run .ci/install-db.sh)"
        )
    argv = [node, str(oracle_dir() / "apply.mjs"), *args]
    try:
        proc = subprocess.run(
            argv,
            cwd=oracle_dir(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        raise OracleError(f"Prisma oracle timed out after {timeout:g}s") from exc
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    for line in reversed(lines):
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            if proc.returncode == 2 and not value.get("ok"):
                raise OracleError(f"Prisma oracle failed: {value.get('error')}")
            return value
    stderr = proc.stderr.strip()[-2000:]
    raise OracleError(f"Prisma oracle printed no JSON (exit {proc.returncode}): {stderr or proc.stdout[-2000:]}")


def _common_args(url: str, migrations_dir: str | os.PathLike[str], schema_file: str | os.PathLike[str] | None) -> list[str]:
    args = ["--url", url, "--migrations", str(Path(migrations_dir).resolve())]
    if schema_file is not None:
        args += ["--schema-file", str(Path(schema_file).resolve())]
    return args


def prisma_apply(
    url: str,
    migrations_dir: str | os.PathLike[str],
    *,
    schema_file: str | os.PathLike[str] | None = None,
    sort: Literal["locale", "bytes"] = "locale",
    timeout: float = DEFAULT_TIMEOUT,
) -> OracleVerdict:
    """Apply ``migrations_dir`` to the database at ``url`` as ``prisma migrate deploy`` does.

    ``sort="locale"`` orders folders like Prisma >= 6.6 (``localeCompare``); ``"bytes"`` like
    older Prisma. Raises :class:`OracleError` if the oracle itself could not run.
    """
    args = _common_args(url, migrations_dir, schema_file) + ["--sort", sort]
    raw = _run(args, timeout)
    failed = raw.get("failed") or None
    return OracleVerdict(
        ok=bool(raw.get("ok")),
        applied=list(raw.get("applied") or []),
        failed_migration=failed.get("migration") if failed else None,
        message=(failed.get("message") if failed else None) or raw.get("error"),
        sqlstate=failed.get("sqlstate") if failed else None,
        error=raw.get("error"),
        raw=raw,
    )


def prisma_diagnose(
    url: str,
    migrations_dir: str | os.PathLike[str],
    *,
    schema_file: str | os.PathLike[str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> dict[str, Any]:
    """The engine's ``diagnoseMigrationHistory`` output (without a shadow database).

    Keys: ``editedMigrationNames``, ``failedMigrationNames``, ``hasMigrationsTable``,
    ``history`` (``None`` when in sync, else e.g. ``{"diagnostic": "databaseIsBehind",
    "unappliedMigrationNames": [...]}``). Raises :class:`OracleError` on failure.
    """
    raw = _run(_common_args(url, migrations_dir, schema_file) + ["--diagnose"], timeout)
    if not raw.get("ok"):
        raise OracleError(f"diagnoseMigrationHistory failed: {raw.get('error')}")
    diagnosis = raw.get("diagnosis")
    return dict(diagnosis) if isinstance(diagnosis, dict) else {}


def prisma_mark_applied(
    url: str,
    migrations_dir: str | os.PathLike[str],
    name: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> None:
    """``prisma migrate resolve --applied NAME``. Raises :class:`OracleError` on failure."""
    raw = _run(_common_args(url, migrations_dir, None) + ["--mark-applied", name], timeout)
    if not raw.get("ok"):
        raise OracleError(f"markMigrationApplied({name}) failed: {raw.get('error')}")


def prisma_mark_rolled_back(
    url: str,
    migrations_dir: str | os.PathLike[str],
    name: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> None:
    """``prisma migrate resolve --rolled-back NAME``. Raises :class:`OracleError` on failure."""
    raw = _run(_common_args(url, migrations_dir, None) + ["--mark-rolled-back", name], timeout)
    if not raw.get("ok"):
        raise OracleError(f"markMigrationRolledBack({name}) failed: {raw.get('error')}")
