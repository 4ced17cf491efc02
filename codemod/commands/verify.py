"""``codemod verify``: prove the rewrite on a real PostgreSQL (see :mod:`codemod.verify`).

Exit codes: 0 proven, 1 not proven, 2 bad input (no tree, no server, unreachable URL).
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from codemod.commands.common import OrderOption, fail
from codemod.errors import CodemodError


class FormatOption(str, Enum):
    text = "text"
    json = "json"


def verify_command(
    path: Annotated[
        Path, typer.Argument(help="Project root, prisma directory or migrations directory.", show_default=False)
    ] = Path("."),
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            help="A PostgreSQL server to use (default: $DATABASE_URL, else a temporary cluster). "
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
) -> None:
    """Replay the original and the rewritten tree on a real PostgreSQL; exit 0 only when the rewrite is proven."""
    from codemod.verify.render import RichProgress, report_text
    from codemod.verify.session import database_url_from_env, verify

    progress = RichProgress()
    sink = progress if progress.enabled else None
    try:
        report = verify(
            path, order=order.value, database_url=database_url_from_env(database_url), progress=sink, prisma=prisma
        )
    except CodemodError as error:
        progress.close()
        fail(error)
    except KeyboardInterrupt:
        progress.close()
        typer.echo("codemod: interrupted; scratch databases and temporary servers were removed", err=True)
        raise typer.Exit(130) from None
    progress.close()
    if format == FormatOption.json:
        typer.echo(json.dumps(report.to_json(), indent=2))
    else:
        typer.echo(report_text(report), nl=False)
    raise typer.Exit(report.exit_code)
