"""``codemod verify``: prove the rewrite on a real PostgreSQL (see :mod:`codemod.verify`).

Exit codes: 0 proven, 1 not proven, 2 bad input (no tree, no server, unreachable URL),
130 interrupted (Ctrl-C or SIGTERM; the temporary cluster, scratch databases and folders are
removed first).
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from codemod.commands.common import OrderOption, VerboseOpt, fail
from codemod.errors import CodemodError


class FormatOption(str, Enum):
    text = "text"
    json = "json"


def verify_command(
    path: Annotated[
        Path, typer.Argument(metavar="PATH", help="Project root, prisma directory or migrations directory (default: .).", show_default=False)
    ] = Path("."),
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            metavar="URL",
            help="A PostgreSQL server to use (default: $DATABASE_URL, .env beside the project, schema.prisma's "
            "env(\"…\"), else a temporary cluster). "
            "Only scratch databases named codemod_verify_* are created and dropped there.",
            show_default=False,
        ),
    ] = None,
    format: Annotated[FormatOption, typer.Option("--format", help="text, or one JSON document (for CI).")] = FormatOption.text,
    order: Annotated[
        OrderOption,
        typer.Option("--order", help="Folder order: locale (Prisma ≥ 6.6, localeCompare) or bytes (older Prisma)."),
    ] = OrderOption.locale,
    prisma: Annotated[
        bool,
        typer.Option("--prisma", help="Also apply the rewritten tree with Prisma's own schema engine (needs node and prisma_oracle/node_modules)."),
    ] = False,
    verbose: VerboseOpt = False,
) -> None:
    """Replay the original and the rewritten tree on a real PostgreSQL; exit 0 only when the rewrite is proven."""
    from codemod import interrupt

    url: str | None = None
    progress = None
    try:
        from codemod.database_url import find_database_url
        from codemod.verify.render import RichProgress, report_text
        from codemod.verify.runner import VerifyDatabaseError
        from codemod.verify.session import verify

        url = find_database_url(database_url, path).url
        progress = RichProgress()
        sink = progress if progress.enabled else None
        try:
            report = verify(path, order=order.value, database_url=url, progress=sink, prisma=prisma)
        except VerifyDatabaseError as error:
            if interrupt.received():
                raise KeyboardInterrupt from error
            fail(CodemodError(str(error)), url)
        except CodemodError as error:
            if interrupt.received():
                raise KeyboardInterrupt from error
            fail(error, url)
        finally:
            progress.close()
    except (KeyboardInterrupt, Exception) as error:
        # Ctrl-C or SIGTERM; or what it caused (the server gone under a query): the clean-up ran
        # while the exception unwound (cluster, scratch databases, temporary folders).
        if isinstance(error, KeyboardInterrupt) or interrupt.received():
            what = "the temporary cluster, scratch databases and folders were removed" if url is None else "scratch databases were dropped"
            typer.echo(interrupt.line(what), err=True)
            raise typer.Exit(interrupt.EXIT_CODE) from None
        raise
    if format == FormatOption.json:
        typer.echo(json.dumps(report.to_json(), indent=2))
    else:
        typer.echo(report_text(report, verbose=verbose), nl=False)
    raise typer.Exit(report.exit_code)
