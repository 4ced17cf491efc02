"""Text rendering of a :class:`VerifyReport`, and the rich progress bar for terminals."""

from __future__ import annotations

from typing import Any, TextIO

from codemod.display import escape
from codemod.verify.runner import FAILED, MigrationResult, TreeResult
from codemod.verify.session import VerifyReport


def _failure_detail(migration: MigrationResult) -> str:
    where = f" (line {migration.line})" if migration.line else ""
    state = f" [SQLSTATE {migration.sqlstate}]" if migration.sqlstate else ""
    return f"{where}: {escape(migration.message or 'failed')}{state}"


def _tree_lines(title: str, result: TreeResult, verbose: bool) -> list[str]:
    """The headline of one replay; its failure; every migration only with ``verbose``."""
    counts = {status: sum(1 for m in result.migrations if m.status == status) for status in ("applied", "failed", "not run")}
    head = f"{title}: " + ("applies" if result.ok else f"fails at {escape(result.failed_migration or '?')}")
    head += f" ({counts['applied']} applied, {counts['failed']} failed, {counts['not run']} not run; {result.seconds:.2f}s)"
    lines = [head]
    for migration in result.migrations:
        if migration.status != FAILED and not verbose:
            continue
        line = f"  {migration.status:<8} {escape(migration.name)}"
        if migration.status == FAILED:
            line += _failure_detail(migration)
        lines.append(line)
    return lines


def _changes(report: VerifyReport) -> list[str]:
    """What the rewrite changes: renamed, rewritten, added and removed migrations."""
    rewritten = set(report.rewritten_files)
    lines = []
    for name in report.changed:
        new = report.renames.get(name)
        if new is not None:
            lines.append(f"  renamed   {escape(name)} → {escape(new)}" + (" (and rewritten)" if name in rewritten else ""))
        elif name in rewritten:
            lines.append(f"  rewritten {escape(name)}")
    lines += [f"  added     {escape(name)}" for name in report.added]
    lines += [f"  removed   {escape(name)}" for name in report.removed]
    if not lines:
        return []
    counts = [f"{len(rewritten)} rewritten", f"{len(report.renames)} renamed"]
    if report.added:
        counts.append(f"{len(report.added)} added")
    if report.removed:
        counts.append(f"{len(report.removed)} removed")
    return [f"changes: {', '.join(counts)}", *lines]


def report_text(report: VerifyReport, verbose: bool = False) -> str:
    """Failures, what changed and a summary; every migration's outcome with ``verbose``."""
    lines = [f"verify {escape(report.path)} ({report.order} order) on {report.server}"]
    lines += _tree_lines("original", report.original, verbose)
    if report.rewritten_identical:
        lines.append("rewritten: identical to the original (the plan changes nothing)")
    else:
        lines += _tree_lines("rewritten", report.rewritten, verbose)
        lines += _changes(report)
    for problem in report.plan_problems:
        lines.append(f"plan problem: {escape(problem)}")
    if report.intent is None:
        lines.append("intent: nothing to compare (the tree is unchanged and applies)")
    elif report.missing:
        lines.append(f"intent: {len(report.missing)} object(s) the original creates are missing after the rewritten tree:")
        lines += [f"  missing  {escape(str(item))}" for item in report.missing]
    else:
        lines.append("intent: every table, column, enum value, index and constraint the original creates exists")
    if report.intent is not None and report.intent.skipped:
        shown = report.intent.skipped if verbose else report.intent.skipped[:10]
        lines.append(f"  ({len(report.intent.skipped)} statement(s) of the original never ran, so carry no intent:")
        for skipped in shown:
            state = f" [SQLSTATE {skipped.sqlstate}]" if skipped.sqlstate else ""
            lines.append(f"     {escape(skipped.migration)}:{skipped.line} {escape(skipped.message)}{state}")
        if len(shown) < len(report.intent.skipped):
            lines.append(f"     … {len(report.intent.skipped) - len(shown)} more (--verbose)")
        lines.append("  )")
    if report.convergence_skipped:
        lines.append(f"convergence: not checked: {report.convergence_skipped}")
    elif not report.convergence:
        lines.append("convergence: nothing to check (the tree is unchanged)")
    for result in report.convergence:
        where = (
            f"from {escape(result.from_migration)} (original before it, then the rewritten migrations that had not run)"
            if result.from_migration
            else "after the whole original tree"
        )
        lines.append(f"convergence {where}: {'holds' if result.holds else 'FAILS'}")
        if result.problem:
            lines.append(f"  {escape(result.problem)}")
        lines += [f"  {escape(line)}" for line in result.diff]
    if report.prisma is not None:
        if report.prisma["ok"]:
            lines.append("prisma engine: the rewritten tree applies (Prisma's own schema engine agrees)")
        else:
            lines.append(f"prisma engine: FAILS at {escape(str(report.prisma['failed_migration']))}: {escape(str(report.prisma['message']))}")
    verdict = "PROVEN: the rewritten tree applies, keeps the original's intent and converges" if report.proven else "NOT PROVEN"
    lines.append(f"{verdict} ({report.seconds:.1f}s)")
    return "\n".join(lines) + "\n"


class RichProgress:
    """One bar per replay, counting migrations; on stderr, only when it is a terminal."""

    def __init__(self, stream: TextIO | None = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.console = Console(stderr=True) if stream is None else Console(file=stream)
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[current]}", style="dim"),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )
        self.task: Any = None
        self.started = False

    @property
    def enabled(self) -> bool:
        return self.console.is_terminal

    def start(self, label: str, total: int) -> None:
        if not self.started:
            self.progress.start()
            self.started = True
        self.task = self.progress.add_task(label, total=total, current="")

    def advance(self, name: str) -> None:
        if self.task is not None:
            self.progress.update(self.task, advance=1, current=name)

    def finish(self) -> None:
        if self.task is not None:
            self.progress.remove_task(self.task)
            self.task = None

    def close(self) -> None:
        if self.started:
            self.progress.stop()
            self.started = False
