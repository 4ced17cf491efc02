"""The library's entry points: analyse a tree, then plan its repair. The CLI only calls these.

Analysis runs in one direction: load and replay the tree; run the tree rules; choose the fixes
that will apply (safe ones, unsafe ones when asked, none that a suppression covers); run the
finishing rules over what those fixes touch (conflicts, re-run safety); then apply the
suppressions and sort, once. The plan only merges the chosen fixes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from sqlglot.dialects.dialect import Dialect

import transforms
from codemod.analysis.discover import Order
from codemod.analysis.replay import Replay, replay_tree
from codemod.analysis.stream import replay_listing
from codemod.analysis.tree import list_tree, tree_of
from codemod.context import Context
from codemod.errors import CodemodError
from codemod.model import SEVERITY_RANK, Finding, MigrationTree
from codemod.plan import Plan
from codemod.progress import Progress
from codemod.suppress import Suppressions

if TYPE_CHECKING:
    from codemod.analysis.cache import CacheOutcome

SQL_FIXES_DIALECTS = {"postgres"}


@dataclass
class AnalyseOptions:
    order: Order = "locale"
    select: frozenset[str] | None = None
    ignore: frozenset[str] = field(default_factory=frozenset)
    unsafe_fixes: bool = False
    idempotent: bool = False
    keep_order: bool = False

    def selected(self) -> list[ModuleType]:
        unknown = (set(self.select or ()) | set(self.ignore)) - set(transforms.BY_CODE)
        if unknown:
            known = ", ".join(sorted(transforms.BY_CODE))
            raise CodemodError(f"unknown rule code {', '.join(sorted(unknown))} (known: {known})")
        return [module for module in transforms.ALL if self.wants(module.RULE.code)]

    def wants(self, code: str) -> bool:
        return (self.select is None or code in self.select) and code not in self.ignore


@dataclass
class Analysis:
    tree: MigrationTree
    replay: Replay
    findings: list[Finding]
    fixes: list[Finding] = field(default_factory=list)  # the findings whose fixes apply, in order
    options: AnalyseOptions = field(default_factory=AnalyseOptions)
    cache: CacheOutcome | None = None  # what the analysis cache did (None: not used)

    @property
    def statement_count(self) -> int:
        return sum(len(migration.statements) for migration in self.tree.migrations)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect garbage less often while syntax trees pile up.

    Analysis builds millions of long-lived objects; with CPython's default thresholds the collector
    walks them again and again (measured on 10,000 migrations: 6.4 s with the defaults, 2.7 s with
    these). Nothing here is garbage until the analysis is over.
    """
    previous = gc.get_threshold()
    gc.set_threshold(50_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def analyse(
    path: Path | str, options: AnalyseOptions | None = None, progress: Progress | None = None, cache: CacheChoice | None = None,
) -> Analysis:
    """Load, replay and run the selected rules; findings come in tree order.

    With ``cache`` (see :mod:`codemod.analysis.cache`), an unchanged history is restored instead
    of replayed; the findings are the same.
    """
    options = options or AnalyseOptions()
    with _fewer_collections():
        options.selected()  # unknown codes are bad input before any file is read
        listing = list_tree(Path(path), options.order)
        if cache is None:
            migrations, replay, _carry = replay_listing(listing, progress)
            return analyse_tree(tree_of(listing, migrations), options, replay)
        from codemod.analysis.cache import cache_directory, load_with_cache

        directory = cache_directory(listing.migrations_dir, cache.directory)
        tree, replay, outcome = load_with_cache(listing, directory, progress)
        analysis = analyse_tree(tree, options, replay)
        analysis.cache = outcome
        return analysis


@dataclass
class CacheChoice:
    """Use the analysis cache; ``directory`` None: ``.codemod-cache`` beside the migrations."""

    directory: Path | None = None


def analyse_tree(tree: MigrationTree, options: AnalyseOptions, replay: Replay | None = None) -> Analysis:
    """Analyse a tree already in memory (the fixpoint replays rewritten trees this way)."""
    modules = options.selected()
    if replay is None:
        replay = replay_tree(tree, Dialect.get_or_raise(tree.dialect))
    context = Context(tree, replay, idempotent=options.idempotent, keep_order=options.keep_order, unsafe_fixes=options.unsafe_fixes)
    suppressions = Suppressions(tree)
    findings: list[Finding] = []
    for module in modules:
        if module.RULE.phase == "tree":
            findings.extend(module.find(context))
    if tree.dialect not in SQL_FIXES_DIALECTS:
        _drop_sql_fixes(findings, tree.provider)
    chosen = [f for f in findings if _applies(f, options) and not suppressions.covers(f)]
    for module in modules:
        if module.RULE.phase == "finish":
            found, chosen = module.finish(context, chosen)
            findings.extend(found)
            chosen = [f for f in chosen if not suppressions.covers(f)]
    positions = {migration.name: migration.position for migration in tree.migrations}

    def in_tree_order(f: Finding) -> tuple:
        return (positions.get(f.migration, -1), f.line, f.col, SEVERITY_RANK[f.severity], f.code)

    findings.sort(key=in_tree_order)
    _mark_first_stop(findings)  # before suppression: a suppressed failure still stops deploy there
    findings = suppressions.apply(findings)
    if options.wants(transforms.unknown_suppression.RULE.code):
        findings.extend(suppressions.unknown(set(transforms.BY_CODE), transforms.unknown_suppression.RULE))
        findings.sort(key=in_tree_order)
    kept = {id(finding) for finding in findings}
    return Analysis(tree, replay, findings, [f for f in chosen if id(f) in kept], options)


def _applies(finding: Finding, options: AnalyseOptions) -> bool:
    return finding.fix is not None and (not finding.fix.unsafe or options.unsafe_fixes)


def _mark_first_stop(findings: list[Finding]) -> None:
    """Where `prisma migrate deploy` stops on an empty database: the first certain failure.

    Prisma reads each migration's file when it comes to it (its own engine applies the migrations
    before a folder without migration.sql, then stops there with P3015).
    """
    for finding in findings:
        if finding.severity == "error" and finding.sqlstate is not None and finding.certain:
            finding.stops_here = True
            return


def _drop_sql_fixes(findings: list[Finding], provider: str) -> None:
    """Rewrites are PostgreSQL SQL; on other providers the findings stay, the SQL edits go."""
    for finding in findings:
        if finding.fix is not None and finding.fix.edits:
            finding.fix = None
            finding.help = f"no automatic fix for provider {provider} yet"


def make_plan(analysis: Analysis) -> Plan:
    """Repair the analysed tree to a fixpoint (see :mod:`codemod.repair`); nothing is written."""
    from codemod.repair import repair

    return repair(analysis, analysis.options)
