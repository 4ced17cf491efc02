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
        raise _token_error(error, migration) from error


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
