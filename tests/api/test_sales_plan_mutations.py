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
    ("parent_owner", "start", "message"),
    [
        (("Salesperson", "S0004"), "2026-12-01", "the parent plan must be one level up"),
        (("Company", "HD"), "2026-11-01", "the parent plan covers another period"),
    ],
)
async def test_a_parent_plan_at_the_wrong_level_or_period_is_invalid(
    demo_readonly, client_for, parent_owner, start, message
):
    planner = await client_for("planner")
    owner = await global_id(demo_readonly, "Department", "D002")
    parent = await plan_global_id(demo_readonly, *parent_owner, 12)
    async with Refusal(demo_readonly):
        result = await create(
            planner,
            ownerId=owner,
            granularity="MONTH",
            periodStart=start,
            title="x",
            parentPlanId=parent,
        )
    refused(result, ("INVALID", ["input", "parentPlanId"]))
    assert result["errors"][0]["message"] == message


@pytest.mark.parametrize(
    "owner",
    [
        to_global_id("Salesperson", 999_999),
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


async def test_a_partner_creating_a_plan_is_told_the_owner_does_not_exist(
    demo_readonly, client_for
):
    partner = await client_for("partner")
    owner = await global_id(demo_readonly, "Company", "HD")
    async with Refusal(demo_readonly):
        result = await create(
            partner, ownerId=owner, granularity="YEAR", periodStart="2027-01-01", title="x"
        )
    refused(result, ("NOT_FOUND", ["input", "ownerId"]))


@pytest.mark.parametrize(
    ("login", "owner"),
    [
        ("sales", ("Salesperson", "S0002")),  # a colleague in the same department
        ("sales", ("Department", "D001")),
        ("manager", ("Company", "HD")),
        ("manager", ("Department", "D002")),
        ("manager", ("Salesperson", "S0004")),  # in another department
        ("vp", ("Salesperson", "S0001")),  # approvers do not author
        ("admin", ("Company", "HD")),
    ],
)
async def test_creating_a_plan_for_a_node_outside_ones_authoring_reach_is_forbidden(
    demo_readonly, client_for, login, owner
):
    client = await client_for(login)
    owner_id = await global_id(demo_readonly, *owner)
    async with Refusal(demo_readonly):
        result = await create(
            client, ownerId=owner_id, granularity="YEAR", periodStart="2027-01-01", title="x"
        )
    refused(result, ("FORBIDDEN", ["input", "ownerId"]))


@pytest.mark.parametrize(
    ("granularity", "start"),
    [("MONTH", "2027-03-15"), ("QUARTER", "2027-02-01"), ("YEAR", "2027-07-01")],
)
async def test_a_period_start_that_does_not_begin_the_period_is_invalid(
    demo_readonly, client_for, granularity, start
):
    planner = await client_for("planner")
    owner = await global_id(demo_readonly, "Salesperson", "S0001")
    async with Refusal(demo_readonly):
        result = await create(
            planner, ownerId=owner, granularity=granularity, periodStart=start, title="x"
        )
    refused(result, ("INVALID", ["input", "periodStart"]))


async def test_an_empty_title_and_a_bad_period_are_reported_together(demo_readonly, client_for):
    planner = await client_for("planner")
    owner = await global_id(demo_readonly, "Salesperson", "S0001")
    async with Refusal(demo_readonly):
        result = await create(
            planner, ownerId=owner, granularity="MONTH", periodStart="2027-03-02", title="   "
        )
    refused(result, ("INVALID", ["input", "title"]), ("INVALID", ["input", "periodStart"]))


async def test_the_same_product_and_month_twice_is_a_duplicate_and_nothing_is_created(
    demo_readonly, client_for
):
    planner = await client_for("planner")
    owner = await global_id(demo_readonly, "Salesperson", "S0001")
    product = await global_id(demo_readonly, "Product", "P0002")
    line = {"productId": product, "period": "2027-01-01", "quantity": "1"}
    async with Refusal(demo_readonly):
        result = await create(
            planner,
            ownerId=owner,
            granularity="MONTH",
            periodStart="2027-01-01",
            title="x",
            lines=[line, {**line, "quantity": "2"}],
        )
    refused(result, ("DUPLICATE", ["input", "lines", "1", "period"]))


async def test_bad_lines_are_each_reported_at_their_index(demo_readonly, client_for):
    planner = await client_for("planner")
    owner = await global_id(demo_readonly, "Salesperson", "S0001")
    pump, motor, valve = [await global_id(demo_readonly, "Product", f"P000{i}") for i in (1, 2, 3)]
    async with Refusal(demo_readonly):
        result = await create(
            planner,
            ownerId=owner,
            granularity="MONTH",
            periodStart="2027-01-01",
            title="x",
            lines=[
                {"productId": pump, "period": "2027-02-01", "quantity": "1"},
                {"productId": motor, "period": "2027-01-01", "quantity": "0.0001"},
                {"productId": valve, "period": "2027-01-01", "quantity": "1", "amount": "-1"},
                {"productId": pump, "period": "2027-01-01", "quantity": "1"},
            ],
        )
    refused(
        result,
        ("INVALID", ["input", "lines", "0", "period"]),
        ("INVALID", ["input", "lines", "1", "quantity"]),
        ("INVALID", ["input", "lines", "2", "amount"]),
    )


@pytest.mark.parametrize(
    "product", [to_global_id("Product", 999_999), to_global_id("Salesperson", 1), "garbage"]
)
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


async def test_a_salesperson_updating_a_colleagues_plan_is_told_it_does_not_exist(
    demo_readonly, client_for
):
    colleague = await december_plan(demo_readonly, "S0002")
    sales = await client_for("sales")
    async with Refusal(demo_readonly):
        result = await update(sales, id=colleague, remove=[])
    refused(result, ("NOT_FOUND", ["input", "id"]))
    random = await update(sales, id=to_global_id("SalesPlan", 999_999))
    assert random == result


async def test_a_manager_updating_another_departments_plan_is_told_it_does_not_exist(
    demo_readonly, client_for
):
    other = await december_plan(demo_readonly, "S0004")
    manager = await client_for("manager")
    async with Refusal(demo_readonly):
        result = await update(manager, id=other)
    refused(result, ("NOT_FOUND", ["input", "id"]))


@pytest.mark.parametrize("login", ["vp", "gm", "finance", "admin"])
async def test_a_reader_who_may_not_author_is_forbidden_to_update_lines(
    demo_readonly, client_for, login
):
    plan = await december_plan(demo_readonly)
    client = await client_for(login)
    async with Refusal(demo_readonly):
        result = await update(client, id=plan, expectedVersion=1)
    refused(result, ("FORBIDDEN", ["input", "id"]))


@pytest.mark.parametrize(("month", "status"), [(1, "APPROVED"), (10, "SUBMITTED")])
async def test_a_plan_that_is_no_longer_a_draft_is_read_only(
    demo_readonly, client_for, month, status
):
    plan = await plan_global_id(demo_readonly, "Salesperson", "S0001", month)
    product = await global_id(demo_readonly, "Product", "P0001")
    planner = await client_for("planner")
    async with Refusal(demo_readonly):
        result = await update(
            planner,
            id=plan,
            upsert=[{"productId": product, "period": f"2026-{month:02d}-01", "quantity": "1"}],
        )
    refused(result, ("READ_ONLY", ["input", "id"]))
    assert result["errors"][0]["message"].startswith(f"a {status} plan cannot be edited")


async def test_a_stale_expected_version_is_a_conflict_and_changes_nothing(demo, client_for):
    plan = await december_plan(demo)
    product = (await stored_lines(demo, plan))[0][0]
    line = {"productId": await global_id(demo, "Product", product), "period": "2026-12-01"}
    planner = await client_for("planner")
    first = await update(planner, id=plan, expectedVersion=1, upsert=[{**line, "quantity": "11"}])
    assert first["errors"] == []
    assert first["salesPlan"]["version"] == 2
    async with Refusal(demo):
        stale = await update(
            planner, id=plan, expectedVersion=1, upsert=[{**line, "quantity": "99"}]
        )
    refused(stale, ("CONFLICT", ["input", "expectedVersion"]))
    assert stale["errors"][0]["message"] == "the plan is at version 2, not 1; reload it"
    assert (await stored_lines(demo, plan))[0][2] == Decimal("11.000")


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


async def test_removing_a_line_the_plan_does_not_have_is_not_found_and_changes_nothing(
    demo_readonly, client_for
):
    plan = await december_plan(demo_readonly)
    present = {row[0] for row in await stored_lines(demo_readonly, plan)}
    missing = sorted({f"P{i:04d}" for i in range(1, 11)} - present)[0]
    planner = await client_for("planner")
    async with Refusal(demo_readonly):
        result = await update(
            planner,
            id=plan,
            remove=[
                {
                    "productId": await global_id(demo_readonly, "Product", missing),
                    "period": "2026-12-01",
                }
            ],
        )
    refused(result, ("NOT_FOUND", ["input", "remove", "0"]))


async def test_an_invalid_upsert_line_changes_neither_lines_nor_version(demo_readonly, client_for):
    plan = await december_plan(demo_readonly)
    product = await global_id(demo_readonly, "Product", "P0001")
    planner = await client_for("planner")
    async with Refusal(demo_readonly):
        result = await update(
            planner,
            id=plan,
            upsert=[
                {"productId": product, "period": "2026-11-01", "quantity": "1"},
                {"productId": product, "period": "2026-12-01", "quantity": "1.2345"},
            ],
        )
    refused(
        result,
        ("INVALID", ["input", "upsert", "0", "period"]),
        ("INVALID", ["input", "upsert", "1", "quantity"]),
    )


async def test_updating_a_plan_id_that_is_not_a_plan_is_not_found(demo_readonly, client_for):
    product = await global_id(demo_readonly, "Product", "P0001")
    planner = await client_for("planner")
    async with Refusal(demo_readonly):
        result = await update(planner, id=product)
    refused(result, ("NOT_FOUND", ["input", "id"]))
