"""Text rendering of a :class:`VerifyReport`, and the rich progress bar for terminals."""

from __future__ import annotations

from typing import Any, TextIO

from codemod.verify.runner import APPLIED, FAILED, TreeResult
from codemod.verify.session import VerifyReport

FULL_LISTING_LIMIT = 40  # longer trees list only the migrations that did not apply


def _tree_lines(title: str, result: TreeResult) -> list[str]:
    counts = {status: sum(1 for m in result.migrations if m.status == status) for status in ("applied", "failed", "not run")}
    head = f"{title}: " + ("applies" if result.ok else f"fails at {result.failed_migration}")
    head += f" ({counts['applied']} applied, {counts['failed']} failed, {counts['not run']} not run; {result.seconds:.2f}s)"
    lines = [head]
    full = len(result.migrations) <= FULL_LISTING_LIMIT
    for migration in result.migrations:
        if migration.status == APPLIED and not full:
            continue
        line = f"  {migration.status:<8} {migration.name}"
        if migration.status == FAILED:
            where = f" (line {migration.line})" if migration.line else ""
            line += f"{where}: {migration.message} [SQLSTATE {migration.sqlstate}]"
        lines.append(line)
    return lines


def report_text(report: VerifyReport) -> str:
    lines = [f"verify {report.path} ({report.order} order) on {report.server}"]
    lines += _tree_lines("original", report.original)
    if report.rewritten_identical:
        lines.append("rewritten: identical to the original (the plan changes nothing)")
    else:
        lines += _tree_lines("rewritten", report.rewritten)
        for old, new in sorted(report.renames.items()):
            lines.append(f"  renamed  {old} → {new}")
    for problem in report.plan_problems:
        lines.append(f"plan problem: {problem}")
    if report.intent is None:
        lines.append("intent: nothing to compare (the tree is unchanged and applies)")
    elif report.missing:
        lines.append(f"intent: {len(report.missing)} object(s) the original creates are missing after the rewritten tree:")
        lines += [f"  missing  {item}" for item in report.missing]
    else:
        lines.append("intent: every table, column, enum value, index and constraint the original creates exists")
    if report.intent is not None and report.intent.skipped:
        lines.append(f"  ({len(report.intent.skipped)} statement(s) of the original never ran, so carry no intent:")
        for skipped in report.intent.skipped[:10]:
            lines.append(f"     {skipped.migration}:{skipped.line} {skipped.message} [SQLSTATE {skipped.sqlstate}]")
        lines.append("  )")
    if report.convergence_skipped:
        lines.append(f"convergence: not checked: {report.convergence_skipped}")
    elif not report.convergence:
        lines.append("convergence: nothing to check (the tree is unchanged)")
    for result in report.convergence:
        where = (
            f"from {result.from_migration} (original before it, then the rewritten migrations that had not run)"
            if result.from_migration
            else "after the whole original tree"
        )
        lines.append(f"convergence {where}: {'holds' if result.holds else 'FAILS'}")
        if result.problem:
            lines.append(f"  {result.problem}")
        lines += [f"  {line}" for line in result.diff]
    if report.prisma is not None:
        if report.prisma["ok"]:
            lines.append("prisma engine: the rewritten tree applies (Prisma's own schema engine agrees)")
        else:
            lines.append(f"prisma engine: FAILS at {report.prisma['failed_migration']}: {report.prisma['message']}")
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
