"""Split a migration file into statements with exact spans, using sqlglot's tokenizer.

Tokens carry character offsets, so a ``;`` inside a string, a comment or a ``$$`` body never
splits a statement. Comments and whitespace between statements stay with the file.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import TokenError
from sqlglot.tokens import Token, Tokenizer, TokenType

from codemod.errors import CodemodError
from codemod.model import Migration

_MISSING = re.compile(r"Missing (\S+) from (\d+):(\d+)")
_WHAT_IS_MISSING = {"'": "string", '"': "quoted identifier", "*/": "comment"}


@dataclass
class RawStatement:
    """Tokens of one statement (without its ``;``) and its character span (``;`` included)."""

    tokens: list[Token]
    char_start: int
    char_end: int


_local = threading.local()


def _tokenizer(dialect: Dialect) -> Tokenizer:
    """One tokenizer per dialect and thread, reused for every file: ``tokenize`` resets all its state
    first, so a file that failed to tokenize leaves nothing behind for the next."""
    tokenizers: dict[str, Tokenizer] = _local.__dict__.setdefault("tokenizers", {})
    key = type(dialect).__name__  # a class's hash is Python code in sqlglot; a name's is not
    tokenizer = tokenizers.get(key)
    if tokenizer is None:
        tokenizer = tokenizers[key] = dialect.tokenizer()
    return tokenizer


def tokenize(dialect: Dialect, text: str, migration: Migration) -> list[Token]:
    try:
        return _tokenizer(dialect).tokenize(text)
    except TokenError as error:
        # sqlglot reads `$1||'$'` as the start of a dollar-quoted body tagged `1||'` (PostgreSQL's
        # tags never start with a digit): tokenize around the positional parameters instead.
        params = positional_parameters(text) if "$" in text else []
        if params:
            try:
                return _tokenize_around(dialect, text, params)
            except TokenError:
                pass
        raise _token_error(error, migration) from error


_IDENT_CHAR = re.compile(r"[\w$\x80-\U0010ffff]")
_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_\x80-\U0010ffff][\w\x80-\U0010ffff]*)?\$")
_PARAMETER = re.compile(r"\$\d+")


def positional_parameters(text: str) -> list[tuple[int, int]]:
    """Spans of ``$1``, ``$2``… outside strings, quoted identifiers, comments and dollar quotes.

    A small PostgreSQL lexer: ``'…'`` (``''`` inside; backslash escapes after ``E``), ``"…"``,
    ``-- …``, nested ``/* … */``, ``$tag$ … $tag$`` (a tag never starts with a digit), and
    identifiers (``a$1`` is one). Unterminated constructs end the scan.
    """
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "-" and text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif char == "/" and text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif char == "'":
            escapes = i > 0 and text[i - 1] in "eE" and (i < 2 or not _IDENT_CHAR.match(text[i - 2]))
            i += 1
            while i < n:
                if escapes and text[i] == "\\":
                    i += 2
                elif text[i] == "'":
                    if text.startswith("''", i):
                        i += 2
                    else:
                        break
                else:
                    i += 1
            i += 1
        elif char == '"':
            end = i + 1
            while True:
                end = text.find('"', end)
                if end < 0 or not text.startswith('""', end):
                    break
                end += 2
            i = n if end < 0 else end + 1
        elif char == "$" and (i == 0 or not _IDENT_CHAR.match(text[i - 1])):
            parameter = _PARAMETER.match(text, i)
            tag = None if parameter else _DOLLAR_TAG.match(text, i)
            if parameter:
                spans.append((i, parameter.end()))
                i = parameter.end()
            elif tag:
                end = text.find(tag.group(), tag.end())
                i = n if end < 0 else end + len(tag.group())
            else:
                i += 1
        elif _IDENT_CHAR.match(char):
            i += 1
            while i < n and _IDENT_CHAR.match(text[i]):
                i += 1
        else:
            i += 1
    return spans


def _tokenize_around(dialect: Dialect, text: str, params: list[tuple[int, int]]) -> list[Token]:
    """Tokens of ``text`` with each positional parameter made PARAMETER + NUMBER by hand."""
    tokens: list[Token] = []
    start = 0
    for begin, end in [*params, (len(text), len(text))]:
        tokens += _shifted(dialect.tokenize(text[start:begin]), text, start)
        if begin < end:
            line = text.count("\n", 0, begin) + 1
            col = begin - text.rfind("\n", 0, begin)
            tokens.append(Token(TokenType.PARAMETER, "$", line, col, begin, begin))
            tokens.append(Token(TokenType.NUMBER, text[begin + 1 : end], line, col + end - begin - 1, begin + 1, end - 1))
        start = end
    return tokens


def _shifted(tokens: list[Token], text: str, offset: int) -> list[Token]:
    if not offset:
        return tokens
    lines = text.count("\n", 0, offset)
    columns = offset - (text.rfind("\n", 0, offset) + 1)
    for token in tokens:
        if token.line == 1:
            token.col += columns
        token.line += lines
        token.start += offset
        token.end += offset
    return tokens


def _token_error(error: TokenError, migration: Migration) -> CodemodError:
    cause = str(error.__cause__ or error.__context__ or "")  # the compiled tokenizer chains it as context
    match = _MISSING.search(cause)
    if match:
        delimiter, line = match.group(1), int(match.group(2))
        what = _WHAT_IS_MISSING.get(delimiter, "$$ body" if delimiter.startswith("$") else "token")
        return CodemodError(f"cannot tokenize SQL: unterminated {what} (missing {delimiter})", migration.sql_path, line)
    return CodemodError(
        "cannot tokenize SQL: unterminated comment, string or $$ body before the end of the file",
        migration.sql_path,
    )


def split_tokens(tokens: list[Token]) -> list[RawStatement]:
    """Group tokens into statements at top-level semicolons (the tokenizer already kept quoted ones)."""
    statements: list[RawStatement] = []
    semicolon = TokenType.SEMICOLON
    start = 0
    for index in [index for index, token in enumerate(tokens) if token.token_type is semicolon]:
        if index > start:
            statements.append(RawStatement(tokens[start:index], tokens[start].start, tokens[index].end + 1))
        start = index + 1
    if start < len(tokens):
        statements.append(RawStatement(tokens[start:], tokens[start].start, tokens[-1].end + 1))
    return statements
