"""The elements of a ``CREATE TABLE ( … )`` list, read from tokens: columns as written, and foreign keys.

Rewrites reuse the author's own words for a column (``INTEGER`` stays ``INTEGER``) instead of
sqlglot's regenerated SQL.

A forward foreign key inside a ``CREATE TABLE`` cannot be guarded without splitting the
statement: this module finds each foreign key (a table constraint, or a column's inline
``REFERENCES``), the exact characters to cut, and the constraint to add back with ``ALTER TABLE``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot.tokens import Token, TokenType

from codemod.analysis.opaque import read_name, word
from codemod.model import Statement
from codemod.names import QName, fold, quote_ident

_COLUMN_STARTS = {TokenType.IDENTIFIER, TokenType.VAR}
_ACTIONS = {"NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"}


@dataclass
class ForeignKey:
    """A foreign key written inside CREATE TABLE: where it is, and how to add it back."""

    name: str
    cut: tuple[int, int]  # characters of migration.text to remove
    target: QName
    definition: str  # "FOREIGN KEY (…) REFERENCES …", verbatim where possible


def _segments(tokens: list[Token]) -> list[tuple[int, int, int | None]]:
    """(first, last) token indexes of each top-level element, and the index of the comma before it."""
    segments: list[tuple[int, int, int | None]] = []
    depth = 0
    start: int | None = None
    comma: int | None = None
    for index, token in enumerate(tokens):
        if token.token_type == TokenType.L_PAREN:
            depth += 1
            if depth == 1 and start is None and not segments:
                start = index + 1
            continue
        if token.token_type == TokenType.R_PAREN:
            if depth == 1 and start is not None:
                segments.append((start, index - 1, comma))
                break
            depth -= 1
            continue
        if token.token_type == TokenType.COMMA and depth == 1 and start is not None:
            segments.append((start, index - 1, comma))
            comma, start = index, index + 1
    return segments


def column_texts(statement: Statement) -> dict[str, str]:
    """Column name → its definition as written, for a top-level CREATE TABLE statement."""
    tokens = statement.tokens
    text = statement.migration.text
    texts: dict[str, str] = {}
    for first, last, _ in _segments(tokens):
        if first <= last and tokens[first].token_type in _COLUMN_STARTS:
            name = fold(tokens[first].text, tokens[first].token_type == TokenType.IDENTIFIER)
            texts.setdefault(name, text[tokens[first].start : tokens[last].end + 1])
    return texts


def constraint_texts(statement: Statement) -> dict[str, str]:
    """Constraint name → ``CONSTRAINT "x" …`` as written, for a top-level CREATE TABLE statement."""
    tokens = statement.tokens
    text = statement.migration.text
    texts: dict[str, str] = {}
    for first, last, _ in _segments(tokens):
        if first + 1 <= last and word(tokens[first]) == "CONSTRAINT":
            name = fold(tokens[first + 1].text, tokens[first + 1].token_type == TokenType.IDENTIFIER)
            texts.setdefault(name, text[tokens[first].start : tokens[last].end + 1])
    return texts


def _skip_parens(tokens: list[Token], index: int, last: int) -> int:
    if index <= last and tokens[index].token_type == TokenType.L_PAREN:
        depth = 0
        while index <= last:
            if tokens[index].token_type == TokenType.L_PAREN:
                depth += 1
            elif tokens[index].token_type == TokenType.R_PAREN:
                depth -= 1
                if depth == 0:
                    return index + 1
            index += 1
    return index


def _reference_end(tokens: list[Token], index: int, last: int) -> int:
    """Index after ``REFERENCES t (cols) [MATCH …] [ON DELETE|UPDATE action] [DEFERRABLE …]``."""
    index = _skip_parens(tokens, index, last)
    while index <= last:
        keyword = word(tokens[index])
        pair = f"{keyword} {word(tokens[index + 1])}" if index + 1 <= last else keyword
        if keyword == "MATCH":
            index += 2
        elif pair in ("ON DELETE", "ON UPDATE"):
            index += 2
            action = f"{word(tokens[index])} {word(tokens[index + 1])}" if index + 1 <= last else ""
            index += 2 if action in _ACTIONS else 1
            index = _skip_parens(tokens, index, last)
        elif keyword == "DEFERRABLE" or pair == "NOT DEFERRABLE":
            index += 1 if keyword == "DEFERRABLE" else 2
        elif keyword == "INITIALLY":
            index += 2
        else:
            break
    return index


def foreign_keys(statement: Statement, table: QName) -> list[ForeignKey]:
    tokens = statement.tokens
    text = statement.migration.text
    found = []
    for first, last, comma in _segments(tokens):
        if first > last:
            continue
        words = [word(token) for token in tokens[first : last + 1]]
        lead = 0
        name = None
        if words[0] == "CONSTRAINT" and first + 1 <= last:
            name = fold(tokens[first + 1].text, tokens[first + 1].token_type == TokenType.IDENTIFIER)
            lead = 2
        if words[lead : lead + 1] in (["FOREIGN KEY"], ["FOREIGN"]):  # a table constraint: cut the element
            references = next((i for i in range(first, last + 1) if word(tokens[i]) == "REFERENCES"), None)
            if references is None:
                continue
            target, _ = read_name(tokens, references + 1)
            columns = [fold(t.text, t.token_type == TokenType.IDENTIFIER) for t in tokens[first + lead : references] if t.token_type in _COLUMN_STARTS]
            if target is None or not columns:
                continue
            if comma is not None:  # ", CONSTRAINT … REFERENCES …" goes with the comma before it
                cut_start, cut_end = tokens[comma].start, tokens[last].end + 1
            elif last + 2 < len(tokens) and tokens[last + 1].token_type == TokenType.COMMA:
                cut_start, cut_end = tokens[first].start, tokens[last + 2].start
            else:
                continue  # the only element: leave the statement whole
            definition = text[tokens[first + lead].start : tokens[last].end + 1]
            found.append(ForeignKey(name or f"{table.name}_{columns[0]}_fkey", (cut_start, cut_end), target, definition))
            continue
        if tokens[first].token_type not in _COLUMN_STARTS:
            continue
        column = fold(tokens[first].text, tokens[first].token_type == TokenType.IDENTIFIER)
        for index in range(first + 1, last + 1):
            if word(tokens[index]) != "REFERENCES":
                continue
            target, after = read_name(tokens, index + 1)
            if target is None:
                break
            end = _reference_end(tokens, after, last)
            start = index
            constraint_name = None
            if index >= first + 2 and word(tokens[index - 2]) == "CONSTRAINT":
                start = index - 2
                constraint_name = fold(tokens[index - 1].text, tokens[index - 1].token_type == TokenType.IDENTIFIER)
            cut = (tokens[start - 1].end + 1, tokens[end - 1].end + 1)
            clause = text[tokens[index].start : tokens[end - 1].end + 1]
            definition = f"FOREIGN KEY ({quote_ident(column)}) {clause}"
            found.append(ForeignKey(constraint_name or f"{table.name}_{column}_fkey", cut, target, definition))
            break
    return found


@dataclass
class Action:
    """One action of an ``ALTER TABLE``: its text, and the characters to cut to remove it alone."""

    start: int  # characters of migration.text
    end: int
    cut: tuple[int, int]


def alter_actions(statement: Statement) -> list[Action]:
    """The top-level actions of ``ALTER TABLE [IF EXISTS] [ONLY] name action, action …``."""
    tokens = statement.tokens
    words = [word(token) for token in tokens]
    index = 2
    if words[index : index + 2] == ["IF", "EXISTS"]:
        index += 2
    if words[index : index + 1] == ["ONLY"]:
        index += 1
    _, index = read_name(tokens, index)
    if index < len(tokens) and tokens[index].token_type == TokenType.STAR:
        index += 1
    bounds: list[tuple[int, int]] = []  # (first token, last token) of each action
    commas: list[int] = []
    depth, first = 0, index
    for position in range(index, len(tokens)):
        kind = tokens[position].token_type
        if kind == TokenType.L_PAREN:
            depth += 1
        elif kind == TokenType.R_PAREN:
            depth -= 1
        elif kind == TokenType.COMMA and depth == 0:
            bounds.append((first, position - 1))
            commas.append(position)
            first = position + 1
    if first < len(tokens):
        bounds.append((first, len(tokens) - 1))
    actions = []
    for number, (a, b) in enumerate(bounds):
        start, end = tokens[a].start, tokens[b].end + 1
        if len(bounds) == 1:
            cut = (start, end)
        elif number == 0:
            cut = (start, tokens[commas[0] + 1].start)  # the action, its comma and the space after
        else:
            cut = (tokens[commas[number - 1]].start, end)  # the comma before it, and the action
        actions.append(Action(start, end, cut))
    return actions
