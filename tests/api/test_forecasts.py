"""Forecasts over real HTTP and websockets: forecastGenerate answers at once (GENERATING) and a
worker process makes the forecast DRAFT; lines show their product, sources (→ plan versions),
baseline, interval, deviation, model and plausibility; adjust, submit and approve as plans are,
with approval tasks, approvalTaskAssigned and forecastStatusChanged (replayed after a cursor);
partners see no forecasts."""

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from tests.api.live_client import live, token_of
from tests.workers import ON_POSTGRES, salesplan_worker

GENERATE = """
mutation($input: ForecastGenerateInput!) {
  forecastGenerate(input: $input) {
    forecast { id status jobState version periodStart periodEnd granularity title }
    errors { code message field }
  }
}"""
FORECAST = """
query($id: ID!) {
  forecast(id: $id) {
    id status jobState jobError version historyEnd thresholdPercent totalQuantity implausibleLines
    months
    lines(first: 500) {
      totalCount
      nodes {
        id period label plannedQuantity quantity amount baseline baselineLower baselineUpper
        intervalLevel deviationPercent model historyPeriods implausible plausibilityReason
        superseded
        product { code }
        sources { quantity plan { id status ownerKind revision } planLine { quantity } }
      }
    }
    history { action fromStatus toStatus comment actor { login } }
  }
}"""
ADJUST = """
mutation($input: ForecastLineAdjustInput!) {
  forecastLineAdjust(input: $input) {
    line { id quantity implausible adjustments { fromQuantity toQuantity reason actor { login } }
           forecast { version } }
    errors { code message field }
  }
}"""


def action(name: str) -> str:
    kind = "ForecastRejectInput" if name == "Reject" else "ForecastActionInput"
    return f"""
mutation($input: {kind}!) {{
  forecast{name}(input: $input) {{
    forecast {{ id status version currentStep {{ name approver {{ login }} }} }}
    errors {{ code message field }}
  }}
}}"""


@pytest.fixture(scope="module")
async def worker(settings) -> AsyncIterator[None]:
    """On PostgreSQL the server only queues jobs: a `salesplan worker` runs them."""
    if ON_POSTGRES:
        async with salesplan_worker(settings.database_url):
            yield
    else:
        yield


async def company_id(engine) -> str:
    from api.ids import to_global_id

    async with engine.connect() as conn:
        pk = (await conn.execute(text("SELECT id FROM company"))).scalar_one()
    return to_global_id("Company", pk)


async def generated(client, engine, **input) -> dict:
    """Generate (Jan–Mar 2026 of the company unless said otherwise) and wait for DRAFT."""
    variables = {
        "scopeId": await company_id(engine),
        "periodStart": "2026-01-01",
        "periodEnd": "2026-03-31",
        "granularity": "MONTH",
        **input,
    }
    payload = (await client.execute(GENERATE, {"input": variables}))["forecastGenerate"]
    assert payload["errors"] == []
    forecast = payload["forecast"]
    # Read back after the commit: its job may have started (or even finished) meanwhile.
    assert (forecast["status"], forecast["jobState"]) in {
        ("GENERATING", "QUEUED"),
        ("GENERATING", "RUNNING"),
        ("DRAFT", "DONE"),
    }
    deadline = time.monotonic() + 120
    while True:
        data = (await client.execute(FORECAST, {"id": forecast["id"]}))["forecast"]
        if data["status"] != "GENERATING" or time.monotonic() > deadline:
            return data
        await asyncio.sleep(0.2)


async def test_a_generated_forecast_shows_its_lines_sources_and_baselines(demo, worker, client_for):
    planner = await client_for("planner")
    forecast = await generated(planner, demo)
    assert (forecast["status"], forecast["jobState"], forecast["jobError"]) == (
        "DRAFT",
        "DONE",
        None,
    )
    assert forecast["historyEnd"] == "2025-12-01" and forecast["thresholdPercent"] == "30.0"
    assert forecast["months"] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    lines = forecast["lines"]["nodes"]
    assert forecast["lines"]["totalCount"] == len(lines) == 30
    for line in lines:
        assert line["quantity"] == line["plannedQuantity"]
        assert line["intervalLevel"] == 80 and line["historyPeriods"] == 36
        assert line["model"] == "ETS(A,A,A) Holt-Winters, 36 months"
        low, mid, high = (float(line[k]) for k in ("baselineLower", "baseline", "baselineUpper"))
        assert low <= mid <= high
        assert line["plausibilityReason"].startswith(f"planned {float(line['quantity']):g}")
        # Every source is a line of an approved salesperson plan (their plans are approved
        # for these months in the demo), and together they make the line.
        assert {s["plan"]["ownerKind"] for s in line["sources"]} == {"SALESPERSON"}
        assert {s["plan"]["status"] for s in line["sources"]} == {"APPROVED"}
        assert sum(float(s["quantity"]) for s in line["sources"]) == float(line["quantity"])
        assert all(s["planLine"]["quantity"] == s["quantity"] for s in line["sources"])
    assert forecast["implausibleLines"] == sum(line["implausible"] for line in lines)
    assert forecast["implausibleLines"] <= 10  # the demo's plans are believable
    assert lines[0]["label"] == "2026-01" and lines[0]["product"]["code"] == "P0001"
    assert [(h["action"], h["toStatus"], h["actor"]) for h in forecast["history"]] == [
        ("REQUESTED", "GENERATING", {"login": "planner"}),
        ("GENERATED", "DRAFT", None),
    ]


