"""CORS for HTTP: preflights from ALLOWED_ORIGINS are answered, answers carry the allowed origin
(never "*", credentials allowed) and the headers browser code may read; other origins get
nothing. The browser side is tested in tests/browser."""

import httpx
import pytest

from api.app import create_app
from api.cors import EXPOSED_HEADERS

APP_ORIGIN = "https://app.hengda.example"


@pytest.fixture
async def api(settings, engine, demo_readonly):
    configured = settings.model_copy(
        update={"allowed_origins": f"{APP_ORIGIN}, https://portal.hengda.example"}
    )
    transport = httpx.ASGITransport(app=create_app(configured, engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as http:
        yield http


def preflight(origin: str) -> dict:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
    }


async def test_a_preflight_from_an_allowed_origin_is_answered(api):
    response = await api.options("/graphql", headers=preflight(APP_ORIGIN))
    assert response.status_code == 200
    headers = response.headers
    assert headers["access-control-allow-origin"] == APP_ORIGIN
    assert headers["access-control-allow-credentials"] == "true"
    assert set(headers["access-control-allow-methods"].split(", ")) >= {"GET", "POST"}
    allowed = {h.strip().lower() for h in headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key"} <= allowed
    assert headers["access-control-max-age"] == "600"


async def test_a_preflight_from_another_origin_gets_no_allowance(api):
    response = await api.options("/graphql", headers=preflight("https://evil.example"))
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_answers_name_the_allowed_origin_and_expose_our_headers(api):
    response = await api.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"Origin": APP_ORIGIN}
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == APP_ORIGIN
    exposed = {h.strip() for h in response.headers["access-control-expose-headers"].split(",")}
    assert exposed == set(EXPOSED_HEADERS)
    assert "Idempotent-Replayed" in exposed


async def test_a_refused_request_still_carries_the_cors_headers(api):
    response = await api.post(
        "/graphql", json={"query": "{ viewer { roles } }"}, headers={"Origin": APP_ORIGIN}
    )
    assert response.status_code == 401  # the browser app can read why
    assert response.headers["access-control-allow-origin"] == APP_ORIGIN


async def test_without_allowed_origins_there_are_no_cors_headers(settings, engine, demo_readonly):
    transport = httpx.ASGITransport(app=create_app(settings, engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as http:
        response = await http.options("/graphql", headers=preflight(APP_ORIGIN))
    assert response.status_code == 405
    assert "access-control-allow-origin" not in response.headers
