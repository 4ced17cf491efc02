"""Read the body of a ``DO $$ … $$`` block: the PL/pgSQL structure around the SQL it runs.

Only what decides whether a statement runs: ``BEGIN … [EXCEPTION WHEN … THEN …] END`` blocks,
``IF … THEN … [ELSIF …] [ELSE …] END IF``, loops (which may run zero times), and
``EXECUTE '…'`` with a literal, whose text is SQL like any other. Everything else (``RAISE``,
``PERFORM``, assignments, ``EXECUTE format(…)``) is kept as an opaque step. A body that does not
read as PL/pgSQL gives None, and the replay then treats it as opaque.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType

from codemod.analysis.opaque import word

_SQL_STARTS = {"CREATE", "ALTER", "DROP", "INSERT", "UPDATE", "DELETE", "COMMENT", "GRANT", "REVOKE", "TRUNCATE", "SELECT", "WITH"}
_STRINGS = {TokenType.STRING, TokenType.HEREDOC_STRING, TokenType.RAW_STRING, TokenType.NATIONAL_STRING}


@dataclass
class SqlStep:
    """One SQL statement the body runs: tokens over ``text``; ``offset`` is where it starts in the body."""

    tokens: list[Token]
    text: str
    offset: int


@dataclass
class OpaqueStep:
    """A step that changes no schema as far as the replay can tell (RAISE, PERFORM, assignments)."""

    offset: int
    dynamic: bool = False  # EXECUTE of a computed string: it may do anything


@dataclass
class IfStep:
    """``branches`` are (condition text, steps); ``otherwise`` is the ELSE part."""

    branches: list[tuple[str, list[Step]]]
    otherwise: list[Step] | None
    offset: int


@dataclass
class LoopStep:
    steps: list[Step]
    offset: int


@dataclass
class Block:
    """``BEGIN … END``; ``handlers`` are (condition names in lower case, steps) of its EXCEPTION part."""

    steps: list[Step]
    handlers: list[tuple[frozenset[str], list[Step]]] = field(default_factory=list)
    offset: int = 0


Step = SqlStep | OpaqueStep | IfStep | LoopStep | Block


class _NotPlpgsql(Exception):
    pass


def read_body(body: str, dialect: Dialect) -> Block | None:
    """The body's outer block, or None when it does not read as PL/pgSQL."""
    try:
        tokens = dialect.tokenize(body)
    except (TokenError, IndexError, ValueError):
        return None
    reader = _Reader(tokens, body, dialect)
    try:
        return reader.outer()
    except (_NotPlpgsql, IndexError):
        return None


