"""Machine-readable reports of findings: JSON (versioned), SARIF 2.1.0, GitHub annotations."""

from __future__ import annotations

from codemod.reporting.github import github_annotations
from codemod.reporting.json_report import JSON_SCHEMA_VERSION, json_report
from codemod.reporting.sarif import sarif_report

__all__ = ["JSON_SCHEMA_VERSION", "github_annotations", "json_report", "sarif_report"]
