"""PostgreSQL identifier rules: unquoted names fold to lower case, quoted names are exact.

Every object the replay tracks is keyed by a :class:`QName` built through these helpers, so
``users`` and ``"users"`` meet, while ``"User"`` and ``"user"`` stay apart and
``billing.invoices`` never collides with ``public.invoices``.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlglot import exp

DEFAULT_SCHEMA = "public"
MAX_IDENTIFIER_BYTES = 63  # NAMEDATALEN - 1: PostgreSQL truncates longer names (with a NOTICE)


def fold(name: str, quoted: bool) -> str:
    """The name PostgreSQL stores for an identifier as written (folded, then truncated)."""
    return truncate(name if quoted else name.lower())


def truncate(name: str) -> str:
    """PostgreSQL keeps the first 63 bytes of a name, never cutting a character in two."""
    if len(name) <= MAX_IDENTIFIER_BYTES // 4 or len(name.encode("utf-8")) <= MAX_IDENTIFIER_BYTES:
        return name
    encoded = name.encode("utf-8")[:MAX_IDENTIFIER_BYTES]
    return encoded.decode("utf-8", errors="ignore")


def object_name(name1: str, name2: str | None, label: str) -> str:
    """The name PostgreSQL chooses for an implicit object (``makeObjectName``): ``t_col_key``.

    Parts are shortened, the longer first, so that the whole fits in 63 bytes.
    """
    first, second = name1.encode("utf-8"), (name2 or "").encode("utf-8")
    overhead = len(label) + 1 + (1 if name2 is not None else 0)
    available = MAX_IDENTIFIER_BYTES - overhead
    while len(first) + len(second) > available:
        if len(first) > len(second):
            first = first[:-1]
        else:
            second = second[:-1]
    parts = [first.decode("utf-8", errors="ignore")]
    if name2 is not None:
        parts.append(second.decode("utf-8", errors="ignore"))
    return "_".join(parts + [label])


def written_name(node: exp.Expression | None) -> str | None:
    """The folded name as written, before truncation (to tell two long names apart)."""
    if isinstance(node, exp.Identifier):
        return node.this if node.args.get("quoted") else node.this.lower()
    if isinstance(node, (exp.Column, exp.Table)):
        return written_name(node.args.get("this"))
    return identifier_name(node)


def parse_qualified(text: str) -> QName | None:
    """A name as PostgreSQL reads it from text (``'public."User"'`` in ``to_regclass``)."""
    parts: list[str] = []
    current = ""
    quoted = False
    in_quotes = False
    index = 0
    while index < len(text):
        char = text[index]
        if in_quotes:
            if char == '"':
                if text[index + 1 : index + 2] == '"':
                    current += '"'
                    index += 1
                else:
                    in_quotes = False
            else:
                current += char
        elif char == '"':
            in_quotes, quoted = True, True
        elif char == ".":
            parts.append(fold(current.strip(), quoted))
            current, quoted = "", False
        else:
            current += char
        index += 1
    parts.append(fold(current.strip(), quoted))
    if not all(parts) or len(parts) > 2:
        return None
    return QName.of(parts[-1], parts[0] if len(parts) == 2 else None)


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
