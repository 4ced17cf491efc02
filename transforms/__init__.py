"""The transform catalogue: one module per transform, each with a stable code.

A transform module defines ``CODE``, ``SUMMARY``, ``SEVERITY`` (its usual severity), a docstring
in four parts (what it finds / why it breaks / what the fix does / example) and
``find(context) -> list[Finding]``. It does no I/O; fixes are edits the plan merges.
"""

from __future__ import annotations

from types import ModuleType

from transforms import duplicate_create, forward_reference, timestamp_name, utf8_bom

ALL: tuple[ModuleType, ...] = (duplicate_create, forward_reference, timestamp_name, utf8_bom)
BY_CODE: dict[str, ModuleType] = {module.CODE: module for module in ALL}
