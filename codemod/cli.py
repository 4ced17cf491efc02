"""The command line: a thin typer app. Each command lives in :mod:`codemod.commands`.

Exit codes: 0 nothing wrong (or everything fixed), 1 errors remain, 2 bad input, 130 interrupted
(Ctrl-C or SIGTERM).

Nothing heavy is imported at module level: :func:`main` installs the signal handlers first, so
a Ctrl-C while the rest is imported is one line too, never a traceback. ``app`` is built on
first use (``from codemod.cli import app`` works as before).
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
from collections.abc import Sequence
from typing import Any

# (name, module, function, one-line summary for `codemod --help`)
COMMANDS = (
    ("check", "check", "check", "Report what will fail, with source lines and help."),
    ("apply", "apply", "apply", "Rewrite the tree: _fixed copies, in place, or a patch."),
    ("verify", "verify", "verify_command", "Prove the rewrite on a real PostgreSQL."),
    ("status", "history", "status", "Compare the tree with _prisma_migrations."),
    ("resolve", "history", "resolve", "Bring _prisma_migrations in line with the tree."),
    ("cleanup", "history", "cleanup", "Find backups, stray copies and loose files."),
    ("doctor", "history", "doctor", "Connection, tables, drift and migration history."),
    ("config", "catalogue", "show_config", "The effective settings and where they come from."),
    ("list-transforms", "catalogue", "list_transforms", "The rule catalogue."),
    ("explain", "catalogue", "explain", "A rule's documentation, as plain text."),
)

_app: Any = None


def _version(value: bool) -> None:
    if value:
        import typer

        from codemod.reporting.json_report import tool_version

        typer.echo(f"codemod {tool_version()}")
        raise typer.Exit(0)


def _os_error_line(error: OSError) -> str:
    from codemod.display import escape

    where = str(error.filename) if error.filename is not None else ""
    if where and error.filename2 is not None:
        where += f" → {error.filename2}"
    reason = error.strerror or str(error)
    return escape(f"{where}: {reason}" if where != "" else reason)


def typer_abort() -> type[BaseException]:
    import typer

    return typer.Abort


def _one_line_errors_group() -> Any:
    """typer's group, with usage errors (unknown option, bad value) as one line: ``codemod: …``."""
    from typer.core import TyperGroup

    try:
        from typer._click import exceptions as click_errors
    except ImportError:  # typer before it vendored click
        from click import exceptions as click_errors  # type: ignore[no-redef]
    abort = getattr(click_errors, "Abort", None) or typer_abort()

    class OneLineErrors(TyperGroup):
        def main(
            self,
            args: Sequence[str] | None = None,
            prog_name: str | None = None,
            complete_var: str | None = None,
            standalone_mode: bool = True,
            windows_expand_args: bool = True,
            **extra: Any,
        ) -> Any:
            def run() -> Any:
                return super(OneLineErrors, self).main(
                    args=args,
                    prog_name=prog_name,
                    complete_var=complete_var,
                    standalone_mode=False,
                    windows_expand_args=windows_expand_args,
                    **extra,
                )

            if not standalone_mode:
                return run()
            try:
                result = run()
            except click_errors.NoArgsIsHelpError as error:  # `codemod` alone: the help
                error.show()
                sys.exit(error.exit_code)
            except click_errors.UsageError as error:
                where = f" (see `{error.ctx.command_path} --help`)" if error.ctx is not None else ""
                message = " ".join(error.format_message().split())
                print(f"codemod: {message}{where}", file=sys.stderr)
                sys.exit(error.exit_code)
            except click_errors.ClickException as error:
                print(f"codemod: {' '.join(error.format_message().split())}", file=sys.stderr)
                sys.exit(error.exit_code)
            except abort:
                print("codemod: aborted", file=sys.stderr)
                sys.exit(1)
            except OSError as error:  # the file system said no (permissions, a name too long, a full disk)
                print(f"codemod: {_os_error_line(error)}", file=sys.stderr)
                sys.exit(2)
            sys.exit(result if isinstance(result, int) else 0)

    return OneLineErrors


def build_app() -> Any:
    """The typer application (built once)."""
    global _app
    if _app is not None:
        return _app
    from importlib import import_module

    import typer
    from typer.core import TyperArgument

    if hasattr(TyperArgument, "display_type_rich"):  # the metavar names an argument; no "<path>" / "<str>" after it
        TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign]
    app = typer.Typer(
        cls=_one_line_errors_group(),
        add_completion=False,
        no_args_is_help=True,
        rich_markup_mode=None,  # plain help: no Python types, no words broken by a narrow table
        pretty_exceptions_enable=False,
        context_settings={"max_content_width": 100},
        help="Repairs broken Prisma migration trees: finds what will fail by replaying the schema, and rewrites it.",
    )

    @app.callback()
    def root(
        version: bool = typer.Option(
            False, "--version", callback=_version, is_eager=True, help="Print codemod's version and exit."
        ),
    ) -> None:
        """Repairs broken Prisma migration trees: finds what will fail by replaying the schema, and rewrites it."""

    for name, module, function, summary in COMMANDS:
        command = getattr(import_module(f"codemod.commands.{module}"), function)
        app.command(name, short_help=summary)(command)
    _app = app
    return app


def __getattr__(name: str) -> Any:
    if name == "app":
        return build_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Run the CLI, then leave without the interpreter's final sweep.

    Syntax trees are cyclic (nodes point at their parents), so CPython's last collection walks
    all of them: seconds on a large tree (measured: 4 s of a 7.7 s run on 10,000 migrations).
    Exit handlers still run and output is flushed; only the sweep is skipped.

    The collector is off for the whole run: a command lives for seconds, and what it builds
    (syntax trees, the replayed state) stays alive until it ends, so every pass would walk
    millions of live objects to free next to nothing (``check`` on 50,000 migrations: ~80,000
    unreachable objects of ~30 million allocated). Reference counting still frees the rest.
    """
    from codemod import interrupt

    interrupt.install()
    gc.disable()
    try:
        _recover(sys.argv[1:])
        build_app()()
        code = 0
    except SystemExit as stop:
        if isinstance(stop.code, str):
            print(stop.code, file=sys.stderr)
        code = stop.code if isinstance(stop.code, int) else 0 if stop.code is None else 1
    except KeyboardInterrupt:  # before the command ran (imports) or after it
        code = interrupt.EXIT_CODE
    except OSError as error:  # unreadable or unwritable files: one line, never a traceback
        print(f"codemod: {_os_error_line(error)}", file=sys.stderr)
        code = 2
    if interrupt.received():
        if not interrupt.announced():
            print(interrupt.line(), file=sys.stderr)
        code = interrupt.EXIT_CODE
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    atexit._run_exitfuncs()
    os._exit(code)


def _recover(argv: list[str]) -> None:
    """Finish or undo a tree write that a killed run left behind, before any command reads the tree."""
    from codemod.display import escape
    from codemod.errors import CodemodError
    from codemod.fs.recover import recover_at_startup

    try:
        recover_at_startup(argv)
    except CodemodError as error:
        print(f"codemod: {escape(error.one_line())}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
