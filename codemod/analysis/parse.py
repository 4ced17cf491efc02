"""Parse each statement on its own with sqlglot; what it cannot model stays opaque, never a crash."""

from __future__ import annotations

import logging
import threading

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, ParseError
from sqlglot.parser import Parser
from sqlglot.tokens import Token

# sqlglot logs a warning for every statement it falls back to a Command for; those are expected here.
logging.getLogger("sqlglot").setLevel(logging.ERROR)

_FAILURES = (ParseError, ValueError, KeyError, IndexError, TypeError, AttributeError, RecursionError)
_local = threading.local()


def _parser(dialect: Dialect) -> Parser:
    """One parser per dialect and thread, reused for every statement (``parse`` resets its state).

    Codemod's dialects carry no settings, so dialects of one class parse alike.
    """
    parsers: dict[str, Parser] = _local.__dict__.setdefault("parsers", {})
    key = type(dialect).__name__  # a class's hash is Python code in sqlglot; a name's is not
    parser = parsers.get(key)
    if parser is None:
        parser = parsers[key] = dialect.parser(error_level=ErrorLevel.RAISE)
    return parser


def parse_statement(dialect: Dialect, tokens: list[Token], text: str) -> exp.Expression | None:
    """One expression for one statement's tokens, or None when sqlglot cannot parse them."""
    try:
        expressions = _parser(dialect).parse(tokens, text)
    except _FAILURES:
        _local.parsers.pop(type(dialect).__name__, None)  # a parser that raised starts afresh, whatever it kept
        return None
    if len(expressions) != 1 or not isinstance(expressions[0], exp.Expression):
        return None
    return expressions[0]
