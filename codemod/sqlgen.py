"""SQL that codemod writes: existence checks and guarded ``DO`` blocks, in one place.

Names are written exactly as the replay stored them (quoted), and unqualified names stay
unqualified so they resolve through the same ``search_path`` as the statements around them.
"""

from __future__ import annotations

from codemod.names import QName, quote_literal

DOLLAR_TAG = "$codemod$"


def relation_exists(name: QName) -> str:
    return f"to_regclass({quote_literal(name.sql())}) IS NOT NULL"


def relation_missing(name: QName) -> str:
    return f"to_regclass({quote_literal(name.sql())}) IS NULL"


def type_exists(name: QName) -> str:
    return f"to_regtype({quote_literal(name.sql())}) IS NOT NULL"


def type_missing(name: QName) -> str:
    return f"to_regtype({quote_literal(name.sql())}) IS NULL"


def constraint_missing(table: QName, constraint: str) -> str:
    return (
        "NOT EXISTS (SELECT 1 FROM pg_constraint"
        f" WHERE conname = {quote_literal(constraint)} AND conrelid = to_regclass({quote_literal(table.sql())}))"
    )


def constraint_exists(table: QName, constraint: str) -> str:
    return constraint_missing(table, constraint)[len("NOT ") :]


def primary_key_missing(table: QName) -> str:
    return (
        "NOT EXISTS (SELECT 1 FROM pg_constraint"
        f" WHERE contype = 'p' AND conrelid = to_regclass({quote_literal(table.sql())}))"
    )


def column_exists(table: QName, column: str) -> str:
    return (
        "EXISTS (SELECT 1 FROM pg_attribute"
        f" WHERE attrelid = to_regclass({quote_literal(table.sql())})"
        f" AND attname = {quote_literal(column)} AND NOT attisdropped)"
    )


def column_missing(table: QName, column: str) -> str:
    return "NOT " + column_exists(table, column)


def enum_value_exists(type_name: QName, value: str) -> str:
    return (
        "EXISTS (SELECT 1 FROM pg_enum"
        f" WHERE enumtypid = to_regtype({quote_literal(type_name.sql())}) AND enumlabel = {quote_literal(value)})"
    )


def with_semicolon(statement_sql: str) -> str:
    stripped = statement_sql.rstrip()
    return stripped if stripped.endswith(";") else stripped + ";"


def guarded(statement_sql: str, conditions: list[str], newline: str = "\n") -> str:
    """A DO block that runs ``statement_sql`` only when every condition holds."""
    if not conditions:
        return with_semicolon(statement_sql)
    test = (newline + "       AND ").join(conditions)
    lines = [
        f"DO {DOLLAR_TAG}",
        "BEGIN",
        f"    IF {test} THEN",
        f"        {with_semicolon(statement_sql)}",
        "    END IF;",
        f"END {DOLLAR_TAG};",
    ]
    return newline.join(lines)


def ignoring_duplicates(statement_sql: str, newline: str = "\n") -> str:
    """A DO block that runs a CREATE and treats 'already exists' as done (for types)."""
    lines = [
        f"DO {DOLLAR_TAG}",
        "BEGIN",
        f"    {with_semicolon(statement_sql)}",
        "EXCEPTION WHEN duplicate_object THEN NULL;",
        f"END {DOLLAR_TAG};",
    ]
    return newline.join(lines)


def comment(text: str) -> str:
    return f"-- codemod: {text}"
