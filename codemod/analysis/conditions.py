"""Decide the condition of a PL/pgSQL ``IF`` from the replayed schema, where it can be decided.

Migrations guard statements with catalog lookups: ``to_regclass('"T"') IS NULL``,
``NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'Role')``, ``pg_enum``, ``pg_constraint``,
``information_schema.columns`` and friends. Those are answered from the state the replay holds at
that point. The answer is three-valued: True, False, or None when codemod cannot tell (a
condition on data, a variable, a catalog it does not model); the replay then says "may run".
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from codemod.model.schema import SchemaState
from codemod.names import DEFAULT_SCHEMA, QName, fold, parse_qualified

Truth = bool | None

# Columns whose equality with a literal names what a catalog lookup asks for.
_NAME_COLUMNS = {
    "typname": "type",
    "enumlabel": "label",
    "conname": "constraint",
    "constraint_name": "constraint",
    "relname": "relation",
    "indexname": "index",
    "tablename": "table",
    "table_name": "table",
    "viewname": "relation",
    "sequencename": "relation",
    "column_name": "column",
    "attname": "column",
    "proname": "function",
    "routine_name": "function",
    "tgname": "trigger",
    "trigger_name": "trigger",
    "extname": "extension",
    "nspname": "schema",
    "schemaname": "schema",
    "table_schema": "schema",
    "schema_name": "schema",
    "constraint_schema": "schema",
    "routine_schema": "schema",
    "typnamespace": "schema",
}
# Columns holding an object id compared with to_regclass('…') / '…'::regclass / to_regtype(…).
_OID_COLUMNS = {"conrelid": "table", "attrelid": "table", "tgrelid": "table", "indrelid": "table", "enumtypid": "type", "oid": "relation"}
# Filters on the kind of object: they narrow a lookup that codemod answers by name.
_KIND_COLUMNS = {"relkind", "typtype", "contype", "constraint_type", "table_type", "attisdropped", "attnum", "deptype"}
_RELKINDS = {"r": "table", "p": "table", "v": "view", "m": "materialized view", "i": "index", "S": "sequence"}
_JOIN_COLUMNS = {"oid", "typnamespace", "relnamespace", "connamespace", "enumtypid", "conrelid", "attrelid", "tgrelid", "indrelid", "indexrelid", "pronamespace", "typrelid"}


def decide(condition: str, state: SchemaState) -> Truth:
    """True, False, or None (cannot tell) for the text between ``IF`` and ``THEN``."""
    try:
        from sqlglot import parse_one

        parsed = parse_one(f"SELECT {condition}", read="postgres")
    except (ParseError, TokenError, ValueError, KeyError, IndexError, TypeError, AttributeError, RecursionError):
        return None
    if not isinstance(parsed, exp.Select) or len(parsed.expressions) != 1:
        return None
    return _truth(parsed.expressions[0], state)


def _truth(node: exp.Expression, state: SchemaState) -> Truth:
    if isinstance(node, exp.Paren):
        return _truth(node.this, state)
    if isinstance(node, exp.Not):
        inner = _truth(node.this, state)
        return None if inner is None else not inner
    if isinstance(node, exp.And):
        left, right = _truth(node.this, state), _truth(node.expression, state)
        if left is False or right is False:
            return False
        return None if left is None or right is None else True
    if isinstance(node, exp.Or):
        left, right = _truth(node.this, state), _truth(node.expression, state)
        if left is True or right is True:
            return True
        return None if left is None or right is None else False
    if isinstance(node, exp.Boolean):
        return bool(node.this)
    if isinstance(node, exp.Exists):
        return _select_finds(node.this, state)
    if isinstance(node, exp.Is) and isinstance(node.expression, exp.Null):
        found = _lookup_value(node.this, state)
        if found is None:
            return None
        return found if node.args.get("negate") else not found
    if isinstance(node, (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)):
        return _count_comparison(node, state)
    return None


def _lookup_value(node: exp.Expression, state: SchemaState) -> Truth:
    """Whether ``to_regclass(…)``, ``to_regtype(…)`` or a scalar lookup returns a row (not NULL)."""
    if isinstance(node, exp.Paren):
        return _lookup_value(node.this, state)
    if isinstance(node, exp.Subquery):
        return _select_finds(node.this, state)
    function = _function_name(node)
    if function in ("to_regclass", "to_regtype", "to_regnamespace", "to_regproc", "to_regprocedure"):
        argument = _literal(node.expressions[0]) if isinstance(node, exp.Anonymous) and node.expressions else None
        if argument is None:
            return None
        if function == "to_regnamespace":
            return parse_qualified(argument) is not None and fold(argument.strip('"'), argument.startswith('"')) in state.schemas
        name = parse_qualified(argument.split("(")[0])
        if name is None:
            return None
        if function == "to_regclass":
            return state.relation_kind(name) is not None
        if function == "to_regtype":
            return name in state.types or name in state.tables
        return any(key[0] == name for key in state.functions)
    return None


def _count_comparison(node: exp.Expression, state: SchemaState) -> Truth:
    """``(SELECT count(*) FROM …) > 0`` and its variants."""
    left, right = node.this, node.expression
    if isinstance(left, exp.Literal) and not isinstance(right, exp.Literal):
        left, right = right, left
        flipped = {exp.GT: exp.LT, exp.LT: exp.GT, exp.GTE: exp.LTE, exp.LTE: exp.GTE}
        node_type: type = flipped.get(type(node), type(node))
    else:
        node_type = type(node)
    if not (isinstance(right, exp.Literal) and not right.is_string and right.this == "0"):
        return None
    inner = left.this if isinstance(left, (exp.Paren, exp.Subquery)) else None
    if isinstance(inner, exp.Subquery):
        inner = inner.this
    if not isinstance(inner, exp.Select) or not any(isinstance(e, exp.Count) for e in inner.expressions):
        return None
    found = _select_finds(inner, state)
    if found is None:
        return None
    if node_type in (exp.GT, exp.NEQ):
        return found
    if node_type in (exp.EQ, exp.LTE):
        return not found
    if node_type == exp.GTE:
        return True
    return False  # count < 0


def _select_finds(select: exp.Expression, state: SchemaState) -> Truth:
    """Whether a catalog lookup returns a row, answered from the replayed schema."""
    if not isinstance(select, exp.Select):
        return None
    catalogs = [_table_key(table) for table in select.find_all(exp.Table) if table.find_ancestor(exp.Subquery) is None or table.find_ancestor(exp.Select) is select]
    if not catalogs or any(catalog is None for catalog in catalogs):
        return None
    wanted: dict[str, str] = {}
    oids: dict[str, QName] = {}
    where = select.args.get("where")
    conditions = _conjuncts(where.this) if where is not None else []
    for join in select.args.get("joins") or []:
        on = join.args.get("on")
        if on is not None:
            conditions += _conjuncts(on)
    for condition in conditions:
        if not _understand(condition, wanted, oids, state):
            return None
    return _answer(set(catalogs), wanted, oids, state)  # type: ignore[arg-type]


def _understand(condition: exp.Expression, wanted: dict[str, str], oids: dict[str, QName], state: SchemaState) -> bool:
    """Read one conjunct into ``wanted`` (names) and ``oids``; False when codemod cannot use it."""
    if isinstance(condition, exp.Not) and isinstance(condition.this, exp.Column):
        return condition.this.name.lower() in _KIND_COLUMNS
    if isinstance(condition, exp.Column):
        return condition.name.lower() in _KIND_COLUMNS
    if isinstance(condition, exp.In):
        column = condition.this
        return isinstance(column, exp.Column) and column.name.lower() in _KIND_COLUMNS
    if not isinstance(condition, exp.EQ):
        return isinstance(condition, (exp.NEQ, exp.GT, exp.LT)) and _is_kind_filter(condition)
    left, right = condition.this, condition.expression
    if not isinstance(left, exp.Column):
        left, right = right, left
    if not isinstance(left, exp.Column):
        return False
    column = left.name.lower()
    if column == "relkind" and _literal(right) is not None:
        wanted["relkind"] = _literal(right) or ""
        return True
    if column in _KIND_COLUMNS:
        return True
    if isinstance(right, exp.Column):
        return column in _JOIN_COLUMNS or right.name.lower() in _JOIN_COLUMNS
    literal = _literal(right)
    if column in _NAME_COLUMNS and literal is not None:
        wanted[_NAME_COLUMNS[column]] = literal
        return True
    if column in _NAME_COLUMNS and _function_name(right) in ("current_schema", "current_schemas"):
        wanted[_NAME_COLUMNS[column]] = DEFAULT_SCHEMA
        return True
    if column in _OID_COLUMNS or column.endswith("oid") or column in _JOIN_COLUMNS:
        name = _regclass(right)
        if name is not None:
            oids[_OID_COLUMNS.get(column, "relation")] = name
            return True
        if isinstance(right, exp.Subquery):  # enumtypid = (SELECT oid FROM pg_type WHERE typname = '…')
            inner = right.this
            if isinstance(inner, exp.Select):
                inner_where = inner.args.get("where")
                for conjunct in _conjuncts(inner_where.this) if inner_where is not None else []:
                    if not _understand(conjunct, wanted, oids, state):
                        return False
                return True
        return column in _JOIN_COLUMNS
    return False


def _is_kind_filter(condition: exp.Expression) -> bool:
    column = condition.this if isinstance(condition.this, exp.Column) else condition.expression
    return isinstance(column, exp.Column) and column.name.lower() in _KIND_COLUMNS


def _answer(catalogs: set[str], wanted: dict[str, str], oids: dict[str, QName], state: SchemaState) -> Truth:
    schema = wanted.get("schema")
    if schema is not None and schema != DEFAULT_SCHEMA and schema not in state.schemas:
        return False

    def qname(name: str) -> QName:
        return QName.of(name, schema if schema and schema != DEFAULT_SCHEMA else None)

    if "pg_enum" in catalogs:
        label = wanted.get("label")
        type_name = oids.get("type") or (qname(wanted["type"]) if "type" in wanted else None)
        if label is None:
            return None
        if type_name is None:
            return any(t.values is not None and label in t.values for t in state.types.values())
        enum = state.types.get(type_name)
        return enum is not None and enum.values is not None and label in enum.values
    if "pg_type" in catalogs and "type" in wanted:
        name = qname(wanted["type"])
        return name in state.types or name in state.tables
    if catalogs & {"pg_constraint", "information_schema.table_constraints", "information_schema.constraint_column_usage", "information_schema.key_column_usage"} and "constraint" in wanted:
        table = oids.get("table") or (qname(wanted["table"]) if "table" in wanted else None) or (qname(wanted["relation"]) if "relation" in wanted else None)
        name = wanted["constraint"]
        tables = [state.tables[table]] if table is not None and table in state.tables else [] if table is not None else list(state.tables.values())
        return any(name in t.constraints for t in tables)
    if catalogs & {"information_schema.columns", "pg_attribute"} and "column" in wanted:
        table = oids.get("table") or (qname(wanted["table"]) if "table" in wanted else None) or (qname(wanted["relation"]) if "relation" in wanted else None)
        if table is None:
            return None
        found = state.tables.get(table)
        if found is None:
            return False if state.relation_kind(table) is None else None
        return None if found.columns is None else wanted["column"] in found.columns
    if catalogs & {"pg_indexes"} and "index" in wanted:
        return qname(wanted["index"]) in state.indexes
    if catalogs & {"pg_class", "pg_tables", "information_schema.tables", "pg_views", "information_schema.views", "pg_matviews", "pg_sequences", "information_schema.sequences"}:
        key = wanted.get("relation") or wanted.get("table")
        if key is None:
            return None
        kind = state.relation_kind(qname(key))
        wanted_kind = _RELKINDS.get(wanted.get("relkind", ""))
        return kind is not None and (wanted_kind is None or kind == wanted_kind)
    if "pg_proc" in catalogs or "information_schema.routines" in catalogs:
        name = wanted.get("function")
        return None if name is None else any(key[0] == qname(name) for key in state.functions)
    if "pg_trigger" in catalogs or "information_schema.triggers" in catalogs:
        name = wanted.get("trigger")
        table = oids.get("table")
        if name is None:
            return None
        return any(key[1] == name and (table is None or key[0] == table) for key in state.triggers)
    if "pg_extension" in catalogs and "extension" in wanted:
        return wanted["extension"] in state.extensions
    if catalogs & {"pg_namespace", "information_schema.schemata"} and "schema" in wanted:
        return wanted["schema"] in state.schemas
    return None


def _conjuncts(node: exp.Expression) -> list[exp.Expression]:
    if isinstance(node, exp.And):
        return _conjuncts(node.this) + _conjuncts(node.expression)
    if isinstance(node, exp.Paren):
        return _conjuncts(node.this)
    return [node]


def _table_key(table: exp.Table) -> str | None:
    name = table.name.lower()
    schema = table.db.lower() if table.db else ""
    if schema in ("", "pg_catalog") and name.startswith("pg_"):
        return name
    if schema == "information_schema":
        return f"information_schema.{name}"
    return None


def _function_name(node: exp.Expression) -> str | None:
    if isinstance(node, exp.Anonymous):
        return str(node.this).lower()
    if isinstance(node, exp.Func):
        return node.sql_name().lower()
    return None


def _literal(node: exp.Expression | None) -> str | None:
    if isinstance(node, exp.Cast):
        node = node.this
    if isinstance(node, exp.Literal) and node.is_string:
        return str(node.this)
    return None


def _regclass(node: exp.Expression) -> QName | None:
    """``'"T"'::regclass``, ``to_regclass('"T"')``, ``'"E"'::regtype`` → the name."""
    if isinstance(node, exp.Cast):
        text = _literal(node.this)
        return parse_qualified(text) if text else None
    if _function_name(node) in ("to_regclass", "to_regtype") and isinstance(node, exp.Anonymous) and node.expressions:
        text = _literal(node.expressions[0])
        return parse_qualified(text) if text else None
    return None
