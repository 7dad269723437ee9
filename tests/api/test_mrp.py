"""MRP over GraphQL: master data mutations and queries, a run started, followed live to its end,
and its results read back (items' MRP tables, planned orders with pegging up to the forecast
line and plan versions, material requirements, purchase suggestions, exceptions, comparison)."""

import asyncio
import os
import signal
import sys

import pytest

from api.ids import to_global_id
from tests.api.live_client import live, token_of
from tests.services.mrp.helpers import RUN_START, approved_forecast

ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))

ITEM_FIELDS = "id code lotRule lotParameter leadDays version procurement"
ITEM_CREATE = f"""mutation($input: ItemCreateInput!) {{ itemCreate(input: $input) {{
  item {{ {ITEM_FIELDS} preferredSupplier {{ code }} }} errors {{ code message field }} }} }}"""
BOM_ADD = """mutation($input: BomLineAddInput!) { bomLineAdd(input: $input) {
  bomLine { id quantityPer parent { code } component { code } } errors { code message field } } }"""
START = """mutation($input: MrpRunStartInput!) { mrpRunStart(input: $input) {
  mrpRun { id status progress startDate bucketStarts whatIf } errors { code message field } } }"""
PROGRESS = """subscription($runId: ID!) { mrpRunProgress(runId: $runId) {
  action status progress stage reason mrpRun { status } } }"""


async def ids_of(engine, table: str, *codes: str) -> list[str]:
    type_name = {"item": "Item", "supplier": "Supplier"}[table]
    async with engine.connect() as conn:
        from sqlalchemy import text

        rows = await conn.execute(text(f"SELECT code, id FROM {table}"))
        pks = dict(rows.all())
    return [to_global_id(type_name, pks[c]) for c in codes]


@pytest.fixture
async def worker(settings):
    """On PostgreSQL, a `salesplan worker` process runs the server's jobs (SQLite: the server's
    own local worker)."""
    process = None
    if ON_POSTGRES:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "api.cli", "worker",
            env={**os.environ, "DATABASE_URL": settings.database_url},
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
    yield
    if process is not None and process.returncode is None:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)


async def test_planners_keep_items_and_boms_and_refusals_are_typed(demo, client_for):
    planner, sales = await client_for("planner"), await client_for("sales")
    (steel,) = await ids_of(demo, "supplier", "SUP-STEEL")
    created = (
        await planner.execute(
            ITEM_CREATE,
            {"input": {"code": "RM-NEW", "name": "New bar", "unit": "kg", "itemType": "RAW",
                       "procurement": "BUY", "lotRule": "MULTIPLE", "lotParameter": "25",
                       "preferredSupplierId": steel}},
        )
    )["itemCreate"]  # fmt: skip
    assert created["errors"] == []
    item = created["item"]
    assert (item["code"], item["lotRule"], item["lotParameter"], item["leadDays"]) == (
        "RM-NEW", "MULTIPLE", "25.000", None
    )  # fmt: skip
    assert item["preferredSupplier"] == {"code": "SUP-STEEL"}

    forbidden = (await sales.execute(ITEM_CREATE, {"input": {
        "code": "X", "name": "X", "unit": "kg", "itemType": "RAW", "procurement": "BUY",
        "leadDays": 3}}))["itemCreate"]  # fmt: skip
    assert (forbidden["item"], [e["code"] for e in forbidden["errors"]]) == (None, ["FORBIDDEN"])

    shaft, pump_head, new = await ids_of(demo, "item", "SF-SHAFT", "SF-PUMPHEAD", "RM-NEW")
    cycle = (
        await planner.execute(
            BOM_ADD, {"input": {"parentId": shaft, "componentId": pump_head, "quantityPer": "1"}}
        )
    )["bomLineAdd"]
    assert cycle["errors"] == [
        {
            "code": "BOM_CYCLE",
            "message": "BOM cycle: SF-SHAFT → SF-PUMPHEAD → SF-ROTOR → SF-SHAFT",
            "field": ["input", "componentId"],
        }
    ]
    negative = (
        await planner.execute(
            BOM_ADD, {"input": {"parentId": shaft, "componentId": new, "quantityPer": "-2"}}
        )
    )["bomLineAdd"]
    assert [(e["code"], e["field"]) for e in negative["errors"]] == [
        ("NEGATIVE_QUANTITY_PER", ["input", "quantityPer"])
    ]
    added = (
        await planner.execute(
            BOM_ADD, {"input": {"parentId": shaft, "componentId": new, "quantityPer": "0.5"}}
        )
    )["bomLineAdd"]
    assert added["bomLine"]["component"] == {"code": "RM-NEW"}
    bad_id = (
        await planner.execute(
            BOM_ADD, {"input": {"parentId": "bm90LWFuLWlk", "componentId": new, "quantityPer": "1"}}
        )
    )["bomLineAdd"]
    assert [(e["code"], e["field"]) for e in bad_id["errors"]] == [
        ("NOT_FOUND", ["input", "parentId"])
    ]


