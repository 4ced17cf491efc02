"""``codemod list-transforms``, ``explain`` and ``config``: what codemod knows and how it is set up."""

from __future__ import annotations

from typing import Annotated

import typer

from codemod.commands.settings import settings_from


def list_transforms() -> None:
    """The rule catalogue: code, usual severity, summary."""
    import transforms

    width = max(len(code) for code in transforms.RULES)
    for rule in transforms.RULES.values():
        typer.echo(f"{rule.code:<{width}}  {rule.severity:<7}  {rule.summary}")


def explain(code: Annotated[str, typer.Argument(metavar="CODE", help="A rule code, e.g. duplicate-create.", show_default=False)]) -> None:
    """Print a rule's documentation: what it finds, why it breaks, what the fix does, an example."""
    import transforms
    from codemod.display import escape
    from codemod.rst import rst_to_text

    rule = transforms.RULES.get(code)
    if rule is None:
        known = ", ".join(sorted(transforms.RULES))
        typer.echo(f"codemod: unknown rule code {escape(repr(code))} (known: {known})", err=True)
        raise typer.Exit(2)
    typer.echo(f"{rule.code}: {rule.summary}\n")
    typer.echo(rst_to_text(rule.doc))


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
