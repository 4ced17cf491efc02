"""A rewritten migration must be safe to run again: prove it by running it twice on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import psycopg
from sqlglot.dialects.dialect import Dialect

from codemod.analysis.tree import load_migration
from codemod.idempotent import make_idempotent
from codemod.plan import apply_edits

MIGRATION = """-- CreateSchema
CREATE SCHEMA "audit";
CREATE EXTENSION "pgcrypto";
-- CreateEnum
CREATE TYPE "Status" AS ENUM ('A', 'B');
ALTER TYPE "Status" ADD VALUE 'C';
-- CreateTable
CREATE TABLE "owners" ("id" TEXT NOT NULL, CONSTRAINT "owners_pkey" PRIMARY KEY ("id"));
CREATE TABLE "items" (
    "id" TEXT NOT NULL,
    "ownerId" TEXT,
    "old" TEXT,
    "gone" TEXT,
    CONSTRAINT "items_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "audit"."log" ("id" SERIAL NOT NULL);
CREATE TABLE "scratch" ("id" INT);
-- CreateIndex
CREATE UNIQUE INDEX "items_id_key" ON "items"("id");
CREATE INDEX "items_tmp_idx" ON "items"("id");
CREATE INDEX "items_ownerId_idx" ON "items"("ownerId");
-- AlterTable
ALTER TABLE "items" ADD COLUMN "status" "Status" NOT NULL DEFAULT 'A', ADD COLUMN "note" TEXT;
ALTER TABLE "items" DROP COLUMN "gone";
ALTER TABLE "items" RENAME COLUMN "old" TO "legacy";
ALTER TABLE "items" ALTER COLUMN "note" SET DEFAULT 'n/a';
ALTER TABLE "scratch" RENAME TO "scratch_old";
ALTER INDEX "items_ownerId_idx" RENAME TO "items_owner_idx";
-- AddForeignKey
ALTER TABLE "items" ADD CONSTRAINT "items_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "owners"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "items" DROP CONSTRAINT "items_ownerId_fkey";
ALTER TABLE "items" ADD CONSTRAINT "items_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "owners"("id");
CREATE VIEW "item_names" AS SELECT "id" FROM "items";
CREATE FUNCTION "one"() RETURNS integer AS $$ SELECT 1; $$ LANGUAGE sql;
COMMENT ON TABLE "items" IS 'items; all of them';
DROP TABLE "scratch_old";
DROP INDEX "items_tmp_idx";
"""


def _rewrite(tmp_path: Path, sql: str) -> tuple[bytes, list[str]]:
    folder = tmp_path / "20240101000000_all"
    folder.mkdir()
    (folder / "migration.sql").write_text(sql)
    migration = load_migration(folder, Dialect.get_or_raise("postgres"))
    edits, warnings = [], []
    for statement in migration.statements:
        outcome = make_idempotent(statement)
        edits += outcome.edits
        if outcome.warning:
            warnings.append(f"{statement.line}: {outcome.warning}")
    return apply_edits(migration.raw, edits), warnings


def test_every_statement_kind_runs_twice(pg_database: str, tmp_path: Path) -> None:
    rewritten, warnings = _rewrite(tmp_path, MIGRATION)
    assert warnings == []
    with psycopg.connect(pg_database, autocommit=True) as connection:
        connection.execute(MIGRATION.encode())  # the original runs once…
        try:
            connection.execute(MIGRATION.encode())
            raise AssertionError("the original should fail the second time")
        except psycopg.Error:
            pass
        connection.execute(rewritten)  # …the rewrite runs after it, and again
        connection.execute(rewritten)
        columns = {row[0] for row in connection.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'items'")}
    assert columns == {"id", "ownerId", "legacy", "status", "note"}


def test_rewrite_runs_on_a_fresh_database_too(pg_database: str, tmp_path: Path) -> None:
    rewritten, _ = _rewrite(tmp_path, MIGRATION)
    with psycopg.connect(pg_database, autocommit=True) as connection:
        connection.execute(rewritten)
        connection.execute(rewritten)


def test_data_changes_are_reported_not_guessed(tmp_path: Path) -> None:
    sql = 'INSERT INTO "t" ("id") VALUES (1);\nUPDATE "t" SET "id" = 2;\nCREATE INDEX ON "t"("id");\nVACUUM;\n'
    rewritten, warnings = _rewrite(tmp_path, sql)
    assert rewritten == sql.encode()
    assert [w.split(":")[0] for w in warnings] == ["1", "2", "3"]