async def test_the_bom_reads_level_by_level_and_partners_see_no_items(demo, client_for):
    planner, partner = await client_for("planner"), await client_for("partner")
    query = """{ items(where: {itemType: FINISHED, codeStartsWith: "FG-P0007"}) { totalCount nodes {
      code strategy product { code } components(first: 10) { nodes { quantityPer component {
        code components(first: 10) { nodes { component { code } } } } } } } } }"""
    gearbox = (await planner.execute(query))["items"]
    assert gearbox["totalCount"] == 1
    node = gearbox["nodes"][0]
    assert (node["code"], node["strategy"], node["product"]) == (
        "FG-P0007",
        "MTO",
        {"code": "P0007"},
    )
    components = {c["component"]["code"]: c for c in node["components"]["nodes"]}
    assert set(components) == {"SF-GEARTRAIN", "SF-GBHOUSING", "BP-6308", "SF-SEALKIT", "BP-BOLT8"}
    assert components["SF-GEARTRAIN"]["quantityPer"] == "2.000000"
    assert {c["component"]["code"] for c in components["SF-GEARTRAIN"]["component"]["components"]["nodes"]} == {
        "SF-GEARSET", "SF-SHAFT", "BP-6205"
    }  # fmt: skip
    assert (await partner.execute(query))["items"] == {"totalCount": 0, "nodes": []}


RUN = """query($id: ID!, $raw: [ID!]) { mrpRun(id: $id) {
  id status progress stage itemCount plannedOrderCount inputsDigest attempts bucket horizon
  forecast { id status }
  items(where: {itemIds: $raw}) { nodes { lowLevelCode procurement shortage exceptionKinds
    item { code } buckets { start grossRequirement projectedOnHand netRequirement plannedReceipt
      plannedRelease }
    plannedOrders { id number kind dueDate releaseDate receiptQuantity releaseQuantity
      supplier { code }
      pegging { demandKind quantity parentOrder { number kind item { code } } }
      tracedDemand { demandKind quantity path { item { code } }
        forecastLine { id period quantity product { code } sources { plan { id revision status version } } } } } } }
  production: plannedOrders(where: {kind: PRODUCTION}, first: 3) { totalCount nodes { number kind
    item { code } materialRequirements { quantity component { code } bomLine { quantityPer } } } }
  purchaseSuggestions { nodes { value itemCount belowMinimumOrder supplier { code }
    items(first: 5) { nodes { quantity value item { code } } } } }
  exceptions(first: 5) { totalCount nodes { kind quantity bucketStart item { code } } }
  short: items(where: {exception: SHORTAGE}, first: 100) { totalCount nodes { shortage exceptionKinds } }
  late: exceptions(where: {kind: RELEASE_PAST}, first: 3) { totalCount nodes { kind
    plannedOrder { releaseInPast } } }
  firstTwo: plannedOrders(first: 2) { nodes { number } pageInfo { endCursor hasNextPage } }
} }"""
PAGE = """query($id: ID!, $after: String) { mrpRun(id: $id) {
  plannedOrders(first: 2, after: $after) { nodes { number } pageInfo { hasPreviousPage } } } }"""


