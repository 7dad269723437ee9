"""Signing in over HTTP for the API tests of accounts."""

from domain.accounts.passwords import DEMO_PASSWORD
from tests.conftest import GraphQLClient

TOKENS = "tokens { accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt tokenType user { login } }"
LOGIN = (
    "mutation($input: AuthLoginInput!) { authLogin(input: $input) { "
    + TOKENS
    + " errors { code message field } } }"
)
REFRESH = (
    "mutation($input: AuthRefreshInput!) { authRefresh(input: $input) { "
    + TOKENS
    + " errors { code message } } }"
)
LOGOUT = (
    "mutation($input: AuthLogoutInput!) { authLogout(input: $input) { signedOut "
    "errors { code message field } } }"
)
WHO = "{ viewer { user { login } } }"


async def login(anonymous: GraphQLClient, name: str, password: str = DEMO_PASSWORD) -> dict:
    """The authLogin payload."""
    data = await anonymous.execute(LOGIN, {"input": {"login": name, "password": password}})
    return data["authLogin"]


async def tokens_for(anonymous: GraphQLClient, name: str) -> dict:
    payload = await login(anonymous, name)
    assert payload["errors"] == [], payload
    return payload["tokens"]


def as_bearer(anonymous: GraphQLClient, access_token: str) -> GraphQLClient:
    return GraphQLClient(anonymous.http, anonymous.url, access_token)
