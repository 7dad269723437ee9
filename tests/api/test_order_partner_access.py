"""Partners read only their own customer's orders, shipments, tracking and returns; another
customer's id gets exactly the answer a made-up id gets; internal fields are null for them.
Staff reach follows the organisation."""

from sqlalchemy import text

from api.ids import to_global_id
from tests.api.orders_helpers import (
    REPORT,
    ledger_checked,  # noqa: F401  (autouse: the ledger sums to on-hand after each test)
    scalar,
)

INTERNAL = """
query($id: ID!) {
  salesOrder(id: $id) {
    id status note specialApprovalReasons createdBy { login } salesperson { code }
    department { code } steps { name } currentStep { name } historyConnection { nodes { action } }
    customer { code creditLimit priceFloors { minUnitPrice } salesperson { code } }
    lines { nodes { unitPrice amount priceFloor belowPriceFloor marginOverFloor } }
    shipmentsConnection { nodes { id trackingEventsConnection { nodes { location } } } }
  }
}
"""


async def ids_of(engine, table: str, type_name: str, where: str) -> list[str]:
    async with engine.connect() as conn:
        rows = await conn.execute(text(f"SELECT id FROM {table} WHERE {where} ORDER BY id"))
        return [to_global_id(type_name, r.id) for r in rows]


async def customer_pk(engine, code: str) -> int:
    return await scalar(engine, "SELECT id FROM customer WHERE code = :c", c=code)


async def test_a_partner_lists_only_its_own_customers_orders(demo_readonly, client_for):
    partner = await client_for("partner")
    own = await customer_pk(demo_readonly, "C0001")
    expected = await ids_of(demo_readonly, "sales_order", "SalesOrder", f"customer_id = {own}")
    data = await partner.execute(
        "{ salesOrders(first: 100) { totalCount nodes { id customer { code } } } }"
    )
    assert data["salesOrders"]["totalCount"] == len(expected) > 3
    assert [o["id"] for o in data["salesOrders"]["nodes"]] == expected
    assert {o["customer"]["code"] for o in data["salesOrders"]["nodes"]} == {"C0001"}
    customers = await partner.execute("{ customers { nodes { code creditLimit } } }")
    assert customers["customers"]["nodes"] == [{"code": "C0001", "creditLimit": None}]


async def test_another_customers_order_looks_exactly_like_an_order_that_does_not_exist(
    demo_readonly, client_for
):
    partner = await client_for("partner")
    other = await customer_pk(demo_readonly, "C0002")
    theirs = {
        "SalesOrder": ("sales_order", f"customer_id = {other}"),
        "Shipment": ("shipment", f"customer_id = {other}"),
        "SalesReturn": ("sales_return", "1 = 1"),
        "SalesOrderLine": (
            "sales_order_line",
            f"order_id IN (SELECT id FROM sales_order WHERE customer_id = {other})",
        ),
    }
    for type_name, (table, where) in theirs.items():
        ids = await ids_of(demo_readonly, table, type_name, where)
        if type_name == "SalesReturn":  # the demo's return belongs to whichever customer
            own = await customer_pk(demo_readonly, "C0001")
            ids = await ids_of(demo_readonly, table, type_name, f"customer_id <> {own}")
        assert ids, type_name
        made_up = to_global_id(type_name, 999_999)
        for query in (
            "query($id: ID!) { node(id: $id) { id } }",
            "query($id: ID!) { nodes(ids: [$id]) { id } }",
        ):
            real = (await partner.post(query, {"id": ids[0]})).json()
            fake = (await partner.post(query, {"id": made_up})).json()
            assert real == fake, (type_name, query)
            assert "errors" not in real
    order = (await ids_of(demo_readonly, "sales_order", "SalesOrder", f"customer_id = {other}"))[0]
    query = "query($id: ID!) { salesOrder(id: $id) { id status } }"
    real = await partner.post(query, {"id": order})
    fake = await partner.post(query, {"id": to_global_id("SalesOrder", 999_999)})
    assert real.json() == fake.json() == {**real.json(), "data": {"salesOrder": None}}


