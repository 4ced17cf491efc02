"""PostgreSQL identifier rules: unquoted names fold to lower case, quoted names are exact.

Every object the replay tracks is keyed by a :class:`QName` built through these helpers, so
``users`` and ``"users"`` meet, while ``"User"`` and ``"user"`` stay apart and
``billing.invoices`` never collides with ``public.invoices``.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlglot import exp

DEFAULT_SCHEMA = "public"


def fold(name: str, quoted: bool) -> str:
    """The name PostgreSQL stores for an identifier as written."""
    return name if quoted else name.lower()


def identifier_name(node: exp.Expression | None) -> str | None:
    """Folded name of a sqlglot identifier-like node (Identifier, Column, Table part)."""
    if node is None:
        return None
    if isinstance(node, exp.Identifier):
        return fold(node.this, bool(node.args.get("quoted")))
    if isinstance(node, (exp.Column, exp.Table)):
        return identifier_name(node.args.get("this"))
    if isinstance(node, exp.Literal):
        return node.this
    if isinstance(node, exp.Var):
        return node.this.lower()
    return node.name or None


def quote_ident(name: str) -> str:
    """Render a stored name as a quoted identifier that means exactly that name."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class QName(NamedTuple):
    """A schema-qualified object name (a tuple, so equality and hashing run in C)."""

    schema: str
    name: str

    @staticmethod
    def of(name: str, schema: str | None = None) -> QName:
        return QName(schema or DEFAULT_SCHEMA, name)

    def sql(self, qualify: bool = False) -> str:
        """Quoted SQL for this name; the schema is written only when asked (keeps search_path semantics)."""
        if qualify or self.schema != DEFAULT_SCHEMA:
            return f"{quote_ident(self.schema)}.{quote_ident(self.name)}"
        return quote_ident(self.name)

    def __str__(self) -> str:
        return self.sql()


def table_qname(table: exp.Expression | None) -> QName | None:
    """QName of a sqlglot Table node (``db`` is the schema in sqlglot's model)."""
    if not isinstance(table, exp.Table):
        return None
    name = identifier_name(table.args.get("this"))
    if not name:
        return None
    schema = identifier_name(table.args.get("db"))
    return QName.of(name, schema)
