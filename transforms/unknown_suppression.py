"""An inline suppression names a code that no rule has.

What it finds: ``-- codemod: ignore[code]`` comments whose code is not in the catalogue
(``codemod list-transforms``), usually a typo or a rule that was renamed.

Why it breaks: nothing fails in PostgreSQL, but the suppression silences nothing: the finding it
was meant for still shows, or will show once its rule exists under the right name.

What the fix does: nothing automatic; correct the code.

Fix safety: no fix.

Example::

    -- codemod: ignore[duplicate-craete]
    CREATE TABLE "users" (…);
"""

from __future__ import annotations

from codemod.model.rules import Rule

RULE = Rule(
    code="unknown-suppression",
    summary="An inline suppression names a code that no rule has",
    severity="warning",
    fix_safety="none",
    doc=__doc__ or "",
    phase="meta",
)
