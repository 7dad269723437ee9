"""GraphQL documents, lookups and checks shared by the order, stock and shipment tests."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from api.ids import to_global_id
from domain.store.tables import Product, StockBalance, StockMovement

FIGURES = """
  orderedQuantity orderedAmount shippedQuantity shippedAmount deliveredQuantity deliveredAmount
  returnedQuantity returnedAmount outstandingQuantity outstandingAmount lines linesDue
  linesOnTimeInFull onTimeInFullRate deliveries lateDeliveries averageDaysLate
"""

ORDER_FIELDS = f"""
  id number status version orderDate customerReference note specialApprovalReasons totalAmount
  customer {{ code creditLimit }}
  currentStep {{ name state approver {{ login }} role }}
  steps {{ position name state actedBy {{ login }} comment }}
  lines {{ nodes {{ id position quantity unitPrice amount promisedDate priceFloor
                   belowPriceFloor marginOverFloor product {{ code }} }} }}
  execution {{ {FIGURES} }}
"""

CREATE = f"""
mutation($input: SalesOrderCreateInput!) {{
  salesOrderCreate(input: $input) {{ salesOrder {{ {ORDER_FIELDS} }} errors {{ code field message }} }}
}}
"""

ORDER_TRANSITION = """
mutation($input: SalesOrder{Name}Input!) {{
  salesOrder{Action}(input: $input) {{ salesOrder {{ {fields} }} errors {{ code field message }} }}
}}
"""


def order_transition(action: str, input_name: str = "Transition") -> str:
    return ORDER_TRANSITION.format(Name=input_name, Action=action, fields=ORDER_FIELDS)


SUBMIT = order_transition("Submit")
APPROVE = order_transition("Approve")
CONFIRM = order_transition("Confirm")
START_PRODUCTION = order_transition("StartProduction")
MARK_READY = order_transition("MarkReady")
CLOSE = order_transition("Close")
REJECT = order_transition("Reject", "Reject")
CANCEL = order_transition("Cancel", "Cancel")
UPDATE_LINES = order_transition("UpdateLines", "UpdateLines")

ORDER = f"""
query($id: ID!) {{ salesOrder(id: $id) {{ {ORDER_FIELDS} }} }}
"""

SHIPMENT_FIELDS = """
  id number status version dispatchedAt deliveredAt receiptConfirmedAt daysLate isLate promisedDate
  order { id status }
  lines { quantity promisedDate daysLate product { code } orderLine { id } }
  trackingEventsConnection { nodes { location note occurredAt } }
"""

SHIPMENT_CREATE = f"""
mutation($input: ShipmentCreateInput!) {{
  shipmentCreate(input: $input) {{ shipment {{ {SHIPMENT_FIELDS} }} errors {{ code field message }} }}
}}
"""

SHIPMENT_ACTION = """
mutation($input: Shipment{Input}Input!) {{
  shipment{Action}(input: $input) {{ shipment {{ {fields} }} errors {{ code field message }} }}
}}
"""
DISPATCH = SHIPMENT_ACTION.format(Input="Action", Action="Dispatch", fields=SHIPMENT_FIELDS)
TRACK = SHIPMENT_ACTION.format(
    Input="AddTrackingEvent", Action="AddTrackingEvent", fields=SHIPMENT_FIELDS
)
DELIVER = SHIPMENT_ACTION.format(Input="Deliver", Action="Deliver", fields=SHIPMENT_FIELDS)
CONFIRM_RECEIPT = SHIPMENT_ACTION.format(
    Input="ConfirmReceipt", Action="ConfirmReceipt", fields=SHIPMENT_FIELDS
)

STOCK_IN_FIELDS = """
  id number status version quantity qcReference product { code }
  currentStep { name approver { login } } steps { name state actedBy { login } }
