"""Plan vs actual over HTTP on the demo data, against an independent computation in plain Python
over the raw rows (orders, lines, received returns, approved plans and their lines), written
here from the rules in the field descriptions rather than taken from domain.reports."""

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import text

from api.ids import to_global_id
from tests.api.lookups import global_id

FROM, TO = "2026-06-01", "2026-09-01"
MONTHS = [date(2026, m, 1) for m in range(6, 10)]
BOOKED = (
    "CONFIRMED",
    "IN_PRODUCTION",
    "READY",
    "PARTIALLY_SHIPPED",
    "SHIPPED",
    "DELIVERED",
    "CLOSED",
)
CENT = Decimal("0.01")
RATE = Decimal("0.0001")

FIGURES = """targetQuantity targetAmount orderedQuantity orderedAmount returnedQuantity
returnedAmount actualQuantity actualAmount achievementRate quantityAchievementRate
varianceAmount varianceQuantity"""
NODE = f"""
  kind company {{ code }} department {{ code }} salesperson {{ code }}
  total {{ {FIGURES} }}
  periods {{ period figures {{ {FIGURES} }} }}
  products(first: 20) {{ totalCount nodes {{ product {{ code }} total {{ {FIGURES} }}
                                 periods {{ period figures {{ {FIGURES} }} }} }} }}
  creditedToDepartment {{ actualAmount targetAmount }}
"""
REPORT = f"""
query($from: Date!, $to: Date!, $scope: ID, $product: ID) {{
  planVsActual(periodFrom: $from, periodTo: $to, scopeId: $scope, productId: $product) {{
    periodFrom periodTo
    root {{ {NODE}
      children(first: 50) {{ totalCount nodes {{ {NODE}
        children(first: 50) {{ nodes {{ {NODE} }} }} }} }} }}
    salespeople: ranking(level: SALESPERSON, first: 100) {{
      nodes {{ rank node {{ salesperson {{ code }} total {{ achievementRate actualAmount }} }} }} }}
    departments: ranking(level: DEPARTMENT) {{
      nodes {{ rank node {{ department {{ code }} }} }} }}
  }}
}}
"""


async def raw(engine, sql: str) -> list:
    async with engine.connect() as conn:
        return (await conn.execute(text(sql))).all()


def as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def dec(value, places: int) -> Decimal:
    """A Fixed column read with plain SQL: a scaled integer on SQLite, a NUMERIC on PostgreSQL."""
    if isinstance(value, int):
        return Decimal(value).scaleb(-places)
    return Decimal(value).quantize(Decimal(1).scaleb(-places))


class Expected:
    """The figures every node should show, from the raw rows."""

    def __init__(self) -> None:
        # (node kind, node id) → (product id, month) → [target q, target a] / [ordered q, a, returned q, a]
        self.target: dict = defaultdict(dict)
        self.covered: dict = defaultdict(set)  # node → months its plans cover
        self.actual: dict = defaultdict(lambda: defaultdict(lambda: [Decimal(0)] * 4))

    def figures(self, node, cells=None) -> dict:
        """Summed figures of a node over the given (product, month) cells (default: all)."""
        keys = set(self.target[node]) | set(self.actual[node])
        if cells is not None:
            keys = {k for k in keys if cells(k)}
        tq = ta = None
        oq = oa = rq = ra = Decimal(0)
        for key in keys:
            if key in self.target[node]:
                q, a = self.target[node][key]
            elif key[1] in self.covered[node]:
                q, a = Decimal(0), Decimal(0)
            else:
                q = a = None
            if q is not None:
                tq, ta = (tq or 0) + q, (ta or 0) + a
            o = (
                self.actual[node].get(key, [Decimal(0)] * 4)
                if key in self.actual[node]
                else [0] * 4
            )
            oq, oa, rq, ra = oq + o[0], oa + o[1], rq + o[2], ra + o[3]
        actual_q, actual_a = oq - rq, oa - ra
        return {
            "targetAmount": ta,
            "targetQuantity": tq,
            "actualAmount": actual_a,
            "actualQuantity": actual_q,
            "orderedAmount": oa,
            "returnedAmount": ra,
            "achievementRate": (actual_a / ta).quantize(RATE, ROUND_HALF_UP) if ta else None,
            "varianceAmount": None if ta is None else actual_a - ta,
        }


