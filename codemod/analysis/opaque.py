"""Read the statements sqlglot keeps opaque (``Command``) from their tokens.

Only the ones the replay needs: an enum gaining or renaming a value, a type or constraint being
renamed, and ``DO $$ … $$`` blocks, whose bodies are split again to see the DDL they guard.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType

from codemod.names import QName, fold

_NAME_PARTS = {TokenType.IDENTIFIER, TokenType.VAR}
# Keywords after which a PL/pgSQL body starts a new SQL statement.
_STATEMENT_LEADS = {"BEGIN", "THEN", "ELSE", "LOOP", "DECLARE"}
_DDL_STARTS = {TokenType.CREATE, TokenType.ALTER, TokenType.DROP}


@dataclass
class AddEnumValue:
    type_name: QName
    value: str
    if_not_exists: bool


@dataclass
class RenameType:
    old: QName
    new: QName


@dataclass
class RenameEnumValue:
    type_name: QName
    old: str
    new: str


@dataclass
class RenameConstraint:
    table: QName
    old: str
    new: str


@dataclass
class DoBlock:
    body: str


Command = AddEnumValue | RenameType | RenameEnumValue | RenameConstraint | DoBlock


def word(token: Token) -> str:
    """A token as an upper-case keyword; quoted identifiers are never keywords."""
    return token.text.upper() if token.token_type != TokenType.IDENTIFIER else ""


def _part(token: Token) -> str:
    return fold(token.text, token.token_type == TokenType.IDENTIFIER)


def read_name(tokens: list[Token], at: int) -> tuple[QName | None, int]:
    """A possibly schema-qualified name starting at ``at``; returns it and the index after it."""
    parts: list[str] = []
    index = at
    while index < len(tokens):
        token = tokens[index]
        if token.token_type in (TokenType.STRING, TokenType.SEMICOLON, TokenType.L_PAREN, TokenType.R_PAREN):
            break
        parts.append(_part(token))
        index += 1
        if index < len(tokens) and tokens[index].token_type == TokenType.DOT:
            index += 1
            continue
        break
    if not parts:
        return None, at
    if len(parts) == 1:
        return QName.of(parts[0]), index
    return QName.of(parts[-1], parts[-2]), index


def read_command(tokens: list[Token]) -> Command | None:
    words = [word(token) for token in tokens]
    if not tokens:
        return None
    if words[0] == "DO":
        for token in tokens[1:]:
            if token.token_type in (TokenType.STRING, TokenType.HEREDOC_STRING, TokenType.RAW_STRING):
                return DoBlock(_strip_dollar_quotes(token.text))
        return None
    if len(tokens) >= 4 and words[0] == "ALTER" and words[1] == "TYPE":
        return _alter_type(tokens, words)
    if len(tokens) >= 4 and words[0] == "ALTER" and words[1] == "TABLE":
        return _alter_table_rename_constraint(tokens, words)
    return None


def _alter_type(tokens: list[Token], words: list[str]) -> Command | None:
    name, index = read_name(tokens, 2)
    if name is None:
        return None
    rest = words[index:]
    if rest[:2] == ["ADD", "VALUE"]:
        if_not_exists = rest[2:5] == ["IF", "NOT", "EXISTS"]
        value_index = index + (5 if if_not_exists else 2)
        if value_index < len(tokens) and tokens[value_index].token_type == TokenType.STRING:
            return AddEnumValue(name, tokens[value_index].text, if_not_exists)
    if rest[:2] == ["RENAME", "TO"] and index + 2 < len(tokens):
        new_name, _ = read_name(tokens, index + 2)
        if new_name is not None:
            return RenameType(name, QName(name.schema, new_name.name))
    if rest[:2] == ["RENAME", "VALUE"] and index + 4 < len(tokens):
        old, new = tokens[index + 2], tokens[index + 4]
        if old.token_type == TokenType.STRING and new.token_type == TokenType.STRING:
            return RenameEnumValue(name, old.text, new.text)
    return None


def _alter_table_rename_constraint(tokens: list[Token], words: list[str]) -> Command | None:
    index = 2
    if words[index : index + 2] == ["IF", "EXISTS"]:
        index += 2
    if words[index : index + 1] == ["ONLY"]:
        index += 1
    table, index = read_name(tokens, index)
    if table is None or words[index : index + 2] != ["RENAME", "CONSTRAINT"] or index + 4 >= len(tokens):
        return None
    return RenameConstraint(table, _part(tokens[index + 2]), _part(tokens[index + 4]))


def _strip_dollar_quotes(text: str) -> str:
    """Body of a ``$tag$ … $tag$`` string (sqlglot keeps the delimiters in some token texts)."""
    if text.startswith("$"):
        end = text.find("$", 1)
        if end != -1:
            tag = text[: end + 1]
            if text.endswith(tag) and len(text) >= 2 * len(tag):
                return text[len(tag) : len(text) - len(tag)]
    return text


def guarded_statements(body: str, dialect: Dialect) -> list[tuple[list[Token], str]]:
    """The DDL statements a PL/pgSQL body runs, each as its own token list (text for messages)."""
    try:
        tokens = dialect.tokenize(body)
    except (TokenError, IndexError, ValueError):
        return []
    found: list[tuple[list[Token], str]] = []
    chunk: list[Token] = []
    for token in tokens + [None]:  # type: ignore[list-item]
        if token is None or token.token_type == TokenType.SEMICOLON:
            start = _ddl_start(chunk)
            if start is not None:
                found.append((chunk[start:], body))
            chunk = []
        else:
            chunk.append(token)
    return found


def _ddl_start(chunk: list[Token]) -> int | None:
    for index, token in enumerate(chunk):
        if token.token_type in _DDL_STARTS and (index == 0 or word(chunk[index - 1]) in _STATEMENT_LEADS):
            return index
    return None
