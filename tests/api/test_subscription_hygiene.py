"""Limits and clean-up of live connections."""

import asyncio
import json

from tests.api.live_client import live, token_of

PLAN_CHANGES = "subscription { salesPlanStatusChanged { cursor } }"
MAX_PER_CONNECTION = 50


async def subscribers_settle(hub, expected: int) -> int:
    for _ in range(100):
        if hub.subscriber_count == expected:
            break
        await asyncio.sleep(0.05)
    return hub.subscriber_count


async def test_a_connection_may_hold_fifty_subscriptions_and_no_more(live_demo, server, settings):
    async with live(server.ws_url, await token_of(live_demo, settings, "vp")) as client:
        for _ in range(MAX_PER_CONNECTION):
            await client.subscribe(PLAN_CHANGES)
        one_too_many = await client.subscribe(PLAN_CHANGES)
        message = await client.message()
    assert message["id"] == one_too_many and message["type"] == "error"
    assert message["payload"][0]["message"] == "Subscription limit reached"


async def test_subscriptions_of_a_vanished_client_are_cleaned_up(live_demo, server, settings):
    before = server.hub.subscriber_count
    async with live(server.ws_url, await token_of(live_demo, settings, "vp")) as client:
        for _ in range(3):
            await client.subscribe(PLAN_CHANGES)
        assert await subscribers_settle(server.hub, before + 3) == before + 3
        client.ws.transport.abort()  # the client vanishes without a close frame
    assert await subscribers_settle(server.hub, before) == before


async def test_a_completed_subscription_stops_and_is_forgotten(live_demo, server, settings):
    before = server.hub.subscriber_count
    async with live(server.ws_url, await token_of(live_demo, settings, "vp")) as client:
        op = await client.subscribe(PLAN_CHANGES)
        assert await subscribers_settle(server.hub, before + 1) == before + 1
        await client.complete(op)
        assert await subscribers_settle(server.hub, before) == before


async def test_a_ping_gets_a_pong(live_demo, server, settings):
    async with live(server.ws_url, await token_of(live_demo, settings, "vp")) as client:
        await client.ws.send(json.dumps({"type": "ping"}))
        assert json.loads(await asyncio.wait_for(client.ws.recv(), 5)) == {"type": "pong"}
