"""What an operator sees: /metrics after real traffic, and one log line per request carrying its
request id, operation, user and duration (and never a token)."""

import asyncio
import json
import logging

from prometheus_client.parser import text_string_to_metric_families

from tests.api.live_client import live, token_of
from tests.api.plans_helpers import plan_id, transition

VIEWER = "query Viewer { viewer { roles } }"
PLAN_CHANGES = "subscription Changes { salesPlanStatusChanged { cursor toStatus } }"


async def scrape(http, server) -> dict[tuple, float]:
    """Every sample of /metrics: (name, sorted labels) → value."""
    response = await http.get(server.url.removesuffix("/graphql") + "/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_count_operations_by_name_type_and_outcome(
    demo_readonly, server, http, client_for
):
    vp = await client_for("vp")
    before = await scrape(http, server)
    for _ in range(3):
        await vp.execute(VIEWER)
    anonymous = await client_for(None)
    refused = await anonymous.post(VIEWER)
    assert refused.status_code == 401
    after = await scrape(http, server)

    ok = ("salesplan_graphql_operations_total", {"operation": "Viewer", "type": "query"})
    assert (
        value(after, ok[0], **ok[1], outcome="ok") - value(before, ok[0], **ok[1], outcome="ok")
        == 3
    )
    assert (
        value(after, ok[0], **ok[1], outcome="error")
        - value(before, ok[0], **ok[1], outcome="error")
        == 1
    )
    unauthenticated = {"code": "UNAUTHENTICATED", "where": "response"}
    assert (
        value(after, "salesplan_graphql_errors_total", **unauthenticated)
        - value(before, "salesplan_graphql_errors_total", **unauthenticated)
        == 1
    )
    posts = {"route": "/graphql", "method": "POST", "status": "200"}
    assert (
        value(after, "salesplan_http_requests_total", **posts)
        - value(before, "salesplan_http_requests_total", **posts)
        == 3
    )
    latency = "salesplan_graphql_operation_duration_seconds_count"
    assert value(after, latency, type="query") - value(before, latency, type="query") == 4
    assert value(after, "salesplan_db_pool_size") > 0


async def test_a_refused_mutation_counts_its_payload_error_code(demo, server, http, client_for):
    sales = await client_for("sales")
    pid = await plan_id(demo, "status = 'APPROVED'")
    before = await scrape(http, server)
    body = await sales.execute(transition("Submit"), {"input": {"id": pid}})
    codes = [e["code"] for e in body["salesPlanSubmit"]["errors"]]
    assert codes  # an approved plan (or one out of reach) cannot be submitted
    after = await scrape(http, server)
    for code in set(codes):
        labels = {"code": code, "where": "payload"}
        assert value(after, "salesplan_graphql_errors_total", **labels) - value(
            before, "salesplan_graphql_errors_total", **labels
        ) == codes.count(code)
    refused = {"operation": "(anonymous)", "type": "mutation", "outcome": "refused"}
    assert (
        value(after, "salesplan_graphql_operations_total", **refused)
        - value(before, "salesplan_graphql_operations_total", **refused)
        == 1
    )


async def test_metrics_show_open_websockets_running_subscriptions_and_delivery_lag(
    live_demo, server, settings, http, client_for
):
    planner = await client_for("planner")
    pid = await plan_id(live_demo, "status = 'DRAFT' AND owner_kind = 'DEPARTMENT'")
    before = await scrape(http, server)
    lag = "salesplan_event_delivery_lag_seconds_count"
    async with live(server.ws_url, await token_of(live_demo, settings, "vp")) as client:
        await client.subscribe(PLAN_CHANGES)
        await asyncio.sleep(0.2)  # the subscription is set up once its first message is read
        during = await scrape(http, server)
        await planner.execute(transition("Submit"), {"input": {"id": pid}})
        change = (await client.next_data())["salesPlanStatusChanged"]
        assert change["toStatus"] == "SUBMITTED"
        await asyncio.sleep(0.1)
        delivered = await scrape(http, server)
    await asyncio.sleep(0.2)
    after = await scrape(http, server)

    def delta(samples, name):
        return value(samples, name) - value(before, name)

    assert delta(during, "salesplan_websockets_active") == 1
    assert delta(during, "salesplan_subscriptions_active") == 1
    assert delta(delivered, lag) == 1
    lag_sum = value(delivered, "salesplan_event_delivery_lag_seconds_sum") - value(
        before, "salesplan_event_delivery_lag_seconds_sum"
    )
    assert 0 <= lag_sum < 5
    assert delta(after, "salesplan_websockets_active") == 0
    assert delta(after, "salesplan_subscriptions_active") == 0


async def test_a_request_log_line_carries_request_id_operation_user_duration_and_cost(
    demo_readonly, server, client_for, caplog
):
    vp = await client_for("vp")
    with caplog.at_level(logging.INFO, logger="salesplan.access"):
        response = await vp.post(VIEWER, headers={"X-Request-Id": "trace-me-42"})
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "trace-me-42"
    lines = [r for r in caplog.records if r.name == "salesplan.access"]
    assert len(lines) == 1
    fields = lines[0].fields
    assert lines[0].getMessage() == "POST /graphql 200"
    assert fields["operation"] == "Viewer"
    assert fields["operation_type"] == "query"
    assert fields["user_id"] == 2  # vp
    assert fields["outcome"] == "ok"
    assert fields["cost"] == 0  # no connection in the query
    assert 0 < fields["duration_ms"] < 10_000
    assert lines[0].request_id == "trace-me-42"
    from api.observability.logs import JsonFormatter

    line = json.loads(JsonFormatter().format(lines[0]))
    assert line["request_id"] == "trace-me-42"
    assert line["level"] == "info" and line["logger"] == "salesplan.access"
    assert line["ts"].endswith("+00:00")


async def test_a_request_without_an_id_gets_one_and_a_forged_id_is_replaced(
    demo_readonly, server, client_for
):
    vp = await client_for("vp")
    made = (await vp.post(VIEWER)).headers["x-request-id"]
    assert len(made) == 32 and int(made, 16) >= 0
    forged = (await vp.post(VIEWER, headers={"X-Request-Id": 'x" level=error'})).headers[
        "x-request-id"
    ]
    assert forged != 'x" level=error' and len(forged) == 32
    assert (await vp.post(VIEWER)).headers["x-request-id"] != made


async def test_no_log_line_holds_the_bearer_token(demo_readonly, server, client_for, caplog):
    vp = await client_for("vp")
    from api.observability.logs import JsonFormatter

    with caplog.at_level(logging.DEBUG):
        await vp.post(VIEWER)
        await vp.post("{ nope }")
    formatted = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert vp.token not in formatted
    assert "Authorization" not in formatted and "authorization" not in formatted
