"""A catalog snapshot of a database's schema: what PostgreSQL itself says exists.

Tables (ordinary and partitioned), their columns (type as ``format_type``, nullability,
default expression), constraints (kind and ``pg_get_constraintdef``), indexes
(``pg_get_indexdef``), enums with their values in order, and views by name. System schemas
and Prisma's own ``_prisma_migrations`` table are left out. Column order is not kept: Prisma
does not depend on it, and a rewrite that adds a column with ``ADD COLUMN`` puts it last.

Keys are ``schema.name`` strings (and ``schema.table.column``), so snapshots compare as plain
dictionaries and serialise to JSON as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import psycopg

EXCLUDED_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")
EXCLUDED_TABLES = ("_prisma_migrations",)

CONSTRAINT_KINDS = {"p": "primary key", "u": "unique", "f": "foreign key", "c": "check", "x": "exclusion", "t": "trigger"}


@dataclass
class Column:
    type: str
    nullable: bool
    default: str | None

    def describe(self) -> str:
        text = self.type + ("" if self.nullable else " NOT NULL")
        return text + (f" DEFAULT {self.default}" if self.default is not None else "")


@dataclass
class Constraint:
    table: str
    kind: str
    definition: str


@dataclass
class Index:
    table: str
    definition: str


@dataclass
class Snapshot:
    tables: dict[str, dict[str, Column]] = field(default_factory=dict)
    constraints: dict[str, dict[str, Constraint]] = field(default_factory=dict)  # table → name → constraint
    indexes: dict[str, Index] = field(default_factory=dict)
    enums: dict[str, list[str]] = field(default_factory=dict)
    views: set[str] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        return {
            "tables": {
                table: {name: vars(column) for name, column in sorted(columns.items())}
                for table, columns in sorted(self.tables.items())
            },
            "constraints": {
                table: {name: vars(c) for name, c in sorted(items.items())}
                for table, items in sorted(self.constraints.items())
            },
            "indexes": {name: vars(index) for name, index in sorted(self.indexes.items())},
            "enums": dict(sorted(self.enums.items())),
            "views": sorted(self.views),
        }


_SCHEMA_FILTER = """
    n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
    AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
"""

_TABLES = f"""
SELECT n.nspname, c.relname, c.relkind
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm') AND {_SCHEMA_FILTER}
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
"""

_COLUMNS = f"""
SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND {_SCHEMA_FILTER}
  AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.objid = c.oid AND dep.deptype = 'e')
"""

_CONSTRAINTS = f"""
SELECT n.nspname, c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid, true)
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE {_SCHEMA_FILTER}
  AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.objid = c.oid AND dep.deptype = 'e')
"""

_INDEXES = f"""
SELECT n.nspname, i.relname, c.relname, pg_get_indexdef(x.indexrelid)
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class c ON c.oid = x.indrelid
JOIN pg_namespace n ON n.oid = i.relnamespace
WHERE {_SCHEMA_FILTER}
  AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.objid = c.oid AND dep.deptype = 'e')
"""

_ENUMS = f"""
SELECT n.nspname, t.typname, e.enumlabel
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_enum e ON e.enumtypid = t.oid
WHERE {_SCHEMA_FILTER}
  AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.objid = t.oid AND dep.deptype = 'e')
ORDER BY n.nspname, t.typname, e.enumsortorder
"""


def qualified(schema: str, name: str) -> str:
    return f"{schema}.{name}"


def _excluded(schema: str, table: str) -> bool:
    return schema == "public" and table in EXCLUDED_TABLES


def snapshot(conn: psycopg.Connection, schemas: tuple[str, ...] | None = None) -> Snapshot:
    """Read the catalog of the connected database (optionally only ``schemas``)."""
    snap = Snapshot()

    def wanted(schema: str) -> bool:
        return schemas is None or schema in schemas

    for schema, name, kind in conn.execute(_TABLES).fetchall():
        if not wanted(schema) or _excluded(schema, name):
            continue
        if kind in ("v", "m"):
            snap.views.add(qualified(schema, name))
        else:
            snap.tables.setdefault(qualified(schema, name), {})
    for schema, table, column, type_, nullable, default, identity, generated in conn.execute(_COLUMNS).fetchall():
        if not wanted(schema) or _excluded(schema, table):
            continue
        if identity:
            default = f"GENERATED {'ALWAYS' if identity == 'a' else 'BY DEFAULT'} AS IDENTITY"
        elif generated:
            default = f"GENERATED ALWAYS AS ({default}) STORED"
        snap.tables.setdefault(qualified(schema, table), {})[column] = Column(type_, bool(nullable), default)
    for schema, table, name, kind, definition in conn.execute(_CONSTRAINTS).fetchall():
        if not wanted(schema) or _excluded(schema, table):
            continue
        snap.constraints.setdefault(qualified(schema, table), {})[name] = Constraint(
            qualified(schema, table), CONSTRAINT_KINDS.get(kind, str(kind)), definition or ""
        )
    for schema, index, table, definition in conn.execute(_INDEXES).fetchall():
        if not wanted(schema) or _excluded(schema, table):
            continue
        snap.indexes[qualified(schema, index)] = Index(qualified(schema, table), definition)
    for schema, name, label in conn.execute(_ENUMS).fetchall():
        if wanted(schema):
            snap.enums.setdefault(qualified(schema, name), []).append(label)
    return snap


def snapshot_url(url: str) -> Snapshot:
    with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
        return snapshot(conn)
