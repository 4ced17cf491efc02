"""Parse each statement on its own with sqlglot; what it cannot model stays opaque, never a crash."""

from __future__ import annotations

import logging

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, ParseError
from sqlglot.tokens import Token

# sqlglot logs a warning for every statement it falls back to a Command for; those are expected here.
logging.getLogger("sqlglot").setLevel(logging.ERROR)


def parse_statement(dialect: Dialect, tokens: list[Token], text: str) -> exp.Expression | None:
    """One expression for one statement's tokens, or None when sqlglot cannot parse them."""
    try:
        expressions = dialect.parser(error_level=ErrorLevel.RAISE).parse(tokens, text)
    except (ParseError, ValueError, KeyError, IndexError, TypeError, AttributeError, RecursionError):
        return None
    if len(expressions) != 1 or not isinstance(expressions[0], exp.Expression):
        return None
    return expressions[0]
