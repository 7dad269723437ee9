"""The acceptance path of the orders issue, through the API on the demo data, step by step:
create → submit (priced under the floor) → finance approves → VP approves → confirm →
production → ready → stock-in requested/approved/posted → two partial shipments → tracking →
delivered → the partner confirms receipt. At each step: the statuses, and the execution summary
on the order and in the report."""

from datetime import timedelta

from sqlalchemy import select

from api.ids import from_global_id
from domain.store.tables import Event
from tests.api.orders_helpers import (
    APPROVE,
    CONFIRM,
    CONFIRM_RECEIPT,
    CREATE,
    DELIVER,
    DISPATCH,
    MARK_READY,
    ORDER,
    REPORT,
    SHIPMENT_CREATE,
    START_PRODUCTION,
    STOCK_IN_APPROVE,
    STOCK_IN_POST,
    STOCK_IN_REQUEST,
    SUBMIT,
    TRACK,
    customer_id,
    ledger_checked,  # noqa: F401  (autouse fixture: the ledger sums to on-hand after each test)
    ok,
    on_hand,
    product_id,
    today,
)


def figures(**given) -> dict:
    """Expected execution figures: zeros unless given (numbers as the API prints them)."""
    expected = {
        "orderedQuantity": "30.000",
        "orderedAmount": "13210.00",
        "shippedQuantity": "0.000",
        "shippedAmount": "0.00",
        "deliveredQuantity": "0.000",
        "deliveredAmount": "0.00",
        "returnedQuantity": "0.000",
        "returnedAmount": "0.00",
        "outstandingQuantity": "30.000",
        "outstandingAmount": "13210.00",
        "lines": 2,
        "linesDue": 1,
        "linesOnTimeInFull": 0,
        "onTimeInFullRate": "0.0000",
        "deliveries": 0,
        "lateDeliveries": 0,
        "averageDaysLate": None,
    }
    expected.update(given)
    return expected


async def report_row(client, order: str) -> dict | None:
    """The order's row of the execution report grouped by order (None while not booked)."""
    data = await client.execute(REPORT, {"groupBy": "ORDER", "where": {"orderId": order}})
    rows = data["orderExecutionReport"]["rows"]["nodes"]
    assert len(rows) <= 1
    return rows[0]["figures"] if rows else None


async def order_events(engine, order: str) -> list[tuple]:
    """(type, from, to, actor kind) of the order's events, in sequence."""
    _, pk = from_global_id(order)
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(Event.type, Event.payload)
            .where(Event.stream == f"SalesOrder:{pk}")
            .order_by(Event.sequence)
        )
        return [(t, p["from"], p["to"], p["actorKind"]) for t, p in rows]


