"""``codemod apply``: rewrite the tree as `_fixed` variants, in place, as a patch, or as a dry-run diff."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from codemod.commands.common import ColorOption, IgnoreOpt, OrderOpt, PathArgument, SelectOpt, VerboseOpt, fail
from codemod.commands.settings import analyse_with, settings_from
from codemod.display import escape, on_terminal, shown_path, use_color
from codemod.errors import CodemodError
from codemod.model import Finding


def apply(
    path: PathArgument = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print unified diffs of every change; write nothing.")] = False,
    in_place: Annotated[bool, typer.Option("--in-place", help="Rewrite files in place and rename folders (default: _fixed variants).")] = False,
    patch: Annotated[Path | None, typer.Option("--patch", metavar="FILE", help="Write a git-style patch of the in-place rewrite to FILE; change nothing else.")] = None,
    backup_dir: Annotated[Path | None, typer.Option("--backup-dir", metavar="DIR", help="Where originals go (default: a new folder under .codemod-backup, beside the migrations directory).")] = None,
    unsafe_fixes: Annotated[bool | None, typer.Option("--unsafe-fixes/--no-unsafe-fixes", help="Also apply fixes marked unsafe (renames of folders whose order is already stable).", show_default=False)] = None,
    color: Annotated[ColorOption, typer.Option("--color", help="Colour diffs: auto (on a terminal), always, never.")] = ColorOption.auto,
    order: OrderOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Rewrite the tree: `_fixed` variants (default), --in-place, a --patch file, or a --dry-run diff."""
    from codemod.engine import make_plan
    from codemod.render.changes import Mode, file_changes, order_problem
    from codemod.render.diff import unified_diff
    from codemod.render.write import write_patch, write_plan

    settings = settings_from(
        path, order, select, ignore, backup_dir=str(backup_dir) if backup_dir else None, unsafe_fixes=unsafe_fixes
    )
    analysis = analyse_with(settings, verbose)
    plan = make_plan(analysis, unsafe_fixes=bool(settings.get("unsafe-fixes")))
    mode: Mode = "in-place" if in_place or patch is not None else "fixed"
    changes = file_changes(plan, mode)
    misorder = order_problem(plan, mode)
    if misorder is not None:
        fail(CodemodError(misorder, plan.tree.root))
    remaining = [f for f in plan.findings if f not in plan.applied and f.severity != "note"]
    for problem in plan.problems:
        typer.echo(f"codemod: {escape(problem)}", err=True)
    if dry_run or patch is not None:
        text = unified_diff(changes)
        if patch is not None:
            try:
                write_patch(patch, text)
            except CodemodError as error:
                fail(error)
            typer.echo(f"wrote {patch} ({len(changes)} file{'s' * (len(changes) != 1)})", err=True)
        else:
            colored = use_color(color.value, sys.stdout)
            typer.echo(unified_diff(changes, colored, on_terminal(sys.stdout)), nl=False, color=colored)
    else:
        chosen_backup = settings.get("backup-dir")
        try:
            report = write_plan(plan, mode, Path(chosen_backup) if chosen_backup else None)
        except CodemodError as error:
            fail(error)
        for action in report.actions:
            typer.echo(escape(action))
        if report.backup is not None:
            typer.echo(f"originals backed up in {shown_path(report.backup)}")
    _explain_outcome(plan, changes, remaining, dry_run or patch is not None)
    raise typer.Exit(1 if any(f.severity == "error" for f in remaining) or plan.problems else 0)


def _explain_outcome(plan, changes, remaining: list[Finding], dry: bool) -> None:
    from codemod.reporting.text import findings_text

    verb = "would change" if dry else "changed"
    for change in changes:
        if change.renamed:
            typer.echo(
                f"note: {escape(change.old_folder)} becomes {escape(change.new_folder)}: a new migration name for Prisma; "
                "its row in _prisma_migrations no longer matches (run `codemod resolve` on deployed databases)",
                err=True,
            )
    if remaining:
        typer.echo(findings_text(remaining), nl=False, err=True)
    fixes = f"{len(plan.applied)} fix{'es' * (len(plan.applied) != 1)}"
    typer.echo(
        f"{'would apply ' + fixes if dry else fixes + ' applied'}; {verb} {len(changes)} migration{'s' * (len(changes) != 1)}; "
        f"{sum(1 for f in remaining if f.severity == 'error')} error(s) left for a human",
        err=True,
    )
