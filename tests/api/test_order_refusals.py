"""Every refused order, stock or shipment action is a typed error in its payload and changes
nothing (the whole order/stock/shipment state, steps and events are compared before and after)."""

from datetime import timedelta

import api.queries
from api.ids import to_global_id
from tests.api.orders_helpers import (
    APPROVE,
    CANCEL,
    CLOSE,
    CONFIRM_RECEIPT,
    CREATE,
    DELIVER,
    DISPATCH,
    RETURN_CREATE,
    RETURN_RECEIVE,
    SHIPMENT_CREATE,
    STOCK_IN_APPROVE,
    STOCK_IN_POST,
    STOCK_IN_REQUEST,
    SUBMIT,
    TRACK,
    UPDATE_LINES,
    customer_id,
    ledger_checked,  # noqa: F401  (autouse: the ledger sums to on-hand after each test)
    new_order,
    ok,
    on_hand,
    product_id,
    ready_order,
    refused,
    shipment_action,
    shipment_of,
    snapshot,
    today,
)


async def test_shipping_more_than_is_outstanding_is_refused(demo, client_for):
    planner = await client_for("planner")
    order = await ready_order(demo, planner, lines=[("P0003", "10", 30), ("P0004", "5", 30)])
    too_much = {
        "input": {
            "orderId": order["id"],
            "lines": [{"orderLineId": order["lines"]["nodes"][0]["id"], "quantity": "10.001"}],
        }
    }
    codes = await refused(demo, planner, SHIPMENT_CREATE, too_much, "shipmentCreate", "shipment")
    assert codes == ["EXCEEDS_OUTSTANDING"]

    # A planned shipment already takes its share: 6 planned leave 4 to ship.
    await shipment_of(planner, order, "6")
    five_more = {
        "input": {
            "orderId": order["id"],
            "lines": [{"orderLineId": order["lines"]["nodes"][0]["id"], "quantity": "5"}],
        }
    }
    codes = await refused(demo, planner, SHIPMENT_CREATE, five_more, "shipmentCreate", "shipment")
    assert codes == ["EXCEEDS_OUTSTANDING"]


async def test_dispatching_without_enough_stock_is_refused_and_no_stock_moves(demo, client_for):
    planner = await client_for("planner")
    have = await on_hand(demo, "P0005")
    short = str(have + 3)
    order = await ready_order(demo, planner, lines=[("P0005", short, 30)])
    shipment = await shipment_of(planner, order, short)
    codes = await refused(
        demo, planner, DISPATCH, {"input": {"id": shipment["id"]}}, "shipmentDispatch", "shipment"
    )
    assert codes == ["INSUFFICIENT_STOCK"]
    assert await on_hand(demo, "P0005") == have


async def test_cancelling_after_shipping_is_refused(demo, client_for):
    planner = await client_for("planner")
    order = await ready_order(demo, planner)
    shipment = await shipment_of(planner, order, "4")
    variables = {"input": {"id": order["id"], "reason": "changed mind"}}
    # Planned goods already block a cancellation...
    assert await refused(demo, planner, CANCEL, variables, "salesOrderCancel", "salesOrder") == [
        "INVALID_TRANSITION"
    ]
    # ...and so do goods on their way.
    await shipment_action(planner, DISPATCH, "shipmentDispatch", shipment)
    assert await refused(demo, planner, CANCEL, variables, "salesOrderCancel", "salesOrder") == [
        "INVALID_TRANSITION"
    ]


async def test_a_demo_order_that_has_shipped_cannot_be_cancelled(demo, client_for):
    planner = await client_for("planner")
    shipped = (
        await planner.execute(
            "{ salesOrders(where: {statusIn: [SHIPPED, DELIVERED]}, first: 5) { nodes { id } } }"
        )
    )["salesOrders"]["nodes"]
    assert shipped
    for order in shipped:
        codes = await refused(
            demo, planner, CANCEL, {"input": {"id": order["id"]}}, "salesOrderCancel", "salesOrder"
        )
        assert codes == ["INVALID_TRANSITION"]


async def test_a_submitted_order_cannot_be_edited(demo, client_for):
    sales = await client_for("sales")
    order = await new_order(demo, sales)
    ok(
        await sales.execute(SUBMIT, {"input": {"id": order["id"]}}),
        "salesOrderSubmit",
        "salesOrder",
    )
    variables = {
        "input": {
            "id": order["id"],
            "lines": [
                {
                    "productId": await product_id(demo, "P0003"),
                    "quantity": "1",
                    "promisedDate": today().isoformat(),
                }
            ],
        }
    }
    codes = await refused(
        demo, sales, UPDATE_LINES, variables, "salesOrderUpdateLines", "salesOrder"
    )
    assert codes == ["READ_ONLY"]


