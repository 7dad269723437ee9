"""Each user has a budget of query cost (a leaky bucket): over it, HTTP 429 with Retry-After and
RATE_LIMITED, nothing executed; the unused part of a query's estimate is given back; mutations
and subscriptions count too. (Across processes sharing Redis:
tests/integration/test_rate_limit_processes.py.)"""

import asyncio
import json

import pytest
from websockets.asyncio.client import connect

from api.limits.rate import MemoryBuckets
from tests.api.live_client import token_of
from tests.conftest import snapshot

# 100 plans, then up to 20 lines each: 2,100 nodes requested, 22 points.
PLANS = "{ salesPlans(first: 100) { nodes { lines(first: 20) { nodes { quantity } } } } }"


@pytest.fixture
def budget(server, monkeypatch):
    """budget(capacity, restore_rate): fresh in-memory buckets of that size for this test."""

    def set_budget(capacity: float, restore_rate: float) -> None:
        monkeypatch.setattr(server.limits.settings, "rate_limit_capacity", capacity)
        monkeypatch.setattr(server.limits.settings, "rate_limit_restore_rate", restore_rate)
        monkeypatch.setattr(server.limits, "buckets", MemoryBuckets())

    return set_budget


async def test_a_query_over_the_budget_is_refused_with_429_and_retry_after(
    demo_readonly, client_for, budget, count_statements
):
    budget(25, 0.01)  # leaks a point in 100 s: the figures below do not depend on timing
    vp = await client_for("vp")
    with count_statements() as baseline:  # authentication only; costs 1 point
        await vp.post("{ __typename }")
    first = await vp.post(PLANS)
    assert first.status_code == 200
    cost = first.json()["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 22
    # What was not returned is given back: the bucket keeps the actual cost only.
    assert cost["actualQueryCost"] < 22
    available = 25 - 1 - cost["actualQueryCost"]
    assert cost["throttleStatus"]["maximumAvailable"] == 25
    assert cost["throttleStatus"]["currentlyAvailable"] == available
    assert available < 22  # so the same query does not fit again
    with count_statements() as counter:
        second = await vp.post(PLANS)
    assert second.status_code == 429
    # The points missing, at 0.01 a second.
    assert int(second.headers["Retry-After"]) == pytest.approx((22 - available) * 100, abs=2)
    body = second.json()
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["retryAfter"] == int(second.headers["Retry-After"])
    assert "22 points" in error["message"]
    assert body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == available
    assert counter.statements == baseline.statements  # refused before any SQL


async def test_the_budget_refills_and_each_user_has_their_own(demo_readonly, client_for, budget):
    budget(25, 2)
    vp, sales = await client_for("vp"), await client_for("sales")
    assert (await vp.post(PLANS)).status_code == 200
    refused = await vp.post(PLANS)
    assert refused.status_code == 429
    assert (await sales.post(PLANS)).status_code == 200  # another user, another bucket
    await asyncio.sleep(int(refused.headers["Retry-After"]))
    assert (await vp.post(PLANS)).status_code == 200


async def test_mutations_count_and_a_refused_one_changes_nothing(demo, client_for, budget):
    budget(25, 0.01)
    sales = await client_for("sales")
    mutation = """mutation($input: SalesPlanSubmitInput!) {
        salesPlanSubmit(input: $input) { errors { code } } }"""
    variables = {"input": {"id": "U2FsZXNQbGFuOjk5OTk5"}}  # no such plan: refused as data
    for _ in range(2):  # 1 + 10 points each
        response = await sales.post(mutation, variables)
        assert response.json()["data"]["salesPlanSubmit"]["errors"] == [{"code": "NOT_FOUND"}]
        assert response.json()["extensions"]["cost"]["actualQueryCost"] == 11
    before = await snapshot(demo)
    response = await sales.post(mutation, variables)
    assert response.status_code == 429
    assert response.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert await snapshot(demo) == before


async def test_subscriptions_count(demo_readonly, server, settings, budget):
    budget(3, 0.01)
    token = await token_of(demo_readonly, settings, "vp")
    query = "subscription { salesPlanStatusChanged { cursor } }"
    async with connect(server.ws_url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"token": token}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        for operation in ("1", "2", "3"):  # one point each
            message = {"id": operation, "type": "subscribe", "payload": {"query": query}}
            await ws.send(json.dumps(message))
        await ws.send(json.dumps({"id": "4", "type": "subscribe", "payload": {"query": query}}))
        answer = json.loads(await asyncio.wait_for(ws.recv(), 5))
    assert answer["id"] == "4"
    assert answer["payload"]["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
