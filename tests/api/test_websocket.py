"""Websockets speak graphql-transport-ws only, and authenticate in connection_init."""

import asyncio
import json
from datetime import timedelta

import pytest
from sqlalchemy import text
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from api.live.transport import TOKEN_EXPIRED
from domain.tokens import issue_token
from tests.api.lookups import plan_global_id
from tests.conftest import token_for

PROTOCOL = "graphql-transport-ws"


async def vp_token(engine, settings, minutes: int = 30) -> str:
    async with engine.connect() as conn:
        uid = (await conn.execute(text("SELECT id FROM app_user WHERE login = 'vp'"))).scalar_one()
    return token_for(settings, uid, "vp", minutes=minutes)


async def receive(ws) -> dict:
    return json.loads(await ws.recv())


async def closed_with(ws) -> tuple[int, str]:
    with pytest.raises(ConnectionClosed) as closed:
        await ws.recv()
    return closed.value.rcvd.code, closed.value.rcvd.reason


async def test_a_valid_token_in_connection_init_gets_connection_ack(
    demo_readonly, server, settings
):
    token = await vp_token(demo_readonly, settings)
    async with connect(server.ws_url, subprotocols=[PROTOCOL]) as ws:
        assert ws.subprotocol == PROTOCOL
        await ws.send(json.dumps({"type": "connection_init", "payload": {"token": token}}))
        assert (await receive(ws))["type"] == "connection_ack"


async def test_a_bearer_authorization_in_connection_init_is_accepted_too(
    demo_readonly, server, settings
):
    token = await vp_token(demo_readonly, settings)
    async with connect(server.ws_url, subprotocols=[PROTOCOL]) as ws:
        payload = {"Authorization": f"Bearer {token}"}
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        assert (await receive(ws))["type"] == "connection_ack"


async def test_an_authenticated_connection_runs_operations_as_the_token_user(
    demo_readonly, server, settings
):
    token = await vp_token(demo_readonly, settings)
    async with connect(server.ws_url, subprotocols=[PROTOCOL]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"token": token}}))
        assert (await receive(ws))["type"] == "connection_ack"
        query = "{ viewer { roles } salesPlans { totalCount } }"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        result = await receive(ws)
        assert (result["id"], result["type"]) == ("1", "next")
        assert "errors" not in result["payload"]
        assert result["payload"]["data"] == {
            "viewer": {"roles": ["VP"]},
            "salesPlans": {"totalCount": 168},
        }
        assert await receive(ws) == {"id": "1", "type": "complete"}


@pytest.mark.parametrize(
    "payload",
    [{}, {"token": "garbage"}, {"Authorization": "Bearer nope"}, {"token": None}],
    ids=["no-token", "garbage-token", "garbage-bearer", "null-token"],
)
async def test_a_connection_without_a_valid_token_is_closed_with_4403(
    demo_readonly, server, payload
):
    async with connect(server.ws_url, subprotocols=[PROTOCOL]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        code, _reason = await closed_with(ws)
    assert code == 4403


async def test_an_expired_token_on_a_websocket_is_closed_with_4403(demo_readonly, server, settings):
    expired = await vp_token(demo_readonly, settings, minutes=-1)
    async with connect(server.ws_url, subprotocols=[PROTOCOL]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"token": expired}}))
        code, _reason = await closed_with(ws)
    assert code == 4403


async def test_a_connection_ends_with_4403_when_its_token_expires(demo_readonly, server, settings):
    async with demo_readonly.connect() as conn:
        uid = (await conn.execute(text("SELECT id FROM app_user WHERE login = 'vp'"))).scalar_one()
    token = issue_token(uid, "vp", settings.secret_key, timedelta(seconds=2))
    async with connect(server.ws_url, subprotocols=[PROTOCOL]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"token": token}}))
        assert (await receive(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"type": "ping"}))
        assert (await receive(ws))["type"] == "pong"  # served while the token is valid
        started = asyncio.get_running_loop().time()
        code, reason = await asyncio.wait_for(closed_with(ws), 6)
        waited = asyncio.get_running_loop().time() - started
    assert (code, reason) == (4403, TOKEN_EXPIRED)
    assert 0.5 < waited < 4


async def test_an_operation_before_connection_init_closes_the_connection(demo_readonly, server):
    async with connect(server.ws_url, subprotocols=[PROTOCOL]) as ws:
        query = {"query": "{ viewer { roles } }"}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": query}))
        code, reason = await closed_with(ws)
    assert (code, reason) == (4401, "Unauthorized")


@pytest.mark.parametrize("subprotocols", [["graphql-ws"], None], ids=["legacy", "none"])
async def test_the_legacy_graphql_ws_protocol_or_none_is_closed_with_4406(server, subprotocols):
    async with connect(server.ws_url, subprotocols=subprotocols) as ws:
        assert ws.subprotocol is None
        code, reason = await closed_with(ws)
    assert (code, reason) == (4406, "Subprotocol not acceptable")


async def run_over_websocket(ws, op_id: str, query: str, variables: dict | None = None) -> dict:
    message = {
        "id": op_id,
        "type": "subscribe",
        "payload": {"query": query, "variables": variables},
    }
    await ws.send(json.dumps(message))
    result = await receive(ws)
    assert await receive(ws) == {"id": op_id, "type": "complete"}
    return result["payload"]


async def test_a_websocket_operation_gives_its_database_connection_back(
    demo_readonly, server, settings
):
    token = await vp_token(demo_readonly, settings)
    pool = demo_readonly.sync_engine.pool
    async with connect(server.ws_url, subprotocols=[PROTOCOL]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"token": token}}))
        assert (await receive(ws))["type"] == "connection_ack"
        await run_over_websocket(ws, "1", "{ salesPlans { totalCount } }")
    # Other work of the server (e.g. its event hub) may hold a connection for a moment; a leaked
    # one stays out until the garbage collector finds it.
    for _ in range(50):
        if pool.checkedout() == 0:
            break
        await asyncio.sleep(0.02)
    assert pool.checkedout() == 0


async def test_each_websocket_operation_reads_the_data_as_it_is_now(
    demo, server, settings, client_for
):
    token = await vp_token(demo, settings)
    plan = await plan_global_id(demo, "Salesperson", "S0001", 12)
    query = "query($id: ID!) { salesPlan(id: $id) { version } }"
    async with connect(server.ws_url, subprotocols=[PROTOCOL]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"token": token}}))
        assert (await receive(ws))["type"] == "connection_ack"
        before = await run_over_websocket(ws, "1", query, {"id": plan})
        assert before["data"] == {"salesPlan": {"version": 1}}
        planner = await client_for("planner")
        changed = await planner.execute(
            "mutation($id: ID!) { salesPlanUpdateLines(input: {id: $id}) { errors { code } } }",
            {"id": plan},
        )
        assert changed["salesPlanUpdateLines"]["errors"] == []
        after = await run_over_websocket(ws, "2", query, {"id": plan})
    assert after["data"] == {"salesPlan": {"version": 2}}
