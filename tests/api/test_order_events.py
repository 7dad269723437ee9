"""The events orders, shipments and stock-ins write (the contract the subscriptions rely on),
concurrent actions, retried requests, and the approval work lists."""

import asyncio

from sqlalchemy import select

from api.ids import from_global_id
from domain.store.tables import Event
from tests.api.orders_helpers import (
    APPROVE,
    CONFIRM,
    CONFIRM_RECEIPT,
    DELIVER,
    DISPATCH,
    MARK_READY,
    START_PRODUCTION,
    STOCK_IN_APPROVE,
    STOCK_IN_POST,
    STOCK_IN_REQUEST,
    SUBMIT,
    TRACK,
    ledger_checked,  # noqa: F401  (autouse: the ledger sums to on-hand after each test)
    new_order,
    ok,
    on_hand,
    product_id,
    ready_order,
    shipment_action,
    shipment_of,
    snapshot,
)

TASKS = """
{ viewer { approvalTasks(first: 100) { nodes {
    step { name }
    document { __typename ... on SalesOrder { id status } ... on StockIn { id stockInStatus: status } }
} } } }
"""


async def events(engine, type_name: str, global_id: str) -> list[tuple[str, dict]]:
    _, pk = from_global_id(global_id)
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(Event.type, Event.payload, Event.sequence)
            .where(Event.stream == f"{type_name}:{pk}")
            .order_by(Event.sequence)
        )
        rows = rows.all()
    assert [r.sequence for r in rows] == list(range(1, len(rows) + 1))
    return [(r.type, r.payload) for r in rows]


async def test_each_order_transition_writes_one_event_with_the_contract_payload(demo, client_for):
    sales, planner = await client_for("sales"), await client_for("planner")
    order = await new_order(demo, sales)
    oid = order["id"]
    _, order_pk = from_global_id(oid)
    customer_pk = (await events(demo, "SalesOrder", oid))[0][1]["customerId"]
    steps = [
        (sales, SUBMIT, "salesOrderSubmit", "SUBMITTED", "IN_REVIEW"),
        (planner, CONFIRM, "salesOrderConfirm", "CONFIRMED", "CONFIRMED"),
        (
            planner,
            START_PRODUCTION,
            "salesOrderStartProduction",
            "PRODUCTION_STARTED",
            "IN_PRODUCTION",
        ),
        (planner, MARK_READY, "salesOrderMarkReady", "READY", "READY"),
    ]
    for client, mutation, field, event_type, status in steps:
        before = await events(demo, "SalesOrder", oid)
        ok(await client.execute(mutation, {"input": {"id": oid}}), field, "salesOrder")
        after = await events(demo, "SalesOrder", oid)
        assert len(after) == len(before) + 1
        kind, payload = after[-1]
        assert kind == event_type
        assert payload["from"] == before[-1][1]["to"]
        assert payload["to"] == status
        assert (payload["orderId"], payload["customerId"]) == (order_pk, customer_pk)
        assert payload["actorKind"] == "STAFF"
    first = await events(demo, "SalesOrder", oid)
    assert first[0][1]["from"] is None and first[0][1]["to"] == "DRAFT"


async def test_shipment_actions_write_shipment_events_and_derived_order_events(demo, client_for):
    planner, partner = await client_for("planner"), await client_for("partner")
    order = await ready_order(demo, planner)
    shipment = await shipment_of(planner, order, "10")
    before = await events(demo, "SalesOrder", order["id"])
    await shipment_action(planner, DISPATCH, "shipmentDispatch", shipment)
    await shipment_action(
        planner, TRACK, "shipmentAddTrackingEvent", shipment, location="Wuxi", note="scan"
    )
    await shipment_action(partner, CONFIRM_RECEIPT, "shipmentConfirmReceipt", shipment)
    _, order_pk = from_global_id(order["id"])
    shipment_events = await events(demo, "Shipment", shipment["id"])
    assert [(t, p["from"], p["to"]) for t, p in shipment_events] == [
        ("CREATED", None, "PLANNED"),
        ("DISPATCHED", "PLANNED", "DISPATCHED"),
        ("TRACKING", "DISPATCHED", "IN_TRANSIT"),
        ("RECEIPT_CONFIRMED", "IN_TRANSIT", "DELIVERED"),
    ]
    assert {p["orderId"] for _, p in shipment_events} == {order_pk}
    assert shipment_events[-1][1]["actorKind"] == "PARTNER"
    derived = (await events(demo, "SalesOrder", order["id"]))[len(before) :]
    assert [(t, p["from"], p["to"], p["actorKind"]) for t, p in derived] == [
        ("SHIPPED", "READY", "SHIPPED", "SYSTEM"),
        ("DELIVERED", "SHIPPED", "DELIVERED", "SYSTEM"),
    ]
    assert derived[0][1]["shipmentId"] == from_global_id(shipment["id"])[1]


