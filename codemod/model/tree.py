"""The tree as read: migrations, statements, and byte spans into their files.

Spans are byte offsets into a file's original bytes (end exclusive), so a plan that edits
nothing reproduces every byte, and an edit touches only the bytes it names.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlglot import exp
from sqlglot.tokens import Token

Order = Literal["locale", "bytes"]  # Prisma ≥ 6.6 (localeCompare) or older Prisma (bytes)
ORDERS: tuple[Order, ...] = ("locale", "bytes")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@dataclass(frozen=True, order=True, slots=True)
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


class Unparsed:
    """The mark of a statement whose syntax tree is not built yet (see :attr:`Statement.expression`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNPARSED"


UNPARSED = Unparsed()


@dataclass(slots=True)  # slots: a large tree has hundreds of thousands of them
class Statement:
    """One SQL statement of a migration file, with its exact place in the file."""

    migration: Migration
    index: int
    span: Span
    char_start: int
    char_end: int
    _tokens: list[Token] | None  # None: let go after the parse (see ``tokens``)
    _expression: exp.Expression | None | Unparsed  # UNPARSED: read from the cache, parsed on first use
    line: int
    col: int
    keyword: str = ""  # the first token's text, upper-cased (COMMIT, END…): kept when the tokens are not

    @property
    def expression(self) -> exp.Expression | None:
        """The statement's syntax tree (None: sqlglot could not parse it).

        A statement restored from the analysis cache (:mod:`codemod.analysis.cache`) has none
        until someone asks; it is then parsed from its tokens as the file was parsed when loaded.
        """
        if isinstance(self._expression, Unparsed):
            self._expression = self.migration.parse_again(self)
        return self._expression

    @property
    def tokens(self) -> list[Token]:
        """The statement's tokens.

        Tokens are most of a large tree's memory, and once a statement is parsed only a few readers
        need them (opaque statements, rewrites, suppressions); so a parsed statement lets them go
        and gets them back from its file on first use. The file is tokenized and split again the
        way it was loaded, so these are the same tokens.
        """
        if self._tokens is None:
            self.migration.restore_tokens()
        assert self._tokens is not None
        return self._tokens

    @property
    def has_tokens(self) -> bool:
        """Whether the statement kept its tokens (asking for them is free then)."""
        return self._tokens is not None

    @property
    def text(self) -> str:
        return self.migration.text[self.char_start : self.char_end]

    @property
    def opaque(self) -> bool:
        """True when sqlglot could not model the statement (kept verbatim, read from tokens)."""
        return self.expression is None or isinstance(self.expression, exp.Command)


@dataclass(slots=True)
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
    _non_ascii: tuple[list[int], list[int]] | None = field(default=None, repr=False)
    encoding: str = "utf-8"  # utf-16-le / utf-16-be (re-encode), or "invalid" (not text codemod can read)
    has_sql: bool = True  # False: a folder without migration.sql (Prisma stops with P3015)
    other_files: tuple[str, ...] = ()  # what such a folder holds instead (a migration.ts runner…)
    nul_offset: int | None = None  # first NUL character: PostgreSQL reads the script only up to it
    # tokens of each statement again, as the file was split (see Statement.tokens)
    token_source: Callable[[], list[list[Token]]] | None = field(default=None, repr=False, compare=False)
    # a statement's syntax tree again from its tokens (statements restored from the cache)
    parser: Callable[[list[Token], str], exp.Expression | None] | None = field(default=None, repr=False, compare=False)

    @property
    def parse_text(self) -> str:
        """The text as codemod tokenizes and parses it: a NUL, which PostgreSQL rejects, read as a space."""
        return self.text if self.nul_offset is None else self.text.replace("\x00", " ")

    def parse_again(self, statement: Statement) -> exp.Expression | None:
        """Parse a statement the way :func:`codemod.analysis.tree.split_statements` parsed it."""
        if self.parser is None:
            raise ValueError(f"migration {self.name}: a statement without its syntax tree and no parser")
        return self.parser(statement.tokens, self.parse_text)

    def restore_tokens(self) -> None:
        """Give every statement that let its tokens go the same tokens again."""
        if self.token_source is None:
            raise ValueError(f"migration {self.name}: statements without tokens and no way to get them again")
        for statement, tokens in zip(self.statements, self.token_source(), strict=True):
            if statement._tokens is None:
                statement._tokens = tokens

    def byte_offset(self, char_offset: int) -> int:
        """Byte offset in ``raw`` of a character offset in ``text``."""
        prefix = 3 if self.bom else 0
        if self._non_ascii is None:
            if self.text.isascii():
                return prefix + char_offset
            # where each non-ASCII character is, and the extra bytes up to and including it
            positions, extras, extra = [], [], 0
            for match in _NON_ASCII.finditer(self.text):
                positions.append(match.start())
                extra += len(match.group().encode("utf-8")) - 1
                extras.append(extra)
            self._non_ascii = positions, extras
        positions, extras = self._non_ascii
        before = bisect_left(positions, char_offset)  # non-ASCII characters before the offset
        return prefix + char_offset + (extras[before - 1] if before else 0)


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


