"""domain.config: settings come from the environment; production refuses the development secret."""

import pytest

from domain.config import DEFAULT_DATABASE_URL, DEFAULT_SECRET_KEY, Settings

STRONG_SECRET = "k" * 32


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No setting from the caller's environment or a .env file leaks into the test."""
    for name in ("DATABASE_URL", "PORT", "SECRET_KEY", "APP_ENV", "HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def test_the_defaults_are_the_embedded_sqlite_file_port_8000_and_development(clean_env):
    settings = Settings()
    assert settings.database_url == DEFAULT_DATABASE_URL == "sqlite+aiosqlite:///var/salesplan.db"
    assert settings.port == 8000
    assert settings.app_env == "development"
    assert settings.secret_key == DEFAULT_SECRET_KEY


def test_every_setting_is_read_from_its_upper_case_environment_variable(clean_env):
    clean_env.setenv("DATABASE_URL", "postgresql+asyncpg://u@db:5432/plans")
    clean_env.setenv("PORT", "8123")
    clean_env.setenv("SECRET_KEY", STRONG_SECRET)
    clean_env.setenv("APP_ENV", "production")
    settings = Settings()
    assert (settings.database_url, settings.port, settings.secret_key, settings.app_env) == (
        "postgresql+asyncpg://u@db:5432/plans",
        8123,
        STRONG_SECRET,
        "production",
    )


def test_an_unknown_app_env_is_refused(clean_env):
    clean_env.setenv("APP_ENV", "staging")
    with pytest.raises(ValueError, match="app_env"):
        Settings()


def test_development_accepts_the_default_secret(clean_env):
    Settings(app_env="development").check_production()


@pytest.mark.parametrize("secret", [DEFAULT_SECRET_KEY, "short-secret"])
def test_production_refuses_the_default_or_a_short_secret(clean_env, secret):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        Settings(app_env="production", secret_key=secret).check_production()


def test_production_accepts_a_random_secret_of_32_characters(clean_env):
    Settings(app_env="production", secret_key=STRONG_SECRET).check_production()


def test_the_app_itself_will_not_start_in_production_with_the_default_secret(clean_env):
    from api.app import create_app

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Settings(app_env="production"))
