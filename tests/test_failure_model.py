"""The replay predicts where PostgreSQL stops, and with which SQLSTATE: each kind, proven on a real server.

For every case, ``check`` must mark the first failure (``stops_here``) in the migration where a real
PostgreSQL stops when the tree is replayed as Prisma does (each file one script), with the SQLSTATE
PostgreSQL gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from codemod import analyse
from codemod.analysis.tree import load_tree
from codemod.verify.runner import replay_migrations
from tests.trees import write_tree

pytest_plugins = ["tests.pg_fixtures"]


@dataclass
class Case:
    name: str
    migrations: dict[str, str]
    stop: str  # the migration where PostgreSQL stops
    sqlstate: str
    code: str  # the rule that reports it


INIT = "20240101000000_init"
NEXT = "20240102000000_next"
LAST = "20240103000000_last"

CASES = [
    Case("alter-table-nobody-creates", {INIT: 'CREATE TABLE "Post" ("id" TEXT NOT NULL);', NEXT: 'ALTER TABLE "Payment" ADD COLUMN "note" TEXT;'}, NEXT, "42P01", "missing-object"),
    Case("index-on-dropped-table", {INIT: 'CREATE TABLE "a" ("id" INT); DROP TABLE "a";', NEXT: 'CREATE INDEX "a_id_idx" ON "a"("id");'}, NEXT, "42P01", "missing-object"),
    Case("foreign-key-to-nothing", {INIT: 'CREATE TABLE "a" ("id" INT, "b_id" INT);', NEXT: 'ALTER TABLE "a" ADD CONSTRAINT "a_b_fkey" FOREIGN KEY ("b_id") REFERENCES "b"("id");'}, NEXT, "42P01", "missing-object"),
    Case(
        "do-guarded-backfill-reads-missing-column",
        {
            INIT: 'CREATE TABLE "t" ("id" INT, "b" TEXT);',
            NEXT: """DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM information_schema.tables WHERE table_name = 't') THEN
    UPDATE "t" SET "b" = "legacy";
  END IF;
END $$;""",
        },
        NEXT,
        "42703",
        "missing-object",
    ),
    Case(
        "drop-constraint-of-unique-index",
        {INIT: 'CREATE TABLE "t" ("a" TEXT NOT NULL, "b" TEXT NOT NULL);\nCREATE UNIQUE INDEX "t_a_b_key" ON "t"("a", "b");', NEXT: 'ALTER TABLE "t" DROP CONSTRAINT "t_a_b_key";'},
        NEXT,
        "42704",
        "index-not-constraint",
    ),
    Case(
        "constraint-name-held-by-an-index",
        {
            INIT: 'CREATE TABLE "t" ("a" TEXT NOT NULL);\nCREATE UNIQUE INDEX "t_a_key" ON "t"("a");',
            NEXT: 'ALTER TABLE "t" DROP CONSTRAINT IF EXISTS "t_a_key";\nALTER TABLE "t" ADD CONSTRAINT "t_a_key" UNIQUE ("a");',
        },
        NEXT,
        "42P07",
        "index-not-constraint",
    ),
    Case(
        "concurrently-in-a-multi-statement-migration",
        {INIT: 'CREATE TABLE "t" ("a" TEXT);', NEXT: 'ALTER TABLE "t" ADD COLUMN "b" TEXT;\nCREATE INDEX CONCURRENTLY "t_b_idx" ON "t"("b");'},
        NEXT,
        "25001",
        "concurrent-index",
    ),
    Case(
        "function-return-type-changes",
        {
            INIT: "CREATE FUNCTION total() RETURNS integer AS $$ SELECT 1 $$ LANGUAGE sql;",
            NEXT: "CREATE OR REPLACE FUNCTION total() RETURNS bigint AS $$ SELECT 1::bigint $$ LANGUAGE sql;",
        },
        NEXT,
        "42P13",
        "function-return-type",
    ),
    Case("enum-value-added-twice", {INIT: "CREATE TYPE \"S\" AS ENUM ('a', 'b');", NEXT: "ALTER TYPE \"S\" ADD VALUE 'b';"}, NEXT, "42710", "duplicate-create"),
    Case(
        "do-body-adds-a-value-to-a-type-created-later",
        {
            INIT: 'CREATE TABLE "t" ("id" INT);',
            NEXT: """DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_enum WHERE enumlabel = 'CASH') THEN
    ALTER TYPE "PaymentProvider" ADD VALUE 'CASH';
  END IF;
