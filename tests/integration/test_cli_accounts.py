"""`salesplan user-add` and `salesplan password`: the operator makes the first admin of an empty
installation and sets passwords, with the rules the admin mutations apply."""

import asyncio
import io
from datetime import timedelta

import pytest

from api.cli import main
from domain.config import get_settings
from domain.services.accounts.sign_in import AuthLogin, SessionTerms, SignedIn, sign_in
from domain.services.pipeline import UseCases
from domain.store.db import create_engine

TERMS = SessionTerms(refresh_ttl=timedelta(days=1), max_age=timedelta(days=1))


@pytest.fixture
def environment(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/var/cli.db")
    monkeypatch.setenv("SECRET_KEY", "cli-test-secret-0123456789abcdef0123456789")
    monkeypatch.setenv("APP_ENV", "development")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def typed(monkeypatch, text: str) -> None:
    """What the operator pipes into the command (standard input is not a terminal)."""
    monkeypatch.setattr("sys.stdin", io.StringIO(text + "\n"))


def signs_in(login: str, password: str) -> bool:
    async def attempt() -> bool:
        engine = create_engine(get_settings().database_url)
        try:
            result = await sign_in(UseCases(engine), AuthLogin(login, password, TERMS))
            return isinstance(result.value, SignedIn)
        finally:
            await engine.dispose()

    return asyncio.run(attempt())


def test_the_first_admin_is_made_from_the_console_and_signs_in(environment, monkeypatch, capsys):
    assert main(["migrate"]) == 0
    typed(monkeypatch, "first admin passphrase")
    assert main(["user-add", "root", "--name", "Operations", "--role", "admin"]) == 0
    assert "user root created" in capsys.readouterr().out
    assert signs_in("root", "first admin passphrase")

    typed(monkeypatch, "a second passphrase")
    assert main(["password", "root"]) == 0
    assert "password of root set" in capsys.readouterr().out
    assert not signs_in("root", "first admin passphrase")
    assert signs_in("root", "a second passphrase")


def test_the_console_applies_the_same_rules(environment, monkeypatch, capsys):
    main(["migrate"])
    typed(monkeypatch, "short")
    assert main(["user-add", "root", "--name", "Ops", "--role", "ADMIN"]) == 1
    assert capsys.readouterr().err == "INVALID: password: the password: at least 10 characters\n"
    assert main(["user-add", "root", "--name", "Ops", "--role", "CHIEF"]) == 2
    assert "roles are ADMIN" in capsys.readouterr().err
    assert main(["password", "nobody"]) == 1
    assert "no user with login 'nobody'" in capsys.readouterr().err
