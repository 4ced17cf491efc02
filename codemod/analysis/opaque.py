"""Read the statements sqlglot keeps opaque (``Command``) from their tokens.

Only the ones the replay needs: an enum gaining or renaming a value, a type or constraint being
renamed, functions (name, argument types, return type), extensions, other ``ALTER TABLE`` forms
that need their table, and ``DO $$ … $$`` blocks (read further by :mod:`plpgsql`).
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
    neighbour: str | None = None  # BEFORE/AFTER this label


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
    offset: int  # where the body starts in the text the tokens point into


@dataclass
class CreateFunction:
    name: QName
    arguments: tuple[str, ...]
    returns: str
    or_replace: bool
    procedure: bool
    language: str = ""
    body: str | None = None
    input_names: tuple[str, ...] = ()  # the input arguments' names, "" for an unnamed one


@dataclass
class CreateExtension:
    name: str
    if_not_exists: bool


@dataclass
class CreateTableOpaque:
    """A ``CREATE [TEMP] TABLE`` sqlglot could not parse (``ON COMMIT DROP AS …``): its columns are unknown."""

    name: QName
    if_not_exists: bool


@dataclass
class CreateViewOpaque:
    """A ``CREATE [OR REPLACE] [MATERIALIZED] VIEW`` sqlglot could not parse (a column list, ``WITH DATA``)."""

    name: QName
    materialized: bool
    or_replace: bool
    if_not_exists: bool


@dataclass
class ConstraintUsingIndex:
    """``ALTER TABLE t ADD CONSTRAINT c UNIQUE|PRIMARY KEY USING INDEX i``: the index becomes the constraint's."""

    table: QName
    constraint: str
    kind: str  # "u" or "p"
    index: str


@dataclass
class SetSearchPath:
    """``SET [SESSION|LOCAL] search_path TO a, b`` (``schemas``), or ``RESET``/``DEFAULT`` (None)."""

    schemas: tuple[str, ...] | None
    local: bool


@dataclass
class TouchTable:
    """A statement that needs a table and changes nothing the replay tracks (RLS, policies, VALIDATE)."""

    table: QName
    constraint: str | None = None  # VALIDATE CONSTRAINT needs it to exist


Command = AddEnumValue | RenameType | RenameEnumValue | RenameConstraint | DoBlock | CreateFunction | CreateExtension | CreateTableOpaque | CreateViewOpaque | ConstraintUsingIndex | SetSearchPath | TouchTable
_STRING_TYPES = (TokenType.STRING, TokenType.HEREDOC_STRING, TokenType.RAW_STRING)


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
            if token.token_type in _STRING_TYPES:
                body = _strip_dollar_quotes(token.text)
                return DoBlock(body, token.start + _tag_length(token, body))
        return None
    if len(tokens) >= 4 and words[0] == "ALTER" and words[1] == "TYPE":
        return _alter_type(tokens, words)
    if len(tokens) >= 4 and words[0] == "ALTER" and words[1] == "TABLE":
        return _alter_table_rename_constraint(tokens, words) or _alter_table_other(tokens, words)
    if words[0] == "CREATE":
        return _create(tokens, words)
    if words[0] in ("SET", "RESET"):
        return _search_path(tokens, words)
    return None


def _search_path(tokens: list[Token], words: list[str]) -> Command | None:
    index = 1
    local = False
    if words[1:2] in (["SESSION"], ["LOCAL"]):
        local = words[1] == "LOCAL"
        index = 2
    if index >= len(tokens) or tokens[index].text.lower() != "search_path":
        if words[0] == "RESET" and len(tokens) > 1 and tokens[1].text.strip("'").lower() == "search_path":
            return SetSearchPath(None, False)
        return None
    if words[0] == "RESET":
        return SetSearchPath(None, local)
    rest = tokens[index + 2 :] if index + 1 < len(tokens) and words[index + 1] in ("TO", "=") else []
    if [word(t) for t in rest] == ["DEFAULT"]:
        return SetSearchPath(None, local)
    schemas = tuple(
        fold(t.text, t.token_type == TokenType.IDENTIFIER) if t.token_type != TokenType.STRING else t.text
        for t in rest if t.token_type in (TokenType.IDENTIFIER, TokenType.VAR, TokenType.STRING) or word(t) == "PUBLIC"
    )
    return SetSearchPath(tuple(s for s in schemas if s != "$user"), local)


