"""The values that flow through the pipeline: the tree as read, schema state, findings and fixes."""

from codemod.model.findings import SEVERITY_RANK, Addition, Edit, Finding, Fix, Rename, Severity, tally
from codemod.model.tree import ORDERS, Migration, MigrationTree, Order, Span, Statement

__all__ = [
    "ORDERS",
    "SEVERITY_RANK",
    "Addition",
    "Edit",
    "Finding",
    "Fix",
    "Migration",
    "MigrationTree",
    "Order",
    "Rename",
    "Severity",
    "Span",
    "Statement",
    "tally",
]
