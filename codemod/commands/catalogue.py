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

    module = transforms.BY_CODE.get(code)
    if module is None:
        known = ", ".join(sorted(transforms.BY_CODE))
        typer.echo(f"codemod: unknown transform code {code!r} (known: {known})", err=True)
        raise typer.Exit(2)
    typer.echo(f"{module.CODE}: {module.SUMMARY}\n")
    typer.echo((module.__doc__ or "").strip())


def show_config() -> None:
    """Print the effective configuration and where each value came from."""
    from codemod.config import KEYS

    settings = settings_from(None, None, None, None)
    for name, key in KEYS.items():
        value = settings.get(name)
        if value is None or value == []:
            shown = "(none)"
        elif isinstance(value, list):
            shown = ", ".join(value)
        else:
            shown = str(value).lower() if isinstance(value, bool) else str(value)
        typer.echo(f"{name:<13} = {shown:<30} # {settings.sources[name]}; {key.help}")
