"""Bearer tokens from an external OpenID Connect provider: checked against the key set the test
serves itself (over real HTTP), its issuer and audience, mapped to users by a configurable
claim; a rotated key is fetched when a token names it."""

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from api import oidc
from api.app import create_app

ISSUER = "https://login.example.test/realms/hengda"
AUDIENCE = "salesplan-api"
WHO = "{ viewer { user { login } } }"


class KeySet:
    """RSA keys by key id; the JWKS endpoint publishes the public halves of `published`."""

    def __init__(self) -> None:
        self.private: dict[str, rsa.RSAPrivateKey] = {}
        self.published: list[str] = []
        self.fetches = 0

    def add(self, kid: str, publish: bool = True) -> None:
        self.private[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if publish:
            self.published.append(kid)

    def document(self) -> bytes:
        keys = []
        for kid in self.published:
            jwk = json.loads(RSAAlgorithm.to_jwk(self.private[kid].public_key()))
            keys.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
        return json.dumps({"keys": keys}).encode()

    def token(self, kid: str, minutes: int = 5, **claims) -> str:
        now = datetime.now(UTC)
        body = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": "f3a1c2d4",
            "iat": now,
            "exp": now + timedelta(minutes=minutes),
            **claims,
        }
        return jwt.encode(body, self.private[kid], algorithm="RS256", headers={"kid": kid})


@pytest.fixture
def keys() -> Iterator[tuple[KeySet, str]]:
    """A key set and the URL of its JWKS document, served by a thread of this test."""
    key_set = KeySet()
    key_set.add("key-1")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            key_set.fetches += 1
            body = key_set.document()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield key_set, f"http://127.0.0.1:{server.server_address[1]}/certs"
    server.shutdown()
    server.server_close()


@pytest.fixture
async def provider_api(keys, settings, engine, demo_readonly):
    """The app configured for the provider, called in-process over ASGI."""
    key_set, url = keys
    configured = settings.model_copy(
        update={
            "oidc_issuer": ISSUER,
            "oidc_audience": AUDIENCE,
            "oidc_jwks_url": url,
            "oidc_login_claim": "preferred_username",
        }
    )
    app = create_app(configured, engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as http:

        async def ask(token: str, query: str = WHO, **headers: str) -> httpx.Response:
            headers["Authorization"] = f"Bearer {token}"
            return await http.post("/graphql", json={"query": query}, headers=headers)

        yield key_set, ask


async def test_a_provider_token_signs_in_the_user_its_claim_names(provider_api):
    key_set, ask = provider_api
    response = await ask(key_set.token("key-1", preferred_username="vp"))
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body
    assert body["data"] == {"viewer": {"user": {"login": "vp"}}}


@pytest.mark.parametrize(
    "change",
    [
        {"aud": "another-api"},
        {"iss": "https://login.example.test/realms/other"},
        {"preferred_username": "nobody-with-this-login"},
        {"preferred_username": None},
    ],
)
async def test_a_provider_token_for_another_audience_or_user_is_refused(provider_api, change):
    key_set, ask = provider_api
    claims = {"preferred_username": "vp", **change}
    claims = {k: v for k, v in claims.items() if v is not None}
    response = await ask(key_set.token("key-1", **claims))
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "Invalid or expired token."


async def test_an_expired_provider_token_is_refused(provider_api):
    key_set, ask = provider_api
    response = await ask(key_set.token("key-1", minutes=-5, preferred_username="vp"))
    assert response.status_code == 401


async def test_a_token_signed_by_a_key_the_provider_does_not_publish_is_refused(provider_api):
    key_set, ask = provider_api
    key_set.add("forged", publish=False)
    response = await ask(key_set.token("forged", preferred_username="admin"))
    assert response.status_code == 401
    # Same key id as a published key, other private key: the signature check fails.
    impostor = KeySet()
    impostor.add("key-1", publish=False)
    response = await ask(impostor.token("key-1", preferred_username="admin"))
    assert response.status_code == 401


async def test_a_rotated_key_is_fetched_when_a_token_names_it(provider_api, monkeypatch):
    key_set, ask = provider_api
    monkeypatch.setattr(oidc, "REFETCH_COOLDOWN", 0.0)  # no waiting between forced fetches
    assert (await ask(key_set.token("key-1", preferred_username="planner"))).status_code == 200
    fetched = key_set.fetches
    assert (await ask(key_set.token("key-1", preferred_username="planner"))).status_code == 200
    assert key_set.fetches == fetched  # the key set is cached
    key_set.add("key-2")
    key_set.published.remove("key-1")
    response = await ask(key_set.token("key-2", preferred_username="planner"))
    assert response.status_code == 200
    assert response.json()["data"] == {"viewer": {"user": {"login": "planner"}}}
    assert key_set.fetches == fetched + 1


async def test_the_login_claim_is_configurable(keys, settings, engine, demo_readonly):
    key_set, url = keys
    configured = settings.model_copy(
        update={
            "oidc_issuer": ISSUER,
            "oidc_audience": AUDIENCE,
            "oidc_jwks_url": url,
            "oidc_login_claim": "employee_login",
        }
    )
    app = create_app(configured, engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://api.test"
    ) as http:
        token = key_set.token("key-1", employee_login="finance", preferred_username="vp")
        response = await http.post(
            "/graphql", json={"query": WHO}, headers={"Authorization": f"Bearer {token}"}
        )
    assert response.json()["data"] == {"viewer": {"user": {"login": "finance"}}}


async def test_unknown_key_ids_right_after_a_fetch_do_not_fetch_again(provider_api):
    key_set, ask = provider_api
    assert (await ask(key_set.token("key-1", preferred_username="vp"))).status_code == 200
    fetched = key_set.fetches
    key_set.add("made-up", publish=False)
    for _ in range(5):
        assert (await ask(key_set.token("made-up", preferred_username="vp"))).status_code == 401
    assert key_set.fetches == fetched  # within the cooldown the provider is left alone


async def test_idempotency_keys_work_for_provider_tokens(provider_api):
    key_set, ask = provider_api
    token = key_set.token("key-1", preferred_username="vp")
    sign_out = "mutation { authLogout(input: {}) { signedOut errors { code } } }"
    retry = {"Idempotency-Key": "provider-retry-1"}
    first = await ask(token, sign_out, **retry)
    second = await ask(token, sign_out, **retry)
    assert first.json()["data"] == {
        "authLogout": {"signedOut": False, "errors": [{"code": "REQUIRED"}]}
    }
    assert second.json() == first.json()
    assert "idempotent-replayed" not in first.headers
    assert second.headers["idempotent-replayed"] == "true"
