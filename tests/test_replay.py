"""The replay's model of PostgreSQL: identifiers, namespaces, renames, drops, guarded DO blocks."""

from __future__ import annotations

from pathlib import Path

import pytest

from codemod import analyse
from codemod.names import QName


def _tree(tmp_path: Path, *migrations: str) -> Path:
    root = tmp_path / "migrations"
    root.mkdir(parents=True)
    (root / "migration_lock.toml").write_text('provider = "postgresql"\n')
    for number, sql in enumerate(migrations, start=1):
        folder = root / f"2024010100000{number}_m{number}"
        folder.mkdir()
        (folder / "migration.sql").write_text(sql)
    return root


def _codes(tmp_path: Path, *migrations: str) -> list[str]:
    return [finding.code for finding in analyse(_tree(tmp_path, *migrations)).findings]


@pytest.mark.parametrize(
    "first, second, duplicate",
    [
        ('CREATE TABLE "User" (id int);', 'CREATE TABLE "user" (id int);', False),
        ("CREATE TABLE users (id int);", 'CREATE TABLE "users" (id int);', True),
        ("CREATE TABLE Users (id int);", "CREATE TABLE USERS (id int);", True),
        ('CREATE SCHEMA billing; CREATE TABLE billing.invoices (id int);', "CREATE TABLE invoices (id int);", False),
        ("CREATE TABLE public.invoices (id int);", "CREATE TABLE invoices (id int);", True),
        ("CREATE TABLE a (id int); DROP TABLE a;", "CREATE TABLE a (id int);", False),
        ("CREATE TABLE a (id int); ALTER TABLE a RENAME TO b;", "CREATE TABLE a (id int);", False),
        ("CREATE TABLE a (id int); ALTER TABLE a RENAME TO b;", "CREATE TABLE b (id int);", True),
        ('CREATE TYPE "S" AS ENUM (\'x\'); DROP TYPE "S";', 'CREATE TYPE "S" AS ENUM (\'x\');', False),
        ("CREATE TABLE a (id int); CREATE INDEX i ON a(id); DROP INDEX i;", "CREATE INDEX i ON a(id);", False),
        ("CREATE TABLE a (id int); CREATE INDEX i ON a(id); ALTER INDEX i RENAME TO j;", "CREATE INDEX i ON a(id);", False),
        ("CREATE TABLE a (id int, x int); CREATE INDEX i ON a(x); ALTER TABLE a DROP COLUMN x;", "ALTER TABLE a ADD COLUMN x int; CREATE INDEX i ON a(x);", False),
        ("CREATE TABLE a (id int); CREATE INDEX i ON a(id); DROP TABLE a;", "CREATE TABLE a (id int); CREATE INDEX i ON a(id);", False),
        ("DO $$ BEGIN CREATE TYPE s AS ENUM ('a'); EXCEPTION WHEN duplicate_object THEN null; END $$;", "CREATE TYPE s AS ENUM ('a');", True),
        ("CREATE TABLE a (id int);", "CREATE TABLE IF NOT EXISTS a (id int);", False),
        ("CREATE TABLE a (id int); ALTER TABLE a ADD CONSTRAINT c UNIQUE (id);", "ALTER TABLE a ADD CONSTRAINT c UNIQUE (id);", True),
        ("CREATE TABLE a (id int); ALTER TABLE a ADD CONSTRAINT c UNIQUE (id); ALTER TABLE a RENAME CONSTRAINT c TO d;", "ALTER TABLE a ADD CONSTRAINT c UNIQUE (id);", False),
        ("CREATE TABLE a (id int); ALTER TABLE a ADD CONSTRAINT c UNIQUE (id); ALTER INDEX c RENAME TO d;", "ALTER TABLE a ADD CONSTRAINT c UNIQUE (id);", False),
        ("CREATE TABLE a (id int, CONSTRAINT a_pkey PRIMARY KEY (id));", "CREATE UNIQUE INDEX a_pkey ON a(id);", True),
        ("CREATE TABLE a (id int);", "ALTER TABLE a ADD COLUMN id int;", True),
        ("CREATE TABLE a (id int);", "ALTER TABLE a ADD COLUMN IF NOT EXISTS id int;", False),
    ],
)
def test_duplicates_follow_postgresql(tmp_path: Path, first: str, second: str, duplicate: bool) -> None:
    assert ("duplicate-create" in _codes(tmp_path, first, second)) is duplicate


def test_enum_values_are_replayed_from_opaque_statements(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        "CREATE TYPE \"S\" AS ENUM ('a');",
        "ALTER TYPE \"S\" ADD VALUE 'b'; ALTER TYPE \"S\" ADD VALUE IF NOT EXISTS 'c' AFTER 'a';",
        "ALTER TYPE \"S\" RENAME VALUE 'a' TO 'z'; ALTER TYPE \"S\" RENAME TO \"T\";",
    )
    analysis = analyse(root)
    assert analysis.replay.final.types[QName.of("T")].values == ("z", "c", "b")  # AFTER places c right after a
    assert analysis.replay.opaque_statements == 4


def test_forward_reference_only_when_created_later(tmp_path: Path) -> None:
    assert "forward-reference" in _codes(
        tmp_path / "a", "CREATE TABLE a (id int, b_id int); ALTER TABLE a ADD CONSTRAINT f FOREIGN KEY (b_id) REFERENCES b(id);", "CREATE TABLE b (id int primary key);"
    )
    # what no migration creates (an extension's type without the extension, a table) has a rule of its own
    assert _codes(tmp_path / "b", "CREATE TABLE a (id int, v citext, b_id int REFERENCES elsewhere(id));") == ["missing-object"] * 2
    assert _codes(tmp_path / "c", "CREATE EXTENSION citext; CREATE TABLE a (id int, v citext, w tsvector);") == []
