"""The JSON report; its shape is versioned by ``schema_version`` and documented in the README.

Version 1::

    {"schema_version": 1, "tool": "codemod", "version": "…",
     "tree": {"root": str, "provider": str, "order": "locale"|"bytes", "migrations": int},
     "summary": {"error": int, "warning": int, "note": int, "fixable": int},
     "findings": [{"code", "severity", "migration", "path", "line", "column", "message",
                   "help": null | str, "sqlstate": null | str, "stops_here": bool,
                   "fix": null | {"description": str, "unsafe": bool,
                                  "renames": [{"from", "to"}], "edits": int,
                                  "additions": int, "removals": [str]}}]}

``stops_here`` is true on the one finding where ``prisma migrate deploy`` stops on an empty
database; ``sqlstate`` is the error PostgreSQL would give there (``P3015`` is Prisma's own).
"""

from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, version

from codemod.display import display_path
from codemod.model import Finding, MigrationTree, tally

JSON_SCHEMA_VERSION = 1


def tool_version() -> str:
    try:
        return version("codemod")
    except PackageNotFoundError:
        return "0+unknown"


def finding_dict(finding: Finding) -> dict:
    fix = finding.fix
    return {
        "code": finding.code,
        "severity": finding.severity,
        "migration": finding.migration,
        "path": display_path(finding.path),
        "line": finding.line,
        "column": finding.col,
        "message": finding.message,
        "help": finding.help,
        "sqlstate": finding.sqlstate,
        "stops_here": finding.stops_here,
        "fix": None
        if fix is None
        else {
            "description": fix.description,
            "unsafe": fix.unsafe,
            "renames": [{"from": rename.old, "to": rename.new} for rename in fix.renames],
            "edits": len(fix.edits),
            "additions": len(fix.additions),
            "removals": list(fix.removals),
        },
    }


def json_report(tree: MigrationTree, findings: list[Finding]) -> str:
    summary = tally(findings)
    document = {
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": "codemod",
        "version": tool_version(),
        "tree": {
            "root": display_path(tree.root),
            "provider": tree.provider,
            "order": tree.order,
            "migrations": len(tree.migrations),
        },
        "summary": summary,
        "findings": [finding_dict(finding) for finding in findings],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
