"""A database that is missing, unreachable or not migrated: every command says so in one line
that names what to run, and exits with status 2 (no traceback)."""

import asyncio

import pytest
from sqlalchemy import text

from api.cli import main
from domain.config import get_settings
from domain.store.db import create_engine
from domain.store.migrate import head_revision, upgrade
from tests.conftest import free_port


@pytest.fixture
def environment(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SECRET_KEY", "readiness-secret-0123456789abcdef012345")
    monkeypatch.setenv("APP_ENV", "development")

    def use(url: str) -> None:
        monkeypatch.setenv("DATABASE_URL", url)
        get_settings.cache_clear()

    yield use
    get_settings.cache_clear()


def one_line(capsys) -> str:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


@pytest.mark.parametrize("command", [["token", "vp"], ["demo"], ["serve"]])
def test_a_command_on_a_missing_sqlite_file_says_to_migrate_and_creates_nothing(
    environment, tmp_path, capsys, command
):
    environment(f"sqlite+aiosqlite:///{tmp_path}/var/none.db")
    assert main(command) == 2
    line = one_line(capsys)
    assert line.startswith(f"salesplan {command[0]}: there is no database at ")
    assert "run `salesplan migrate`" in line
    assert not (tmp_path / "var" / "none.db").exists()


def test_a_command_on_a_database_without_tables_says_to_migrate(environment, tmp_path, capsys):
    (tmp_path / "empty.db").touch()
    environment(f"sqlite+aiosqlite:///{tmp_path}/empty.db")
    assert main(["token", "vp"]) == 2
    assert one_line(capsys).endswith("has no tables yet: run `salesplan migrate`")


def test_a_database_migrated_by_older_code_says_to_migrate(environment, tmp_path, capsys):
    url = f"sqlite+aiosqlite:///{tmp_path}/old.db"

    async def migrate_to_first_revision() -> None:
        engine = create_engine(url)
        try:
            await upgrade(engine, "0001")
        finally:
            await engine.dispose()

    asyncio.run(migrate_to_first_revision())
    environment(url)
    assert main(["demo"]) == 2
    line = one_line(capsys)
    assert f"is at schema version 0001, this code needs {head_revision()}" in line
    assert line.endswith("run `salesplan migrate` (with this version of the code)")


def test_a_database_migrated_by_newer_code_says_so(environment, tmp_path, capsys):
    url = f"sqlite+aiosqlite:///{tmp_path}/new.db"

    async def pretend_newer() -> None:
        engine = create_engine(url)
        try:
            await upgrade(engine)
            async with engine.begin() as conn:
                await conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        finally:
            await engine.dispose()

    asyncio.run(pretend_newer())
    environment(url)
    assert main(["token", "vp"]) == 2
    assert "schema version 9999, which this code does not know" in one_line(capsys)


@pytest.mark.parametrize("command", [["migrate"], ["token", "vp"], ["serve"], ["worker"]])
def test_an_unreachable_postgresql_is_one_line_with_the_url_without_its_password(
    environment, capsys, command
):
    port = free_port()  # nothing listens there
    environment(f"postgresql+asyncpg://planner:s3cret@127.0.0.1:{port}/plans")
    assert main(command) == 2
    line = one_line(capsys)
    assert line.startswith(f"salesplan {command[0]}: cannot reach the database ")
    assert f"postgresql+asyncpg://planner:***@127.0.0.1:{port}/plans" in line
    assert "s3cret" not in line
    assert line.endswith("start it, or point DATABASE_URL at one that runs")


def test_migrate_then_token_works_once_the_database_is_there(environment, tmp_path, capsys):
    environment(f"sqlite+aiosqlite:///{tmp_path}/var/fresh.db")
    assert main(["migrate"]) == 0
    assert main(["demo", "--if-empty"]) == 0
    capsys.readouterr()
    assert main(["token", "vp"]) == 0
    assert capsys.readouterr().out.count(".") == 2  # a JWT
