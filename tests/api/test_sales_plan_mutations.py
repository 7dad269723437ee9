"""salesPlanCreate and salesPlanUpdateLines: success, every typed error, and no change on refusal."""

import asyncio
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from api.ids import from_global_id, to_global_id
from domain.store.tables import Product
from domain.store.tables import SalesPlanLine as Line
from tests.api.lookups import global_id, plan_global_id
from tests.conftest import demo_changed, snapshot

PLAN = """
  id title status version ownerKind granularity periodStart periodEnd
  author { login }
  owner { __typename ... on Company { code } ... on Department { code } ... on Salesperson { code } }
  parent { id }
  lines { totalCount nodes { product { code } period quantity amount } }
"""
CREATE = f"""
mutation($input: SalesPlanCreateInput!) {{
  salesPlanCreate(input: $input) {{ salesPlan {{ {PLAN} }} errors {{ code message field }} }}
}}
"""
UPDATE = f"""
mutation($input: SalesPlanUpdateLinesInput!) {{
  salesPlanUpdateLines(input: $input) {{ salesPlan {{ {PLAN} }} errors {{ code message field }} }}
}}
"""


async def create(client, **input) -> dict:
    return (await client.execute(CREATE, {"input": input}))["salesPlanCreate"]


async def update(client, **input) -> dict:
    return (await client.execute(UPDATE, {"input": input}))["salesPlanUpdateLines"]


def lines_of(plan: dict) -> list[tuple]:
    return [
        (n["product"]["code"], n["period"], n["quantity"], n["amount"])
        for n in plan["lines"]["nodes"]
    ]


async def stored_lines(engine, plan_id: str) -> list[tuple]:
    """(product code, period, quantity, amount) of a plan, read straight from the database."""
    _, pk = from_global_id(plan_id)
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(Product.code, Line.period, Line.quantity, Line.amount)
            .join(Product, Product.id == Line.product_id)
            .where(Line.plan_id == pk)
            .order_by(Product.code, Line.period)
        )
        return [tuple(r) for r in rows]


async def stored_version(engine, plan_id: str) -> int:
    _, pk = from_global_id(plan_id)
    async with engine.connect() as conn:
        query = text("SELECT version FROM sales_plan WHERE id = :id")
        return (await conn.execute(query, {"id": pk})).scalar_one()


class Refusal:
    """`async with Refusal(engine):` fails unless the database is the same on leaving as on entering."""

    def __init__(self, engine) -> None:
        self.engine = engine

    async def __aenter__(self):
        self.before = await snapshot(self.engine)
        return self

    async def __aexit__(self, *exc) -> None:
        after = await snapshot(self.engine)
        if after != self.before:
            demo_changed()  # refusal tests share the demo; the next one must not see this
        if exc[0] is None:
            assert after == self.before, "a refused action changed the database"


