"""SARIF 2.1.0, the format GitHub code scanning ingests (one run, one rule per registered rule).

The driver has no ``informationUri``: codemod has no public home page (the name ``codemod`` on
PyPI is another project), and the property is optional. Each rule's ``help`` says where its
documentation is: ``codemod explain CODE``.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import transforms
from codemod.display import display_path
from codemod.model import Finding, MigrationTree
from codemod.reporting.json_report import tool_version
from codemod.reporting.paths import artifact_path
from codemod.rst import rst_to_text

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "note": "note"}


def _rules() -> list[dict]:
    rules = [
        {
            "id": module.RULE.code,
            "name": module.RULE.code.replace("-", " ").title().replace(" ", ""),
            "shortDescription": {"text": module.RULE.summary},
            "fullDescription": {"text": rst_to_text(module.RULE.doc or module.RULE.summary)},
            "help": {"text": f"codemod explain {module.RULE.code}"},
            "defaultConfiguration": {"level": _LEVEL[module.RULE.severity]},
        }
        for module in transforms.ALL
    ]
    return rules  # every code is a rule of the registry (the plan's and the suppressions' too)


def sarif_report(tree: MigrationTree, findings: list[Finding]) -> str:
    rules = _rules()
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    results = []
    for finding in findings:
        result = {
            "ruleId": finding.code,
            "ruleIndex": index.get(finding.code, 0),
            "level": _LEVEL[finding.severity],
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": quote(display_path(artifact_path(finding)), safe="/")},
                        "region": {"startLine": finding.line, "startColumn": finding.col},
                    }
                }
            ],
        }
        if finding.code not in index:
            del result["ruleIndex"]
        results.append(result)
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "codemod",
                        "version": tool_version(),
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
