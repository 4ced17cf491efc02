"""What the cold path's economies must not change (issue 12): tokens given back are the same tokens,
a reused parser parses as a new one would, byte offsets, relations reachable by their owner.

No timings here: the benchmarks measure (benchmarks/run.py)."""

from __future__ import annotations

from itertools import accumulate
from pathlib import Path

import pytest
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel

from codemod import analyse
from codemod.analysis.parse import parse_statement
from codemod.analysis.split import split_tokens
from codemod.analysis.tree import load_tree
from codemod.model import Migration
from codemod.model.schema import RelationMap, RelationState, SchemaState
from codemod.names import QName
from tests.conftest import shared_dir

SHARED = shared_dir()
SQL = """-- CreateEnum
CREATE TYPE "Status" AS ENUM ('A', 'B');
ALTER TYPE "Status" ADD VALUE 'C';
-- CreateTable
CREATE TABLE "User" ("id" SERIAL NOT NULL, "name" TEXT /* é */, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE OR REPLACE FUNCTION f() RETURNS trigger AS $$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql;
DO $$ BEGIN ALTER TABLE "User" ADD COLUMN "x" INT; EXCEPTION WHEN duplicate_column THEN NULL; END $$;
CREATE INDEX "User_name_idx" ON "User"("name"); -- codemod: ignore[duplicate-create]
"""


def _write(tmp_path: Path, sql: str) -> Path:
    root = tmp_path / "migrations"
    (root / "20240101000000_init").mkdir(parents=True)
    (root / "migration_lock.toml").write_text('provider = "postgresql"\n')
    (root / "20240101000000_init" / "migration.sql").write_text(sql)
    return root


def _shape(tokens: list) -> list[tuple]:
    return [(t.token_type, t.text, t.line, t.col, t.start, t.end, list(t.comments)) for t in tokens]


def _fresh_tokens(migration: Migration) -> list[list]:
    text = migration.text if migration.nul_offset is None else migration.text.replace("\x00", " ")  # as the loader reads it
    return [raw.tokens for raw in split_tokens(Dialect.get_or_raise("postgres").tokenize(text))]


def test_statements_that_let_their_tokens_go_get_the_same_ones_back(tmp_path: Path) -> None:
    tree = load_tree(_write(tmp_path, SQL))
    migration = tree.migrations[0]
    kept = [statement.has_tokens for statement in migration.statements]
    assert any(kept) and not all(kept)  # opaque statements and functions keep theirs; parsed ones do not
    for statement in migration.statements:
        if statement.has_tokens:
            assert statement.opaque or statement.keyword == "CREATE"
    expected = _fresh_tokens(migration)
    assert [_shape(statement.tokens) for statement in migration.statements] == [_shape(t) for t in expected]
    assert all(statement.has_tokens for statement in migration.statements)
    assert [statement.keyword for statement in migration.statements] == [t[0].text.upper() for t in expected]


def test_tokens_given_back_read_a_nul_byte_as_the_loader_does(tmp_path: Path) -> None:
    migration = load_tree(_write(tmp_path, 'CREATE TABLE "a" ("id" INT);\x00CREATE TABLE "b" ("id" INT);')).migrations[0]
    assert migration.nul_offset is not None and not any(s.has_tokens for s in migration.statements)
    assert [_shape(s.tokens) for s in migration.statements] == [_shape(t) for t in _fresh_tokens(migration)]


def test_analysis_is_the_same_whatever_tokens_were_kept(tmp_path: Path) -> None:
    root = _write(tmp_path, SQL + 'CREATE TABLE "User" ("id" SERIAL NOT NULL);\n')
    first = analyse(root)
    for statement in first.tree.migrations[0].statements:
        statement.tokens  # noqa: B018  (every statement holds its tokens again)
    again = analyse(root)
    assert [(f.code, f.line, f.col, f.message) for f in first.findings] == [(f.code, f.line, f.col, f.message) for f in again.findings]


def test_a_reused_parser_parses_like_a_new_one_even_after_a_failure() -> None:
    dialect = Dialect.get_or_raise("postgres")
    statements = ["CREATE TABLE a (id INT)", "ALTER TABLE (((", "SELECT 1 FROM", 'CREATE INDEX "i" ON "a"("id")', "ALTER TABLE a ADD COLUMN b TEXT"]
    for text in statements * 2:
        tokens = dialect.tokenize(text)
        reused = parse_statement(dialect, tokens, text)
        try:
            fresh = dialect.parser(error_level=ErrorLevel.RAISE).parse(dialect.tokenize(text), text)
        except Exception:
            fresh = [None]
        assert (reused.sql("postgres") if reused is not None else None) == (fresh[0].sql("postgres") if fresh[0] is not None else None)


