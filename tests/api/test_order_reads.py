"""Reading orders deeply costs a fixed number of SQL statements, and the execution report adds
up the same way under every grouping."""

from decimal import Decimal

from domain.store.demo import load_demo
from domain.store.demo_orders import ORDERS_PER_SCALE
from tests.api.orders_helpers import (
    FIGURES,
    ledger_checked,  # noqa: F401  (autouse: the ledger sums to on-hand after each test)
)
from tests.conftest import clear

# Explicit small pages inside big ones, as clients should: with every nested list at its default
# page the estimate is over 1,000,000 nodes (api.limits.cost).
NESTED = f"""
{{ salesOrders(first: 100) {{ totalCount nodes {{
    id number status totalAmount totalQuantity
    customer {{ code creditLimit priceFloors {{ minUnitPrice product {{ code }} }} }}
    salesperson {{ code department {{ code }} }} department {{ code }} createdBy {{ login }}
    execution {{ {FIGURES} }}
    steps {{ name approver {{ login }} }} currentStep {{ name }}
    historyConnection {{ nodes {{ action actor {{ login }} }} }}
    lines(first: 200) {{ nodes {{
        product {{ code }} priceFloor marginOverFloor order {{ id }}
        execution {{ orderedQuantity shippedQuantity }}
    }} }}
    shipmentsConnection {{ nodes {{ number daysLate isLate promisedDate
        lines {{ product {{ code }} orderLine {{ id }} daysLate }}
        trackingEventsConnection(first: 10) {{ nodes {{ location }} }} }} }}
    returnsConnection {{ nodes {{ number lines {{ product {{ code }} orderLine {{ id }} }} order {{ id }} }} }}
}} }} }}
"""

REPORT = f"""
query($groupBy: ExecutionGroupBy!, $where: OrderExecutionWhereInput, $asOf: Date,
      $first: Int, $after: String) {{
  orderExecutionReport(groupBy: $groupBy, where: $where, asOf: $asOf, first: $first,
                       after: $after) {{
    total {{ {FIGURES} }}
    rows {{ totalCount pageInfo {{ hasNextPage endCursor }}
           edges {{ cursor node {{ period order {{ id }} customer {{ code }} salesperson {{ code }}
                                  department {{ code }} orderLine {{ id }}
                                  figures {{ {FIGURES} }} }} }} }}
  }}
}}
"""
SUMMED = (
    "orderedQuantity",
    "orderedAmount",
    "shippedAmount",
    "deliveredQuantity",
    "outstandingAmount",
)
GROUPINGS = ("ORDER_LINE", "ORDER", "CUSTOMER", "SALESPERSON", "DEPARTMENT", "PERIOD")


def request_statements(statements: list[str]) -> list[str]:
    """The reads of the request itself: not the live-event hub's background work (numbering
    event positions under an advisory lock), nor transaction boundaries."""
    return [
        s
        for s in statements
        if s.lstrip().upper().startswith("SELECT")
        and "position" not in s
        and "pg_advisory" not in s
    ]


async def test_a_deep_order_read_costs_the_same_statements_at_three_times_the_data(
    engine, client_for, count_statements
):
    counts = {}
    for scale in (1, 3):
        await clear(engine)
        await load_demo(engine, scale=scale)
        planner = await client_for("planner")
        await planner.execute("{ __typename }")  # a client in use: its token is known
        with count_statements() as counter:
            data = await planner.execute(NESTED)
        counts[scale] = len(request_statements(counter.statements))
        orders = data["salesOrders"]["nodes"]
        assert len(orders) == data["salesOrders"]["totalCount"] == ORDERS_PER_SCALE * scale
        assert sum(len(o["shipmentsConnection"]["nodes"]) for o in orders) > 10 * scale
    await clear(engine)
    assert counts[1] == counts[3]
    assert counts[1] <= 30


async def report(client, group_by: str, **variables) -> dict:
    data = await client.execute(REPORT, {"groupBy": group_by, "first": 500, **variables})
    return data["orderExecutionReport"]


