"""Ending a sign-in closes the websockets opened with its tokens, at once and without waiting
for the viewer watch's period: signing out, a reused refresh token, an admin revoking the user's
sessions, and deactivation all do."""

import asyncio

from websockets.exceptions import ConnectionClosed

from api.live.transport import ACCESS_CHANGED
from tests.api.accounts.sign_in_helpers import LOGOUT, REFRESH, as_bearer, tokens_for
from tests.api.live_client import live
from tests.api.lookups import user_global_id

PLAN_CHANGES = "subscription { salesPlanStatusChanged { cursor } }"


async def closed_with(client, seconds: float = 5.0) -> tuple[int, str]:
    """The close code and reason of a connection the server ends within `seconds`."""
    try:
        async with asyncio.timeout(seconds):
            while True:
                await client.message(seconds)
    except ConnectionClosed as closed:
        return closed.rcvd.code, closed.rcvd.reason
    raise AssertionError("the connection stayed open")


async def test_signing_out_closes_that_sign_ins_websockets_only(live_demo, server, client_for):
    anonymous = await client_for(None)
    leaving = await tokens_for(anonymous, "vp")
    staying = await tokens_for(anonymous, "vp")
    async with (
        live(server.ws_url, leaving["accessToken"]) as ended,
        live(server.ws_url, staying["accessToken"]) as kept,
    ):
        await ended.subscribe(PLAN_CHANGES)
        await kept.subscribe(PLAN_CHANGES)
        out = await anonymous.execute(LOGOUT, {"input": {"refreshToken": leaving["refreshToken"]}})
        assert out["authLogout"]["signedOut"] is True
        assert await closed_with(ended) == (4403, ACCESS_CHANGED)
        assert await kept.nothing_within(0.5)


async def test_a_reused_refresh_token_closes_the_websockets_of_its_sign_in(
    live_demo, server, client_for
):
    anonymous = await client_for(None)
    tokens = await tokens_for(anonymous, "planner")
    async with live(server.ws_url, tokens["accessToken"]) as client:
        await client.subscribe(PLAN_CHANGES)
        for _ in range(2):  # the second use is a reuse
            await anonymous.execute(REFRESH, {"input": {"refreshToken": tokens["refreshToken"]}})
        assert await closed_with(client) == (4403, ACCESS_CHANGED)


async def test_an_admin_revoking_a_users_sessions_closes_their_websockets(
    live_demo, server, client_for
):
    anonymous = await client_for(None)
    tokens = await tokens_for(anonymous, "sales")
    admin = await client_for("admin")
    async with live(server.ws_url, tokens["accessToken"]) as client:
        await client.subscribe(PLAN_CHANGES)
        revoked = await admin.execute(
            "mutation($id: ID!) { userSessionsRevoke(input: {id: $id}) { sessionsEnded "
            "errors { code } } }",
            {"id": await user_global_id(live_demo, "sales")},
        )
        assert revoked["userSessionsRevoke"] == {"sessionsEnded": 1, "errors": []}
        assert await closed_with(client) == (4403, ACCESS_CHANGED)
    response = await as_bearer(anonymous, tokens["accessToken"]).post("{ viewer { roles } }")
    assert response.status_code == 401


async def test_deactivating_a_user_closes_their_websockets_at_once(live_demo, server, client_for):
    anonymous = await client_for(None)
    admin = await client_for("admin")
    tokens = await tokens_for(anonymous, "finance")
    async with live(server.ws_url, tokens["accessToken"]) as client:
        await client.subscribe(PLAN_CHANGES)
        done = await admin.execute(
            "mutation($id: ID!) { userDeactivate(input: {id: $id}) { user { active } "
            "errors { code } } }",
            {"id": await user_global_id(live_demo, "finance")},
        )
        assert done["userDeactivate"] == {"user": {"active": False}, "errors": []}
        assert await closed_with(client) == (4403, ACCESS_CHANGED)
