"""DATABASE_URL where Prisma users keep it: the flag, the environment, .env, schema.prisma's env()."""

from __future__ import annotations

from pathlib import Path

import pytest

from codemod.cli import app
from codemod.database_url import find_database_url, parse_dotenv


@pytest.fixture(autouse=True)
def no_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "APP_DB", "POSTGRES_PRISMA_URL"):
        monkeypatch.delenv(name, raising=False)


def project(tmp_path: Path, schema: str | None = None, env: str | None = None, prisma_env: str | None = None) -> Path:
    root = tmp_path / "app"
    migrations = root / "prisma" / "migrations"
    (migrations / "20240101000000_init").mkdir(parents=True)
    (migrations / "20240101000000_init" / "migration.sql").write_text('CREATE TABLE "a" ("id" INTEGER);\n')
    (migrations / "migration_lock.toml").write_text('provider = "postgresql"\n')
    if schema is not None:
        (root / "prisma" / "schema.prisma").write_text(schema)
    if env is not None:
        (root / ".env").write_text(env)
    if prisma_env is not None:
        (root / "prisma" / ".env").write_text(prisma_env)
    return root


def test_dotenv_syntax() -> None:
    text = (
        "# a comment\n"
        "export DATABASE_URL=\"postgresql://u:p@h:5432/db?schema=app\"  # trailing comment\n"
        "SINGLE='literal $HOME # not a comment'\n"
        "PLAIN=value with spaces # comment\n"
        "HASH=a#b\n"
        "EMPTY=\n"
        "MULTI=\"first\nsecond\"\n"
        "ESCAPED=\"a\\nb \\\"q\\\"\"\n"
        "EXPANDED=${PLAIN}-${MISSING:-fallback}-$HASH\n"
        "   SPACED   =   x   \n"
        "not a pair\n"
    )
    assert parse_dotenv(text, {}) == {
        "DATABASE_URL": "postgresql://u:p@h:5432/db?schema=app",
        "SINGLE": "literal $HOME # not a comment",
        "PLAIN": "value with spaces",
        "HASH": "a#b",
        "EMPTY": "",
        "MULTI": "first\nsecond",
        "ESCAPED": 'a\nb "q"',
        "EXPANDED": "value with spaces-fallback-a#b",
        "SPACED": "x",
    }
    assert parse_dotenv("A=${B}\r\n", {"B": "from-env"}) == {"A": "from-env"}


def test_order_flag_environment_dotenv_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    schema = 'datasource db {\n  provider = "postgresql"\n  url      = env("APP_DB")\n}\n'
    root = project(tmp_path, schema=schema, env="APP_DB=postgresql://from-dotenv-name/db\n")
    found = find_database_url(None, root)
    assert found.url == "postgresql://from-dotenv-name/db" and "named by" in found.source
    (root / ".env").write_text("APP_DB=postgresql://named/db\nDATABASE_URL=postgresql://dotenv/db\n")
    assert find_database_url(None, root).url == "postgresql://dotenv/db"
    monkeypatch.setenv("APP_DB", "postgresql://env-named/db")
    assert find_database_url(None, root / "prisma" / "migrations").url == "postgresql://dotenv/db"
    monkeypatch.setenv("DATABASE_URL", "postgresql://env/db")
    assert find_database_url(None, root).url == "postgresql://env/db"
    assert find_database_url("postgresql://flag/db", root).url == "postgresql://flag/db"


def test_schema_env_name_from_the_environment_and_prisma_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    schema = 'generator client {\n  provider = "prisma-client-js"\n}\n\ndatasource db {\n  provider = "postgresql"\n  url = env("POSTGRES_PRISMA_URL")\n  directUrl = env("DIRECT")\n}\n'
    root = project(tmp_path, schema=schema, prisma_env="POSTGRES_PRISMA_URL='postgresql://prisma-dir/db'\n")
    assert find_database_url(None, root / "prisma").url == "postgresql://prisma-dir/db"
    monkeypatch.setenv("POSTGRES_PRISMA_URL", "postgresql://environment/db")
    assert find_database_url(None, root).url == "postgresql://environment/db"


def test_literal_url_prisma_config_and_nothing(tmp_path: Path) -> None:
    root = project(tmp_path, schema='datasource db {\n  provider = "postgresql"\n  url = "postgresql://literal/db"\n}\n')
    assert find_database_url(None, root).url == "postgresql://literal/db"
    other = project(tmp_path / "two", env="SHADOW=x\n")
    (other / "prisma.config.ts").write_text('export default defineConfig({ datasource: { url: env("APP_DB") } })\n')
    (other / ".env").write_text("APP_DB=postgresql://config/db\n")
    assert find_database_url(None, other).url == "postgresql://config/db"
    bare = project(tmp_path / "three", schema='datasource db {\n  provider = "postgresql"\n  url = env("UNSET_NAME")\n}\n')
    found = find_database_url(None, bare)
    assert found.url is None and 'env("UNSET_NAME")' in found.source


@pytest.mark.parametrize("command", ["status", "doctor", "resolve"])
def test_no_url_anywhere_is_one_line(cli, tmp_path: Path, command: str) -> None:
    root = project(tmp_path)
    result = cli.invoke(app, [command, str(root)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "no database URL" in result.stderr and ".env" in result.stderr


@pytest.mark.parametrize("command", ["status", "doctor", "resolve", "cleanup"])
def test_url_from_dotenv_is_used_and_masked(cli, tmp_path: Path, command: str, pg_cluster) -> None:
    secret = "S3cr3tFromDotenv"
    url = f"postgresql://{pg_cluster.superuser}:{secret}@127.0.0.1:{pg_cluster.port}/postgres"  # trust auth
    root = project(tmp_path, env=f'DATABASE_URL="{url}"\n')
    args = [command, str(root)] + (["--dry-run"] if command in ("resolve", "cleanup") else [])
    result = cli.invoke(app, args)
    assert result.exit_code in (0, 1), result.output
    assert secret not in result.output
    if command in ("status", "doctor"):
        assert f"127.0.0.1:{pg_cluster.port}" in result.stdout and "***" in result.stdout


def test_verify_uses_the_dotenv_url(cli, tmp_path: Path, pg_cluster) -> None:
    root = project(tmp_path, env=f"DATABASE_URL={pg_cluster.url}\n")
    result = cli.invoke(app, ["verify", str(root)])
    assert result.exit_code == 0, result.output
    assert f"127.0.0.1:{pg_cluster.port}" in result.stdout.splitlines()[0]  # not a temporary cluster
