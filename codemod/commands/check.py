"""``codemod check``: report what will fail, grouped by migration. Exit 1 on any error."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from codemod.commands.common import (
    ColorOpt,
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
from codemod.errors import CodemodError


class FormatOption(str, Enum):
    text = "text"
    concise = "concise"
    json = "json"
    sarif = "sarif"
    github = "github"


def check(
    path: PathArgument = None,
    output_format: Annotated[FormatOption | None, typer.Option("--format", "--output-format", help="text (default: source lines, carets, help), concise (one line per finding), json, sarif (2.1.0) or github (Actions annotations).", show_default=False)] = None,
    since: Annotated[str | None, typer.Option("--since", metavar="REF", help="Only report on migrations added or changed since this git ref (the whole tree is still replayed).")] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when errors are found (2 still means bad input).")] = False,
    statistics: Annotated[bool, typer.Option("--statistics", help="Print how many findings each code has, instead of the findings.")] = False,
    color: ColorOpt = ColorOption.auto,
    order: OrderOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    unsafe_fixes: UnsafeFixesOpt = None,
    keep_order: KeepOrderOpt = None,
    idempotent: IdempotentOpt = None,
    cache_dir: Annotated[Path | None, typer.Option("--cache-dir", metavar="DIR", help="Where the analysis cache lives (default: .codemod-cache beside the migrations directory, never inside it).", show_default=False)] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the analysis cache.")] = False,
    verbose: VerboseOpt = False,
) -> None:
    """Report what will fail: each finding with its source line, a help line and its docs. Exit 1 on any error."""
    from codemod.display import use_color
    from codemod.reporting import github_annotations, json_report, sarif_report
    from codemod.reporting.text import findings_full, findings_text, summary

    settings = settings_from(
        path, order, select, ignore, format=output_format.value if output_format else None,
        unsafe_fixes=unsafe_fixes, keep_order=keep_order, idempotent=idempotent,
        cache_dir=str(cache_dir) if cache_dir is not None else None, cache=False if no_cache else None,
    )
    analysis = analyse_with(settings, verbose, use_cache=True)
    findings = analysis.findings
    if since is not None:
        from codemod.gitchanges import changed_migrations

        try:
            changed = changed_migrations(analysis.tree, since)
        except CodemodError as error:
            fail(error)
        findings = [finding for finding in findings if finding.migration in changed]
    output = settings.get("format")
    errors = any(finding.severity == "error" for finding in findings)
    exit_code = 1 if errors and not exit_zero else 0
    if statistics:
        _statistics(analysis.tree, findings, output)
        raise typer.Exit(exit_code)
    if output == "json":
        typer.echo(json_report(analysis.tree, findings), nl=False)
    elif output == "sarif":
        typer.echo(sarif_report(analysis.tree, findings), nl=False)
    elif output == "github":
        typer.echo(github_annotations(findings), nl=False)
        typer.echo(summary(analysis.tree, findings), err=True)
    elif output == "concise":
        typer.echo(findings_text(findings), nl=False)
        typer.echo(summary(analysis.tree, findings))
    else:
        colored = use_color(color.value)
        report = findings_full(analysis.tree, findings, colored)
        typer.echo(report + ("\n" if report else ""), nl=False, color=colored)
        typer.echo(summary(analysis.tree, findings))
    raise typer.Exit(exit_code)


def _statistics(tree, findings, output: str) -> None:
    """``--statistics``: counts per code (a JSON list with ``--format json``)."""
    from codemod.reporting.text import statistics_json, statistics_text, summary

    if output == "json":
        import json

        typer.echo(json.dumps(statistics_json(findings), indent=2))
    elif output in ("text", "concise"):
        typer.echo(statistics_text(findings), nl=False)
        typer.echo(summary(tree, findings))
    else:
        fail(CodemodError(f"--statistics prints text or json, not {output}"))