async def test_only_the_current_steps_approver_approves_a_special_order(demo, client_for):
    sales, vp, finance = [await client_for(x) for x in ("sales", "vp", "finance")]
    order = await new_order(demo, sales, lines=[("P0002", "2", 30, "500.00")])
    ok(
        await sales.execute(SUBMIT, {"input": {"id": order["id"]}}),
        "salesOrderSubmit",
        "salesOrder",
    )
    variables = {"input": {"id": order["id"]}}
    assert await refused(demo, vp, APPROVE, variables, "salesOrderApprove", "salesOrder") == [
        "FORBIDDEN"
    ]
    assert await refused(demo, sales, APPROVE, variables, "salesOrderApprove", "salesOrder") == [
        "FORBIDDEN"
    ]
    ok(await finance.execute(APPROVE, variables), "salesOrderApprove", "salesOrder")
    # Finance already decided its step; the VP's is not theirs.
    assert await refused(demo, finance, APPROVE, variables, "salesOrderApprove", "salesOrder") == [
        "INVALID_TRANSITION"
    ]


async def test_approving_an_order_without_special_approval_is_an_invalid_transition(
    demo, client_for
):
    sales, finance = await client_for("sales"), await client_for("finance")
    order = await new_order(demo, sales)
    ok(
        await sales.execute(SUBMIT, {"input": {"id": order["id"]}}),
        "salesOrderSubmit",
        "salesOrder",
    )
    codes = await refused(
        demo, finance, APPROVE, {"input": {"id": order["id"]}}, "salesOrderApprove", "salesOrder"
    )
    assert codes == ["INVALID_TRANSITION"]


async def test_a_stale_expected_version_is_a_conflict(demo, client_for):
    sales = await client_for("sales")
    order = await new_order(demo, sales)
    variables = {"input": {"id": order["id"], "expectedVersion": order["version"] + 1}}
    assert await refused(demo, sales, SUBMIT, variables, "salesOrderSubmit", "salesOrder") == [
        "CONFLICT"
    ]


async def test_a_salesperson_writes_orders_only_for_their_own_customers(demo, client_for):
    sales = await client_for("sales")
    variables = {
        "input": {
            "customerId": await customer_id(demo, "C0002"),
            "lines": [
                {
                    "productId": await product_id(demo, "P0003"),
                    "quantity": "1",
                    "promisedDate": today().isoformat(),
                }
            ],
        }
    }
    codes = await refused(demo, sales, CREATE, variables, "salesOrderCreate", "salesOrder")
    assert codes == ["FORBIDDEN"]


async def test_a_partner_cannot_create_orders(demo, client_for):
    partner = await client_for("partner")
    variables = {"input": {"customerId": await customer_id(demo, "C0001"), "lines": []}}
    codes = await refused(demo, partner, CREATE, variables, "salesOrderCreate", "salesOrder")
    assert codes == ["NOT_FOUND"]


async def test_bad_lines_are_refused_at_their_fields(demo, client_for):
    planner = await client_for("planner")
    variables = {
        "input": {
            "customerId": await customer_id(demo, "C0001"),
            "orderDate": today().isoformat(),
            "lines": [
                {
                    "productId": await product_id(demo, "P0003"),
                    "quantity": "-1",
                    "promisedDate": today().isoformat(),
                },
                {"productId": "bm9wZQ==", "quantity": "1", "promisedDate": today().isoformat()},
            ],
        }
    }
    before = await refused(demo, planner, CREATE, variables, "salesOrderCreate", "salesOrder")
    assert before == ["NOT_FOUND"]  # ids are checked before the rest
    variables["input"]["lines"].pop()
    variables["input"]["lines"].append(
        {
            "productId": await product_id(demo, "P0003"),
            "quantity": "1",
            "promisedDate": (today() - timedelta(days=1)).isoformat(),
        }
    )
    data = await planner.execute(CREATE, variables)
    assert [e["field"] for e in data["salesOrderCreate"]["errors"]] == [
        ["input", "lines", "0", "quantity"],
        ["input", "lines", "1", "promisedDate"],
    ]