async def test_stock_in_actions_write_events_on_the_stock_in_stream(demo, client_for):
    planner, vp = await client_for("planner"), await client_for("vp")
    variables = {
        "input": {
            "productId": await product_id(demo, "P0004"),
            "quantity": "7",
            "qcReference": "QC-9",
        }
    }
    stock_in = ok(await planner.execute(STOCK_IN_REQUEST, variables), "stockInRequest", "stockIn")
    ok(
        await vp.execute(STOCK_IN_APPROVE, {"input": {"id": stock_in["id"]}}),
        "stockInApprove",
        "stockIn",
    )
    ok(
        await planner.execute(STOCK_IN_POST, {"input": {"id": stock_in["id"]}}),
        "stockInPost",
        "stockIn",
    )
    assert [(t, p["from"], p["to"]) for t, p in await events(demo, "StockIn", stock_in["id"])] == [
        ("REQUESTED", None, "REQUESTED"),
        ("APPROVED", "REQUESTED", "APPROVED"),
        ("POSTED", "APPROVED", "POSTED"),
    ]


async def test_two_dispatches_racing_for_the_last_stock_leave_exactly_one_shipped(demo, client_for):
    planner = await client_for("planner")
    have = await on_hand(demo, "P0006")
    order = await ready_order(demo, planner, lines=[("P0006", str(have * 2), 30)])
    first = await shipment_of(planner, order, str(have))
    second = await shipment_of(planner, order, str(have))
    results = await asyncio.gather(
        *(planner.execute(DISPATCH, {"input": {"id": s["id"]}}) for s in (first, second))
    )
    codes = sorted(
        r["shipmentDispatch"]["errors"][0]["code"] if r["shipmentDispatch"]["errors"] else "OK"
        for r in results
    )
    assert codes == ["INSUFFICIENT_STOCK", "OK"]
    assert await on_hand(demo, "P0006") == 0


async def test_concurrent_approvals_of_one_step_give_exactly_one_success(demo, client_for):
    sales, finance = await client_for("sales"), await client_for("finance")
    order = await new_order(demo, sales, lines=[("P0002", "3", 30, "100.00")])
    ok(
        await sales.execute(SUBMIT, {"input": {"id": order["id"]}}),
        "salesOrderSubmit",
        "salesOrder",
    )
    before = await events(demo, "SalesOrder", order["id"])
    results = await asyncio.gather(
        *(finance.execute(APPROVE, {"input": {"id": order["id"]}}) for _ in range(8))
    )
    payloads = [r["salesOrderApprove"] for r in results]
    assert sum(1 for p in payloads if not p["errors"]) == 1
    assert {p["errors"][0]["code"] for p in payloads if p["errors"]} <= {
        "CONFLICT",
        "INVALID_TRANSITION",
    }
    after = await events(demo, "SalesOrder", order["id"])
    assert [t for t, _ in after[len(before) :]] == ["STEP_APPROVED"]


async def test_a_retried_dispatch_with_the_same_idempotency_key_ships_once(demo, client_for):
    planner = await client_for("planner")
    order = await ready_order(demo, planner)
    shipment = await shipment_of(planner, order, "5")
    headers = {"Idempotency-Key": "dispatch-once"}
    variables = {"input": {"id": shipment["id"]}}
    first = await planner.post(DISPATCH, variables, headers=headers)
    state = await snapshot(demo)
    again = await planner.post(DISPATCH, variables, headers=headers)
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json() == first.json()
    assert await snapshot(demo) == state


async def test_special_approval_reaches_finance_then_the_vp_and_stock_ins_the_vp(demo, client_for):
    sales, finance, vp, planner = [
        await client_for(x) for x in ("sales", "finance", "vp", "planner")
    ]
    order = await new_order(demo, sales, lines=[("P0002", "3", 30, "100.00")])
    ok(
        await sales.execute(SUBMIT, {"input": {"id": order["id"]}}),
        "salesOrderSubmit",
        "salesOrder",
    )

    def documents(data):
        return [t["document"] for t in data["viewer"]["approvalTasks"]["nodes"]]

    assert {"__typename": "SalesOrder", "id": order["id"], "status": "IN_REVIEW"} in documents(
        await finance.execute(TASKS)
    )
    assert order["id"] not in {d.get("id") for d in documents(await vp.execute(TASKS))}
    ok(
        await finance.execute(APPROVE, {"input": {"id": order["id"]}}),
        "salesOrderApprove",
        "salesOrder",
    )
    assert order["id"] not in {d.get("id") for d in documents(await finance.execute(TASKS))}
    assert order["id"] in {d.get("id") for d in documents(await vp.execute(TASKS))}

    variables = {
        "input": {
            "productId": await product_id(demo, "P0001"),
            "quantity": "1",
            "qcReference": "QC-T",
        }
    }
    stock_in = ok(await planner.execute(STOCK_IN_REQUEST, variables), "stockInRequest", "stockIn")
    assert {
        "__typename": "StockIn",
        "id": stock_in["id"],
        "stockInStatus": "REQUESTED",
    } in documents(await vp.execute(TASKS))


async def test_a_delivery_date_after_the_promise_makes_the_shipment_late(demo, client_for):
    planner = await client_for("planner")
    order = await ready_order(demo, planner, lines=[("P0003", "4", 0)])
    shipment = await shipment_of(planner, order, "4")
    shipment = await shipment_action(planner, DISPATCH, "shipmentDispatch", shipment)
    assert (shipment["daysLate"], shipment["isLate"]) == (0, False)
    shipment = await shipment_action(planner, DELIVER, "shipmentDeliver", shipment)
    assert shipment["status"] == "DELIVERED"
    assert shipment["promisedDate"] <= shipment["deliveredAt"][:10]
    assert shipment["daysLate"] == 0  # delivered on the promised day is on time