async def test_every_grouping_adds_up_to_the_same_total(demo_readonly, client_for):
    planner = await client_for("planner")
    totals = []
    for group_by in GROUPINGS:
        result = await report(planner, group_by)
        rows = [edge["node"] for edge in result["rows"]["edges"]]
        assert rows, group_by
        assert result["rows"]["totalCount"] == len(rows)
        for name in SUMMED:
            assert sum(Decimal(r["figures"][name]) for r in rows) == Decimal(result["total"][name])
        assert sum(r["figures"]["lines"] for r in rows) == result["total"]["lines"]
        key = {
            "ORDER_LINE": "orderLine",
            "ORDER": "order",
            "CUSTOMER": "customer",
            "SALESPERSON": "salesperson",
            "DEPARTMENT": "department",
            "PERIOD": "period",
        }[group_by]
        assert all(r[key] is not None for r in rows)
        totals.append(result["total"])
    assert all(t == totals[0] for t in totals)
    # Booked demo orders only: drafts, orders in review and cancelled ones are left out.
    assert (
        totals[0]["lines"]
        < (
            await report(
                planner,
                "ORDER",
                where={
                    "statusIn": [
                        "DRAFT",
                        "IN_REVIEW",
                        "CONFIRMED",
                        "IN_PRODUCTION",
                        "READY",
                        "PARTIALLY_SHIPPED",
                        "SHIPPED",
                        "DELIVERED",
                        "CLOSED",
                        "CANCELLED",
                    ]
                },
            )
        )["total"]["lines"]
    )


async def test_a_report_row_per_order_equals_the_orders_own_execution(demo_readonly, client_for):
    planner = await client_for("planner")
    rows = [e["node"] for e in (await report(planner, "ORDER"))["rows"]["edges"]]
    for row in rows[:6]:
        own = await planner.execute(
            f"query($id: ID!) {{ salesOrder(id: $id) {{ execution {{ {FIGURES} }} }} }}",
            {"id": row["order"]["id"]},
        )
        assert own["salesOrder"]["execution"] == row["figures"]


async def test_report_pages_follow_each_other_without_overlap(demo_readonly, client_for):
    planner = await client_for("planner")
    everything = [
        e["node"]["order"]["id"] for e in (await report(planner, "ORDER"))["rows"]["edges"]
    ]
    seen, after = [], None
    while True:
        page = await report(planner, "ORDER", first=4, after=after)
        seen += [e["node"]["order"]["id"] for e in page["rows"]["edges"]]
        if not page["rows"]["pageInfo"]["hasNextPage"]:
            break
        after = page["rows"]["pageInfo"]["endCursor"]
    assert seen == everything


async def test_as_of_a_late_enough_day_every_line_is_due(demo_readonly, client_for):
    planner = await client_for("planner")
    early = (await report(planner, "PERIOD", asOf="2026-01-01"))["total"]
    late = (await report(planner, "PERIOD", asOf="2030-01-01"))["total"]
    assert late["linesDue"] == late["lines"] > early["linesDue"]
    assert late["lateDeliveries"] == early["lateDeliveries"] > 0
    assert Decimal(late["averageDaysLate"]) > 0


async def test_a_customers_orders_and_its_report_row_agree(demo_readonly, client_for):
    planner = await client_for("planner")
    data = await planner.execute(
        """{ customers(first: 10) { nodes { id code
              salesOrders(first: 100, where: {statusIn: [CONFIRMED, IN_PRODUCTION, READY,
                PARTIALLY_SHIPPED, SHIPPED, DELIVERED, CLOSED]}) {
                totalCount nodes { totalAmount customer { code } } } } } }"""
    )
    for customer in data["customers"]["nodes"]:
        orders = customer["salesOrders"]["nodes"]
        assert {o["customer"]["code"] for o in orders} <= {customer["code"]}
        result = await report(planner, "CUSTOMER", where={"customerId": customer["id"]})
        rows = [e["node"] for e in result["rows"]["edges"]]
        booked = sum(Decimal(o["totalAmount"]) for o in orders)
        if not orders:
            assert rows == []
            continue
        assert [r["customer"]["code"] for r in rows] == [customer["code"]]
        assert Decimal(rows[0]["figures"]["orderedAmount"]) == booked
