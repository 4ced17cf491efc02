"""The original text of each element of a ``CREATE TABLE ( … )`` list, read from its tokens.

Rewrites reuse the author's own words for a column (``INTEGER`` stays ``INTEGER``) instead of
sqlglot's regenerated SQL.
"""

from __future__ import annotations

from sqlglot.tokens import TokenType

from codemod.model import Statement
from codemod.names import fold


def column_texts(statement: Statement) -> dict[str, str]:
    """Column name → its definition as written, for a top-level CREATE TABLE statement."""
    texts: dict[str, str] = {}
    depth = 0
    segment_start: int | None = None
    tokens = statement.tokens
    text = statement.migration.text
    for index, token in enumerate(tokens):
        if token.token_type == TokenType.L_PAREN:
            depth += 1
            if depth == 1:
                segment_start = index + 1
            continue
        if token.token_type == TokenType.R_PAREN:
            if depth == 1 and segment_start is not None:
                _add(texts, tokens[segment_start:index], text)
                segment_start = None
            depth -= 1
            continue
        if token.token_type == TokenType.COMMA and depth == 1 and segment_start is not None:
            _add(texts, tokens[segment_start:index], text)
            segment_start = index + 1
    return texts


def _add(texts: dict[str, str], segment: list, text: str) -> None:
    if not segment:
        return
    first = segment[0]
    if first.token_type == TokenType.IDENTIFIER or first.token_type == TokenType.VAR:
        name = fold(first.text, first.token_type == TokenType.IDENTIFIER)
        texts.setdefault(name, text[first.start : segment[-1].end + 1])