@pytest.mark.parametrize("bom", [False, True])
def test_byte_offsets_of_non_ascii_text(bom: bool) -> None:
    text = "-- é\nCREATE TABLE \"😀\" (\"ü\u0301\" TEXT);\n€;"
    migration = Migration("m", Path("."), Path("."), b"", text, bom, "\n")
    expected = list(accumulate((len(c.encode("utf-8")) for c in text), initial=0))
    assert [migration.byte_offset(i) for i in range(len(text) + 1)] == [(3 if bom else 0) + e for e in expected]


def test_relations_are_reachable_by_the_table_that_owns_them() -> None:
    table, other = QName("public", "t"), QName("public", "u")
    seq = RelationState(QName("public", "t_id_seq"), "sequence", None, (table, "id"))
    view = RelationState(QName("public", "v"), "view")
    relations = RelationMap({seq.name: seq, view.name: view})
    assert relations.owned_by(table) == [seq.name] and relations.owned_by(other) == []
    state = SchemaState(relations=dict(relations))  # a copy made with dict() is indexed again
    assert isinstance(state.relations, RelationMap) and state.relations.owned_by(table) == [seq.name]
    moved = relations.pop(seq.name)
    assert moved == seq and relations.owned_by(table) == [] and list(relations) == [view.name]
    with pytest.raises(KeyError):
        relations.pop(seq.name)
    assert relations.pop(seq.name, None) is None


def test_dropping_a_serial_column_drops_its_sequence_and_renames_follow(tmp_path: Path) -> None:
    root = tmp_path / "migrations"
    root.mkdir()
    (root / "migration_lock.toml").write_text('provider = "postgresql"\n')
    sql = [
        'CREATE TABLE "a" ("id" SERIAL, "n" SERIAL);',
        'ALTER TABLE "a" RENAME TO "b"; ALTER TABLE "b" DROP COLUMN "n";',
        'CREATE SEQUENCE "a_n_seq"; CREATE SEQUENCE "b_n_seq";',
        'CREATE SEQUENCE "a_id_seq";',
    ]
    for number, text in enumerate(sql, start=1):
        (root / f"2024010100000{number}_m{number}").mkdir()
        (root / f"2024010100000{number}_m{number}" / "migration.sql").write_text(text)
    analysis = analyse(root)
    # a_n_seq went with its column (renaming the table keeps the sequence's name); a_id_seq is still there
    assert [(f.migration, f.code) for f in analysis.findings if f.severity == "error"] == [("20240101000004_m4", "duplicate-create")]
    final = analysis.replay.final.relations
    assert QName("public", "a_id_seq") in final and final[QName("public", "a_id_seq")].owner == (QName("public", "b"), "id")


@pytest.mark.skipif(SHARED is None, reason="../shared/corpus is not here")
def test_tokens_given_back_match_on_the_corpus() -> None:
    assert SHARED is not None
    for tree_dir in sorted((SHARED / "corpus" / "prisma").iterdir()):
        try:
            tree = load_tree(tree_dir)
        except Exception:  # noqa: BLE001  (bad input is another test's business)
            continue
        if tree.dialect != "postgres":
            continue
        for migration in tree.migrations[:60]:
            if not migration.statements:
                continue
            expected = _fresh_tokens(migration)
            assert [_shape(s.tokens) for s in migration.statements] == [_shape(t) for t in expected], migration.name


def test_a_reused_tokenizer_tokenizes_like_a_new_one_after_a_failure() -> None:
    from codemod.analysis.split import tokenize
    from codemod.errors import CodemodError

    dialect = Dialect.get_or_raise("postgres")
    migration = Migration("m", Path("."), Path("m/migration.sql"), b"", "", False, "\n")
    good = "SELECT 'a;b' AS x; -- c\nDO $$ BEGIN NULL; END $$;"
    for text in ["SELECT 'unterminated", good, "SELECT $$ never closed", good]:
        try:
            reused = _shape(tokenize(dialect, text, migration))
        except CodemodError:
            reused = None
        try:
            fresh = _shape(dialect.tokenizer().tokenize(text))
        except Exception:  # noqa: BLE001
            fresh = None
        assert reused == fresh