async def test_staff_cannot_confirm_receipt_for_the_customer(demo, client_for):
    planner = await client_for("planner")
    order = await ready_order(demo, planner)
    shipment = await shipment_of(planner, order, "10")
    await shipment_action(planner, DISPATCH, "shipmentDispatch", shipment)
    codes = await refused(
        demo,
        planner,
        CONFIRM_RECEIPT,
        {"input": {"id": shipment["id"]}},
        "shipmentConfirmReceipt",
        "shipment",
    )
    assert codes == ["FORBIDDEN"]


async def test_another_customers_partner_cannot_confirm_receipt(demo, client_for):
    planner, partner2 = await client_for("planner"), await client_for("partner2")
    order = await ready_order(demo, planner)
    shipment = await shipment_of(planner, order, "10")
    await shipment_action(planner, DISPATCH, "shipmentDispatch", shipment)
    codes = await refused(
        demo,
        partner2,
        CONFIRM_RECEIPT,
        {"input": {"id": shipment["id"]}},
        "shipmentConfirmReceipt",
        "shipment",
    )
    assert codes == ["NOT_FOUND"]


async def test_another_customers_shipment_or_return_is_refused_exactly_like_a_made_up_one(
    demo, client_for
):
    planner, partner2 = await client_for("planner"), await client_for("partner2")
    order = await ready_order(demo, planner, lines=[("P0004", "8", 30)])
    shipment = await shipment_of(planner, order, "8")
    await shipment_action(planner, DISPATCH, "shipmentDispatch", shipment)
    await shipment_action(planner, DELIVER, "shipmentDeliver", shipment)
    line = order["lines"]["nodes"][0]["id"]
    created = ok(
        await planner.execute(
            RETURN_CREATE,
            {
                "input": {
                    "orderId": order["id"],
                    "reason": "one housing cracked",
                    "lines": [{"orderLineId": line, "quantity": "1"}],
                }
            },
        ),
        "returnCreate",
        "salesReturn",
    )
    for mutation, field, key, real_id, type_name, message in (
        (DELIVER, "shipmentDeliver", "shipment", shipment["id"], "Shipment", "no such shipment"),
        (
            CONFIRM_RECEIPT,
            "shipmentConfirmReceipt",
            "shipment",
            shipment["id"],
            "Shipment",
            "no such shipment",
        ),
        (
            RETURN_RECEIVE,
            "returnReceive",
            "salesReturn",
            created["id"],
            "SalesReturn",
            "no such return",
        ),
    ):
        assert await refused(demo, partner2, mutation, {"input": {"id": real_id}}, field, key) == [
            "NOT_FOUND"
        ]
        made_up = to_global_id(type_name, 999_999)
        real = (await partner2.execute(mutation, {"input": {"id": real_id}}))[field]["errors"]
        fake = (await partner2.execute(mutation, {"input": {"id": made_up}}))[field]["errors"]
        assert real == fake == [{"code": "NOT_FOUND", "field": ["input", "id"], "message": message}]


async def test_shipment_steps_out_of_order_are_invalid_transitions(demo, client_for):
    planner = await client_for("planner")
    order = await ready_order(demo, planner)
    shipment = await shipment_of(planner, order, "10")
    for mutation, field, extra in (
        (TRACK, "shipmentAddTrackingEvent", {"location": "Shanghai"}),
        (DELIVER, "shipmentDeliver", {}),
    ):
        codes = await refused(
            demo, planner, mutation, {"input": {"id": shipment["id"], **extra}}, field, "shipment"
        )
        assert codes == ["INVALID_TRANSITION"]
    await shipment_action(planner, DISPATCH, "shipmentDispatch", shipment)
    assert await refused(
        demo, planner, DISPATCH, {"input": {"id": shipment["id"]}}, "shipmentDispatch", "shipment"
    ) == ["INVALID_TRANSITION"]
    future = (today() + timedelta(days=2)).isoformat() + "T10:00:00+00:00"
    assert await refused(
        demo,
        planner,
        DELIVER,
        {"input": {"id": shipment["id"], "deliveredAt": future}},
        "shipmentDeliver",
        "shipment",
    ) == ["INVALID"]


