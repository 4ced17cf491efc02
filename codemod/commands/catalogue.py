"""``codemod list-transforms``, ``explain`` and ``config``: what codemod knows and how it is set up."""

from __future__ import annotations

from typing import Annotated

import typer

from codemod.commands.settings import settings_from


def list_transforms() -> None:
    """The rule catalogue: code, usual severity, summary."""
    import transforms

    width = max(len(module.CODE) for module in transforms.ALL)
    for module in transforms.ALL:
        typer.echo(f"{module.CODE:<{width}}  {module.SEVERITY:<7}  {module.SUMMARY}")


def explain(code: Annotated[str, typer.Argument(metavar="CODE", help="A rule code, e.g. duplicate-create.", show_default=False)]) -> None:
    """Print a rule's documentation: what it finds, why it breaks, what the fix does, an example."""
    import transforms
    from codemod.display import escape
    from codemod.reporting.sarif import PLAN_RULES
    from codemod.rst import rst_to_text

    module = transforms.BY_CODE.get(code)
    if module is None and code in PLAN_RULES:
        typer.echo(f"{code}: {PLAN_RULES[code]}\n")
        typer.echo(rst_to_text(PLAN_DOCS[code]))
        return
    if module is None:
        known = ", ".join(sorted([*transforms.BY_CODE, *PLAN_RULES]))
        typer.echo(f"codemod: unknown rule code {escape(repr(code))} (known: {known})", err=True)
        raise typer.Exit(2)
    typer.echo(f"{module.CODE}: {module.SUMMARY}\n")
    typer.echo(rst_to_text(module.__doc__ or ""))


# Codes that no transform module owns (the plan and the suppression reader make them).
PLAN_DOCS = {
    "not-idempotent": """\
What it finds: a statement in a migration that codemod rewrites (or renames) which cannot be made
safe to run twice: a data change (``INSERT``, ``UPDATE``, ``DELETE``), or a command the replay
does not model.

Why it breaks: a rewritten or renamed migration is a new migration to Prisma, so it may run
again on a database where the original ran, fully or in part.

What the fix does: nothing; codemod never guesses. Review the statement: make it repeatable by
hand (``ON CONFLICT DO NOTHING``, a ``WHERE NOT EXISTS`` guard), or resolve the database's
history (``codemod resolve``) so that the migration does not run twice.""",
    "fix-conflict": """\
What it finds: two fixes that would edit the same bytes of a file.

Why it breaks: merging them by guesswork could produce SQL that neither fix meant.

What the fix does: the later fix is dropped, loudly. Run ``codemod apply`` again after the first
one is written: the second is then found against the new text.""",
    "unknown-suppression": """\
What it finds: an inline ``-- codemod: ignore[CODE]`` comment naming a code that codemod does
not know (a typo, or a rule that was renamed).

Why it breaks: nothing fails, but the comment silences nothing, so the finding it meant to
silence is still reported.

What the fix does: nothing; correct the code (``codemod list-transforms`` lists them).""",
}


def show_config() -> None:
    """Print the effective configuration and where each value came from."""
    from codemod.config import KEYS
    from codemod.display import escape

    settings = settings_from(None, None, None, None)
    for name, key in KEYS.items():
        value = settings.get(name)
        if value is None or value == []:
            shown = "(none)"
        elif isinstance(value, list):
            shown = ", ".join(value)
        else:
            shown = str(value).lower() if isinstance(value, bool) else str(value)
        typer.echo(escape(f"{name:<13} = {shown:<30} # {settings.sources[name]}; {key.help}"))
