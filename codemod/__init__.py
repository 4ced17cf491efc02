"""codemod: repairs broken Prisma migration trees.

The pipeline runs one way: discover → load → split → parse → replay → transforms → plan → render.
The public entry points are :func:`analyse`, :func:`make_plan` and the renderers below; the CLI
is a thin layer over them.
"""

from codemod.engine import AnalyseOptions, Analysis, analyse, make_plan
from codemod.errors import CodemodError
from codemod.model import Edit, Finding, Fix, Migration, MigrationTree, Rename, Statement
from codemod.plan import Plan
from codemod.render.changes import file_changes
from codemod.render.diff import unified_diff
from codemod.render.write import copy_rewritten_tree, write_patch, write_plan

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