END $$;""",
            LAST: "CREATE TYPE \"PaymentProvider\" AS ENUM ('CARD', 'CASH');",
        },
        NEXT,
        "42704",
        "forward-reference",
    ),
    Case(
        "names-equal-once-truncated",
        {
            INIT: 'CREATE TABLE "t" ("a" TEXT, "b" TEXT);\nCREATE INDEX "events_organization_id_created_at_and_a_very_long_description_idx_first" ON "t"("a");',
            NEXT: 'CREATE INDEX "events_organization_id_created_at_and_a_very_long_description_idx_second" ON "t"("b");',
        },
        NEXT,
        "42P07",
        "identifier-collision",
    ),
    Case(
        "trigger-on-a-column-that-never-existed",
        {
            INIT: 'CREATE TABLE "PostMetric" ("postId" INT, "likeCount" INT);\nCREATE FUNCTION sync() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql;',
            NEXT: 'CREATE TRIGGER trg AFTER INSERT OR UPDATE OF "reactionCount" ON "PostMetric" FOR EACH ROW EXECUTE FUNCTION sync();',
        },
        NEXT,
        "42703",
        "missing-object",
    ),
    Case(
        "drop-constraint-guarded-by-exception-handler-is-fine-then-duplicate-table",
        {
            INIT: 'CREATE TABLE "t" ("id" INT);',
            NEXT: 'DO $$ BEGIN ALTER TABLE "t" DROP CONSTRAINT "nope"; EXCEPTION WHEN undefined_object THEN NULL; END $$;\nCREATE TABLE "t" ("id" INT);',
        },
        NEXT,
        "42P07",
        "duplicate-create",
    ),
    # from a QA pass over mutated real trees (ghostfolio, hoppscotch)
    Case(
        "insert-select-reads-a-dropped-column",
        {
            INIT: 'CREATE TABLE "Order" ("id" TEXT NOT NULL, "isDraft" BOOLEAN NOT NULL DEFAULT false);\nCREATE TABLE "Draft" ("orderId" TEXT NOT NULL);',
            NEXT: 'ALTER TABLE "Order" DROP COLUMN "isDraft";',
            LAST: 'INSERT INTO "Draft" ("orderId")\nSELECT "id" FROM "Order" WHERE "isDraft" = true;',
        },
        LAST,
        "42703",
        "missing-object",
    ),
    Case(
        "delete-where-a-dropped-column",
        {INIT: 'CREATE TABLE "t" ("id" INT, "old" TEXT);', NEXT: 'ALTER TABLE "t" DROP COLUMN "old";', LAST: 'DELETE FROM "t" WHERE "old" IS NULL;'},
        LAST,
        "42703",
        "missing-object",
    ),
    Case(
        "new-enum-value-in-a-where-clause",
        {
            INIT: 'CREATE TYPE "Role" AS ENUM (\'OWNER\', \'EDITOR\');\nCREATE TABLE "Member" ("id" INT NOT NULL, "role" "Role" NOT NULL);',
            NEXT: 'ALTER TYPE "Role" ADD VALUE \'ADMIN\';\nDELETE FROM "Member" WHERE "role" = \'ADMIN\';',
        },
        NEXT,
        "55P04",
        "new-enum-value-used",
    ),
    # from a third QA pass (langfuse, tianji)
    Case(
        "column-type-under-a-star-view",
        {INIT: 'CREATE TABLE "traces" ("id" TEXT NOT NULL, "name" TEXT);', NEXT: 'CREATE VIEW traces_view AS SELECT t.* FROM "traces" t;',
         LAST: 'ALTER TABLE "traces" ALTER COLUMN "name" SET DATA TYPE VARCHAR(1000);'},
        LAST,
        "0A000",
        "view-dependency",
    ),
    Case(
        "default-with-a-renamed-enum-value",
        {
            INIT: 'CREATE TYPE "Tier" AS ENUM (\'FREE\', \'TEAM\');\nCREATE TABLE "Sub" ("id" TEXT NOT NULL, "tier" "Tier" NOT NULL DEFAULT \'FREE\');',
            NEXT: 'ALTER TYPE "Tier" RENAME VALUE \'TEAM\' TO \'BUSINESS\';',
            LAST: 'ALTER TABLE "Sub" ALTER COLUMN "tier" SET DEFAULT \'TEAM\';',
        },
        LAST,
        "22P02",
        "missing-object",
    ),
    Case(
        "function-input-renamed",
        {
            INIT: 'CREATE TABLE "Post" ("id" TEXT NOT NULL);\nCREATE FUNCTION post_count(p_id text) RETURNS integer AS $$ SELECT count(*)::int FROM "Post" WHERE "id" = p_id $$ LANGUAGE sql;',
            NEXT: 'CREATE OR REPLACE FUNCTION post_count(post_id text) RETURNS integer AS $$ SELECT count(*)::int FROM "Post" WHERE "id" = post_id $$ LANGUAGE sql;',
        },
        NEXT,
        "42P13",
        "function-return-type",
    ),
    Case(
        "new-value-of-a-renamed-enum",
        {
            INIT: 'CREATE TYPE "Role" AS ENUM (\'OWNER\');\nCREATE TABLE "Member" ("id" INT NOT NULL, "role" "Role" NOT NULL);',
            NEXT: 'ALTER TYPE "Role" RENAME TO "AccessRole";',
            LAST: 'ALTER TYPE "AccessRole" ADD VALUE \'ADMIN\';\nALTER TABLE "Member" ALTER COLUMN "role" SET DEFAULT \'ADMIN\';',
        },
        LAST,
        "55P04",
        "new-enum-value-used",
    ),
]


def _stop(path: Path) -> tuple[str | None, str | None, str | None]:
    analysis = analyse(path)
    stops = [f for f in analysis.findings if f.stops_here]
    assert len(stops) <= 1
    if not stops:
        return None, None, None
    return stops[0].migration, stops[0].sqlstate, stops[0].code


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_check_stops_where_postgresql_stops(case: Case, tmp_path: Path, pg_database: str) -> None:
    root = write_tree(tmp_path, case.migrations)
    assert _stop(root) == (case.stop, case.sqlstate, case.code)
    result = replay_migrations(pg_database, load_tree(root).migrations, "original")
    failure = result.failure
    assert failure is not None, "PostgreSQL applied the tree"
    assert (failure.name, failure.sqlstate) == (case.stop, case.sqlstate), failure.message


def test_guarded_statements_that_cannot_fail_are_not_reported(tmp_path: Path, pg_database: str) -> None:
    root = write_tree(
        tmp_path,
        {
            INIT: "CREATE TYPE \"S\" AS ENUM ('a');\nCREATE TABLE \"t\" (\"id\" INT);",
            NEXT: """DO $$ BEGIN CREATE TYPE "S" AS ENUM ('a'); EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 't_pkey') THEN
    ALTER TABLE "t" ADD CONSTRAINT "t_pkey" PRIMARY KEY ("id");
  END IF;
  IF to_regclass('"t_id_idx"') IS NULL THEN
    CREATE INDEX "t_id_idx" ON "t"("id");
  END IF;
