"""The layout keeps the pipeline's direction: rules see only the context and the model; render,
history and reporting do not reach back into the engine."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RULES_MAY_IMPORT = ("codemod.context", "codemod.model", "codemod.names", "codemod.sqlgen", "codemod", "transforms", "sqlglot", "__future__")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module if node.module != "codemod" else f"codemod.{node.names[0].name}")
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _allowed(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def test_rules_import_only_the_context_the_model_names_and_sqlgen() -> None:
    for path in sorted((REPO / "transforms").glob("*.py")):
        for module in _imports(path):
            if module.startswith("codemod"):
                assert module in ("codemod.sqlgen", "codemod.names", "codemod.context") or module.startswith("codemod.model"), (path.name, module)
            else:
                assert _allowed(module, RULES_MAY_IMPORT) or module in ("re", "datetime", "types", "dataclasses"), (path.name, module)


def test_no_import_runs_backwards() -> None:
    forbidden = {
        "codemod/render": ("codemod.history", "codemod.verify", "codemod.commands", "codemod.reporting"),
        "codemod/history": ("codemod.render", "codemod.commands"),
        "codemod/reporting": ("codemod.engine", "codemod.repair", "codemod.render.write", "codemod.commands"),
        "codemod/analysis": ("codemod.engine", "codemod.plan", "codemod.render", "codemod.reporting", "codemod.commands", "transforms"),
        "codemod/model": ("codemod.analysis", "codemod.engine", "codemod.render", "codemod.commands"),
    }
    for folder, modules in forbidden.items():
        for path in sorted((REPO / folder).rglob("*.py")):
            for module in _imports(path):
                assert not _allowed(module, modules), (str(path.relative_to(REPO)), module)
