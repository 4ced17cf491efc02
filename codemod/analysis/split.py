"""Split a migration file into statements with exact spans, using sqlglot's tokenizer.

Tokens carry character offsets, so a ``;`` inside a string, a comment or a ``$$`` body never
splits a statement. Comments and whitespace between statements stay with the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType

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


def tokenize(dialect: Dialect, text: str, migration: Migration) -> list[Token]:
    try:
        return dialect.tokenize(text)
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
    current: list[Token] = []
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            if current:
                statements.append(RawStatement(current, current[0].start, token.end + 1))
                current = []
            continue
        current.append(token)
    if current:
        statements.append(RawStatement(current, current[0].start, current[-1].end + 1))
    return statements