async def test_an_order_goes_from_draft_to_confirmed_receipt_with_the_right_figures_at_each_step(
    demo, client_for
):
    sales, finance, vp, planner, partner = [
        await client_for(login) for login in ("sales", "finance", "vp", "planner", "partner")
    ]
    day = today()
    late_line, later_line = day - timedelta(days=5), day + timedelta(days=30)
    motor, valve = await product_id(demo, "P0002"), await product_id(demo, "P0003")

    # 1. The salesperson creates a draft for their own customer: the gear motor under its
    #    floor (782.00 = 85 % of 920.00), the valves at list price.
    order = ok(
        await sales.execute(
            CREATE,
            {
                "input": {
                    "customerId": await customer_id(demo, "C0001"),
                    "orderDate": (day - timedelta(days=20)).isoformat(),
                    "customerReference": "PO-ACCEPT-1",
                    "lines": [
                        {
                            "productId": motor,
                            "quantity": "10",
                            "unitPrice": "700.00",
                            "promisedDate": late_line.isoformat(),
                        },
                        {
                            "productId": valve,
                            "quantity": "20",
                            "promisedDate": later_line.isoformat(),
                        },
                    ],
                }
            },
        ),
        "salesOrderCreate",
        "salesOrder",
    )
    oid = order["id"]
    assert order["status"] == "DRAFT"
    assert order["totalAmount"] == "13210.00"
    motor_line, valve_line = (line for line in order["lines"]["nodes"])
    assert (motor_line["priceFloor"], motor_line["belowPriceFloor"]) == ("782.00", True)
    assert motor_line["marginOverFloor"] == "-820.00"
    assert (valve_line["unitPrice"], valve_line["belowPriceFloor"]) == ("310.50", False)
    assert order["execution"] == figures()
    assert await report_row(planner, oid) is None  # not booked yet

    # 2. Submitting starts contract review and, under the floor, special approval.
    order = ok(
        await sales.execute(SUBMIT, {"input": {"id": oid}}), "salesOrderSubmit", "salesOrder"
    )
    assert order["status"] == "IN_REVIEW"
    assert order["specialApprovalReasons"] == ["PRICE_BELOW_FLOOR"]
    assert order["currentStep"]["name"] == "Finance review"
    assert order["currentStep"]["role"] == "FINANCE"

    # Confirming before the special approval is refused.
    refused = await planner.execute(CONFIRM, {"input": {"id": oid}})
    assert [e["code"] for e in refused["salesOrderConfirm"]["errors"]] == ["INVALID_TRANSITION"]

    # 3–4. Finance, then the VP approve; the order stays in review.
    order = ok(
        await finance.execute(APPROVE, {"input": {"id": oid, "comment": "framework price"}}),
        "salesOrderApprove",
        "salesOrder",
    )
    assert (order["status"], order["currentStep"]["name"]) == ("IN_REVIEW", "VP in charge")
    assert order["currentStep"]["approver"]["login"] == "vp"
    order = ok(await vp.execute(APPROVE, {"input": {"id": oid}}), "salesOrderApprove", "salesOrder")
    assert (order["status"], order["currentStep"]) == ("IN_REVIEW", None)
    assert [(s["name"], s["state"], s["actedBy"]["login"]) for s in order["steps"]] == [
        ("Finance review", "APPROVED", "finance"),
        ("VP in charge", "APPROVED", "vp"),
    ]
    assert order["execution"] == figures()

    # 5–7. Contract review passes; production; ready. Booked orders appear in the report.
    order = ok(
        await planner.execute(CONFIRM, {"input": {"id": oid}}), "salesOrderConfirm", "salesOrder"
    )
    assert order["status"] == "CONFIRMED"
    assert await report_row(planner, oid) == figures()
    order = ok(
        await planner.execute(START_PRODUCTION, {"input": {"id": oid}}),
        "salesOrderStartProduction",
        "salesOrder",
    )
    assert order["status"] == "IN_PRODUCTION"
    order = ok(
        await planner.execute(MARK_READY, {"input": {"id": oid}}),
        "salesOrderMarkReady",
        "salesOrder",
    )
    assert order["status"] == "READY"
    assert order["execution"] == figures()

    # 8. The finished motors go into stock: requested, approved by the VP, posted.
    motors_before = await on_hand(demo, "P0002")
    stock_in = ok(
        await planner.execute(
            STOCK_IN_REQUEST,
            {
                "input": {
                    "productId": motor,
                    "quantity": "10",
                    "qcReference": "QC-ACC-1",
                    "salesOrderId": oid,
                }
            },
        ),
        "stockInRequest",
        "stockIn",
    )
    assert (stock_in["status"], stock_in["currentStep"]["approver"]["login"]) == ("REQUESTED", "vp")
    assert await on_hand(demo, "P0002") == motors_before
    stock_in = ok(
        await vp.execute(STOCK_IN_APPROVE, {"input": {"id": stock_in["id"]}}),
        "stockInApprove",
        "stockIn",
    )
    assert stock_in["status"] == "APPROVED"
    assert await on_hand(demo, "P0002") == motors_before
    stock_in = ok(
        await planner.execute(STOCK_IN_POST, {"input": {"id": stock_in["id"]}}),
        "stockInPost",
        "stockIn",
    )
    assert stock_in["status"] == "POSTED"
    assert await on_hand(demo, "P0002") == motors_before + 10
    valves_before = await on_hand(demo, "P0003")

    # 9. First partial shipment: 6 motors and all 20 valves. Planned changes nothing yet.
    first = ok(
        await planner.execute(
            SHIPMENT_CREATE,
            {
                "input": {
                    "orderId": oid,
                    "carrier": "SF Express",
                    "lines": [
                        {"orderLineId": motor_line["id"], "quantity": "6"},
                        {"orderLineId": valve_line["id"], "quantity": "20"},
                    ],
                }
            },
        ),
        "shipmentCreate",
        "shipment",
    )
    assert (first["status"], first["order"]["status"]) == ("PLANNED", "READY")
    assert (await sales.execute(ORDER, {"id": oid}))["salesOrder"]["execution"] == figures()
    first = ok(
        await planner.execute(DISPATCH, {"input": {"id": first["id"]}}),
        "shipmentDispatch",
        "shipment",
    )
    assert (first["status"], first["order"]["status"]) == ("DISPATCHED", "PARTIALLY_SHIPPED")
    assert await on_hand(demo, "P0002") == motors_before + 10 - 6
    assert await on_hand(demo, "P0003") == valves_before - 20
    after_first_dispatch = figures(
        shippedQuantity="26.000",
        shippedAmount="10410.00",
        outstandingQuantity="4.000",
        outstandingAmount="2800.00",
    )
    order = (await sales.execute(ORDER, {"id": oid}))["salesOrder"]
    assert order["execution"] == after_first_dispatch
    assert await report_row(planner, oid) == after_first_dispatch

    # 10. Tracking, then delivery: the motors are 5 days late, the valves on time.
    first = ok(
        await planner.execute(TRACK, {"input": {"id": first["id"], "location": "Nanjing depot"}}),
        "shipmentAddTrackingEvent",
        "shipment",
    )
    assert first["status"] == "IN_TRANSIT"
    assert [t["location"] for t in first["trackingEventsConnection"]["nodes"]] == ["Nanjing depot"]
    first = ok(
        await planner.execute(DELIVER, {"input": {"id": first["id"]}}),
        "shipmentDeliver",
        "shipment",
    )
    assert (first["status"], first["order"]["status"]) == ("DELIVERED", "PARTIALLY_SHIPPED")
    assert (first["daysLate"], first["isLate"]) == (5, True)
    assert sorted(line["daysLate"] for line in first["lines"]) == [0, 5]
    after_first_delivery = {
        **after_first_dispatch,
        "deliveredQuantity": "26.000",
        "deliveredAmount": "10410.00",
        "linesDue": 2,  # the valves are due because delivered in full
        "linesOnTimeInFull": 1,
        "onTimeInFullRate": "0.5000",
        "deliveries": 2,
        "lateDeliveries": 1,
        "averageDaysLate": "2.50",
    }
    assert (await sales.execute(ORDER, {"id": oid}))["salesOrder"][
        "execution"
    ] == after_first_delivery
    assert await report_row(planner, oid) == after_first_delivery

    # 11. The second partial shipment takes the last 4 motors: SHIPPED, then DELIVERED.
    second = ok(
        await planner.execute(
            SHIPMENT_CREATE,
            {
                "input": {
                    "orderId": oid,
                    "lines": [{"orderLineId": motor_line["id"], "quantity": "4"}],
                }
            },
        ),
        "shipmentCreate",
        "shipment",
    )
    second = ok(
        await planner.execute(DISPATCH, {"input": {"id": second["id"]}}),
        "shipmentDispatch",
        "shipment",
    )
    assert second["order"]["status"] == "SHIPPED"
    assert await on_hand(demo, "P0002") == motors_before
    order = (await sales.execute(ORDER, {"id": oid}))["salesOrder"]
    assert order["execution"] == {
        **after_first_delivery,
        "shippedQuantity": "30.000",
        "shippedAmount": "13210.00",
        "outstandingQuantity": "0.000",
        "outstandingAmount": "0.00",
    }
    ok(
        await planner.execute(
            TRACK, {"input": {"id": second["id"], "location": "Hefei depot", "note": "on time"}}
        ),
        "shipmentAddTrackingEvent",
        "shipment",
    )
    second = ok(
        await planner.execute(DELIVER, {"input": {"id": second["id"]}}),
        "shipmentDeliver",
        "shipment",
    )
    assert (second["status"], second["order"]["status"]) == ("DELIVERED", "DELIVERED")
    delivered = figures(
        shippedQuantity="30.000",
        shippedAmount="13210.00",
        deliveredQuantity="30.000",
        deliveredAmount="13210.00",
        outstandingQuantity="0.000",
        outstandingAmount="0.00",
        linesDue=2,
        linesOnTimeInFull=1,
        onTimeInFullRate="0.5000",
        deliveries=3,
        lateDeliveries=2,
        averageDaysLate="3.33",
    )
    assert (await sales.execute(ORDER, {"id": oid}))["salesOrder"]["execution"] == delivered
    assert await report_row(planner, oid) == delivered

    # 12. The customer confirms receipt from the partner portal; it sees its order, not the
    #     internal fields.
    for shipment in (first, second):
        confirmed = ok(
            await partner.execute(CONFIRM_RECEIPT, {"input": {"id": shipment["id"]}}),
            "shipmentConfirmReceipt",
            "shipment",
        )
        assert confirmed["receiptConfirmedAt"] is not None
        assert confirmed["status"] == "DELIVERED"
    seen = (await partner.execute(ORDER, {"id": oid}))["salesOrder"]
    assert seen["status"] == "DELIVERED"
    assert seen["execution"] == delivered
    assert seen["customer"]["creditLimit"] is None
    assert (seen["specialApprovalReasons"], seen["steps"], seen["note"]) == (None, None, None)
    assert {line["priceFloor"] for line in seen["lines"]["nodes"]} == {None}
    assert {line["marginOverFloor"] for line in seen["lines"]["nodes"]} == {None}

    # Every order transition left one event, the derived ones by the system.
    assert await order_events(demo, oid) == [
        ("CREATED", None, "DRAFT", "STAFF"),
        ("SUBMITTED", "DRAFT", "IN_REVIEW", "STAFF"),
        ("STEP_APPROVED", "IN_REVIEW", "IN_REVIEW", "STAFF"),
        ("APPROVED", "IN_REVIEW", "IN_REVIEW", "STAFF"),
        ("CONFIRMED", "IN_REVIEW", "CONFIRMED", "STAFF"),
        ("PRODUCTION_STARTED", "CONFIRMED", "IN_PRODUCTION", "STAFF"),
        ("READY", "IN_PRODUCTION", "READY", "STAFF"),
        ("PARTIALLY_SHIPPED", "READY", "PARTIALLY_SHIPPED", "SYSTEM"),
        ("SHIPPED", "PARTIALLY_SHIPPED", "SHIPPED", "SYSTEM"),
        ("DELIVERED", "SHIPPED", "DELIVERED", "SYSTEM"),
    ]
