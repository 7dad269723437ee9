"""Websocket connections authenticate in batches: connections waiting together share one
database read, each judged exactly as on its own (an ended sign-in, a deactivated user, a bad
or expired token are refused), and nothing is cached between reads."""

import asyncio
import json

from sqlalchemy import text
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from api.auth import AuthenticationFailed
from api.live.sign_in import ConnectionSignIn
from tests.api.accounts.sign_in_helpers import LOGOUT, tokens_for
from tests.api.live_client import PROTOCOL, token_of
from tests.conftest import token_for


async def outcome(sign_in: ConnectionSignIn, token: str | None) -> str:
    try:
        identity = await sign_in.identify(token)
    except AuthenticationFailed:
        return "refused"
    return identity.actor.login


async def test_connections_waiting_together_share_one_read_and_each_gets_its_own_answer(
    live_demo, settings, client_for
):
    anonymous = await client_for(None)
    signed_in = await tokens_for(anonymous, "planner")
    signed_out = await tokens_for(anonymous, "sales")
    out = await anonymous.execute(LOGOUT, {"input": {"refreshToken": signed_out["refreshToken"]}})
    assert out["authLogout"]["signedOut"] is True
    partner = await token_of(live_demo, settings, "partner")
    async with live_demo.begin() as conn:
        await conn.execute(text("UPDATE app_user SET active = false WHERE login = 'partner'"))
    async with live_demo.connect() as conn:
        vp_id = (
            await conn.execute(text("SELECT id FROM app_user WHERE login = 'vp'"))
        ).scalar_one()
    tokens = {
        "vp": await token_of(live_demo, settings, "vp"),
        "planner": signed_in["accessToken"],
        "ended sign-in": signed_out["accessToken"],
        "deactivated": partner,
        "expired": token_for(settings, vp_id, "vp", minutes=-1),
        "garbage": "not-a-token",
        "none": None,
    }
    sign_in = ConnectionSignIn(live_demo, settings)
    answers = await asyncio.gather(
        *(outcome(sign_in, t) for t in tokens.values() for _ in range(5))
    )
    assert dict(zip(tokens, answers[::5], strict=True)) == {
        "vp": "vp",
        "planner": "planner",
        "ended sign-in": "refused",
        "deactivated": "refused",
        "expired": "refused",
        "garbage": "refused",
        "none": "refused",
    }
    assert answers == [a for a in answers[::5] for _ in range(5)]
    assert sign_in.reads == 1  # thirty-five connections, one read
    # Nothing is kept: the next connection reads the rows as they are then.
    async with live_demo.begin() as conn:
        await conn.execute(text("UPDATE app_user SET active = false WHERE login = 'vp'"))
    assert await outcome(sign_in, tokens["vp"]) == "refused"
    assert sign_in.reads == 2


async def test_many_sockets_opened_at_once_are_acknowledged_or_refused_each_on_its_own(
    live_demo, server, settings
):
    good = await token_of(live_demo, settings, "vp")

    async def open_with(token: str) -> str:
        async with connect(server.ws_url, subprotocols=[PROTOCOL]) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {"token": token}}))
            try:
                return json.loads(await asyncio.wait_for(ws.recv(), 10))["type"]
            except ConnectionClosed as closed:
                return str(closed.rcvd.code)

    answers = await asyncio.gather(*(open_with(good if n % 3 else "bad") for n in range(60)))
    assert answers == ["4403" if n % 3 == 0 else "connection_ack" for n in range(60)]