async def expected_figures(engine) -> Expected:
    result = Expected()
    people = {
        r.id: r.department_id
        for r in await raw(engine, "SELECT id, department_id FROM salesperson")
    }
    company = (await raw(engine, "SELECT id FROM company"))[0].id
    returned: dict[int, Decimal] = defaultdict(Decimal)
    for r in await raw(
        engine,
        "SELECT rl.order_line_id, rl.quantity FROM sales_return_line rl "
        "JOIN sales_return r ON r.id = rl.return_id WHERE r.status = 'RECEIVED'",
    ):
        returned[r.order_line_id] += dec(r.quantity, 3)
    lines = await raw(
        engine,
        "SELECT l.id, l.product_id, l.quantity, l.unit_price, l.amount, o.order_date, o.status, "
        "o.salesperson_id, o.department_id FROM sales_order_line l "
        "JOIN sales_order o ON o.id = l.order_id",
    )
    for line in lines:
        month = as_date(line.order_date).replace(day=1)
        if line.status not in BOOKED or month not in MONTHS:
            continue
        back = returned.get(line.id, Decimal(0))
        back_amount = (back * dec(line.unit_price, 2)).quantize(CENT, ROUND_HALF_UP)
        values = [dec(line.quantity, 3), dec(line.amount, 2), back, back_amount]
        nodes = [("DEPARTMENT", line.department_id), ("COMPANY", company)]
        if people[line.salesperson_id] == line.department_id:
            nodes.append(("SALESPERSON", line.salesperson_id))
        for node in nodes:
            cell = result.actual[node][(line.product_id, month)]
            for i, v in enumerate(values):
                cell[i] += v
    fineness = {"YEAR": 0, "QUARTER": 1, "MONTH": 2}
    span = {"YEAR": 12, "QUARTER": 3, "MONTH": 1}
    chosen: dict = {}
    for p in await raw(
        engine,
        "SELECT id, owner_kind, company_id, department_id, salesperson_id, granularity, "
        "period_start, revision FROM sales_plan WHERE status = 'APPROVED'",
    ):
        node_id = {"COMPANY": p.company_id, "DEPARTMENT": p.department_id}.get(
            p.owner_kind, p.salesperson_id
        )
        start = as_date(p.period_start)
        for i in range(span[p.granularity]):
            month = date(
                start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1
            )
            if month not in MONTHS:
                continue
            rank = (fineness[p.granularity], p.revision, p.id)
            key = ((p.owner_kind, node_id), month)
            if key not in chosen or chosen[key][0] < rank:
                chosen[key] = (rank, p.id)
    in_force = {(plan_id, month): node for (node, month), (_, plan_id) in chosen.items()}
    for node, month in chosen:
        result.covered[node].add(month)
    for line in await raw(
        engine, "SELECT plan_id, product_id, period, quantity, amount FROM sales_plan_line"
    ):
        node = in_force.get((line.plan_id, as_date(line.period)))
        if node is not None:
            key = (line.product_id, as_date(line.period))
            result.target[node][key] = (dec(line.quantity, 3), dec(line.amount, 2))
    return result


def shown(figures: dict) -> dict:
    """The compared fields of a GraphQL figures object, as Decimals."""
    keys = (
        "targetAmount",
        "targetQuantity",
        "actualAmount",
        "actualQuantity",
        "orderedAmount",
        "returnedAmount",
        "achievementRate",
        "varianceAmount",
    )
    return {k: None if figures[k] is None else Decimal(figures[k]) for k in keys}


async def node_ids(engine) -> dict:
    rows = await raw(
        engine,
        "SELECT 'Department' AS kind, code, id FROM department "
        "UNION ALL SELECT 'Salesperson', code, id FROM salesperson "
        "UNION ALL SELECT 'Product', code, id FROM product",
    )
    return {(r.kind, r.code): r.id for r in rows}