class _Reader:
    def __init__(self, tokens: list[Token], text: str, dialect: Dialect) -> None:
        self.tokens = tokens
        self.words = [word(token) for token in tokens]
        self.text = text
        self.dialect = dialect
        self.at = 0

    # ── helpers ──────────────────────────────────────────────────────────────────────────
    def word_at(self, index: int) -> str:
        return self.words[index] if index < len(self.words) else ""

    def offset(self, index: int) -> int:
        return self.tokens[index].start if index < len(self.tokens) else len(self.text)

    def expect(self, *wanted: str) -> None:
        if self.word_at(self.at) not in wanted:
            raise _NotPlpgsql(f"expected {wanted} at token {self.at}")
        self.at += 1

    def skip_semicolon(self) -> None:
        if self.at < len(self.tokens) and self.tokens[self.at].token_type == TokenType.SEMICOLON:
            self.at += 1

    def skip_label(self) -> None:
        """``<<label>>`` before a block or loop."""
        if self.at < len(self.tokens) and self.tokens[self.at].text.startswith("<<"):
            while self.at < len(self.tokens) and not self.tokens[self.at].text.endswith(">>"):
                self.at += 1
            self.at += 1
        while self.at + 1 < len(self.tokens) and self.tokens[self.at].text == "<" and self.tokens[self.at + 1].text == "<":
            while self.at < len(self.tokens) and self.tokens[self.at].text != ">":
                self.at += 1
            self.at += 2

    def until_semicolon(self) -> int:
        """Index of the statement's ``;`` at paren depth 0 (or the end)."""
        depth = 0
        index = self.at
        while index < len(self.tokens):
            kind = self.tokens[index].token_type
            if kind == TokenType.L_PAREN:
                depth += 1
            elif kind == TokenType.R_PAREN:
                depth -= 1
            elif kind == TokenType.SEMICOLON and depth <= 0:
                return index
            index += 1
        return index

    def is_end_of(self, index: int, what: str) -> bool:
        return self.word_at(index) == "END" and self.word_at(index + 1) == what

    # ── structure ────────────────────────────────────────────────────────────────────────
    def outer(self) -> Block:
        self.skip_label()
        if self.word_at(self.at) == "DECLARE":
            while self.at < len(self.tokens) and self.word_at(self.at) != "BEGIN":
                self.at += 1
        block = self.block()
        self.skip_semicolon()
        if self.at < len(self.tokens):
            raise _NotPlpgsql("text after the outer END")
        return block

    def block(self) -> Block:
        offset = self.offset(self.at)
        self.expect("BEGIN")
        steps = self.steps(lambda i: self.word_at(i) in ("EXCEPTION", "END") and not self.is_end_of(i, "IF") and not self.is_end_of(i, "LOOP"))
        handlers: list[tuple[frozenset[str], list[Step]]] = []
        if self.word_at(self.at) == "EXCEPTION":
            self.at += 1
            while self.word_at(self.at) == "WHEN":
                self.at += 1
                names: set[str] = set()
                while self.at < len(self.tokens) and self.word_at(self.at) != "THEN":
                    if self.word_at(self.at) not in ("OR", "SQLSTATE"):
                        names.add(self.tokens[self.at].text.lower())
                    self.at += 1
                self.expect("THEN")
                body = self.steps(lambda i: self.word_at(i) in ("WHEN", "END") and not self.is_end_of(i, "IF") and not self.is_end_of(i, "LOOP"))
                handlers.append((frozenset(names), body))
        self.expect("END")
        if self.at < len(self.tokens) and self.tokens[self.at].token_type not in (TokenType.SEMICOLON,):
            self.at += 1  # END label
        self.skip_semicolon()
        return Block(steps, handlers, offset)

    def steps(self, stop) -> list[Step]:  # type: ignore[no-untyped-def]
        found: list[Step] = []
        while self.at < len(self.tokens) and not stop(self.at):
            if self.tokens[self.at].token_type == TokenType.SEMICOLON:
                self.at += 1
                continue
            found.append(self.step())
        return found

    def step(self) -> Step:
        self.skip_label()
        keyword = self.word_at(self.at)
        if keyword in ("BEGIN", "DECLARE"):
            if keyword == "DECLARE":
                while self.at < len(self.tokens) and self.word_at(self.at) != "BEGIN":
                    self.at += 1
            return self.block()
        if keyword == "IF":
            return self.if_step()
        if keyword in ("LOOP", "FOR", "WHILE", "FOREACH"):
            return self.loop()
        if keyword == "CASE":
            offset = self.offset(self.at)
            while self.at < len(self.tokens) and not self.is_end_of(self.at, "CASE"):
                self.at += 1
            self.at += 2
            self.skip_semicolon()
            return OpaqueStep(offset, dynamic=True)
        return self.simple()

    def if_step(self) -> IfStep:
        offset = self.offset(self.at)
        branches: list[tuple[str, list[Step]]] = []
        otherwise: list[Step] | None = None
        keyword = "IF"
        while keyword in ("IF", "ELSIF", "ELSEIF"):
            self.at += 1
            start = self.at
            depth = 0
            while self.at < len(self.tokens) and not (self.word_at(self.at) == "THEN" and depth == 0):
                kind = self.tokens[self.at].token_type
                depth += 1 if kind == TokenType.L_PAREN else -1 if kind == TokenType.R_PAREN else 0
                self.at += 1
            condition = self.text[self.offset(start) : self.tokens[self.at - 1].end + 1] if self.at > start else ""
            self.expect("THEN")
            body = self.steps(lambda i: self.word_at(i) in ("ELSIF", "ELSEIF", "ELSE") or self.is_end_of(i, "IF"))
            branches.append((condition, body))
            keyword = self.word_at(self.at)
        if keyword == "ELSE":
            self.at += 1
            otherwise = self.steps(lambda i: self.is_end_of(i, "IF"))
        self.expect("END")
        self.expect("IF")
        self.skip_semicolon()
        return IfStep(branches, otherwise, offset)

    def loop(self) -> LoopStep:
        offset = self.offset(self.at)
        while self.at < len(self.tokens) and self.word_at(self.at) != "LOOP":
            self.at += 1
        self.expect("LOOP")
        body = self.steps(lambda i: self.is_end_of(i, "LOOP"))
        self.expect("END")
        self.expect("LOOP")
        if self.at < len(self.tokens) and self.tokens[self.at].token_type != TokenType.SEMICOLON:
            self.at += 1
        self.skip_semicolon()
        return LoopStep(body, offset)

    def simple(self) -> Step:
        start = self.at
        end = self.until_semicolon()
        self.at = min(end + 1, len(self.tokens))
        keyword = self.word_at(start)
        offset = self.offset(start)
        if keyword == "EXECUTE":
            literal = self._literal(start + 1, end)
            if literal is None:
                return OpaqueStep(offset, dynamic=True)
            try:
                tokens = self.dialect.tokenize(literal)
            except (TokenError, IndexError, ValueError):
                return OpaqueStep(offset, dynamic=True)
            while tokens and tokens[-1].token_type == TokenType.SEMICOLON:
                tokens.pop()
            return SqlStep(tokens, literal, offset)
        if keyword in _SQL_STARTS and not (start + 1 < end and self.tokens[start + 1].text in (":=", "=")):
            return SqlStep(self.tokens[start:end], self.text, offset)
        return OpaqueStep(offset)

    def _literal(self, start: int, end: int) -> str | None:
        """The text of ``'a' || 'b'`` (string literals joined by ``||``), else None."""
        parts: list[str] = []
        expect_string = True
        for index in range(start, end):
            token = self.tokens[index]
            if expect_string and token.token_type in _STRINGS:
                parts.append(token.text)
            elif not expect_string and token.token_type == TokenType.DPIPE:
                pass
            else:
                return None
            expect_string = not expect_string
        return "".join(parts) if parts and not expect_string else None
