"""A real browser (headless Chromium) runs a web app served from another origin than the API:
it signs in with authLogin, queries, receives a subscription event over a websocket, and reads
an exposed header. From an origin not in ALLOWED_ORIGINS the same fetch is blocked."""

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import uvicorn

from api.app import create_app
from tests.api.lookups import plan_global_id
from tests.browser.chromium import chromium_binary, headless_chromium
from tests.conftest import free_port

HERE = Path(__file__).parent
BROWSER = chromium_binary()
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no Chromium: apt-get install chromium (CI does)"
)


class QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve_pages() -> tuple[ThreadingHTTPServer, str]:
    """This directory over HTTP on a port of its own: a separate origin."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietFiles, directory=str(HERE)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def page_origins() -> Iterator[tuple[str, str]]:
    """Two origins serving the app page: the first is allowed by the API, the second not."""
    allowed, allowed_origin = serve_pages()
    foreign, foreign_origin = serve_pages()
    yield allowed_origin, foreign_origin
    for server in (allowed, foreign):
        server.shutdown()
        server.server_close()


@pytest.fixture
async def cors_api(engine, settings, page_origins, live_demo) -> AsyncIterator[str]:
    """The API behind uvicorn, allowing the first page origin; its base URL."""
    allowed_origin, _ = page_origins
    app = create_app(settings.model_copy(update={"allowed_origins": allowed_origin}), engine)
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", ws="websockets-sansio"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn.Server offers a flag, no event)
        await asyncio.sleep(0.02)
    yield f"127.0.0.1:{port}"
    server.should_exit = True
    await task


async def test_a_page_on_another_origin_signs_in_queries_and_follows_events(
    cors_api, page_origins, live_demo
):
    allowed_origin, _ = page_origins
    plan = await plan_global_id(live_demo, "Salesperson", "S0001", 12)  # a DRAFT of Li Wei's
    async with headless_chromium(BROWSER) as browser:
        page = await browser.new_page()
        await page.goto(f"{allowed_origin}/cross_origin_app.html")
        result = await page.evaluate(
            f'runApp("http://{cors_api}/graphql", "ws://{cors_api}/graphql", "{plan}")'
        )
    assert result["origin"] == allowed_origin
    assert result["signedInAs"] == "sales"
    assert result["read"] == {
        "viewer": {"user": {"login": "sales"}},
        "salesPlan": {"title": "Sales plan 2026-12", "status": "DRAFT"},
    }
    assert result["submitted"] == {"salesPlan": {"status": "SUBMITTED"}, "errors": []}
    assert result["replayedHeader"] == "true"
    assert result["replayedBody"] == result["submitted"]
    assert result["event"] == {
        "action": "SUBMITTED",
        "fromStatus": "DRAFT",
        "toStatus": "SUBMITTED",
        "salesPlan": {"title": "Sales plan 2026-12"},
    }


async def test_a_page_on_an_origin_not_allowed_cannot_read_answers(cors_api, page_origins):
    _, foreign_origin = page_origins
    async with headless_chromium(BROWSER) as browser:
        page = await browser.new_page()
        await page.goto(f"{foreign_origin}/cross_origin_app.html")
        result = await page.evaluate(f'tryFetch("http://{cors_api}/graphql")')
    assert result == {"ok": False, "error": "TypeError: Failed to fetch"}
