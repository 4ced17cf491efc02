"""codemod: repairs broken Prisma migration trees.

The pipeline runs one way: discover → load → split → parse → replay → transforms → plan → render.
The public entry points are :func:`analyse`, :func:`make_plan` and the renderers below; the CLI
is a thin layer over them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codemod.engine import AnalyseOptions, Analysis, analyse, make_plan
    from codemod.errors import CodemodError
    from codemod.model import Edit, Finding, Fix, Migration, MigrationTree, Rename, Statement
    from codemod.plan import Plan
    from codemod.render.changes import file_changes
    from codemod.render.diff import unified_diff
    from codemod.render.write import copy_rewritten_tree, write_patch, write_plan

# Imported on first use (PEP 562): `import codemod.cli` stays cheap, so that the CLI installs its
# Ctrl-C handling before sqlglot and the rest load.
_HOMES = {
    "AnalyseOptions": "codemod.engine",
    "Analysis": "codemod.engine",
    "analyse": "codemod.engine",
    "make_plan": "codemod.engine",
    "CodemodError": "codemod.errors",
    "Edit": "codemod.model",
    "Finding": "codemod.model",
    "Fix": "codemod.model",
    "Migration": "codemod.model",
    "MigrationTree": "codemod.model",
    "Rename": "codemod.model",
    "Statement": "codemod.model",
    "Plan": "codemod.plan",
    "file_changes": "codemod.render.changes",
    "unified_diff": "codemod.render.diff",
    "copy_rewritten_tree": "codemod.render.write",
    "write_patch": "codemod.render.write",
    "write_plan": "codemod.render.write",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'codemod' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])


__all__ = [
    "Analysis",
    "AnalyseOptions",
    "CodemodError",
    "Edit",
    "Finding",
    "Fix",
    "Migration",
    "MigrationTree",
    "Plan",
    "Rename",
    "Statement",
    "analyse",
    "copy_rewritten_tree",
    "file_changes",
    "make_plan",
    "unified_diff",
    "write_patch",
    "write_plan",
]
