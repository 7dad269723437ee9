"""Every refused order, stock or shipment action is a typed error in its payload and changes
nothing (the whole order/stock/shipment state, steps and events are compared before and after)."""

from datetime import timedelta

import api.queries
from tests.api.orders_helpers import (
    CREATE,
    customer_id,
    ledger_checked,  # noqa: F401  (autouse: the ledger sums to on-hand after each test)
    product_id,
    refused,
    snapshot,
    today,
)


async def test_a_line_whose_product_id_does_not_decode_is_refused_before_the_rest(demo, client_for):
    # The use case's own checks of each line are tested in
    # tests/services/orders/test_order_refusals.py.
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
    assert [(e["message"], e["path"]) for e in body["errors"]] == [("Internal error.", ["node"])]
    assert "SELECT" not in response.text and "asyncpg" not in response.text
