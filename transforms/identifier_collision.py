"""Two different names that PostgreSQL truncates to the same 63 bytes.

What it finds: a table, index, type or constraint whose name is longer than 63 bytes and, cut to
63 bytes as PostgreSQL cuts it, equals the name of an object created earlier under another
(also long) name.

Why it breaks: PostgreSQL silently truncates identifiers to 63 bytes (with only a NOTICE), so the
second ``CREATE`` finds the first object under the shortened name: ``relation … already exists``
(42P07) or ``… already exists`` (42710), although the two names as written differ.

What the fix does: nothing automatic: which name to shorten, and how, is the author's choice
(Prisma's ``@@index(…, map: "…")`` / ``@@unique(…, map: "…")`` sets a shorter one).

Fix safety: no fix.

Example::

    -- 20240101000000_init
    CREATE TABLE "t" ("a" TEXT, "b" TEXT);
    CREATE INDEX "events_organization_id_created_at_and_a_very_long_description_idx_first" ON "t"("a");
    -- 20240102000000_second (finds)
    CREATE INDEX "events_organization_id_created_at_and_a_very_long_description_idx_second" ON "t"("b");
"""

from __future__ import annotations

from codemod.context import Context
from codemod.model import Finding
from codemod.model.rules import Rule

RULE = Rule(
    code="identifier-collision",
    summary="Two different names that PostgreSQL truncates to the same 63 bytes",
    severity="error",
    fix_safety="none",
    doc=__doc__ or "",
)


def find(context: Context) -> list[Finding]:
    return [
        context.failure_finding(RULE, report, failure, help="give one of the objects a shorter name")
        for report, failure in context.failures(RULE.code)
    ]
