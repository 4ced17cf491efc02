"""codemod: repairs broken Prisma migration trees.

The pipeline runs one way: discover → load → split → parse → replay → transforms → plan → render.
The public entry points are :func:`analyse` and :func:`make_plan`; the CLI is a thin layer over them.
"""

from codemod.engine import AnalyseOptions, Analysis, analyse, make_plan
from codemod.errors import CodemodError
from codemod.model import Edit, Finding, Fix, Migration, MigrationTree, Rename, Statement

__all__ = [
    "Analysis",
    "AnalyseOptions",
    "CodemodError",
    "Edit",
    "Finding",
    "Fix",
    "Migration",
    "MigrationTree",
    "Rename",
    "Statement",
    "analyse",
    "make_plan",
]