async def test_every_node_month_and_product_equals_an_independent_computation(
    demo_readonly, client_for
):
    expected = await expected_figures(demo_readonly)
    ids = await node_ids(demo_readonly)
    vp = await client_for("vp")
    data = (await vp.execute(REPORT, {"from": FROM, "to": TO}))["planVsActual"]
    root = data["root"]
    company = ("COMPANY", (await raw(demo_readonly, "SELECT id FROM company"))[0].id)
    checked = 0

    def check(node_data, node):
        nonlocal checked
        assert shown(node_data["total"]) == expected.figures(node), node
        for month in node_data["periods"]:
            day = date.fromisoformat(month["period"])
            assert shown(month["figures"]) == expected.figures(node, lambda k, d=day: k[1] == d)
        for product in node_data["products"]["nodes"]:
            pid = ids[("Product", product["product"]["code"])]
            assert shown(product["total"]) == expected.figures(node, lambda k, p=pid: k[0] == p)
            for month in product["periods"]:
                day = date.fromisoformat(month["period"])
                assert shown(month["figures"]) == expected.figures(
                    node, lambda k, c=(pid, day): k == c
                )
        checked += 1

    check(root, company)
    assert [p["period"] for p in root["periods"]] == [m.isoformat() for m in MONTHS]
    departments = root["children"]["nodes"]
    assert root["children"]["totalCount"] == len(departments) == 3
    for department in departments:
        dept = ("DEPARTMENT", ids[("Department", department["department"]["code"])])
        check(department, dept)
        assert department["creditedToDepartment"]["actualAmount"] == "0.00"  # nobody moved
        for person in department["children"]["nodes"]:
            check(person, ("SALESPERSON", ids[("Salesperson", person["salesperson"]["code"])]))
    assert checked == 1 + 3 + 10
    # The demo has orders, returns and targets in these months: the figures are not trivial.
    assert Decimal(root["total"]["returnedAmount"]) > 0
    assert Decimal(root["total"]["actualAmount"]) > 0
    assert Decimal(root["total"]["targetAmount"]) > Decimal(root["total"]["actualAmount"])


async def test_the_ranking_orders_salespeople_by_rate_then_amount_then_id(
    demo_readonly, client_for
):
    expected = await expected_figures(demo_readonly)
    ids = await node_ids(demo_readonly)
    planner = await client_for("planner")
    data = (await planner.execute(REPORT, {"from": FROM, "to": TO}))["planVsActual"]
    ranks = data["salespeople"]["nodes"]
    assert [r["rank"] for r in ranks] == list(range(1, 11))

    def key(code):
        f = expected.figures(("SALESPERSON", ids[("Salesperson", code)]))
        rate = f["achievementRate"]
        return (rate is None, -(rate or 0), -f["actualAmount"], ids[("Salesperson", code)])

    codes = [r["node"]["salesperson"]["code"] for r in ranks]
    assert codes == sorted(codes, key=key)
    assert len({r["node"]["total"]["achievementRate"] for r in ranks}) > 2  # a real ordering
    assert [r["node"]["department"]["code"] for r in data["departments"]["nodes"]] == sorted(
        (r["node"]["department"]["code"] for r in data["departments"]["nodes"]),
        key=lambda code: key_of_department(expected, ids, code),
    )


def key_of_department(expected, ids, code):
    f = expected.figures(("DEPARTMENT", ids[("Department", code)]))
    rate = f["achievementRate"]
    return (rate is None, -(rate or 0), -f["actualAmount"], ids[("Department", code)])


