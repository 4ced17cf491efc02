"""Make the statements of a rewritten migration safe to run again.

A migration that codemod changes gets a new identity (a ``_fixed`` folder) or new content, so
it may run on a database where the original ran fully or in part. Each statement is given the
smallest edit that makes a second run harmless: ``IF [NOT] EXISTS`` inserted after the right
token, or a ``DO`` block with an existence check where PostgreSQL has no such clause. What
cannot be made safe (data changes, unknown commands) is reported, never guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from codemod import sqlgen
from codemod.analysis import opaque
from codemod.analysis.opaque import word
from codemod.model import Edit, Span, Statement
from codemod.model.edits import replace_statement
from codemod.names import QName, identifier_name, table_qname

_HARMLESS_COMMANDS = {"COMMENT", "GRANT", "REVOKE", "SET", "RESET", "SELECT", "DO", "ANALYZE", "REFRESH", "NOTIFY", "VACUUM", "REINDEX", "CLUSTER", "LOCK", "BEGIN", "COMMIT", "START"}
_CONSTRAINT_WORDS = {"CONSTRAINT", "PRIMARY KEY", "PRIMARY", "UNIQUE", "FOREIGN KEY", "FOREIGN", "CHECK", "EXCLUDE"}


@dataclass
class Outcome:
    edits: list[Edit]
    warning: str | None = None


def make_idempotent(statement: Statement) -> Outcome:
    expression = statement.expression
    words = [word(token) for token in statement.tokens]
    if not words:
        return Outcome([])
    if isinstance(expression, exp.Create):
        return _create(statement, expression, words)
    if isinstance(expression, exp.Alter):
        return _alter(statement, expression, words)
    if isinstance(expression, exp.Drop):
        return _drop(statement, expression, words)
    if isinstance(expression, (exp.Insert, exp.Update, exp.Delete, exp.Merge)):
        return Outcome([], "changes data; running it again repeats the change")
    if isinstance(expression, exp.Command) or expression is None:
        return _command(statement, words)
    return Outcome([])



def _insert_after(statement: Statement, token: Token, text: str) -> Edit:
    offset = statement.migration.byte_offset(token.end + 1)
    return Edit(statement.migration.name, Span(offset, offset), text)


def _index_of(words: list[str], *wanted: str, start: int = 0) -> int | None:
    for index in range(start, len(words)):
        if words[index] in wanted:
            return index
    return None


def _followed_by_if(words: list[str], index: int) -> bool:
    return index + 1 < len(words) and words[index + 1] == "IF"


def _create(statement: Statement, node: exp.Create, words: list[str]) -> Outcome:
    kind = (node.args.get("kind") or "").upper()
    tokens = statement.tokens
    if kind in ("TABLE", "INDEX", "SCHEMA", "SEQUENCE") or (kind == "VIEW" and "MATERIALIZED" in words[:3]):
        if node.args.get("exists"):
            return Outcome([])
        if kind == "INDEX" and not (isinstance(node.this, exp.Index) and node.this.this is not None):
            return Outcome([], "an index without a name is created again on every run")
        anchor = _index_of(words, "TABLE" if kind == "TABLE" else kind if kind != "VIEW" else "VIEW")
        if anchor is None:
            return Outcome([], "codemod could not find where to add IF NOT EXISTS")
        if kind == "INDEX" and anchor + 1 < len(words) and words[anchor + 1] == "CONCURRENTLY":
            anchor += 1
        return Outcome([_insert_after(statement, tokens[anchor], " IF NOT EXISTS")])
    if kind == "TYPE":
        return Outcome([replace_statement(statement, sqlgen.ignoring_duplicates(statement.text, statement.migration.newline))])
    if kind in ("VIEW", "FUNCTION", "PROCEDURE", "TRIGGER"):
        if node.args.get("replace"):
            return Outcome([])
        return Outcome([_insert_after(statement, tokens[0], " OR REPLACE")])
    return Outcome([], f"codemod cannot make CREATE {kind or '…'} safe to run twice")


def _alter(statement: Statement, node: exp.Alter, words: list[str]) -> Outcome:
    kind = (node.args.get("kind") or "").upper()
    actions = node.args.get("actions") or []
    target = table_qname(node.this)
    newline = statement.migration.newline
    if target is None:
        return Outcome([], "codemod cannot read the table name")
    if kind == "INDEX":
        rename = actions[0] if len(actions) == 1 and isinstance(actions[0], exp.AlterRename) else None
        new_name = table_qname(rename.this) if rename is not None else None
        if new_name is None:
            return Outcome([])
        new = QName(target.schema, new_name.name)
        conditions = [sqlgen.relation_exists(target), sqlgen.relation_missing(new)]
        return Outcome([replace_statement(statement, sqlgen.guarded(statement.text, conditions, newline))])
    if kind != "TABLE":
        return Outcome([])
    has_constraint = any(isinstance(action, exp.AddConstraint) for action in actions)
    has_rename = any(isinstance(action, (exp.AlterRename, exp.RenameColumn)) for action in actions)
    if has_constraint or has_rename:
        if len(actions) != 1:
            return Outcome([], "adds a constraint or renames among other changes; codemod cannot guard it")
        condition = _single_action_guard(target, actions[0], node)
        if condition is None:
            return Outcome([], "codemod cannot tell whether this change was already made")
        return Outcome([replace_statement(statement, sqlgen.guarded(statement.text, condition, newline))])
    return Outcome(_action_clauses(statement, words))


def _action_clauses(statement: Statement, words: list[str]) -> list[Edit]:
    """IF [NOT] EXISTS after each top-level ``ADD [COLUMN]`` and ``DROP COLUMN|CONSTRAINT``."""
    tokens = statement.tokens
    edits = []
    depth = 0
    action_start = True
    for index in range(_first_action(tokens, words), len(tokens)):
        token, keyword = tokens[index], words[index]
        if token.token_type == TokenType.L_PAREN:
            depth += 1
        elif token.token_type == TokenType.R_PAREN:
            depth -= 1
        if depth != 0:
            continue
        if token.token_type == TokenType.COMMA:
            action_start = True
            continue
        if action_start and keyword == "ADD" and index + 1 < len(words):
            following = words[index + 1]
            if following == "COLUMN":
                if not _followed_by_if(words, index + 1):
                    edits.append(_insert_after(statement, tokens[index + 1], " IF NOT EXISTS"))
            elif following not in _CONSTRAINT_WORDS and following != "IF":
                edits.append(_insert_after(statement, token, " IF NOT EXISTS"))
        elif action_start and keyword == "DROP" and index + 1 < len(words):
            following = words[index + 1]
            if following in ("COLUMN", "CONSTRAINT") and not _followed_by_if(words, index + 1):
                edits.append(_insert_after(statement, tokens[index + 1], " IF EXISTS"))
            elif following not in ("COLUMN", "CONSTRAINT", "IF"):
                edits.append(_insert_after(statement, token, " IF EXISTS"))
        action_start = False
    return edits


def _first_action(tokens: list[Token], words: list[str]) -> int:
    """Index of the first action: after ``ALTER TABLE [IF EXISTS] [ONLY] name [*]``."""
    index = 2
    if words[index : index + 2] == ["IF", "EXISTS"]:
        index += 2
    if words[index : index + 1] == ["ONLY"]:
        index += 1
    _, index = opaque.read_name(tokens, index)
    if index < len(tokens) and tokens[index].token_type == TokenType.STAR:
        index += 1
    return index


def _single_action_guard(table: QName, action: exp.Expression, node: exp.Alter) -> list[str] | None:
    if isinstance(action, exp.AddConstraint) and action.expressions:
        constraint = action.expressions[0]
        if isinstance(constraint, exp.Constraint):
            name = identifier_name(constraint.this)
            return [sqlgen.relation_exists(table), sqlgen.constraint_missing(table, name)] if name else None
        if isinstance(constraint, exp.PrimaryKey):
            return [sqlgen.relation_exists(table), sqlgen.primary_key_missing(table)]
        return None
    if isinstance(action, exp.RenameColumn):
        old, new = identifier_name(action.this), identifier_name(action.args.get("to"))
        if old and new:
            return [sqlgen.column_exists(table, old), sqlgen.column_missing(table, new)]
        return None
    if isinstance(action, exp.AlterRename):
        options = node.args.get("options") or []
        to_column = next((option for option in options if isinstance(option, exp.ToTableProperty)), None)
        if to_column is not None:
            old, new = identifier_name(action.this), identifier_name(to_column.this)
            return [sqlgen.column_exists(table, old), sqlgen.column_missing(table, new)] if old and new else None
        renamed = table_qname(action.this)
        if renamed is None:
            return None
        return [sqlgen.relation_exists(table), sqlgen.relation_missing(QName(table.schema, renamed.name))]
    return None


def _drop(statement: Statement, node: exp.Drop, words: list[str]) -> Outcome:
    if node.args.get("exists"):
        return Outcome([])
    kind = (node.args.get("kind") or "").upper()
    anchor_word = kind.split()[-1] if kind else None
    anchor = _index_of(words, anchor_word) if anchor_word else None
    if anchor is None:
        return Outcome([], "codemod could not find where to add IF EXISTS")
    if anchor + 1 < len(words) and words[anchor + 1] == "CONCURRENTLY":
        anchor += 1
    return Outcome([_insert_after(statement, statement.tokens[anchor], " IF EXISTS")])


def _command(statement: Statement, words: list[str]) -> Outcome:
    tokens = statement.tokens
    command = opaque.read_command(tokens)
    newline = statement.migration.newline
    if isinstance(command, opaque.DoBlock):
        return Outcome([])
    if isinstance(command, opaque.AddEnumValue):
        if command.if_not_exists:
            return Outcome([])
        anchor = _index_of(words, "VALUE")
        assert anchor is not None
        return Outcome([_insert_after(statement, tokens[anchor], " IF NOT EXISTS")])
    if isinstance(command, opaque.RenameType):
        conditions = [sqlgen.type_exists(command.old), sqlgen.type_missing(command.new)]
        return Outcome([replace_statement(statement, sqlgen.guarded(statement.text, conditions, newline))])
    if isinstance(command, opaque.RenameEnumValue):
        conditions = [sqlgen.enum_value_exists(command.type_name, command.old)]
        return Outcome([replace_statement(statement, sqlgen.guarded(statement.text, conditions, newline))])
    if isinstance(command, opaque.RenameConstraint):
        conditions = [sqlgen.constraint_exists(command.table, command.old)]
        return Outcome([replace_statement(statement, sqlgen.guarded(statement.text, conditions, newline))])
    if words[:2] == ["CREATE", "EXTENSION"]:
        if _followed_by_if(words, 1):
            return Outcome([])
        return Outcome([_insert_after(statement, tokens[1], " IF NOT EXISTS")])
    if words[0] == "CREATE" and len(words) > 1 and words[1] in ("FUNCTION", "PROCEDURE", "TRIGGER", "VIEW"):
        return Outcome([_insert_after(statement, tokens[0], " OR REPLACE")])
    if words[:3] == ["CREATE", "OR", "REPLACE"]:
        return Outcome([])
    if words[0] in _HARMLESS_COMMANDS:
        return Outcome([])
    return Outcome([], "codemod cannot tell whether this statement is safe to run twice")