def _tag_length(token: Token, body: str) -> int:
    """Characters between a string token's start and its body (``$tag$`` or a quote)."""
    span = token.end + 1 - token.start
    return max(0, (span - len(body)) // 2)


def _create(tokens: list[Token], words: list[str]) -> Command | None:
    index = 1
    or_replace = words[1:3] == ["OR", "REPLACE"]
    if or_replace:
        index = 3
    if words[index : index + 1] == ["EXTENSION"]:
        if_not_exists = words[index + 1 : index + 4] == ["IF", "NOT", "EXISTS"]
        at = index + (4 if if_not_exists else 1)
        if at < len(tokens):
            return CreateExtension(tokens[at].text.lower() if tokens[at].token_type != TokenType.IDENTIFIER else tokens[at].text, if_not_exists)
        return None
    if words[index : index + 1] in (["FUNCTION"], ["PROCEDURE"]):
        return _create_function(tokens, words, index, or_replace)
    while words[index : index + 1] and words[index] in ("TEMP", "TEMPORARY", "UNLOGGED", "GLOBAL", "LOCAL"):
        index += 1
    if words[index : index + 1] == ["TABLE"]:
        if_not_exists = words[index + 1 : index + 4] == ["IF", "NOT", "EXISTS"]
        table, _ = read_name(tokens, index + (4 if if_not_exists else 1))
        return CreateTableOpaque(table, if_not_exists) if table is not None else None
    materialized = words[index : index + 1] == ["MATERIALIZED"]
    if words[index + materialized : index + materialized + 1] == ["VIEW"]:
        at = index + materialized + 1
        if_not_exists = words[at : at + 3] == ["IF", "NOT", "EXISTS"]
        view, _ = read_name(tokens, at + (3 if if_not_exists else 0))
        return CreateViewOpaque(view, materialized, or_replace, if_not_exists) if view is not None else None
    if words[index : index + 1] == ["POLICY"]:
        on = next((i for i in range(index, len(words)) if words[i] == "ON"), None)
        table = read_name(tokens, on + 1)[0] if on is not None else None
        return TouchTable(table) if table is not None else None
    return None


def _create_function(tokens: list[Token], words: list[str], index: int, or_replace: bool) -> Command | None:
    name, at = read_name(tokens, index + 1)
    if name is None or at >= len(tokens) or tokens[at].token_type != TokenType.L_PAREN:
        return None
    arguments: list[str] = []
    names: list[str] = []
    depth, start = 0, at + 1
    close = None
    for position in range(at, len(tokens)):
        kind = tokens[position].token_type
        if kind == TokenType.L_PAREN:
            depth += 1
        elif kind == TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                close = position
                break
        elif kind == TokenType.COMMA and depth == 1:
            argument_name, argument = _argument(tokens[start:position])
            names.append(argument_name)
            arguments.append(argument)
            start = position + 1
    if close is None:
        return None
    if close > start:
        argument_name, argument = _argument(tokens[start:close])
        names.append(argument_name)
        arguments.append(argument)
    returns = ""
    if words[close + 1 : close + 2] == ["RETURNS"]:
        end = close + 2
        depth = 0
        while end < len(tokens):
            kind = tokens[end].token_type
            depth += 1 if kind == TokenType.L_PAREN else -1 if kind == TokenType.R_PAREN else 0
            if depth == 0 and (words[end] in ("AS", "LANGUAGE", "IMMUTABLE", "STABLE", "VOLATILE", "STRICT", "SECURITY", "COST", "PARALLEL", "SET", "BEGIN", "RETURN", "WINDOW", "LEAKPROOF", "CALLED", "ROWS", "SUPPORT", "TRANSFORM") or tokens[end].token_type in _STRING_TYPES):
                break
            end += 1
        returns = normalize_type(" ".join(token.text for token in tokens[close + 2 : end]))
    identity = tuple(argument for argument in arguments if argument)
    language = next((tokens[i + 1].text.strip("'\"").lower() for i in range(close, len(tokens) - 1) if words[i] == "LANGUAGE"), "")
    body = next((_strip_dollar_quotes(t.text) for t in tokens[close:] if t.token_type in _STRING_TYPES), None)
    input_names = tuple(name for argument, name in zip(arguments, names, strict=True) if argument)
    return CreateFunction(name, identity, returns, or_replace, words[index] == "PROCEDURE", language, body, input_names)


_TYPE_SYNONYMS = {
    "int": "integer", "int4": "integer", "int8": "bigint", "int2": "smallint", "bool": "boolean",
    "float8": "double precision", "float4": "real", "varchar": "character varying", "char": "character",
    "timestamptz": "timestamp with time zone", "timestamp": "timestamp without time zone", "decimal": "numeric",
    "timetz": "time with time zone", "time": "time without time zone",
}


def normalize_type(text: str) -> str:
    """A type as PostgreSQL identifies it, close enough to compare two spellings."""
    cleaned = " ".join(text.replace("( ", "(").replace(" )", ")").split()).lower().replace('"', "")
    cleaned = cleaned.replace(" (", "(").replace(" ,", ",")
    base = cleaned.split("(")[0]
    if base in _TYPE_SYNONYMS:
        cleaned = _TYPE_SYNONYMS[base] + cleaned[len(base) :]
    return cleaned


def _argument(tokens: list[Token]) -> tuple[str, str]:
    """One argument's name ("" when it has none, folded as PostgreSQL folds it) and type (without
    its mode and default; "" for an OUT argument, which is not part of the identity)."""
    words = [word(token) for token in tokens]
    if not tokens or words[0] == "OUT":
        return "", ""
    if words[0] in ("IN", "INOUT", "VARIADIC"):
        tokens, words = tokens[1:], words[1:]
    for stop in ("DEFAULT", "="):
        if stop in words:
            cut = words.index(stop)
            tokens, words = tokens[:cut], words[:cut]
    name = ""
    multiword_starts = {"DOUBLE", "CHARACTER", "TIMESTAMP", "TIME", "BIT", "INTERVAL", "NATIONAL"}
    if len(tokens) >= 2 and words[0] not in multiword_starts and tokens[1].token_type != TokenType.L_PAREN and tokens[1].token_type != TokenType.DOT:
        name, tokens = _part(tokens[0]), tokens[1:]  # a named argument
    return name, normalize_type(" ".join(token.text for token in tokens))


def _alter_table_other(tokens: list[Token], words: list[str]) -> Command | None:
    index = 2
    if words[index : index + 2] == ["IF", "EXISTS"]:
        return None  # a missing table is a notice, not an error
    if words[index : index + 1] == ["ONLY"]:
        index += 1
    table, index = read_name(tokens, index)
    if table is None:
        return None
    if words[index : index + 2] == ["VALIDATE", "CONSTRAINT"] and index + 2 < len(tokens):
        return TouchTable(table, _part(tokens[index + 2]))
    rest = words[index:]
    if rest[:2] == ["ADD", "CONSTRAINT"] and len(rest) >= 6:
        kind_words = rest[3:5] if rest[3:5] == ["PRIMARY", "KEY"] else rest[3:4]
        after = 3 + len(kind_words)
        if kind_words in (["UNIQUE"], ["PRIMARY", "KEY"]) and rest[after : after + 2] == ["USING", "INDEX"] and index + after + 2 < len(tokens):
            return ConstraintUsingIndex(table, _part(tokens[index + 2]), "u" if kind_words == ["UNIQUE"] else "p", _part(tokens[index + after + 2]))
    return TouchTable(table)


def _alter_type(tokens: list[Token], words: list[str]) -> Command | None:
    name, index = read_name(tokens, 2)
    if name is None:
        return None
    rest = words[index:]
    if rest[:2] == ["ADD", "VALUE"]:
        if_not_exists = rest[2:5] == ["IF", "NOT", "EXISTS"]
        value_index = index + (5 if if_not_exists else 2)
        if value_index < len(tokens) and tokens[value_index].token_type == TokenType.STRING:
            neighbour = None
            if words[value_index + 1 : value_index + 2] in (["BEFORE"], ["AFTER"]) and value_index + 2 < len(tokens):
                neighbour = tokens[value_index + 2].text
            return AddEnumValue(name, tokens[value_index].text, if_not_exists, neighbour)
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