async def test_a_weekly_forecast_labels_its_iso_weeks(demo, worker, client_for):
    planner = await client_for("planner")
    forecast = await generated(planner, demo, periodEnd="2026-01-31", granularity="WEEK")
    labels = sorted({line["label"] for line in forecast["lines"]["nodes"]})
    assert labels == ["2026-W01", "2026-W02", "2026-W03", "2026-W04", "2026-W05"]


async def test_adjust_submit_and_approve_with_tasks_and_live_events(
    demo, worker, client_for, server, settings
):
    planner, vp = await client_for("planner"), await client_for("vp")
    await server.hub.resync()
    vp_token = await token_of(demo, settings, "vp")
    async with live(server.ws_url, vp_token) as vp_live:
        changes = await vp_live.subscribe(
            "subscription { forecastStatusChanged { cursor action fromStatus toStatus "
            "forecast { id } } }"
        )
        tasks = await vp_live.subscribe(
            "subscription { approvalTaskAssigned { stepName document { __typename "
            "... on Forecast { id status } } } }"
        )
        forecast = await generated(planner, demo)
        requested = (await vp_live.next_data())["forecastStatusChanged"]
        done = (await vp_live.next_data())["forecastStatusChanged"]
        assert [(e["action"], e["fromStatus"], e["toStatus"]) for e in (requested, done)] == [
            ("REQUESTED", None, "GENERATING"),
            ("GENERATED", "GENERATING", "DRAFT"),
        ]
        line = forecast["lines"]["nodes"][0]
        adjusted = (
            await planner.execute(
                ADJUST,
                {
                    "input": {
                        "lineId": line["id"],
                        "quantity": "1000",
                        "reason": "large tender",
                        "expectedVersion": forecast["version"],
                    }
                },
            )
        )["forecastLineAdjust"]
        assert adjusted["errors"] == []
        assert adjusted["line"]["quantity"] == "1000.000" and adjusted["line"]["implausible"]
        assert adjusted["line"]["adjustments"] == [
            {
                "fromQuantity": line["quantity"],
                "toQuantity": "1000.000",
                "reason": "large tender",
                "actor": {"login": "planner"},
            }
        ]
        stale = (
            await planner.execute(
                ADJUST,
                {
                    "input": {
                        "lineId": line["id"],
                        "quantity": "5",
                        "reason": "x",
                        "expectedVersion": forecast["version"],
                    }
                },
            )
        )["forecastLineAdjust"]
        assert [e["code"] for e in stale["errors"]] == ["CONFLICT"] and stale["line"] is None

        submitted = (await planner.execute(action("Submit"), {"input": {"id": forecast["id"]}}))[
            "forecastSubmit"
        ]
        assert submitted["forecast"]["status"] == "SUBMITTED"
        assert submitted["forecast"]["currentStep"] == {
            "name": "VP in charge",
            "approver": {"login": "vp"},
        }
        # One event, two subscriptions: their messages may come in either order.
        received = {}
        for _ in range(2):
            received.update(await vp_live.next_data())
        assert received["approvalTaskAssigned"] == {
            "stepName": "VP in charge",
            "document": {"__typename": "Forecast", "id": forecast["id"], "status": "SUBMITTED"},
        }
        assert received["forecastStatusChanged"]["action"] == "SUBMITTED"
        task_list = await vp.execute(
            "{ viewer { approvalTasks(first: 50) { nodes { document { __typename "
            "... on Forecast { id } } } } } }"
        )
        assert {"__typename": "Forecast", "id": forecast["id"]} in [
            n["document"] for n in task_list["viewer"]["approvalTasks"]["nodes"]
        ]
        approved = (await vp.execute(action("Approve"), {"input": {"id": forecast["id"]}}))[
            "forecastApprove"
        ]
        assert approved["forecast"]["status"] == "APPROVED" and approved["errors"] == []
        assert (await vp_live.next_data())["forecastStatusChanged"]["action"] == "APPROVED"
        await vp_live.complete(changes)
        await vp_live.complete(tasks)

    # A reconnecting client gets what it missed after its last cursor, in order.
    async with live(server.ws_url, vp_token) as again:
        await again.subscribe(
            "subscription($id: ID!, $after: String) { forecastStatusChanged(forecastId: $id, "
            "after: $after) { action toStatus } }",
            {"id": forecast["id"], "after": requested["cursor"]},
        )
        replayed = [(await again.next_data())["forecastStatusChanged"] for _ in range(3)]
        assert [(e["action"], e["toStatus"]) for e in replayed] == [
            ("GENERATED", "DRAFT"),
            ("SUBMITTED", "SUBMITTED"),
            ("APPROVED", "APPROVED"),
        ]
    active = await vp.execute("{ forecasts(where: {active: true}) { nodes { id status } } }")
    assert active["forecasts"]["nodes"] == [{"id": forecast["id"], "status": "APPROVED"}]


