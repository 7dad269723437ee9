"""The `salesplan` console script: migrate, demo, token and export-schema, as a new user runs them."""

import pytest

from api.cli import main
from api.schema import schema_sdl
from domain.config import get_settings
from domain.tokens import read_token

SECRET = "cli-test-secret-0123456789abcdef0123456789"


@pytest.fixture
def environment(monkeypatch, tmp_path):
    """DATABASE_URL and SECRET_KEY of a fresh SQLite file, as `make run` users set them."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/var/cli.db")
    monkeypatch.setenv("SECRET_KEY", SECRET)
    monkeypatch.setenv("APP_ENV", "development")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_migrate_then_demo_then_token_gives_a_token_for_the_login(environment, capsys):
    assert main(["migrate"]) == 0
    assert (environment / "var" / "cli.db").exists()
    assert main(["demo", "--if-empty"]) == 0
    out = capsys.readouterr().out
    assert (
        "demo loaded: 3 departments, 10 salespeople, 10 products, 168 plans, 1440 plan lines" in out
    )

    assert main(["token", "vp"]) == 0
    token = capsys.readouterr().out.strip()
    assert read_token(token, SECRET) == 2  # vp is the second demo login


def test_demo_if_empty_leaves_a_loaded_database_alone_and_demo_refuses_it(environment, capsys):
    main(["migrate"])
    main(["demo"])
    capsys.readouterr()
    assert main(["demo", "--if-empty"]) == 0
    assert "already has data; left as it is" in capsys.readouterr().out
    assert main(["demo"]) == 1
    assert "not empty" in capsys.readouterr().err


def test_a_token_for_an_unknown_login_is_refused(environment, capsys):
    main(["migrate"])
    assert main(["token", "nobody"]) == 1
    assert "no active user with login 'nobody'" in capsys.readouterr().err


def test_export_schema_writes_the_sdl_and_check_notices_drift(environment, capsys):
    path = environment / "schema.graphql"
    assert main(["export-schema", str(path)]) == 0
    assert path.read_text() == schema_sdl()
    assert main(["export-schema", "--check", str(path)]) == 0
    path.write_text(path.read_text() + "\n# drift\n")
    assert main(["export-schema", "--check", str(path)]) == 1
    assert "out of date" in capsys.readouterr().err


def test_serve_refuses_to_start_in_production_with_the_default_secret(environment, monkeypatch):
    monkeypatch.delenv("SECRET_KEY")
    monkeypatch.setenv("APP_ENV", "production")
    get_settings.cache_clear()
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        main(["serve"])
