"""GraphiQL works without the internet: its assets come from this server at pinned versions, a
token entered once is used for every request, and it can be switched off."""

import base64
import hashlib
import re
from pathlib import Path

import httpx

from api.app import create_app
from domain.config import Settings
from tests.conftest import TEST_SECRET

STATIC = Path(__file__).parents[2] / "api" / "graphiql" / "static"


def pinned_assets() -> dict[str, str]:
    """path under /graphiql/ → the sha384 VENDORED.md pins for it."""
    rows = re.findall(
        r"^\| (\S+) \| [^|]+ \| (\S+) \|$", (STATIC / "VENDORED.md").read_text(), re.M
    )
    return {path: digest for path, digest in rows if path != "file"}


def sha384(data: bytes) -> str:
    return base64.b64encode(hashlib.sha384(data).digest()).decode()


def test_the_vendored_files_are_the_pinned_releases_with_their_licences():
    assets = pinned_assets()
    assert len(assets) == 6
    for path, digest in assets.items():
        assert sha384((STATIC / path).read_bytes()) == digest, path
        assert (STATIC / path).parent.joinpath("LICENSE").read_text().startswith("MIT License")
    page = (STATIC / "page.html").read_text()
    for path in assets:
        assert f"graphiql/{path}" in page
    assert "https://" not in page and "http://" not in page


async def test_assets_are_served_by_the_server_with_long_lived_cache_headers(server, http):
    base = server.url.removesuffix("/graphql")
    for path, digest in pinned_assets().items():
        response = await http.get(f"{base}/graphiql/{path}")
        assert response.status_code == 200, path
        assert sha384(response.content) == digest
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    ours = await http.get(f"{base}/graphiql/setup.js")
    assert ours.headers["cache-control"] == "no-cache"
    page = await http.get(server.url, headers={"Accept": "text/html"})
    assert "script-src 'self'" in page.headers["content-security-policy"]


async def test_graphiql_can_be_switched_off(engine):
    settings = Settings(
        database_url="sqlite+aiosqlite://", secret_key=TEST_SECRET, app_env="production"
    )
    assert settings.graphiql_enabled is False
    app = create_app(settings, engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        page = await client.get("/graphql", headers={"Accept": "text/html"})
        asset = await client.get("/graphiql/graphiql@3.8.3/graphiql.min.js")
    assert page.status_code == 404
    assert "graphiql" not in page.text.lower()
    assert asset.status_code == 404
    assert Settings(secret_key=TEST_SECRET, app_env="production", graphiql=True).graphiql_enabled
    assert not Settings(secret_key=TEST_SECRET, graphiql=False).graphiql_enabled
