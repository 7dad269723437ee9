"""The plain lists clients (partner portals) read before those lists became connections still
answer as they did: a plan's, an order's and a stock-in's history, an order's shipments and
returns, a shipment's tracking events. Each gives every item at once, in the order of its
connection (`historyConnection`, `shipmentsConnection`, `returnsConnection`,
`trackingEventsConnection`), and is null exactly where the connection is (an order's history for
partners)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from api.ids import to_global_id
from domain.store.tables import TrackingEvent as TrackingRow
from tests.api.orders_helpers import gid, scalar
from tests.api.plans_helpers import plan_id

ORDER = """query($id: ID!) { salesOrder(id: $id) {
  history { sequence action actor { login } }
  historyConnection { totalCount nodes { sequence action actor { login } } }
  shipments { id number trackingEvents { location occurredAt } }
  shipmentsConnection { totalCount nodes { id number
    trackingEventsConnection { totalCount nodes { location occurredAt } } } }
  returns { id number lines { quantity } }
  returnsConnection { totalCount nodes { id number lines { quantity } } }
} }"""

# The demo order with the most shipments that were tracked, and the first with a return.
TRACKED_ORDER = """SELECT s.order_id FROM shipment s
  JOIN shipment_tracking_event t ON t.shipment_id = s.id
  GROUP BY s.order_id ORDER BY COUNT(DISTINCT s.id) DESC, s.order_id LIMIT 1"""
RETURNED_ORDER = "SELECT MIN(order_id) FROM sales_return"


def assert_list_is_the_whole_connection(order: dict) -> None:
    for name in ("history", "shipments", "returns"):
        page = order[f"{name}Connection"]
        assert len(order[name]) == page["totalCount"], name
    assert order["history"] == order["historyConnection"]["nodes"]
    assert order["returns"] == order["returnsConnection"]["nodes"]
    shipments = order["shipmentsConnection"]["nodes"]
    assert [(s["id"], s["number"]) for s in order["shipments"]] == [
        (s["id"], s["number"]) for s in shipments
    ]
    assert [s["trackingEvents"] for s in order["shipments"]] == [
        s["trackingEventsConnection"]["nodes"] for s in shipments
    ]


async def test_an_orders_old_lists_give_the_same_items_as_its_connections(
    demo_readonly, client_for
):
    planner = await client_for("planner")
    tracked = await scalar(demo_readonly, TRACKED_ORDER)
    returned = await scalar(demo_readonly, RETURNED_ORDER)
    seen = {}
    for pk in (tracked, returned):
        order = (await planner.execute(ORDER, {"id": to_global_id("SalesOrder", pk)}))["salesOrder"]
        assert_list_is_the_whole_connection(order)
        seen[pk] = order
    assert len(seen[tracked]["shipments"]) >= 2
    assert any(s["trackingEvents"] for s in seen[tracked]["shipments"])
    assert seen[returned]["returns"] and seen[returned]["returns"][0]["lines"]
    history = seen[tracked]["history"]
    assert [h["sequence"] for h in history] == list(range(1, len(history) + 1))
    assert history[0]["action"] == "CREATED"


async def test_a_partner_reads_the_old_shipment_lists_and_gets_null_for_the_old_history(
    demo_readonly, client_for
):
    partner = await client_for("partner")
    own = await scalar(demo_readonly, "SELECT id FROM customer WHERE code = 'C0001'")
    tracked = await scalar(
        demo_readonly,
        TRACKED_ORDER.replace("GROUP BY", f"WHERE s.customer_id = {own} GROUP BY"),
    )
    order = (await partner.execute(ORDER, {"id": to_global_id("SalesOrder", tracked)}))[
        "salesOrder"
    ]
    assert (order["history"], order["historyConnection"]) == (None, None)
    assert any(s["trackingEvents"] for s in order["shipments"])
    order |= {"history": [], "historyConnection": {"totalCount": 0, "nodes": []}}
    assert_list_is_the_whole_connection(order)


async def test_a_plans_and_a_stock_ins_old_history_is_the_whole_history_connection(
    demo_readonly, client_for
):
    vp = await client_for("vp")
    plan = await plan_id(demo_readonly, "status = 'APPROVED' AND owner_kind = 'COMPANY'")
    stock_in = await gid(demo_readonly, "StockIn", "stock_in", "status = 'POSTED'")
    fields = "history { sequence action fromStatus toStatus comment actor { login } } "
    fields += "historyConnection { totalCount nodes { sequence action fromStatus toStatus "
    fields += "comment actor { login } } }"
    data = await vp.execute(
        f"query($plan: ID!, $stockIn: ID!) {{ salesPlan(id: $plan) {{ {fields} }} "
        f"stockIn: node(id: $stockIn) {{ ... on StockIn {{ {fields} }} }} }}",
        {"plan": plan, "stockIn": stock_in},
    )
    for document, last in (("salesPlan", "APPROVED"), ("stockIn", "POSTED")):
        history = data[document]["history"]
        assert history == data[document]["historyConnection"]["nodes"], document
        assert len(history) == data[document]["historyConnection"]["totalCount"] >= 3
        assert history[-1]["action"] == last, document


async def test_the_old_tracking_list_gives_every_event_where_the_connection_pages_them(
    demo, client_for
):
    """The deprecated list keeps its old behaviour past the connection's page of 100."""
    planner = await client_for("planner")
    shipment = await scalar(demo, "SELECT MIN(id) FROM shipment WHERE dispatched_at IS NOT NULL")
    before = await scalar(
        demo, "SELECT COUNT(*) FROM shipment_tracking_event WHERE shipment_id = :s", s=shipment
    )
    recorder = await scalar(demo, "SELECT id FROM app_user WHERE login = 'planner'")
    start = datetime(2030, 1, 1, tzinfo=UTC)
    async with demo.begin() as conn:
        await conn.execute(
            insert(TrackingRow.__table__),
            [
                {
                    "shipment_id": shipment,
                    "occurred_at": start + timedelta(hours=i),
                    "location": f"scan point {i}",
                    "recorded_by": recorder,
                    "recorded_at": start,
                }
                for i in range(120)
            ],
        )
    data = await planner.execute(
        """query($id: ID!) { node(id: $id) { ... on Shipment {
             trackingEvents { location }
             trackingEventsConnection { totalCount nodes { location } } } } }""",
        {"id": to_global_id("Shipment", shipment)},
    )
    old, page = data["node"]["trackingEvents"], data["node"]["trackingEventsConnection"]
    assert len(old) == page["totalCount"] == before + 120
    assert len(page["nodes"]) == 100
    assert old[:100] == page["nodes"]
    assert old[-1] == {"location": "scan point 119"}