async def test_returning_more_than_was_delivered_is_refused(demo, client_for):
    planner = await client_for("planner")
    order = await ready_order(demo, planner)
    shipment = await shipment_of(planner, order, "6")
    await shipment_action(planner, DISPATCH, "shipmentDispatch", shipment)
    await shipment_action(planner, DELIVER, "shipmentDeliver", shipment)
    line = order["lines"]["nodes"][0]["id"]
    variables = {
        "input": {
            "orderId": order["id"],
            "reason": "damaged",
            "lines": [{"orderLineId": line, "quantity": "7"}],
        }
    }
    codes = await refused(demo, planner, RETURN_CREATE, variables, "returnCreate", "salesReturn")
    assert codes == ["EXCEEDS_DELIVERED"]


async def test_closing_an_order_that_is_not_delivered_is_refused(demo, client_for):
    planner = await client_for("planner")
    order = await ready_order(demo, planner)
    codes = await refused(
        demo, planner, CLOSE, {"input": {"id": order["id"]}}, "salesOrderClose", "salesOrder"
    )
    assert codes == ["INVALID_TRANSITION"]


async def test_a_stock_in_is_posted_only_after_approval_and_approved_only_by_its_approver(
    demo, client_for
):
    planner = await client_for("planner")
    stock_in = ok(
        await planner.execute(
            STOCK_IN_REQUEST,
            {
                "input": {
                    "productId": await product_id(demo, "P0001"),
                    "quantity": "5",
                    "qcReference": "QC-1",
                }
            },
        ),
        "stockInRequest",
        "stockIn",
    )
    variables = {"input": {"id": stock_in["id"]}}
    assert await refused(demo, planner, STOCK_IN_POST, variables, "stockInPost", "stockIn") == [
        "INVALID_TRANSITION"
    ]
    assert await refused(
        demo, planner, STOCK_IN_APPROVE, variables, "stockInApprove", "stockIn"
    ) == ["FORBIDDEN"]


async def test_a_stock_in_needs_a_qc_reference_and_a_positive_quantity(demo, client_for):
    planner = await client_for("planner")
    product = await product_id(demo, "P0001")
    for quantity, qc, field in (("5", " ", "qcReference"), ("0", "QC-2", "quantity")):
        variables = {"input": {"productId": product, "quantity": quantity, "qcReference": qc}}
        before = await refused(
            demo, planner, STOCK_IN_REQUEST, variables, "stockInRequest", "stockIn"
        )
        assert before in (["REQUIRED"], ["INVALID"]), field


def order_with_line(customer: str, product: str, quantity: str, unit_price: str) -> dict:
    line = {
        "productId": product,
        "quantity": quantity,
        "unitPrice": unit_price,
        "promisedDate": (today() + timedelta(days=30)).isoformat(),
    }
    return {"input": {"customerId": customer, "lines": [line]}}


async def test_numbers_too_large_or_not_finite_are_input_errors_that_change_nothing(
    demo, client_for
):
    planner = await client_for("planner")
    customer, product = await customer_id(demo, "C0001"), await product_id(demo, "P0003")
    before = await snapshot(demo)
    for quantity, price in (
        ("1", "99999999999999999999"),
        ("1", "1e30"),
        ("1", "NaN"),
        ("1", "Infinity"),
        ("1e15", "1"),
        ("1", "a lot"),
    ):
        response = await planner.post(CREATE, order_with_line(customer, product, quantity, price))
        body = response.json()
        assert body["data"] is None, (quantity, price)
        (error,) = body["errors"]
        field = "quantity" if quantity != "1" else "unitPrice"
        prefix = f"Variable '$input' has invalid value at .lines[0].{field}: Expected value of"
        assert error["message"].startswith(prefix + " type 'Decimal'"), error
    # Each number alone is fine, but a line of a billion units at just under 10^13 is not.
    refusal = await refused(
        demo,
        planner,
        CREATE,
        order_with_line(customer, product, "1000000000", "9999999999999"),
        "salesOrderCreate",
        "salesOrder",
    )
    assert refusal == ["INVALID"]
    assert await snapshot(demo) == before


async def test_an_unexpected_failure_is_answered_without_its_details(
    demo_readonly, client_for, monkeypatch
):
    async def broken(info, id):
        raise RuntimeError("(asyncpg) numeric field overflow [SQL: SELECT secret FROM app_user]")

    monkeypatch.setattr(api.queries, "load_node", broken)
    vp = await client_for("vp")
    response = await vp.post('{ node(id: "U2FsZXNPcmRlcjox") { id } }')
    body = response.json()
    assert body["data"] == {"node": None}
    assert [(e["message"], e["path"]) for e in body["errors"]] == [("Unexpected error.", ["node"])]
    assert "SELECT" not in response.text and "asyncpg" not in response.text
