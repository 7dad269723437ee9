"""GraphiQL in a real browser (headless Chromium) with no internet: it renders from the assets
this server serves, runs a query with a token entered once, and keeps that token."""

import asyncio

import pytest

from tests.api.live_client import token_of
from tests.browser.chromium import chromium_binary, headless_chromium

BROWSER = chromium_binary()
RESULT = "(document.querySelector('.graphiql-response')?.innerText || '')"


async def wait_for(page, expression: str, seconds: float = 20):
    """Poll the page until `expression` is truthy; its value."""
    async with asyncio.timeout(seconds):
        while True:
            if value := await page.evaluate(expression):
                return value
            await asyncio.sleep(0.1)


@pytest.mark.skipif(BROWSER is None, reason="no Chromium: apt-get install chromium (CI does)")
async def test_graphiql_renders_offline_runs_a_query_and_keeps_the_token_entered_once(
    demo_readonly, server, settings
):
    token = await token_of(demo_readonly, settings, "vp")
    origin = server.url.removesuffix("/graphql")
    async with headless_chromium(BROWSER) as browser:
        page = await browser.new_page()
        await page.goto(server.url)
        await wait_for(page, "!!document.querySelector('.graphiql-execute-button')")
        assert "no token" in await page.evaluate("document.getElementById('token-state').innerText")

        await page.evaluate(
            f"document.getElementById('token').value = 'Bearer {token}';"
            "document.getElementById('token-bar').requestSubmit(); true"
        )
        assert await page.evaluate("document.getElementById('token').value") == ""
        await page.evaluate("document.querySelector('.graphiql-execute-button').click()")
        result = await wait_for(page, f"{RESULT}.includes('displayName') && {RESULT}")
        assert '"login": "vp"' in result
        assert '"VP"' in result

        # A new visit: the token is still there, nothing to enter again.
        await page.goto(server.url)
        await wait_for(page, "!!document.querySelector('.graphiql-execute-button')")
        assert await page.evaluate("document.getElementById('token-state').innerText") == (
            "token in use"
        )
        await page.evaluate("document.querySelector('.graphiql-execute-button').click()")
        again = await wait_for(page, f"{RESULT}.includes('displayName') && {RESULT}")
        assert '"login": "vp"' in again

        # Everything the page loaded came from this server: nothing from a CDN.
        loaded = await page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
        assert len(loaded) >= 8
        assert all(url.startswith(origin) for url in loaded), loaded
        assert token not in await page.evaluate("document.body.innerText")
