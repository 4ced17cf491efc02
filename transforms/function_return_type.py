"""``CREATE OR REPLACE FUNCTION`` that changes what an existing function returns.

What it finds: a ``CREATE OR REPLACE FUNCTION`` whose name and argument types match a function
created earlier in the tree, with another return type (``RETURNS TABLE (…)`` with other columns
counts too), or another name for one of its named input arguments.

Why it breaks: ``OR REPLACE`` may change a function's body, not its return type or the names of
its inputs: PostgreSQL stops with ``cannot change return type of existing function`` or
``cannot change name of input parameter`` (42P13).

What the fix does: inserts ``DROP FUNCTION IF EXISTS name(argument types);`` before the statement,
so that it creates the function anew. Where triggers, views or column defaults created earlier
in the tree use the function, dropping it would fail (or, with CASCADE, drop them): then no fix
is offered.

Fix safety: safe when nothing uses the function; no fix otherwise.

Example::

    -- 20240101000000_init
    CREATE FUNCTION total() RETURNS integer AS $$ SELECT 1 $$ LANGUAGE sql;
    -- 20240102000000_bigger (before)
    CREATE OR REPLACE FUNCTION total() RETURNS bigint AS $$ SELECT 1 $$ LANGUAGE sql;
    -- 20240102000000_bigger (after)
    DROP FUNCTION IF EXISTS "total"();
    CREATE OR REPLACE FUNCTION total() RETURNS bigint AS $$ SELECT 1 $$ LANGUAGE sql;
"""

from __future__ import annotations

from codemod.context import Context, Creation, insert_before
from codemod.model import Finding, Fix
from codemod.model.rules import Rule
from codemod.model.schema import FunctionState

RULE = Rule(
    code="function-return-type",
    summary="CREATE OR REPLACE FUNCTION changes the return type of an existing function",
    severity="error",
    fix_safety="safe",
    doc=__doc__ or "",
)


def find(context: Context) -> list[Finding]:
    findings = []
    for report, failure in context.failures(RULE.code):
        creation = failure.subject
        fix = None
        help = None
        if isinstance(creation, Creation) and isinstance(creation.new, FunctionState) and not report.guarded:
            if failure.dependents:
                help = f"{', '.join(failure.dependents)} use(s) it: drop them, drop the function, then create them again"
            else:
                newline = report.statement.migration.newline
                drop = f"DROP FUNCTION IF EXISTS {creation.new.signature};{newline}"
                fix = Fix(f"drop the function first: DROP FUNCTION IF EXISTS {creation.new.signature}", [insert_before(report.statement, drop)])
        message = failure.message + (f": {failure.detail}" if failure.detail else "")
        findings.append(context.failure_finding(RULE, report, failure, fix, help=help, message=message))
    return findings
