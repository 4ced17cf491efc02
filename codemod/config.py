"""Settings from ``codemod.toml`` or ``[tool.codemod]`` in ``pyproject.toml``; the CLI overrides them.

The nearest directory (from the working directory up) holding either file wins; within one
directory ``codemod.toml`` comes before ``pyproject.toml``, as ``ruff.toml`` does for Ruff.
Every value remembers where it came from, so ``codemod config`` can say so.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codemod.errors import CodemodError
from codemod.model.tree import ORDERS

FORMATS = ("text", "concise", "json", "sarif", "github")


@dataclass(frozen=True)
class Key:
    name: str
    kind: type
    default: Any
    choices: tuple[str, ...] = ()
    help: str = ""


KEYS: dict[str, Key] = {
    key.name: key
    for key in (
        Key("path", str, ".", help="project root or migrations directory"),
        Key("select", list, None, help="only these rule codes"),
        Key("ignore", list, [], help="skip these rule codes"),
        Key("order", str, "locale", ORDERS, "folder order: locale (Prisma ≥ 6.6) or bytes (older)"),
        Key("format", str, "text", FORMATS, "report format of check"),
        Key("backup-dir", str, None, help="where apply keeps originals"),
        Key("unsafe-fixes", bool, False, help="also apply unsafe fixes"),
        Key("keep-order", bool, False, help="never re-sequence: guard and re-run instead"),
        Key("idempotent", bool, False, help="make every statement of a rewritten migration safe to run twice"),
        Key("cache", bool, True, help="check keeps an analysis cache (CODEMOD_NO_CACHE=1 turns it off)"),
        Key("cache-dir", str, None, help="where the analysis cache lives (default .codemod-cache beside the migrations; CODEMOD_CACHE_DIR)"),
    )
}


@dataclass
class Settings:
    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        return self.values[name]

    def override(self, name: str, value: Any, source: str = "command line") -> None:
        if value is not None:
            self.values[name] = value
            self.sources[name] = source


def find_config_file(start: Path) -> tuple[Path, dict] | None:
    """The nearest ``codemod.toml`` or ``pyproject.toml`` with a ``[tool.codemod]`` table."""
    for directory in [start, *start.parents]:
        own = directory / "codemod.toml"
        if own.is_file():
            return own, _read(own)
        project = directory / "pyproject.toml"
        if project.is_file():
            table = _read(project).get("tool", {}).get("codemod")
            if table is not None:
                return project, table
    return None


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CodemodError(f"cannot read configuration: {error}", path) from error


def load_settings(start: Path | None = None) -> Settings:
    settings = Settings({name: key.default for name, key in KEYS.items()}, {name: "default" for name in KEYS})
    found = find_config_file((start or Path.cwd()).absolute())
    if found is None:
        return settings
    path, table = found
    label = f"{path}" + (" [tool.codemod]" if path.name == "pyproject.toml" else "")
    for name, value in table.items():
        key = KEYS.get(name)
        if key is None:
            raise CodemodError(f"unknown setting {name!r} (known: {', '.join(KEYS)})", path)
        settings.override(name, _validate(key, value, path), label)
    for name in ("path", "cache-dir"):  # a relative path is relative to the file that names it
        if name in table:
            settings.values[name] = str((path.parent / table[name]).resolve())
    return settings


def _validate(key: Key, value: Any, path: Path) -> Any:
    if key.kind is list:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise CodemodError(f"setting {key.name!r} must be a list of transform codes", path)
        return value
    if not isinstance(value, key.kind):
        raise CodemodError(f"setting {key.name!r} must be a {key.kind.__name__}", path)
    if key.choices and value not in key.choices:
        raise CodemodError(f"setting {key.name!r} must be one of {', '.join(key.choices)}", path)
    return value
