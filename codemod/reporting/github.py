"""GitHub Actions workflow commands: one ``::error file=…,line=…,col=…,title=…::message`` per finding."""

from __future__ import annotations

from codemod.display import display_path, escape
from codemod.model import Finding
from codemod.reporting.paths import artifact_path

_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(findings: list[Finding]) -> str:
    lines = []
    for finding in findings:
        properties = ",".join(
            [
                f"file={_escape_property(escape(display_path(artifact_path(finding)), keep_newlines=True))}",
                f"line={finding.line}",
                f"col={finding.col}",
                f"title={_escape_property('codemod ' + finding.code)}",
            ]
        )
        message = escape(finding.message) + (f"\nhelp: {escape(finding.advice)}" if finding.advice else "")
        lines.append(f"::{_COMMAND[finding.severity]} {properties}::{_escape_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")
