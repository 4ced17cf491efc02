"""``codemod apply``: rewrite the tree as `_fixed` variants, in place, as a patch, or as a dry-run diff."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from codemod.commands.common import (
    ColorOption,
    IdempotentOpt,
    IgnoreOpt,
    KeepOrderOpt,
    OrderOpt,
    PathArgument,
    SelectOpt,
    UnsafeFixesOpt,
    VerboseOpt,
    fail,
)
from codemod.commands.settings import analyse_with, settings_from
from codemod.display import escape, on_terminal, shown_path, use_color
from codemod.errors import CodemodError
from codemod.model import Finding


def apply(
    path: PathArgument = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print unified diffs of every change; write nothing.")] = False,
    in_place: Annotated[bool, typer.Option("--in-place", help="Rewrite files in place and rename folders (default: _fixed variants).")] = False,
    patch: Annotated[Path | None, typer.Option("--patch", metavar="FILE", help="Write a git-style patch of the in-place rewrite to FILE (a new file outside the migrations directory); change nothing else.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Let --patch replace an existing regular file.")] = False,
    backup_dir: Annotated[Path | None, typer.Option("--backup-dir", metavar="DIR", help="Where originals go: a new run folder in DIR for each run (default: .codemod-backup beside the migrations directory).")] = None,
    unsafe_fixes: UnsafeFixesOpt = None,
    keep_order: KeepOrderOpt = None,
    idempotent: IdempotentOpt = None,
    verify: Annotated[bool, typer.Option("--verify", help="Prove the rewrite on a real PostgreSQL (a temporary cluster, or --database-url) before it is written.")] = False,
    database_url: Annotated[str | None, typer.Option("--database-url", metavar="URL", help="With --verify: a PostgreSQL server to use (only codemod_verify_* scratch databases are made there).", show_default=False)] = None,
    color: Annotated[ColorOption, typer.Option("--color", help="Colour diffs: auto (on a terminal), always, never.")] = ColorOption.auto,
    order: OrderOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Rewrite the tree: `_fixed` variants (default), --in-place, a --patch file, or a --dry-run diff."""
    from codemod.engine import make_plan
    from codemod.fs.outputs import check_backup_dir, check_patch_target
    from codemod.render.changes import Mode, file_changes, name_problem, order_problem
    from codemod.render.diff import patch_notes, unified_diff
    from codemod.render.write import write_patch, write_plan

    if patch is not None and in_place:
        fail(CodemodError("--patch writes the in-place rewrite as a patch and changes no file; drop --in-place"))

    settings = settings_from(
        path, order, select, ignore, backup_dir=str(backup_dir) if backup_dir else None,
        unsafe_fixes=unsafe_fixes, keep_order=keep_order, idempotent=idempotent,
    )
    analysis = analyse_with(settings, verbose)
    plan = make_plan(analysis)
    mode: Mode = "in-place" if in_place or patch is not None else "fixed"
    chosen_backup = settings.get("backup-dir")
    try:
        if chosen_backup:
            check_backup_dir(plan.tree.root, Path(chosen_backup))
        if patch is not None:
            check_patch_target(patch, plan.tree.root, force)
    except CodemodError as error:
        fail(error)
    changes = file_changes(plan, mode)
    misorder = name_problem(plan, mode) or order_problem(plan, mode)
    if misorder is not None:
        fail(CodemodError(misorder, plan.tree.root))
    remaining = [f for f in plan.findings if f.severity != "note"]
    proven = _prove(plan, settings, database_url) if verify else None
    for problem in plan.problems:
        typer.echo(f"codemod: {escape(problem)}", err=True)
    if dry_run or patch is not None:
        text = unified_diff(changes)
        for note in patch_notes(plan, changes):
            typer.echo(f"note: {escape(note)}", err=True)
        if patch is not None and not dry_run:
            try:
                write_patch(patch, text, force, plan.tree.root)
            except CodemodError as error:
                fail(error)
            typer.echo(f"wrote {shown_path(patch)} ({len(changes)} file{'s' * (len(changes) != 1)})", err=True)
        else:
            colored = use_color(color.value, sys.stdout)
            typer.echo(unified_diff(changes, colored, on_terminal(sys.stdout)), nl=False, color=colored)
            if patch is not None:
                typer.echo(f"dry run: would write this patch to {shown_path(patch)}; nothing was written", err=True)
    else:
        try:
            report = write_plan(plan, mode, Path(chosen_backup) if chosen_backup else None)
        except CodemodError as error:
            fail(error)
        for action in report.actions:
            typer.echo(escape(action))
        if report.backup is not None:
            typer.echo(f"originals backed up in {shown_path(report.backup)}")
    _explain_outcome(plan, changes, remaining, dry_run or patch is not None, proven)
    failed = any(f.severity == "error" for f in remaining) or bool(plan.problems) or (proven is not None and not proven[0])
    raise typer.Exit(1 if failed else 0)


def _prove(plan, settings, database_url: str | None) -> tuple[bool, str]:  # type: ignore[no-untyped-def]
    """What `codemod verify` says of this plan (nothing is written for it)."""
    from codemod.database_url import find_database_url
    from codemod.reporting.verdict import proof_verdict
    from codemod.verify.session import verify

    url = find_database_url(database_url, plan.tree.root).url  # --database-url, $DATABASE_URL, .env, schema.prisma
    try:
        report = verify(plan.tree.root, order=settings.get("order"), database_url=url, plan=plan)
    except CodemodError as error:
        fail(error)
    return report.proven, proof_verdict(report)


def _explain_outcome(plan, changes, remaining: list[Finding], dry: bool, proven: tuple[bool, str] | None) -> None:  # type: ignore[no-untyped-def]
    from codemod.reporting.text import findings_text
    from codemod.reporting.verdict import static_verdict

    for change in changes:
        if change.renamed:
            typer.echo(
                f"note: {escape(change.old_folder)} becomes {escape(change.new_folder)}: a new migration name for Prisma; "
                "its row in _prisma_migrations no longer matches (run `codemod resolve` on deployed databases)",
                err=True,
            )
    if remaining:
        typer.echo("left after the rewrite:", err=True)
        typer.echo(findings_text(remaining), nl=False, err=True)
    folders = len({change.old_folder for change in changes})
    typer.echo(f"{'would change' if dry else 'changed'} {folders} migration folder{'s' * (folders != 1)}", err=True)
    typer.echo(escape(static_verdict(plan, dry, verifying=proven is not None)), err=True)
    if proven is not None:
        typer.echo(escape(proven[1]), err=True)
