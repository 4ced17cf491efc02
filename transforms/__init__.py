"""The rule catalogue: one module per rule, each with a stable code.

Every code that codemod can print is a rule here: ``list-transforms``, ``explain``,
``--select``/``--ignore``, inline suppressions and the SARIF rules table read this registry.

A rule module defines ``RULE`` (code, summary, severity, fix safety, docstring, phase) and a
docstring in the shape *What it finds / Why it breaks / What the fix does / Fix safety /
Example*. A ``tree`` rule has ``find(context) -> list[Finding]``; a ``finish`` rule has
``finish(context, chosen) -> (findings, chosen)`` and runs over the fixes chosen so far; a
``meta`` rule's findings are made by the engine. Rules do no I/O; fixes are edits the plan merges.
"""

from __future__ import annotations

from types import ModuleType

from codemod.model.rules import Rule
from transforms import (
    concurrent_index,
    duplicate_create,
    file_encoding,
    fix_conflict,
    forward_reference,
    function_return_type,
    identifier_collision,
    index_not_constraint,
    missing_migration_file,
    missing_object,
    new_enum_value_used,
    not_idempotent,
    nul_byte,
    timestamp_name,
    unknown_suppression,
    utf8_bom,
    view_dependency,
)

ALL: tuple[ModuleType, ...] = (
    missing_migration_file,
    file_encoding,
    utf8_bom,
    nul_byte,
    timestamp_name,
    duplicate_create,
    forward_reference,
    missing_object,
    index_not_constraint,
    concurrent_index,
    new_enum_value_used,
    function_return_type,
    identifier_collision,
    view_dependency,
    fix_conflict,
    not_idempotent,
    unknown_suppression,
)
BY_CODE: dict[str, ModuleType] = {module.RULE.code: module for module in ALL}
RULES: dict[str, Rule] = {code: module.RULE for code, module in BY_CODE.items()}
