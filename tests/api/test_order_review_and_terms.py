"""Contract review and special approval: price floors, credit limits, rejection, cancellation;
customers and their sales terms."""

from tests.api.orders_helpers import (
    APPROVE,
    CANCEL,
    REJECT,
    SUBMIT,
    UPDATE_LINES,
    customer_id,
    ledger_checked,  # noqa: F401  (autouse: the ledger sums to on-hand after each test)
    new_order,
    ok,
    product_id,
    today,
)

CUSTOMER_CREATE = """
mutation($input: CustomerCreateInput!) {
  customerCreate(input: $input) {
    customer { id code name creditLimit salesperson { code } }
    errors { code field message }
  }
}
"""
CUSTOMER_UPDATE = """
mutation($input: CustomerUpdateInput!) {
  customerUpdate(input: $input) {
    customer { id code creditLimit contactName salesperson { code } }
    errors { code field message }
  }
}
"""
FLOOR_SET = """
mutation($input: PriceFloorSetInput!) {
  priceFloorSet(input: $input) {
    priceFloor { minUnitPrice product { code } customer { code } }
    errors { code field message }
  }
}
"""
FLOOR_REMOVE = """
mutation($input: PriceFloorRemoveInput!) {
  priceFloorRemove(input: $input) { removed errors { code field message } }
}
"""
TASKS = (
    "{ viewer { approvalTasks(first: 100) { nodes { document { ... on SalesOrder { id } } } } } }"
)


async def test_an_order_over_the_customers_credit_needs_special_approval(demo, client_for):
    planner = await client_for("planner")
    # C0003 has an 80,000.00 limit; 20 gearboxes at 4,200.00 are 84,000.00 on their own.
    order = await new_order(demo, planner, "C0003", lines=[("P0007", "20", 30)])
    submitted = ok(
        await planner.execute(SUBMIT, {"input": {"id": order["id"]}}),
        "salesOrderSubmit",
        "salesOrder",
    )
    assert submitted["specialApprovalReasons"] == ["CREDIT_LIMIT_EXCEEDED"]
    assert submitted["currentStep"]["name"] == "Finance review"


async def test_an_order_within_floor_and_credit_needs_contract_review_only(demo, client_for):
    planner = await client_for("planner")
    order = await new_order(demo, planner, "C0004", lines=[("P0007", "30", 30)])  # no limit
    submitted = ok(
        await planner.execute(SUBMIT, {"input": {"id": order["id"]}}),
        "salesOrderSubmit",
        "salesOrder",
    )
    assert (submitted["specialApprovalReasons"], submitted["currentStep"]) == ([], None)
    assert submitted["steps"] == []


async def test_the_vp_rejects_back_to_draft_and_a_fixed_order_needs_no_special_approval(
    demo, client_for
):
    sales, finance, vp = [await client_for(x) for x in ("sales", "finance", "vp")]
    order = await new_order(demo, sales, lines=[("P0002", "5", 30, "600.00")])
    oid = order["id"]
    ok(await sales.execute(SUBMIT, {"input": {"id": oid}}), "salesOrderSubmit", "salesOrder")
    ok(await finance.execute(APPROVE, {"input": {"id": oid}}), "salesOrderApprove", "salesOrder")
    rejected = ok(
        await vp.execute(REJECT, {"input": {"id": oid, "reason": "too cheap for this customer"}}),
        "salesOrderReject",
        "salesOrder",
    )
    assert rejected["status"] == "DRAFT"
    assert [(s["name"], s["state"]) for s in rejected["steps"]] == [
        ("Finance review", "APPROVED"),
        ("VP in charge", "REJECTED"),
    ]
    assert rejected["steps"][1]["comment"] == "too cheap for this customer"
    fixed = {
        "input": {
            "id": oid,
            "lines": [
                {
                    "productId": await product_id(demo, "P0002"),
                    "quantity": "5",
                    "promisedDate": today().isoformat(),
                    "unitPrice": "800.00",
                }
            ],
        }
    }
    ok(await sales.execute(UPDATE_LINES, fixed), "salesOrderUpdateLines", "salesOrder")
    resubmitted = ok(
        await sales.execute(SUBMIT, {"input": {"id": oid}}), "salesOrderSubmit", "salesOrder"
    )
    assert (resubmitted["status"], resubmitted["specialApprovalReasons"]) == ("IN_REVIEW", [])
    assert resubmitted["currentStep"] is None


async def test_cancelling_during_special_approval_withdraws_the_task(demo, client_for):
    sales, finance = await client_for("sales"), await client_for("finance")
    order = await new_order(demo, sales, lines=[("P0002", "1", 30, "1.00")])
    ok(
        await sales.execute(SUBMIT, {"input": {"id": order["id"]}}),
        "salesOrderSubmit",
        "salesOrder",
    )
    tasks = (await finance.execute(TASKS))["viewer"]["approvalTasks"]["nodes"]
    assert {"id": order["id"]} in [t["document"] for t in tasks]
    cancelled = ok(
        await sales.execute(CANCEL, {"input": {"id": order["id"], "reason": "lost the deal"}}),
        "salesOrderCancel",
        "salesOrder",
    )
    assert cancelled["status"] == "CANCELLED"
    assert {s["state"] for s in cancelled["steps"]} == {"CANCELLED"}
    tasks = (await finance.execute(TASKS))["viewer"]["approvalTasks"]["nodes"]
    assert {"id": order["id"]} not in [t["document"] for t in tasks]
    assert cancelled["execution"]["outstandingQuantity"] == "0.000"


async def test_a_customer_floor_decides_special_approval_and_can_be_removed(demo, client_for):
    planner = await client_for("planner")
    valve, c2 = await product_id(demo, "P0003"), await customer_id(demo, "C0002")
    floor = ok(
        await planner.execute(
            FLOOR_SET, {"input": {"productId": valve, "customerId": c2, "minUnitPrice": "320.00"}}
        ),
        "priceFloorSet",
        "priceFloor",
    )
    assert floor == {
        "minUnitPrice": "320.00",
        "product": {"code": "P0003"},
        "customer": {"code": "C0002"},
    }
    order = await new_order(demo, planner, "C0002", lines=[("P0003", "1", 30)])  # list 310.50
    line = order["lines"]["nodes"][0]
    assert (line["priceFloor"], line["belowPriceFloor"], line["marginOverFloor"]) == (
        "320.00",
        True,
        "-9.50",
    )
    removed = await planner.execute(FLOOR_REMOVE, {"input": {"productId": valve, "customerId": c2}})
    assert removed["priceFloorRemove"] == {"removed": True, "errors": []}
    submitted = ok(
        await planner.execute(SUBMIT, {"input": {"id": order["id"]}}),
        "salesOrderSubmit",
        "salesOrder",
    )
    assert submitted["specialApprovalReasons"] == []  # the general floor (263.93) applies again