async def test_a_partner_sees_its_own_order_and_tracking_but_no_internal_field(
    demo_readonly, client_for
):
    partner, planner = await client_for("partner"), await client_for("planner")
    own = await customer_pk(demo_readonly, "C0001")
    shipped = await ids_of(
        demo_readonly,
        "sales_order",
        "SalesOrder",
        f"customer_id = {own} AND id IN (SELECT order_id FROM shipment_tracking_event t "
        "JOIN shipment s ON s.id = t.shipment_id)",
    )
    assert shipped
    seen = (await partner.execute(INTERNAL, {"id": shipped[0]}))["salesOrder"]
    shipments = seen["shipmentsConnection"]["nodes"]
    assert shipments and any(s["trackingEventsConnection"]["nodes"] for s in shipments)
    hidden = ("note", "specialApprovalReasons", "createdBy", "salesperson", "department")
    assert {key: seen[key] for key in hidden} == dict.fromkeys(hidden)
    assert (seen["steps"], seen["currentStep"], seen["historyConnection"]) == (None, None, None)
    assert seen["customer"] == {
        "code": "C0001",
        "creditLimit": None,
        "priceFloors": None,
        "salesperson": None,
    }
    for line in seen["lines"]["nodes"]:
        assert line["unitPrice"] and line["amount"]  # partners see prices
        assert (line["priceFloor"], line["belowPriceFloor"], line["marginOverFloor"]) == (
            None,
            None,
            None,
        )
    staff = (await planner.execute(INTERNAL, {"id": shipped[0]}))["salesOrder"]
    assert staff["customer"]["creditLimit"] == "500000.00"
    assert staff["historyConnection"]["nodes"] and staff["salesperson"]["code"] == "S0001"
    assert all(line["priceFloor"] for line in staff["lines"]["nodes"])


async def test_partners_see_no_stock_no_stock_ins_and_no_price_floors(demo_readonly, client_for):
    partner, planner = await client_for("partner"), await client_for("planner")
    query = """{ stockIns { totalCount } stockBalances { totalCount }
                 priceFloors { totalCount } }"""
    assert await partner.execute(query) == {
        "stockIns": {"totalCount": 0},
        "stockBalances": {"totalCount": 0},
        "priceFloors": {"totalCount": 0},
    }
    staff = await planner.execute(query)
    assert staff["stockIns"]["totalCount"] == 12  # 10 posted, 1 approved, 1 rejected
    assert staff["stockBalances"]["totalCount"] == 10
    assert staff["priceFloors"]["totalCount"] == 11


async def test_a_partners_report_covers_its_own_customer_and_never_the_organisation(
    demo_readonly, client_for
):
    partner = await client_for("partner")
    data = await partner.execute(REPORT, {"groupBy": "CUSTOMER"})
    rows = data["orderExecutionReport"]["rows"]["nodes"]
    assert [r["customer"]["code"] for r in rows] == ["C0001"]
    refused = (await partner.post(REPORT, {"groupBy": "SALESPERSON"})).json()
    assert refused["data"] is None
    assert "Partners may group by" in refused["errors"][0]["message"]


async def test_a_salesperson_reads_their_own_orders_and_a_manager_the_departments(
    demo_readonly, client_for
):
    sales, manager = await client_for("sales"), await client_for("manager")
    query = "{ salesOrders(first: 100) { totalCount nodes { salesperson { code } department { code } } } }"
    mine = (await sales.execute(query))["salesOrders"]
    assert mine["totalCount"] > 0
    assert {o["salesperson"]["code"] for o in mine["nodes"]} == {"S0001"}
    department = (await manager.execute(query))["salesOrders"]
    assert {o["department"]["code"] for o in department["nodes"]} == {"D001"}
    assert department["totalCount"] > mine["totalCount"]