"""
STOCK_IN_ACTION = """
mutation($input: StockIn{Input}Input!) {{
  stockIn{Action}(input: $input) {{ stockIn {{ {fields} }} errors {{ code field message }} }}
}}
"""
STOCK_IN_REQUEST = STOCK_IN_ACTION.format(Input="Request", Action="Request", fields=STOCK_IN_FIELDS)
STOCK_IN_APPROVE = STOCK_IN_ACTION.format(Input="Action", Action="Approve", fields=STOCK_IN_FIELDS)
STOCK_IN_REJECT = STOCK_IN_ACTION.format(Input="Reject", Action="Reject", fields=STOCK_IN_FIELDS)
STOCK_IN_POST = STOCK_IN_ACTION.format(Input="Action", Action="Post", fields=STOCK_IN_FIELDS)

RETURN_FIELDS = "id number status reason lines { quantity product { code } } order { id status }"
RETURN_CREATE = f"""
mutation($input: ReturnCreateInput!) {{
  returnCreate(input: $input) {{ salesReturn {{ {RETURN_FIELDS} }} errors {{ code field message }} }}
}}
"""
RETURN_RECEIVE = f"""
mutation($input: ReturnReceiveInput!) {{
  returnReceive(input: $input) {{ salesReturn {{ {RETURN_FIELDS} }} errors {{ code field message }} }}
}}
"""

REPORT = f"""
query($groupBy: ExecutionGroupBy!, $where: OrderExecutionWhereInput, $asOf: Date) {{
  orderExecutionReport(groupBy: $groupBy, where: $where, asOf: $asOf) {{
    groupBy asOf total {{ {FIGURES} }}
    rows {{ totalCount nodes {{ period order {{ id }} customer {{ code }}
           salesperson {{ code }} department {{ code }} orderLine {{ id }}
           figures {{ {FIGURES} }} }} }}
  }}
}}
"""


def today():
    return datetime.now(UTC).date()


async def scalar(engine, sql: str, **params):
    async with engine.connect() as conn:
        return (await conn.execute(text(sql), params)).scalar_one()


async def gid(engine, type_name: str, table: str, where: str, **params) -> str:
    """Global id of the first row of `table` matching a SQL condition."""
    pk = await scalar(engine, f"SELECT id FROM {table} WHERE {where} ORDER BY id LIMIT 1", **params)
    return to_global_id(type_name, pk)


async def product_id(engine, code: str) -> str:
    return await gid(engine, "Product", "product", "code = :c", c=code)


async def customer_id(engine, code: str) -> str:
    return await gid(engine, "Customer", "customer", "code = :c", c=code)


async def on_hand(engine, code: str):
    """On-hand of a product (Decimal), read through the API's own type so scales are right."""
    async with engine.connect() as conn:
        value = (
            await conn.execute(
                select(StockBalance.on_hand)
                .join(Product, Product.id == StockBalance.product_id)
                .where(Product.code == code)
            )
        ).scalar_one_or_none()
    return value if value is not None else Decimal("0.000")


async def snapshot(engine) -> dict:
    """Everything an order, stock or shipment action may change; equal snapshots: nothing did."""
    queries = {
        "orders": "SELECT id, status, version, approval_round, special_reasons FROM sales_order",
        "lines": "SELECT id, order_id, quantity, unit_price FROM sales_order_line",
        "shipments": "SELECT id, status, version, delivered_at, receipt_confirmed_at FROM shipment",
        "shipment_lines": "SELECT id, shipment_id, quantity FROM shipment_line",
        "tracking": "SELECT id FROM shipment_tracking_event",
        "stock": "SELECT product_id, on_hand FROM stock_balance",
        "ledger": "SELECT id FROM stock_movement",
        "stock_ins": "SELECT id, status, version FROM stock_in",
        "returns": "SELECT id, status, version FROM sales_return",
        "return_lines": "SELECT id FROM sales_return_line",
        "steps": "SELECT id, state, acted_by FROM approval_step",
        "events": "SELECT id FROM event",
        "accounts": "SELECT customer_id, credit_limit, salesperson_id FROM customer_account",
        "floors": "SELECT id, min_unit_price FROM price_floor",
    }
    result = {}
    async with engine.connect() as conn:
        for name, sql in queries.items():
            result[name] = (await conn.execute(text(sql + " ORDER BY 1"))).all()
    return result


