"""Settings for the analysing commands: defaults, then the configuration file, then the command line."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from codemod.commands.common import OrderOption, fail
from codemod.config import Settings, load_settings
from codemod.engine import AnalyseOptions, Analysis, CacheChoice, analyse
from codemod.errors import CodemodError, PathGone


def codes(values: list[str] | None) -> list[str] | None:
    """Rule codes given as repeated and/or comma-separated options."""
    if values is None:
        return None
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


def settings_from(
    path: Path | None, order: OrderOption | None, select: list[str] | None, ignore: list[str] | None, **more: object
) -> Settings:
    try:
        settings = load_settings()
    except CodemodError as error:
        fail(error)
    if os.environ.get("CODEMOD_NO_CACHE", "") not in ("", "0"):
        settings.override("cache", False, "environment (CODEMOD_NO_CACHE)")
    settings.override("cache-dir", os.environ.get("CODEMOD_CACHE_DIR") or None, "environment (CODEMOD_CACHE_DIR)")
    settings.override("path", str(path) if path is not None else None)
    settings.override("order", order.value if order is not None else None)
    settings.override("select", codes(select))
    settings.override("ignore", codes(ignore))
    for name, value in more.items():
        settings.override(name.replace("_", "-"), value)
    return settings


def _read_again_after_a_writer(error: CodemodError, settings: Settings, options: AnalyseOptions, cache: CacheChoice | None) -> Analysis:
    """A read that failed while another codemod run was renaming folders is made again after it.

    The tree is read migration by migration during the replay, so the other run may also have
    finished by the time the read fails: a folder that vanished means the tree changed, and it
    is read again too."""
    from codemod.fs.lock import wait_for_writer

    if error.path is None:
        fail(error)
    if not wait_for_writer(error.path) and not isinstance(error, PathGone):
        fail(error)
    try:
        return analyse(Path(settings.get("path")), options, cache=cache)
    except CodemodError as again:
        fail(again)


def analyse_with(settings: Settings, verbose: bool, use_cache: bool = False) -> Analysis:
    """Analyse the tree the settings name; with ``use_cache``, through the analysis cache if it is on."""
    from codemod.progress import progress_reporter

    select = settings.get("select")
    options = AnalyseOptions(
        order=settings.get("order"),
        select=frozenset(select) if select is not None else None,
        ignore=frozenset(settings.get("ignore") or ()),
        unsafe_fixes=bool(settings.get("unsafe-fixes")),
        keep_order=bool(settings.get("keep-order")),
        idempotent=bool(settings.get("idempotent")),
    )
    cache = None
    if use_cache and settings.get("cache"):
        chosen = settings.get("cache-dir")
        cache = CacheChoice(Path(chosen) if chosen else None)
    try:
        with progress_reporter() as progress:
            analysis = analyse(Path(settings.get("path")), options, progress=progress, cache=cache)
    except CodemodError as error:
        analysis = _read_again_after_a_writer(error, settings, options, cache)
    if verbose:
        from codemod.reporting.text import verbose_cache, verbose_stats

        typer.echo(verbose_stats(analysis.statement_count, analysis.replay.opaque_statements), err=True)
        if analysis.cache is not None:
            typer.echo(verbose_cache(analysis.cache), err=True)
    return analysis