async def test_a_product_filter_keeps_only_that_products_targets_and_orders(
    demo_readonly, client_for
):
    expected = await expected_figures(demo_readonly)
    ids = await node_ids(demo_readonly)
    product = await global_id(demo_readonly, "Product", "P0001")
    vp = await client_for("vp")
    data = (await vp.execute(REPORT, {"from": FROM, "to": TO, "product": product}))["planVsActual"]
    company = ("COMPANY", (await raw(demo_readonly, "SELECT id FROM company"))[0].id)
    pid = ids[("Product", "P0001")]
    assert shown(data["root"]["total"]) == expected.figures(company, lambda k: k[0] == pid)
    assert [p["product"]["code"] for p in data["root"]["products"]["nodes"]] == ["P0001"]


SMALL = """
query($scope: ID) {
  planVsActual(periodFrom: "2026-06-01", periodTo: "2026-09-01", scopeId: $scope) {
    root { kind department { code } salesperson { code } total { actualAmount }
           children(first: 10) { nodes { salesperson { code } } } }
  }
}
"""


async def test_each_role_sees_its_own_node_by_default_and_nothing_beyond(demo_readonly, client_for):
    manager, sales, partner = [await client_for(x) for x in ("manager", "sales", "partner")]
    mine = (await manager.execute(SMALL))["planVsActual"]["root"]
    assert (mine["kind"], mine["department"]["code"]) == ("DEPARTMENT", "D001")
    assert [c["salesperson"]["code"] for c in mine["children"]["nodes"]] == [
        "S0001",
        "S0002",
        "S0003",
    ]
    own = (await sales.execute(SMALL))["planVsActual"]["root"]
    assert (own["kind"], own["salesperson"]["code"]) == ("SALESPERSON", "S0001")
    assert own["children"]["nodes"] == []
    assert (await partner.execute(SMALL))["planVsActual"] is None
    other_department = await global_id(demo_readonly, "Department", "D002")
    colleague = await global_id(demo_readonly, "Salesperson", "S0002")
    company = to_global_id("Company", (await raw(demo_readonly, "SELECT id FROM company"))[0].id)
    assert (await manager.execute(SMALL, {"scope": other_department}))["planVsActual"] is None
    assert (await sales.execute(SMALL, {"scope": colleague}))["planVsActual"] is None
    assert (await sales.execute(SMALL, {"scope": company}))["planVsActual"] is None
    assert (await manager.execute(SMALL, {"scope": colleague}))["planVsActual"] is not None
    # Not-yours looks exactly like not-found.
    assert (await manager.execute(SMALL, {"scope": to_global_id("Department", 999)}))[
        "planVsActual"
    ] is None


async def test_the_reporting_role_reads_the_whole_company(demo_readonly, client_for):
    report, vp = await client_for("report"), await client_for("vp")
    assert await report.execute(SMALL) == await vp.execute(SMALL)
    root = (await report.execute(SMALL))["planVsActual"]["root"]
    assert root["kind"] == "COMPANY"


@pytest.mark.parametrize(
    ("period_from", "period_to"),
    [("2026-06-02", "2026-07-01"), ("2026-07-01", "2026-06-01"), ("2024-01-01", "2026-01-01")],
)
async def test_a_bad_range_of_months_is_a_coded_request_error(
    demo_readonly, client_for, period_from, period_to
):
    vp = await client_for("vp")
    response = await vp.post(
        "query($f: Date!, $t: Date!) { planVsActual(periodFrom: $f, periodTo: $t) { periodFrom } }",
        {"f": period_from, "t": period_to},
    )
    body = response.json()
    assert body["data"] is None or body["data"]["planVsActual"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_orders_are_summed_by_the_database_in_a_fixed_number_of_statements(
    demo_readonly, client_for, count_statements
):
    vp = await client_for("vp")
    query = """query($to: Date!) { planVsActual(periodFrom: "2026-01-01", periodTo: $to) {
      root { total { actualAmount } children { nodes { total { actualAmount } } } } } }"""
    counts = []
    for to in ("2026-02-01", "2026-12-01"):
        with count_statements() as counter:
            await vp.execute(query, {"to": to})
        reads = [s for s in counter.statements if "sales_order_line" in s]
        # The only statement touching order lines groups them.
        assert len(reads) == 1 and "GROUP BY" in reads[0]
        counts.append(counter.count)
    assert counts[0] == counts[1]
