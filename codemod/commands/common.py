"""What every command shares: option types, the settings merge, and the one way to fail.

A failure is one line on stderr (``codemod: <where>: <problem>``) and an exit code; the
password of a database URL never appears in it.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from codemod.errors import CodemodError


class OrderOption(str, Enum):
    """Folder order: locale (Prisma ≥ 6.6, ``localeCompare``) or bytes (older Prisma)."""

    locale = "locale"
    bytes = "bytes"


class ColorOption(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


PathArgument = Annotated[
    Path | None,
    typer.Argument(
        metavar="PATH",
        help="Project root, prisma directory or migrations directory (default: the setting 'path', or .).",
        show_default=False,
    ),
]
OrderOpt = Annotated[
    OrderOption | None,
    typer.Option("--order", help="Folder order: locale (Prisma ≥ 6.6, localeCompare; default) or bytes (older Prisma).", show_default=False),
]
SelectOpt = Annotated[
    list[str] | None, typer.Option("--select", metavar="CODE[,CODE]", help="Only these rule codes (repeat the option, or separate codes with commas).")
]
IgnoreOpt = Annotated[
    list[str] | None, typer.Option("--ignore", metavar="CODE[,CODE]", help="Skip these rule codes (repeat the option, or separate codes with commas).")
]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Also print replay statistics.")]
ColorOpt = Annotated[
    ColorOption,
    typer.Option(
        "--color",
        help="Colour: auto (on a terminal, unless NO_COLOR is set or FORCE_COLOR asks for it), always, never.",
    ),
]
UnsafeFixesOpt = Annotated[
    bool | None,
    typer.Option("--unsafe-fixes/--no-unsafe-fixes", help="Also apply fixes marked unsafe (type changes, SET NOT NULL, renames of folders whose order is stable).", show_default=False),
]
KeepOrderOpt = Annotated[
    bool | None,
    typer.Option("--keep-order/--resequence", help="Never re-sequence migrations (for teams that must keep the deployed order): guard statements and run them again instead.", show_default=False),
]
IdempotentOpt = Annotated[
    bool | None,
    typer.Option("--idempotent/--minimal", help="Also make every other statement of a rewritten migration safe to run twice (default: edit only what fixes need).", show_default=False),
]


def fail(error: BaseException, url: str | None = None) -> NoReturn:
    """Report an error in one line (never a traceback, never a password) and exit.

    A :class:`CodemodError` is one line by contract: a line break in it belongs to a name (a folder
    called ``a\nb``) and is shown escaped, like every control character. Other errors keep their
    first line.
    """
    from codemod.display import escape

    if isinstance(error, CodemodError):
        message, code = error.one_line(), error.exit_code
    else:
        text = str(error).strip()
        message, code = f"{type(error).__name__}: {text.splitlines()[0] if text else ''}", 2
    if url:
        from codemod.dburl import scrub

        message = scrub(message, url)
    typer.echo(f"codemod: {escape(message) if message else 'error'}", err=True)
    raise typer.Exit(code)