END $$;
ALTER TABLE "t" DROP CONSTRAINT IF EXISTS "nothing";
ALTER TABLE IF EXISTS "missing" ADD COLUMN "x" INT;""",
        },
    )
    assert [f for f in analyse(root).findings if f.severity == "error"] == []
    assert replay_migrations(pg_database, load_tree(root).migrations, "original").ok


def test_an_undecidable_condition_may_run(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {INIT: 'CREATE TABLE "t" ("id" INT);', NEXT: 'DO $$ BEGIN IF (SELECT count(*) FROM "t") > 10 THEN ALTER TABLE "gone" ADD COLUMN "x" INT; END IF; END $$;'},
    )
    findings = analyse(root).findings
    assert [(f.severity, f.fix) for f in findings] == [("warning", None)]  # the tree may well apply
    assert findings[0].message.startswith("may fail:") and not findings[0].stops_here


def test_files_that_prisma_cannot_send(tmp_path: Path, pg_database: str) -> None:
    root = write_tree(tmp_path, {INIT: 'CREATE TABLE "t" ("id" INT);', NEXT: 'ALTER TABLE "t" ADD COLUMN "x" INT;'})
    (root / NEXT / "migration.sql").write_bytes('ALTER TABLE "t" ADD COLUMN "x" INT;\n'.encode("utf-16"))
    (root / LAST).mkdir()
    findings = analyse(root).findings
    assert [(f.migration, f.code, f.sqlstate, f.stops_here) for f in findings if f.severity == "error"] == [
        (NEXT, "file-encoding", "08P01", True),
        (LAST, "missing-migration-file", "P3015", False),
    ]
    result = replay_migrations(pg_database, load_tree(root).migrations, "original")
    assert result.failure is not None and result.failure.name == NEXT


def test_a_nul_byte_makes_postgresql_reject_the_whole_script(tmp_path: Path, pg_database: str) -> None:
    root = write_tree(tmp_path, {INIT: 'CREATE TABLE "t" ("id" INT);'})
    (root / INIT / "migration.sql").write_bytes(b'CREATE TABLE "t" ("id" INT);\n\x00\nCREATE TABLE "u" ("id" INT);\n')
    analysis = analyse(root)
    assert [(f.code, f.sqlstate, f.stops_here) for f in analysis.findings] == [("nul-byte", "08P01", True)]
    assert len(analysis.tree.migrations[0].statements) == 2  # what the author wrote, for what follows
    result = replay_migrations(pg_database, load_tree(root).migrations, "original")
    assert result.failure is not None and (result.failure.name, result.failure.sqlstate) == (INIT, "08P01")


def _postgres_corpus() -> list[str]:
    from tests.conftest import shared_dir

    shared = shared_dir()
    if shared is None:
        return []
    names = []
    for line in (shared / "corpus" / "README.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        # formbricks fails only because this PostgreSQL lacks the pgvector extension
        if len(cells) == 8 and "__" in cells[0] and cells[3] == "postgresql" and not cells[0].startswith("formbricks"):
            names.append(cells[0])
    return names


CORPUS = _postgres_corpus()


@pytest.mark.parametrize("name", CORPUS)
def test_corpus_check_and_postgresql_stop_at_the_same_migration(name: str, pg_database: str) -> None:
    """On every PostgreSQL tree of the corpus, the migration `check` marks is where a real server stops."""
    from tests.conftest import shared_dir

    root = shared_dir() / "corpus" / "prisma" / name  # type: ignore[operator]
    stop, sqlstate, _ = _stop(root)
    result = replay_migrations(pg_database, load_tree(root).migrations, "original")
    failure = result.failure
    assert (stop, sqlstate) == ((failure.name, failure.sqlstate) if failure else (None, None)), failure and failure.message


def test_corpus_has_the_broken_trees() -> None:
    if not CORPUS:
        pytest.skip("../shared/corpus is not here")
    assert {"civitai__civitai", "webstudio-is__webstudio", "karthikdintakurthi__scan2ship__at-d25bbad"} <= set(CORPUS)


def test_a_read_after_a_drop_names_both_migrations(tmp_path: Path) -> None:
    """The column existed (CREATE TABLE), a migration dropped it, a later one reads it: the finding
    names the creator and the drop, and leaves the choice (renaming a back-dated drop) to a human."""
    case = next(case for case in CASES if case.name == "insert-select-reads-a-dropped-column")
    analysis = analyse(write_tree(tmp_path, case.migrations))
    (finding,) = [f for f in analysis.findings if f.severity == "error"]
    assert f"migration {INIT} created it, but {NEXT} dropped or renamed it" in finding.message
    assert finding.fix is None and f"if {NEXT} was back-dated" in (finding.help or "")


def test_a_function_that_a_default_calls_is_not_dropped(tmp_path: Path) -> None:
    """Changing the return type of a function a column default calls: dropping the function first
    would fail (2BP01), so no fix is offered, and the help names the default."""
    root = write_tree(tmp_path, {
        INIT: 'CREATE TABLE "Post" ("id" TEXT NOT NULL);',
        NEXT: 'CREATE OR REPLACE FUNCTION gen_code() RETURNS text AS $$ SELECT md5(random()::text) $$ LANGUAGE sql;\n'
              'ALTER TABLE "Post" ADD COLUMN "code" TEXT DEFAULT gen_code();',
        LAST: 'CREATE OR REPLACE FUNCTION gen_code() RETURNS varchar AS $$ SELECT md5(random()::text)::varchar $$ LANGUAGE sql;',
    })
    (finding,) = [f for f in analyse(root).findings if f.code == "function-return-type"]
    assert finding.fix is None and "the default of column code" in (finding.help or "")
