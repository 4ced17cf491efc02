"""``verify``: prove a rewrite on a real PostgreSQL (the library side of ``codemod verify``).

1. Analyse the tree and make the plan ``codemod apply`` would write; write the rewritten tree
   (in-place mode) to a temporary directory, never touching the user's files.
2. Replay the original tree and the rewritten tree, each on a fresh scratch database, as Prisma
   does (see :mod:`codemod.verify.runner`).
3. Intent: the original's intended schema (see :mod:`codemod.verify.intent`) must be present,
   by name, after the rewritten tree.
4. Convergence (see :mod:`codemod.verify.convergence`).

Proven = the rewritten tree applies, nothing intended is missing, convergence holds.
When the plan changes nothing, the rewritten tree IS the original: it is replayed once.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from codemod.analysis.discover import Order
from codemod.analysis.tree import load_tree
from codemod.engine import AnalyseOptions, analyse, make_plan
from codemod.errors import CodemodError
from codemod.model import MigrationTree
from codemod.plan import Plan
from codemod.render.write import copy_rewritten_tree
from codemod.verify.compare import MissingObject, missing_objects
from codemod.verify.convergence import ConvergenceResult, check_from_failure, check_fully_applied, counterpart
from codemod.verify.intent import Intent, intended_schema
from codemod.verify.introspect import Snapshot, snapshot_url
from codemod.verify.runner import ScratchServer, TreeResult, VerifyDatabaseError, replay_migrations

JSON_SCHEMA_VERSION = 1  # of VerifyReport.to_json(); bump when a key changes meaning or goes away


class ProgressSink(Protocol):
    def start(self, label: str, total: int) -> None: ...
    def advance(self, name: str) -> None: ...
    def finish(self) -> None: ...


class _NoProgress:
    def start(self, label: str, total: int) -> None:
        pass

    def advance(self, name: str) -> None:
        pass

    def finish(self) -> None:
        pass


@dataclass
class VerifyReport:
    path: str
    order: str
    server: str
    original: TreeResult
    rewritten: TreeResult
    rewritten_identical: bool
    renames: dict[str, str] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)
    rewritten_files: list[str] = field(default_factory=list)  # changed migrations whose content changes
    added: list[str] = field(default_factory=list)  # folders the plan adds
    removed: list[str] = field(default_factory=list)  # folders the plan moves out of the tree
    plan_problems: list[str] = field(default_factory=list)
    intent: Intent | None = None
    missing: list[MissingObject] = field(default_factory=list)
    convergence: list[ConvergenceResult] = field(default_factory=list)
    convergence_skipped: str | None = None
    prisma: dict[str, Any] | None = None  # Prisma's own engine on the rewritten tree (--prisma)
    seconds: float = 0.0

    @property
    def proven(self) -> bool:
        return (
            self.rewritten.ok
            and not self.missing
            and self.convergence_skipped is None
            and all(result.holds for result in self.convergence)
            and (self.prisma is None or bool(self.prisma["ok"]))
        )

    @property
    def exit_code(self) -> int:
        return 0 if self.proven else 1

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": JSON_SCHEMA_VERSION,
            "path": self.path,
            "order": self.order,
            "server": self.server,
            "proven": self.proven,
            "exit_code": self.exit_code,
            "original": self.original.to_json(),
            "rewritten": {**self.rewritten.to_json(), "identical_to_original": self.rewritten_identical},
            "plan": {
                "changed": self.changed,
                "renames": self.renames,
                "rewritten": self.rewritten_files,
                "added": self.added,
                "removed": self.removed,
                "problems": self.plan_problems,
            },
            "intent": {
                "missing": [m.to_json() for m in self.missing],
                "skipped_statements": [s.to_json() for s in self.intent.skipped] if self.intent else [],
                "adopted_columns": self.intent.adopted_columns if self.intent else [],
                "adopted_enum_values": self.intent.adopted_enum_values if self.intent else [],
                "deferred_statements": self.intent.deferred if self.intent else [],
                "method": "original replayed statement by statement in savepoints, failures skipped"
                if self.intent
                else "rewritten tree identical to the original, which applies",
            },
            "convergence": {
                "checked": [c.to_json() for c in self.convergence],
                "skipped": self.convergence_skipped,
            },
            "prisma": self.prisma,
            "seconds": round(self.seconds, 3),
        }


@contextlib.contextmanager
def scratch_server(database_url: str | None) -> Iterator[ScratchServer]:
    """A :class:`ScratchServer` on the given URL, or on a temporary cluster removed afterwards."""
    if database_url:
        server = ScratchServer(database_url)
        try:
            server.check()
        except VerifyDatabaseError as error:
            raise CodemodError(str(error)) from error
        try:
            yield server
        finally:
            server.drop_all()
        return
    from codemod.verify.pgserver import PostgresStartError, PostgresUnavailable, TemporaryCluster

    try:
        cluster = TemporaryCluster()
    except PostgresUnavailable as error:
        raise CodemodError(str(error)) from error
    try:
        cluster.start()
    except PostgresStartError as error:
        raise CodemodError(f"could not start a temporary PostgreSQL: {str(error).splitlines()[0]}") from error
    try:
        yield ScratchServer(cluster.url, "a temporary PostgreSQL cluster")
    finally:
        cluster.stop()


def rewritten_tree(plan: Plan, workdir: Path, order: Order) -> MigrationTree:
    """The tree as ``apply --in-place`` would leave it, loaded from a copy in ``workdir``."""
    destination = copy_rewritten_tree(plan, "in-place", workdir / "migrations")
    return load_tree(destination, order)


def verify(
    path: Path | str,
    *,
    order: Order = "locale",
    database_url: str | None = None,
    progress: ProgressSink | None = None,
    plan: Plan | None = None,
    prisma: bool = False,
) -> VerifyReport:
    """Replay, compare and check convergence; raise :class:`CodemodError` on bad input.

    ``plan`` replaces the plan ``apply`` would make (tests use it to break a rewrite on purpose).
    ``database_url`` defaults to nothing (a temporary cluster); the CLI reads ``DATABASE_URL``.
    ``prisma`` also applies the rewritten tree with Prisma's own schema engine, as a second opinion.
    """
    import time

    began = time.perf_counter()
    sink = progress or _NoProgress()
    if prisma:
        from codemod.verify.prisma_oracle import oracle_available

        if not oracle_available():
            raise CodemodError("--prisma needs node and the engine harness: run `npm ci --prefix prisma_oracle` in codemod's checkout")
    if plan is None:
        analysis = analyse(Path(path), AnalyseOptions(order=order))
        if analysis.tree.dialect != "postgres":
            raise CodemodError(f"verify runs PostgreSQL trees only (this tree's provider is {analysis.tree.provider})")
        plan = make_plan(analysis)
    original = plan.tree
    with tempfile.TemporaryDirectory(prefix="codemod-verify-") as tmp:
        identical = plan.empty
        rewritten = original if identical else rewritten_tree(plan, Path(tmp), order)
        with scratch_server(database_url) as server:
            report = _run(server, original, rewritten, plan, identical, sink)
            if prisma:
                report.prisma = _prisma_opinion(server, rewritten)
    report.path = str(original.root)
    report.order = order
    report.seconds = time.perf_counter() - began
    return report


def _replay(server: ScratchServer, tree: MigrationTree, label: str, sink: ProgressSink) -> tuple[TreeResult, Snapshot]:
    url = server.create(label)
    try:
        sink.start(f"{label} tree", len(tree.migrations))
        result = replay_migrations(url, tree.migrations, label, progress=sink.advance)
        sink.finish()
        return result, snapshot_url(url)
    finally:
        server.drop(url)


def _run(
    server: ScratchServer,
    original: MigrationTree,
    rewritten: MigrationTree,
    plan: Plan,
    identical: bool,
    sink: ProgressSink,
) -> VerifyReport:
    original_result, original_final = _replay(server, original, "original", sink)
    if identical:
        rewritten_result, rewritten_final = original_result, original_final
    else:
        rewritten_result, rewritten_final = _replay(server, rewritten, "rewritten", sink)
    report = VerifyReport(
        path="",
        order=original.order,
        server=server.description,
        original=original_result,
        rewritten=rewritten_result,
        rewritten_identical=identical,
        renames=dict(plan.renames),
        changed=[m.name for m in plan.changed_migrations()],
        rewritten_files=[m.name for m in plan.changed_migrations() if m.name in plan.contents],
        added=sorted(plan.added),
        removed=list(plan.removed),
        plan_problems=list(plan.problems),
    )
    if not (identical and original_result.ok):
        url = server.create("intent")
        try:
            sink.start("intent of the original", len(original.migrations))
            report.intent = intended_schema(url, original, progress=sink.advance)
            sink.finish()
        finally:
            server.drop(url)
        report.missing = missing_objects(report.intent.snapshot, rewritten_final)
    if not rewritten_result.ok:
        report.convergence_skipped = "the rewritten tree does not apply"
    elif original_result.ok:
        if not identical:
            report.convergence.append(check_fully_applied(original_final, rewritten_final))
    else:
        failure = original_result.failure
        assert failure is not None
        k = [m.name for m in original.migrations].index(failure.name)
        j = counterpart(plan, rewritten, failure.name)
        sink.start(f"convergence from {failure.name}", k + len(rewritten.migrations) - (j or 0))
        report.convergence.append(
            check_from_failure(server, original, rewritten, plan, k, rewritten_final, progress=sink.advance)
        )
        sink.finish()
    return report


def _prisma_opinion(server: ScratchServer, tree: MigrationTree) -> dict[str, Any]:
    """Prisma's schema engine applies the rewritten tree to a fresh scratch database."""
    from codemod.verify.prisma_oracle import OracleError, prisma_apply

    url = server.create("prisma")
    try:
        verdict = prisma_apply(_as_url(server.admin_url, url), tree.root, sort=tree.order)
    except OracleError as error:
        return {"ok": False, "failed_migration": None, "message": str(error).splitlines()[0]}
    finally:
        server.drop(url)
    message = (verdict.message or "").splitlines()[0] if verdict.message else None
    return {"ok": verdict.ok, "failed_migration": verdict.failed_migration, "message": message}


def _as_url(admin_url: str, dsn: str) -> str:
    """Prisma takes URLs, not libpq keyword strings: the admin URL pointed at the scratch database."""
    from urllib.parse import quote, urlsplit

    from psycopg import conninfo

    name = conninfo.conninfo_to_dict(dsn).get("dbname") or ""
    return urlsplit(admin_url)._replace(path="/" + quote(str(name), safe="")).geturl()


def database_url_from_env(explicit: str | None) -> str | None:
    return explicit or os.environ.get("DATABASE_URL") or None