async def test_twenty_concurrent_approvals_give_one_success(demo, worker, client_for):
    planner, vp = await client_for("planner"), await client_for("vp")
    forecast = await generated(planner, demo, periodEnd="2026-01-31")
    await planner.execute(action("Submit"), {"input": {"id": forecast["id"]}})
    results = await asyncio.gather(
        *(vp.execute(action("Approve"), {"input": {"id": forecast["id"]}}) for _ in range(20))
    )
    payloads = [r["forecastApprove"] for r in results]
    assert sum(not p["errors"] for p in payloads) == 1
    assert {p["errors"][0]["code"] for p in payloads if p["errors"]} <= {
        "CONFLICT",
        "INVALID_TRANSITION",
    }


async def test_partners_and_salespeople_see_no_forecasts(demo, worker, client_for):
    planner = await client_for("planner")
    forecast = await generated(planner, demo, periodEnd="2026-01-31")
    line_id = forecast["lines"]["nodes"][0]["id"]
    for login in ("partner", "sales"):
        client = await client_for(login)
        data = await client.execute(
            "query($id: ID!, $line: ID!) { forecast(id: $id) { id } node(id: $line) { id } "
            "forecasts { totalCount nodes { id } } }",
            {"id": forecast["id"], "line": line_id},
        )
        assert data == {"forecast": None, "node": None, "forecasts": {"totalCount": 0, "nodes": []}}
        refused = (
            await client.execute(
                ADJUST, {"input": {"lineId": line_id, "quantity": "1", "reason": "mine"}}
            )
        )["forecastLineAdjust"]
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [
            ("NOT_FOUND", ["input", "lineId"])
        ]
    partner = await client_for("partner")
    generate = (
        await partner.execute(
            GENERATE,
            {
                "input": {
                    "scopeId": await company_id(demo),
                    "periodStart": "2026-01-01",
                    "periodEnd": "2026-01-31",
                    "granularity": "MONTH",
                }
            },
        )
    )["forecastGenerate"]
    assert [(e["code"], e["field"]) for e in generate["errors"]] == [
        ("NOT_FOUND", ["input", "scopeId"])
    ]


async def test_bad_input_is_refused_as_data_or_as_a_typed_input_error(demo_readonly, client_for):
    planner = await client_for("planner")
    bad_scope = (
        await planner.execute(
            GENERATE,
            {
                "input": {
                    "scopeId": "UHJvZHVjdDox",  # a Product
                    "periodStart": "2026-01-01",
                    "periodEnd": "2026-01-31",
                    "granularity": "MONTH",
                }
            },
        )
    )["forecastGenerate"]
    assert bad_scope == {
        "forecast": None,
        "errors": [
            {
                "code": "NOT_FOUND",
                "message": "no such company or department",
                "field": ["input", "scopeId"],
            }
        ],
    }
    # A quantity that is not a number never reaches the use case: GraphQL refuses the variable.
    response = await planner.post(
        ADJUST, {"input": {"lineId": "Rm9yZWNhc3RMaW5lOjE=", "quantity": "lots", "reason": "x"}}
    )
    body = response.json()
    assert body["data"] is None
    assert "not a decimal number" in body["errors"][0]["message"]


LINES_DEEP = """
query($id: ID!) {
  forecast(id: $id) {
    lines(first: 500) {
      nodes { quantity baseline product { code } sources { quantity plan { id } } adjustments { reason } }
    }
  }
}"""


async def test_reading_lines_with_products_and_sources_costs_the_same_statements_for_any_size(
    demo, worker, client_for, count_statements
):
    planner = await client_for("planner")
    small = await generated(planner, demo, periodEnd="2026-01-31")
    large = await generated(planner, demo, periodEnd="2026-09-30")
    await planner.execute(LINES_DEEP, {"id": small["id"]})  # the token's first use costs more
    counts = []
    for forecast in (small, large):
        with count_statements() as counter:
            data = await planner.execute(LINES_DEEP, {"id": forecast["id"]})
        counts.append(counter.count)
        assert len(data["forecast"]["lines"]["nodes"]) == forecast["lines"]["totalCount"]
    assert small["lines"]["totalCount"] == 10 and large["lines"]["totalCount"] == 90
    assert counts[0] == counts[1]
