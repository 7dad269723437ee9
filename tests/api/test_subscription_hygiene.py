"""Limits and clean-up of live connections."""

import asyncio
import json

from sqlalchemy import text
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from api.live.transport import ACCESS_CHANGED
from tests.api.live_client import PROTOCOL, live, token_of

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


async def test_connections_whose_viewer_lost_or_changed_access_are_closed(
    live_demo, server, settings
):
    tokens = {
        login: await token_of(live_demo, settings, login) for login in ("partner", "sales", "vp")
    }
    async with (
        live(server.ws_url, tokens["partner"]) as partner,
        live(server.ws_url, tokens["sales"]) as sales,
        live(server.ws_url, tokens["vp"]) as vp,
    ):
        for client in (partner, sales, vp):
            await client.subscribe(PLAN_CHANGES)
        assert await server.viewer_watch.recheck() == 0  # nothing changed yet
        async with live_demo.begin() as conn:
            await conn.execute(text("UPDATE app_user SET active = false WHERE login = 'partner'"))
            # The salesperson moves to another department: another reach.
            await conn.execute(
                text(
                    "UPDATE salesperson SET department_id = (SELECT max(id) FROM department "
                    "WHERE id <> salesperson.department_id) "
                    "WHERE user_id = (SELECT id FROM app_user WHERE login = 'sales')"
                )
            )
        assert await server.viewer_watch.recheck() == 2
        for client in (partner, sales):
            try:
                message = await client.message()
            except ConnectionClosed as closed:
                assert (closed.rcvd.code, closed.rcvd.reason) == (4403, ACCESS_CHANGED)
            else:
                raise AssertionError(f"still open, got {message}")
        await vp.ws.send(json.dumps({"type": "ping"}))
        pong = json.loads(await asyncio.wait_for(vp.ws.recv(), 5))
        assert pong["type"] == "pong"  # unchanged: still served
    # A new connection of the deactivated user is refused outright.
    async with connect(server.ws_url, subprotocols=[PROTOCOL]) as ws:
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"token": tokens["partner"]}})
        )
        try:
            await asyncio.wait_for(ws.recv(), 5)
        except ConnectionClosed as closed:
            assert closed.rcvd.code == 4403
        else:
            raise AssertionError("a deactivated user's connection was accepted")
