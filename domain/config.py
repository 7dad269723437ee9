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
    # Origins of browser apps allowed to call the API (comma separated), over HTTP (CORS) and
    # websockets; empty means same-origin only.
    allowed_origins: str = ""
    # Sign-in (authLogin): access tokens are short-lived; refresh tokens rotate and lapse when
    # unused this long; a session ends this long after sign-in whatever happens.
    access_token_ttl_minutes: int = 15
    refresh_token_ttl_days: int = 14
    session_max_days: int = 90
    # An external identity provider (OpenID Connect): bearer tokens it signed are accepted when
    # OIDC_ISSUER is set; users are found by the claim OIDC_LOGIN_CLAIM, equal to their login.
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_jwks_url: str | None = None
    oidc_login_claim: str = "preferred_username"
    oidc_algorithms: str = "RS256,ES256"
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

    @property
    def origins(self) -> list[str]:
        """ALLOWED_ORIGINS as a list."""
        return [o.strip() for o in self.allowed_origins.split(",") if o.strip()]

    def check_production(self) -> None:
        """Refuse settings that are only safe on a developer's machine."""
        if self.app_env == "production" and (
            self.secret_key == DEFAULT_SECRET_KEY or len(self.secret_key) < 32
        ):
            raise RuntimeError(
                "APP_ENV=production needs SECRET_KEY set to a random value of 32+ characters"
            )
        if self.oidc_issuer and not (self.oidc_audience and self.oidc_jwks_url):
            raise RuntimeError("OIDC_ISSUER needs OIDC_AUDIENCE and OIDC_JWKS_URL set too")


@lru_cache
def get_settings() -> Settings:
    return Settings()