async def test_a_run_is_followed_live_and_its_results_trace_a_purchase_to_plan_versions(
    live_demo, server, settings, client_for, worker
):
    planner = await client_for("planner")
    forecast = await approved_forecast(live_demo)
    forecast_id = to_global_id("Forecast", forecast)
    token = await token_of(live_demo, settings, "planner")
    async with live(server.ws_url, token) as client:
        started = (
            await planner.execute(
                START,
                {"input": {"forecastId": forecast_id, "bucket": "WEEK", "horizon": 13,
                           "start": RUN_START.isoformat()}},
            )
        )["mrpRunStart"]  # fmt: skip
        assert started["errors"] == []
        run = started["mrpRun"]
        assert (run["status"], run["progress"], run["startDate"]) == ("QUEUED", 0, "2026-06-29")
        assert len(run["bucketStarts"]) == 13
        await client.subscribe(PROGRESS, {"runId": run["id"]})
        steps = []
        while True:
            message = await client.message(wait=120)
            if message["type"] == "complete":
                break
            steps.append(message["payload"]["data"]["mrpRunProgress"])
    assert [s["action"] for s in steps][-1] == "SUCCEEDED"
    assert [s["progress"] for s in steps] == sorted(s["progress"] for s in steps)
    assert steps[-1]["mrpRun"]["status"] == "SUCCEEDED"

    again = (
        await planner.execute(
            START, {"input": {"forecastId": forecast_id, "bucket": "WEEK", "horizon": 200}}
        )
    )["mrpRunStart"]
    assert [(e["code"], e["field"]) for e in again["errors"]] == [
        ("HORIZON_TOO_LONG", ["input", "horizon"])
    ]

    raw = await ids_of(live_demo, "item", "RM-BILLET")
    result = (await planner.execute(RUN, {"id": run["id"], "raw": raw}))["mrpRun"]
    assert (result["status"], result["progress"], result["itemCount"], result["attempts"]) == (
        "SUCCEEDED", 100, 47, 1
    )  # fmt: skip
    assert result["forecast"] == {"id": forecast_id, "status": "APPROVED"}
    (billet,) = result["items"]["nodes"]
    assert (billet["item"]["code"], billet["lowLevelCode"], billet["procurement"]) == (
        "RM-BILLET", 5, "BUY"
    )  # fmt: skip
    assert len(billet["buckets"]) == 13
    purchase = billet["plannedOrders"][0]
    assert (purchase["kind"], purchase["supplier"]) == ("PURCHASE", {"code": "SUP-STEEL"})
    assert {p["parentOrder"]["item"]["code"] for p in purchase["pegging"] if p["parentOrder"]} == {
        "SF-BLANK"
    }
    forecasts = [d for o in billet["plannedOrders"] for d in o["tracedDemand"] if d["forecastLine"]]
    assert forecasts
    top = forecasts[0]
    assert [p["item"]["code"] for p in top["path"]][:5] == [
        "RM-BILLET", "SF-BLANK", "SF-GEAR", "SF-GEARSET", "SF-GEARTRAIN"
    ]  # fmt: skip
    assert top["forecastLine"]["product"]["code"] in ("P0002", "P0007")
    plans = [source["plan"] for source in top["forecastLine"]["sources"]]
    assert plans and all(p["status"] == "APPROVED" and p["revision"] == 1 for p in plans)
    # the planned order is a node
    node = await planner.execute(
        "query($id: ID!) { node(id: $id) { ... on MrpPlannedOrder { number item { code } } } }",
        {"id": purchase["id"]},
    )
    assert node["node"] == {"number": purchase["number"], "item": {"code": "RM-BILLET"}}

    production = result["production"]
    assert production["totalCount"] > 0
    assert all(o["kind"] == "PRODUCTION" for o in production["nodes"])
    assert any(o["materialRequirements"] for o in production["nodes"])
    suppliers = result["purchaseSuggestions"]["nodes"]
    assert {s["supplier"]["code"] for s in suppliers if s["supplier"]} >= {"SUP-STEEL"}
    steel = next(s for s in suppliers if s["supplier"] and s["supplier"]["code"] == "SUP-STEEL")
    assert steel["itemCount"] == len(steel["items"]["nodes"]) and steel["value"] != "0.00"

    short = result["short"]
    assert short["totalCount"] > 0
    assert all(n["shortage"] and "SHORTAGE" in n["exceptionKinds"] for n in short["nodes"])
    late = result["late"]
    assert all(
        n["kind"] == "RELEASE_PAST" and n["plannedOrder"]["releaseInPast"] for n in late["nodes"]
    )
    assert result["exceptions"]["totalCount"] >= short["totalCount"] + late["totalCount"]
    first_two = result["firstTwo"]
    assert [n["number"] for n in first_two["nodes"]] == [0, 1]
    assert first_two["pageInfo"]["hasNextPage"]
    following = (
        await planner.execute(PAGE, {"id": run["id"], "after": first_two["pageInfo"]["endCursor"]})
    )["mrpRun"]["plannedOrders"]
    assert [n["number"] for n in following["nodes"]] == [2, 3]
    assert following["pageInfo"]["hasPreviousPage"]

    for login in ("sales", "manager", "partner"):
        other = await client_for(login)
        assert (await other.execute(RUN, {"id": run["id"], "raw": raw}))["mrpRun"] is None

    compared = (
        await planner.execute(
            "query($a: ID!, $b: ID!) { mrpRunCompare(a: $a, b: $b) { ordersAdded ordersRemoved "
            "ordersChanged changes(first: 1) { totalCount } newShortages { code } } }",
            {"a": run["id"], "b": run["id"]},
        )
    )["mrpRunCompare"]
    assert compared == {
        "ordersAdded": 0, "ordersRemoved": 0, "ordersChanged": 0,
        "changes": {"totalCount": 0}, "newShortages": [],
    }  # fmt: skip


async def test_only_planners_start_runs_over_the_api(demo, client_for):
    forecast = to_global_id("Forecast", await approved_forecast(demo))
    vp = await client_for("vp")
    refused = (
        await vp.execute(
            START, {"input": {"forecastId": forecast, "bucket": "MONTH", "horizon": 3}}
        )
    )["mrpRunStart"]
    assert (refused["mrpRun"], [e["code"] for e in refused["errors"]]) == (None, ["FORBIDDEN"])
    planner = await client_for("planner")
    wrong = (
        await planner.execute(
            START,
            {"input": {"forecastId": to_global_id("Item", 1), "bucket": "MONTH", "horizon": 3}},
        )
    )["mrpRunStart"]
    assert [(e["code"], e["field"]) for e in wrong["errors"]] == [
        ("NOT_FOUND", ["input", "forecastId"])
    ]
