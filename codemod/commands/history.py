"""`codemod status`, `resolve`, `cleanup`, `doctor`: the database side of a repair.

Exit codes: 0 clean (or done), 1 needs action, 2 error (bad input, cannot connect, conflict).
Errors are one line on stderr; the password of a database URL is never printed.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from codemod.commands.common import OrderOption, fail
from codemod.dburl import redact
from codemod.display import escape
from codemod.errors import CodemodError

PathArgument = Annotated[
    Path, typer.Argument(metavar="PATH", help="Project root, prisma directory or migrations directory (default: .).", show_default=False)
]
UrlOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        metavar="URL",
        show_default=False,
        help="PostgreSQL URL as Prisma takes it (?schema= honoured); the password is never printed. "
        "Default: $DATABASE_URL, then .env beside the project, then schema.prisma's env(\"…\").",
    ),
]


MAX_LOCK_TIMEOUT = 86400.0  # a day: longer is a typo, and `inf` would never return

OrderOpt = Annotated[
    OrderOption,
    typer.Option("--order", help="Folder order: locale (Prisma ≥ 6.6, localeCompare) or bytes (older Prisma)."),
]


def _database_url(explicit: str | None, path: Path, required: bool = True) -> str | None:
    """--database-url, $DATABASE_URL, .env beside the project, or schema.prisma's env("…")."""
    from codemod.database_url import find_database_url, missing_url_message

    found = find_database_url(explicit, path)
    if found.url is None and required:
        fail(CodemodError(missing_url_message(found)))
    return found.url


def _guard(url: str | None):
    """Context manager turning any error into one line on stderr and exit code 2."""

    class _Guard:
        def __enter__(self) -> None:
            return None

        def __exit__(self, exc_type, exc, tb) -> None:
            if exc is None or isinstance(exc, (typer.Exit, KeyboardInterrupt, SystemExit)):
                return
            fail(exc, url)

    return _Guard()


def status(
    path: PathArgument = Path("."),
    database_url: UrlOption = None,
    order: OrderOpt = OrderOption.locale,
) -> None:
    """Compare the tree with _prisma_migrations: the state of each migration, the order, the next step. Exit 0 clean, 1 needs action, 2 error."""
    from codemod.history.status import history_status

    database_url = _database_url(database_url, path)
    with _guard(database_url):
        report = history_status(path, database_url, order.value)
    typer.echo(report.text(), nl=False)
    raise typer.Exit(report.exit_code)


def resolve(
    path: PathArgument = Path("."),
    database_url: UrlOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the plan and the SQL; change nothing.")] = False,
    applied: Annotated[list[str] | None, typer.Option("--applied", metavar="NAME", help="Record NAME as applied without running it (prisma migrate resolve --applied).")] = None,
    rolled_back: Annotated[list[str] | None, typer.Option("--rolled-back", metavar="NAME", help="Mark the failed NAME rolled back (prisma migrate resolve --rolled-back).")] = None,
    backup_file: Annotated[Path | None, typer.Option("--backup-file", metavar="FILE", help="Where the JSON copy of the table's rows goes (default: a new folder under .codemod-backup, beside the migrations directory).")] = None,
    lock_timeout: Annotated[float, typer.Option("--lock-timeout", metavar="SECONDS", help="Seconds to wait for Prisma's migration lock.")] = 10.0,
    order: OrderOpt = OrderOption.locale,
) -> None:
    """Make _prisma_migrations agree with the rewritten tree: plan, SQL, one transaction (rows are never deleted)."""
    from codemod.history.resolve import resolve as run

    if not math.isfinite(lock_timeout) or not 0 <= lock_timeout <= MAX_LOCK_TIMEOUT:
        fail(CodemodError(f"--lock-timeout must be a number of seconds from 0 to {MAX_LOCK_TIMEOUT:g}, not {lock_timeout:g}"))

    def show(outcome) -> None:
        typer.echo(outcome.plan.text(outcome.report.url.schema), nl=False)

    database_url = _database_url(database_url, path)
    with _guard(database_url):
        outcome = run(
            path,
            database_url,
            dry_run=dry_run,
            applied=applied,
            rolled_back=rolled_back,
            backup_file=backup_file,
            order=order.value,
            lock_timeout=lock_timeout,
            on_plan=show,
        )
    if outcome.dry_run:
        typer.echo("dry run: nothing was changed")
    elif outcome.executed:
        typer.echo(escape(f"rows backed up in {outcome.backup}"))
        typer.echo(f"done: {len(outcome.plan.actions)} change(s) committed in {redact(database_url or '')}")
        typer.echo("next: `prisma migrate deploy` applies what is pending" if any(
            a.kind == "rolled-back" for a in outcome.plan.actions) else "next: `codemod status` to check")
    raise typer.Exit(outcome.exit_code)


def cleanup(
    path: PathArgument = Path("."),
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", metavar="URL", show_default=False,
                     help="Check the database so that applied migrations are never removed "
                     "(default: $DATABASE_URL, .env, schema.prisma's env(\"…\"), as for status)."),
    ] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Delete what was found.")] = False,
    move_to: Annotated[Path | None, typer.Option("--move-to", metavar="DIR", help="Move what was found into DIR (outside the migrations directory).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what --remove / --move-to would do; change nothing.")] = False,
) -> None:
    """Find backup folders, stray copies, folders without migration.sql (P3015) and loose .sql files; remove or move them on request."""
    from codemod.history.cleanup import cleanup as run

    database_url = _database_url(database_url, path, required=False)
    with _guard(database_url):
        report = run(path, database_url, remove=remove, move_to=move_to, dry_run=dry_run)
    typer.echo(report.text(), nl=False)
    acted = (remove or move_to is not None) and not dry_run
    left = [item for item in report.items if item.done is None or item.done.startswith("would") or item.done.startswith("not")]
    if not acted and report.actionable:
        typer.echo("next: `codemod cleanup --remove` or `--move-to DIR` (try --dry-run first)")
    raise typer.Exit(1 if (left if acted else report.items) else 0)


def doctor(
    path: PathArgument = Path("."),
    database_url: UrlOption = None,
    order: OrderOpt = OrderOption.locale,
) -> None:
    """Check the connection, the server version, the tables and row counts, drift against the tree, and _prisma_migrations."""
    from codemod.history.doctor import doctor as run

    database_url = _database_url(database_url, path)
    with _guard(database_url):
        report = run(path, database_url, order.value)
    typer.echo(report.text(), nl=False)
    raise typer.Exit(report.exit_code)
