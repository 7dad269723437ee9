"""Settings read from the environment (and an optional .env file)."""

from functools import lru_cache
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

# Only for development: production refuses to start with it (see Settings.check_production).
DEFAULT_SECRET_KEY = "dev-only-secret-change-me-0123456789abcdef"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///var/salesplan.db"


class Settings(BaseSettings):
    """Process configuration; every field can be set by the upper-case environment variable."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = DEFAULT_SECRET_KEY
    app_env: Literal["development", "production"] = "development"
    token_ttl_minutes: int = 12 * 60
    # Wakes the event hubs of several server processes: redis://... or postgresql://...;
    # unset: one process, in memory.
    event_broker_url: str | None = None
    # Origins allowed to open browser websockets (comma separated); empty means same-origin only.
    allowed_origins: str = ""
    # Logs: one JSON object per line (for log collectors) or plain text (for a terminal).
    log_format: Literal["json", "text"] = "json"
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    # GraphiQL at GET /graphql: on unless APP_ENV=production; GRAPHIQL=true/false decides.
    graphiql: bool | None = None
    # Prometheus figures at /metrics; when set, a scrape must send `Authorization: Bearer <it>`.
    metrics_token: str | None = None

    @property
    def graphiql_enabled(self) -> bool:
        return self.app_env != "production" if self.graphiql is None else self.graphiql

    def check_production(self) -> None:
        """Refuse settings that are only safe on a developer's machine."""
        if self.app_env == "production" and (
            self.secret_key == DEFAULT_SECRET_KEY or len(self.secret_key) < 32
        ):
            raise RuntimeError(
                "APP_ENV=production needs SECRET_KEY set to a random value of 32+ characters"
            )


@lru_cache
def get_settings() -> Settings:
    return Settings()
