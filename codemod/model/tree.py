"""The tree as read: migrations, statements, and byte spans into their files.

Spans are byte offsets into a file's original bytes (end exclusive), so a plan that edits
nothing reproduces every byte, and an edit touches only the bytes it names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Literal

from sqlglot import exp
from sqlglot.tokens import Token

Order = Literal["locale", "bytes"]  # Prisma ≥ 6.6 (localeCompare) or older Prisma (bytes)
ORDERS: tuple[Order, ...] = ("locale", "bytes")


@dataclass(frozen=True, order=True)
class Span:
    """Byte offsets [start, end) into a file's original bytes."""

    start: int
    end: int

    def overlaps(self, other: Span) -> bool:
        """Shared bytes; an insertion overlaps only what it falls strictly inside of."""
        if self.start == self.end and other.start == other.end:
            return False  # two insertions at one point: both land, in order
        if self.start == self.end:
            return other.start < self.start < other.end
        if other.start == other.end:
            return self.start < other.start < self.end
        return self.start < other.end and other.start < self.end


@dataclass
class Statement:
    """One SQL statement of a migration file, with its exact place in the file."""

    migration: Migration
    index: int
    span: Span
    char_start: int
    char_end: int
    tokens: list[Token]
    expression: exp.Expression | None
    line: int
    col: int

    @property
    def text(self) -> str:
        return self.migration.text[self.char_start : self.char_end]

    @property
    def opaque(self) -> bool:
        """True when sqlglot could not model the statement (kept verbatim, read from tokens)."""
        return self.expression is None or isinstance(self.expression, exp.Command)


@dataclass
class Migration:
    """A migration folder and its ``migration.sql``, kept byte for byte."""

    name: str
    folder: Path
    sql_path: Path
    raw: bytes
    text: str
    bom: bool
    newline: str
    statements: list[Statement] = field(default_factory=list)
    position: int = 0
    _byte_offsets: list[int] | None = field(default=None, repr=False)
    encoding: str = "utf-8"  # utf-16-le / utf-16-be (re-encode), or "invalid" (not text codemod can read)
    has_sql: bool = True  # False: a folder without migration.sql (Prisma stops with P3015)
    other_files: tuple[str, ...] = ()  # what such a folder holds instead (a migration.ts runner…)
    nul_offset: int | None = None  # first NUL character: PostgreSQL reads the script only up to it

    def byte_offset(self, char_offset: int) -> int:
        """Byte offset in ``raw`` of a character offset in ``text``."""
        prefix = 3 if self.bom else 0
        if self._byte_offsets is None:
            if self.text.isascii():
                return prefix + char_offset
            self._byte_offsets = list(accumulate((len(c.encode("utf-8")) for c in self.text), initial=0))
        return prefix + self._byte_offsets[char_offset]


@dataclass
class MigrationTree:
    """A migrations directory in the order Prisma applies it."""

    root: Path
    provider: str
    dialect: str
    order: Order
    migrations: list[Migration]
    stray_entries: list[Path] = field(default_factory=list)

    def by_name(self, name: str) -> Migration:
        for migration in self.migrations:
            if migration.name == name:
                return migration
        raise KeyError(name)