async def assert_ledger_matches_on_hand(engine) -> None:
    """On-hand equals the sum of the ledger for every product, and nothing is negative."""
    async with engine.connect() as conn:
        balances = dict(
            (await conn.execute(select(StockBalance.product_id, StockBalance.on_hand))).all()
        )
        sums = dict(
            (
                await conn.execute(
                    select(StockMovement.product_id, func.sum(StockMovement.quantity)).group_by(
                        StockMovement.product_id
                    )
                )
            ).all()
        )
        lowest = (await conn.execute(select(func.min(StockMovement.balance_after)))).scalar()
    assert {p: q for p, q in balances.items() if q or p in sums} == {
        p: sums.get(p, Decimal("0.000")) for p in balances
    }
    assert set(sums) <= set(balances)
    assert all(q >= 0 for q in balances.values())
    assert lowest is None or lowest >= 0


@pytest.fixture(autouse=True)
async def ledger_checked(engine):
    """Imported by every order, stock and shipment test module, so it runs after each of their
    tests: the ledger must sum to on-hand."""
    yield
    await assert_ledger_matches_on_hand(engine)


async def refused(engine, client, mutation: str, variables: dict, field: str, object_key: str):
    """Run a mutation that must be refused; its error codes, after checking nothing changed."""
    before = await snapshot(engine)
    data = await client.execute(mutation, variables)
    payload = data[field]
    assert payload[object_key] is None, payload
    assert payload["errors"], payload
    assert await snapshot(engine) == before
    return [e["code"] for e in payload["errors"]]


def ok(data: dict, field: str, object_key: str) -> dict:
    """The object of a successful payload."""
    payload = data[field]
    assert payload["errors"] == [], payload["errors"]
    return payload[object_key]


async def new_order(engine, client, customer: str = "C0001", lines=None, **fields) -> dict:
    """A DRAFT order created through the API; `lines` as (product code, quantity, promised in
    days from today[, unit price])."""
    specs = lines or [("P0003", "10", 30)]
    line_inputs = []
    for code, quantity, days, *price in specs:
        line = {
            "productId": await product_id(engine, code),
            "quantity": quantity,
            "promisedDate": (today() + timedelta(days=days)).isoformat(),
        }
        if price:
            line["unitPrice"] = price[0]
        line_inputs.append(line)
    variables = {
        "input": {"customerId": await customer_id(engine, customer), "lines": line_inputs, **fields}
    }
    return ok(await client.execute(CREATE, variables), "salesOrderCreate", "salesOrder")


async def ready_order(engine, planner, customer: str = "C0001", lines=None) -> dict:
    """An order at list prices taken to READY by a planner (contract review only)."""
    order = await new_order(engine, planner, customer, lines)
    for mutation, field in (
        (SUBMIT, "salesOrderSubmit"),
        (CONFIRM, "salesOrderConfirm"),
        (MARK_READY, "salesOrderMarkReady"),
    ):
        order = ok(
            await planner.execute(mutation, {"input": {"id": order["id"]}}), field, "salesOrder"
        )
    assert order["status"] == "READY"
    return order


async def shipment_of(planner, order: dict, *quantities: str) -> dict:
    """A PLANNED shipment of the order: the given quantity of each line, in order."""
    lines = [
        {"orderLineId": line["id"], "quantity": quantity}
        for line, quantity in zip(order["lines"]["nodes"], quantities, strict=False)
        if quantity
    ]
    data = await planner.execute(
        SHIPMENT_CREATE, {"input": {"orderId": order["id"], "lines": lines}}
    )
    return ok(data, "shipmentCreate", "shipment")


async def shipment_action(client, mutation: str, field: str, shipment: dict, **fields) -> dict:
    data = await client.execute(mutation, {"input": {"id": shipment["id"], **fields}})
    return ok(data, field, "shipment")