def refused(payload: dict, *errors: tuple) -> None:
    assert payload["salesPlan"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == list(errors)
    assert all(e["message"] for e in payload["errors"])


# ---- salesPlanCreate ------------------------------------------------------------------------


async def test_a_planner_creates_a_draft_quarter_plan_for_a_salesperson_priced_from_the_list(
    demo, client_for
):
    planner = await client_for("planner")
    owner = await global_id(demo, "Salesperson", "S0002")
    pump = await global_id(demo, "Product", "P0001")  # 1850.00 per pcs
    valve = await global_id(demo, "Product", "P0003")  # 310.50 per pcs
    result = await create(
        planner,
        ownerId=owner,
        granularity="QUARTER",
        periodStart="2027-01-01",
        title="  Q1 2027 for Wang Fang  ",
        lines=[
            {"productId": pump, "period": "2027-01-01", "quantity": "2"},
            {"productId": valve, "period": "2027-03-01", "quantity": "1.5", "amount": "450.00"},
            {"productId": valve, "period": "2027-02-01", "quantity": "3"},
        ],
    )
    assert result["errors"] == []
    plan = result["salesPlan"]
    assert {k: plan[k] for k in ("title", "status", "version", "ownerKind", "granularity")} == {
        "title": "Q1 2027 for Wang Fang",
        "status": "DRAFT",
        "version": 1,
        "ownerKind": "SALESPERSON",
        "granularity": "QUARTER",
    }
    assert (plan["periodStart"], plan["periodEnd"]) == ("2027-01-01", "2027-03-31")
    assert plan["author"] == {"login": "planner"}
    assert plan["owner"] == {"__typename": "Salesperson", "code": "S0002"}
    assert plan["parent"] is None
    assert sorted(lines_of(plan)) == [
        ("P0001", "2027-01-01", "2.000", "3700.00"),
        ("P0003", "2027-02-01", "3.000", "931.50"),
        ("P0003", "2027-03-01", "1.500", "450.00"),
    ]
    assert await stored_lines(demo, plan["id"]) == [
        ("P0001", date(2027, 1, 1), Decimal("2.000"), Decimal("3700.00")),
        ("P0003", date(2027, 2, 1), Decimal("3.000"), Decimal("931.50")),
        ("P0003", date(2027, 3, 1), Decimal("1.500"), Decimal("450.00")),
    ]
    vp = await client_for("vp")
    total = (await vp.execute("{ salesPlans { totalCount } }"))["salesPlans"]["totalCount"]
    assert total == 169


async def test_a_salesperson_creates_their_own_plan_and_then_sees_thirteen(demo, client_for):
    sales = await client_for("sales")
    owner = await global_id(demo, "Salesperson", "S0001")
    result = await create(
        sales, ownerId=owner, granularity="YEAR", periodStart="2027-01-01", title="My 2027"
    )
    assert result["errors"] == []
    assert result["salesPlan"]["author"] == {"login": "sales"}
    assert result["salesPlan"]["lines"]["totalCount"] == 0
    count = await sales.execute("{ salesPlans { totalCount } }")
    assert count["salesPlans"]["totalCount"] == 13


async def test_a_manager_creates_a_plan_for_their_department(demo, client_for):
    manager = await client_for("manager")
    owner = await global_id(demo, "Department", "D001")
    result = await create(
        manager, ownerId=owner, granularity="MONTH", periodStart="2027-01-01", title="Jan"
    )
    assert result["errors"] == []
    assert result["salesPlan"]["owner"] == {"__typename": "Department", "code": "D001"}


async def test_a_plan_may_name_the_plan_one_level_up_for_the_same_period_as_its_parent(
    demo, client_for
):
    planner = await client_for("planner")
    owner = await global_id(demo, "Department", "D002")
    parent = await plan_global_id(demo, "Company", "HD", 12)
    result = await create(
        planner,
        ownerId=owner,
        granularity="MONTH",
        periodStart="2026-12-01",
        title="Second December plan",
        parentPlanId=parent,
    )
    assert result["errors"] == []
    assert result["salesPlan"]["parent"] == {"id": parent}


@pytest.mark.parametrize(
    "owner",
    [
        to_global_id("Product", 1),
        to_global_id("SalesPlan", 1),
        "not-an-id",
    ],
)
async def test_creating_for_an_owner_that_does_not_exist_is_not_found(
    demo_readonly, client_for, owner
):
    planner = await client_for("planner")
    async with Refusal(demo_readonly):
        result = await create(
            planner, ownerId=owner, granularity="YEAR", periodStart="2027-01-01", title="x"
        )
    refused(result, ("NOT_FOUND", ["input", "ownerId"]))


@pytest.mark.parametrize("product", [to_global_id("Salesperson", 1), "garbage"])
async def test_a_line_for_an_unknown_product_is_not_found_at_its_index(
    demo_readonly, client_for, product
):
    planner = await client_for("planner")
    owner = await global_id(demo_readonly, "Salesperson", "S0001")
    known = await global_id(demo_readonly, "Product", "P0001")
    async with Refusal(demo_readonly):
        result = await create(
            planner,
            ownerId=owner,
            granularity="MONTH",
            periodStart="2027-01-01",
            title="x",
            lines=[
                {"productId": known, "period": "2027-01-01", "quantity": "1"},
                {"productId": product, "period": "2027-01-01", "quantity": "1"},
            ],
        )
    refused(result, ("NOT_FOUND", ["input", "lines", "1", "productId"]))


# ---- salesPlanUpdateLines -------------------------------------------------------------------


async def december_plan(engine, code: str = "S0001") -> str:
    """S0001's December plan: a DRAFT at version 1 with eight lines."""
    return await plan_global_id(engine, "Salesperson", code, 12)


async def test_updating_lines_replaces_adds_and_removes_targets_and_raises_the_version(
    demo, client_for
):
    plan = await december_plan(demo)
    before = await stored_lines(demo, plan)
    assert len(before) == 8
    kept_code, _, _, _ = before[0]
    removed_code = before[1][0]
    unused = sorted({f"P{i:04d}" for i in range(1, 11)} - {row[0] for row in before})[0]
    planner = await client_for("planner")
    result = await update(
        planner,
        id=plan,
        expectedVersion=1,
        upsert=[
            {
                "productId": await global_id(demo, "Product", kept_code),
                "period": "2026-12-01",
                "quantity": "7",
                "amount": "7.70",
            },
            {
                "productId": await global_id(demo, "Product", unused),
                "period": "2026-12-01",
                "quantity": "0.5",
            },
        ],
        remove=[
            {"productId": await global_id(demo, "Product", removed_code), "period": "2026-12-01"}
        ],
    )
    assert result["errors"] == []
    plan_after = result["salesPlan"]
    assert plan_after["version"] == 2
    assert plan_after["status"] == "DRAFT"
    assert plan_after["lines"]["totalCount"] == 8
    after = {row[0]: row for row in await stored_lines(demo, plan)}
    assert removed_code not in after
    assert after[kept_code][2:] == (Decimal("7.000"), Decimal("7.70"))
    async with demo.connect() as conn:
        query = select(Product.list_price).where(Product.code == unused)
        price = (await conn.execute(query)).scalar_one()
    assert after[unused][2:] == (
        Decimal("0.500"),
        (Decimal("0.5") * price).quantize(Decimal("0.01")),
    )
    unchanged = [row for row in before if row[0] not in (kept_code, removed_code)]
    assert all(after[row[0]] == row for row in unchanged)
    assert await stored_version(demo, plan) == 2


async def test_a_salesperson_updates_their_own_draft(demo, client_for):
    plan = await december_plan(demo)
    product = (await stored_lines(demo, plan))[0][0]
    sales = await client_for("sales")
    result = await update(
        sales,
        id=plan,
        upsert=[
            {
                "productId": await global_id(demo, "Product", product),
                "period": "2026-12-01",
                "quantity": "1",
            }
        ],
    )
    assert result["errors"] == []
    assert result["salesPlan"]["version"] == 2


async def test_two_simultaneous_updates_from_the_same_version_let_exactly_one_win(demo, client_for):
    plan = await december_plan(demo)
    product = (await stored_lines(demo, plan))[0][0]
    line = {"productId": await global_id(demo, "Product", product), "period": "2026-12-01"}
    planner, manager = await client_for("planner"), await client_for("manager")
    results = await asyncio.gather(
        update(planner, id=plan, expectedVersion=1, upsert=[{**line, "quantity": "21"}]),
        update(manager, id=plan, expectedVersion=1, upsert=[{**line, "quantity": "22"}]),
    )
    codes = sorted(tuple(e["code"] for e in r["errors"]) for r in results)
    assert codes == [(), ("CONFLICT",)]
    winner = next(r for r in results if not r["errors"])
    assert winner["salesPlan"]["version"] == 2
    assert await stored_version(demo, plan) == 2
    won = {"planner": Decimal("21.000"), "manager": Decimal("22.000")}[
        "planner" if results[0] is winner else "manager"
    ]
    assert (await stored_lines(demo, plan))[0][2] == won


async def test_updating_a_plan_id_that_is_not_a_plan_is_not_found(demo_readonly, client_for):
    product = await global_id(demo_readonly, "Product", "P0001")
    planner = await client_for("planner")
    async with Refusal(demo_readonly):
        result = await update(planner, id=product)
    refused(result, ("NOT_FOUND", ["input", "id"]))
