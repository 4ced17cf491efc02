"""``codemod check``: report what will fail, grouped by migration. Exit 1 on any error."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from codemod.commands.common import (
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
from codemod.errors import CodemodError


class FormatOption(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


def check(
    path: PathArgument = None,
    output_format: Annotated[FormatOption | None, typer.Option("--format", help="text (default), json, sarif (2.1.0) or github (Actions annotations).", show_default=False)] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only report on migrations added or changed since this git ref (the whole tree is still replayed).")] = None,
    order: OrderOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    unsafe_fixes: UnsafeFixesOpt = None,
    keep_order: KeepOrderOpt = None,
    idempotent: IdempotentOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Report what will fail, as path:line:col code message, grouped by migration. Exit 1 on any error."""
    from codemod.reporting import github_annotations, json_report, sarif_report
    from codemod.reporting.text import findings_text, summary

    settings = settings_from(
        path, order, select, ignore, format=output_format.value if output_format else None,
        unsafe_fixes=unsafe_fixes, keep_order=keep_order, idempotent=idempotent,
    )
    analysis = analyse_with(settings, verbose)
    findings = analysis.findings
    if since is not None:
        from codemod.gitchanges import changed_migrations

        try:
            changed = changed_migrations(analysis.tree, since)
        except CodemodError as error:
            fail(error)
        findings = [finding for finding in findings if finding.migration in changed]
    output = settings.get("format")
    if output == "json":
        typer.echo(json_report(analysis.tree, findings), nl=False)
    elif output == "sarif":
        typer.echo(sarif_report(analysis.tree, findings), nl=False)
    elif output == "github":
        typer.echo(github_annotations(findings), nl=False)
        typer.echo(summary(analysis.tree, findings), err=True)
    else:
        typer.echo(findings_text(findings), nl=False)
        typer.echo(summary(analysis.tree, findings))
    raise typer.Exit(1 if any(finding.severity == "error" for finding in findings) else 0)

