"""Returns put goods back into stock and lower the delivered quantity; stock-ins raise stock
only when posted; the ledger explains every change of on-hand."""

from decimal import Decimal

from tests.api.orders_helpers import (
    CLOSE,
    CONFIRM_RECEIPT,
    DELIVER,
    DISPATCH,
    FIGURES,
    ORDER,
    RETURN_CREATE,
    RETURN_RECEIVE,
    ledger_checked,  # noqa: F401  (autouse: the ledger sums to on-hand after each test)
    ok,
    on_hand,
    ready_order,
    refused,
    shipment_action,
    shipment_of,
)

LEDGER = """
{ stockBalances(first: 100) { nodes {
    product { code } onHand
    movements(first: 100) { nodes { kind quantity balanceAfter
      stockIn { id } shipment { id } salesReturn { id } } }
} } }
"""


async def delivered_order(engine, planner, partner, quantity="8") -> dict:
    order = await ready_order(engine, planner, lines=[("P0004", quantity, 30)])
    shipment = await shipment_of(planner, order, quantity)
    await shipment_action(planner, DISPATCH, "shipmentDispatch", shipment)
    await shipment_action(planner, DELIVER, "shipmentDeliver", shipment)
    await shipment_action(partner, CONFIRM_RECEIPT, "shipmentConfirmReceipt", shipment)
    return order


async def test_a_received_return_restocks_lowers_delivered_and_keeps_the_order_delivered(
    demo, client_for
):
    planner, partner = await client_for("planner"), await client_for("partner")
    order = await delivered_order(demo, planner, partner)
    stock_before = await on_hand(demo, "P0004")
    line = order["lines"]["nodes"][0]["id"]
    created = ok(
        await planner.execute(
            RETURN_CREATE,
            {
                "input": {
                    "orderId": order["id"],
                    "reason": "two housings cracked",
                    "lines": [{"orderLineId": line, "quantity": "2"}],
                }
            },
        ),
        "returnCreate",
        "salesReturn",
    )
    assert (created["status"], created["order"]["status"]) == ("REQUESTED", "DELIVERED")
    assert await on_hand(demo, "P0004") == stock_before
    # An open return holds the order open...
    codes = await refused(
        demo, planner, CLOSE, {"input": {"id": order["id"]}}, "salesOrderClose", "salesOrder"
    )
    assert codes == ["INVALID_TRANSITION"]
    # ...and only 6 more may be returned while 2 are on the way back.
    variables = {
        "input": {
            "orderId": order["id"],
            "reason": "more",
            "lines": [{"orderLineId": line, "quantity": "6.001"}],
        }
    }
    assert await refused(
        demo, planner, RETURN_CREATE, variables, "returnCreate", "salesReturn"
    ) == ["EXCEEDS_DELIVERED"]

    received = ok(
        await planner.execute(RETURN_RECEIVE, {"input": {"id": created["id"]}}),
        "returnReceive",
        "salesReturn",
    )
    assert (received["status"], received["order"]["status"]) == ("RECEIVED", "DELIVERED")
    assert await on_hand(demo, "P0004") == stock_before + 2
    execution = (await planner.execute(ORDER, {"id": order["id"]}))["salesOrder"]["execution"]
    assert {
        k: execution[k] for k in ("deliveredQuantity", "returnedQuantity", "shippedQuantity")
    } == {
        "deliveredQuantity": "6.000",
        "returnedQuantity": "2.000",
        "shippedQuantity": "8.000",
    }
    history = await planner.execute(
        "query($id: ID!) { salesOrder(id: $id) { historyConnection { nodes { action fromStatus toStatus } } } }",
        {"id": order["id"]},
    )
    assert history["salesOrder"]["historyConnection"]["nodes"][-1] == {
        "action": "RETURN_RECEIVED",
        "fromStatus": "DELIVERED",
        "toStatus": "DELIVERED",
    }
    closed = ok(
        await planner.execute(CLOSE, {"input": {"id": order["id"]}}),
        "salesOrderClose",
        "salesOrder",
    )
    assert closed["status"] == "CLOSED"
    assert closed["execution"]["outstandingQuantity"] == "0.000"
    # Receiving twice is refused.
    assert await refused(
        demo,
        planner,
        RETURN_RECEIVE,
        {"input": {"id": created["id"]}},
        "returnReceive",
        "salesReturn",
    ) == ["INVALID_TRANSITION"]


async def test_the_ledger_shows_each_receipt_shipment_and_return_with_its_balance(demo, client_for):
    planner, partner = await client_for("planner"), await client_for("partner")
    order = await delivered_order(demo, planner, partner, quantity="3")
    line = order["lines"]["nodes"][0]["id"]
    sales_return = ok(
        await planner.execute(
            RETURN_CREATE,
            {
                "input": {
                    "orderId": order["id"],
                    "reason": "wrong size",
                    "lines": [{"orderLineId": line, "quantity": "1"}],
                }
            },
        ),
        "returnCreate",
        "salesReturn",
    )
    ok(
        await planner.execute(RETURN_RECEIVE, {"input": {"id": sales_return["id"]}}),
        "returnReceive",
        "salesReturn",
    )
    balances = (await planner.execute(LEDGER))["stockBalances"]["nodes"]
    coupling = next(b for b in balances if b["product"]["code"] == "P0004")
    movements = coupling["movements"]["nodes"]  # newest first
    assert [(m["kind"], m["quantity"]) for m in movements[:2]] == [
        ("RETURN", "1.000"),
        ("SHIPMENT", "-3.000"),
    ]
    assert movements[0]["salesReturn"]["id"] == sales_return["id"]
    assert movements[1]["shipment"] is not None
    assert movements[-1]["kind"] == "RECEIPT" and movements[-1]["stockIn"] is not None
    assert movements[0]["balanceAfter"] == coupling["onHand"]
    # Each balance is the previous one plus the movement.
    running = Decimal(0)
    for movement in reversed(movements):
        running += Decimal(movement["quantity"])
        assert Decimal(movement["balanceAfter"]) == running


async def test_a_partners_receipt_of_a_shipment_in_transit_delivers_it(demo, client_for):
    planner, partner = await client_for("planner"), await client_for("partner")
    order = await ready_order(demo, planner, lines=[("P0003", "2", 30), ("P0004", "3", 40)])
    shipment = await shipment_of(planner, order, "2", "3")
    await shipment_action(planner, DISPATCH, "shipmentDispatch", shipment)
    confirmed = await shipment_action(partner, CONFIRM_RECEIPT, "shipmentConfirmReceipt", shipment)
    assert (confirmed["status"], confirmed["order"]["status"]) == ("DELIVERED", "DELIVERED")
    assert confirmed["deliveredAt"] == confirmed["receiptConfirmedAt"]
    figures = await partner.execute(
        f"query($id: ID!) {{ salesOrder(id: $id) {{ execution {{ {FIGURES} }} }} }}",
        {"id": order["id"]},
    )
    assert figures["salesOrder"]["execution"]["deliveries"] == 2
