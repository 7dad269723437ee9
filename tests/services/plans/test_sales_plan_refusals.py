"""salesPlanCreate and salesPlanUpdateLines refused: every typed error, at its field, and no
change in any table (moved from the API tier; ids that do not decode stay there)."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from domain.plans.hierarchy import OwnerKind
from domain.plans.lines import LineDraft
from domain.plans.periods import Granularity
from domain.services.plans.sales_plans import LineKey, SalesPlanCreate, SalesPlanUpdateLines
from domain.store.tables import SalesPlanLine as Line
from tests.services.helpers import located

JAN_2027 = date(2027, 1, 1)
DEC_2026 = date(2026, 12, 1)


def refused(errors, *expected: tuple) -> None:
    assert located(errors) == list(expected)
    assert all(e.message for e in errors)


async def owner(services, kind: str, code: str) -> tuple[OwnerKind, int]:
    return OwnerKind(kind.upper()), await services.by_code(kind.lower(), code)


def create(owner_of: tuple[OwnerKind, int], granularity="YEAR", start=JAN_2027, title="x", **kw):
    kind, pk = owner_of
    return SalesPlanCreate(
        owner_kind=kind,
        owner_id=pk,
        granularity=Granularity(granularity),
        period_start=start,
        title=title,
        **kw,
    )


def line(product: int, period: date, quantity: str, amount: str | None = None) -> LineDraft:
    return LineDraft(product, period, Decimal(quantity), Decimal(amount) if amount else None)


# ---- salesPlanCreate ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parent_owner", "start", "message"),
    [
        (("Salesperson", "S0004"), date(2026, 12, 1), "the parent plan must be one level up"),
        (("Company", "HD"), date(2026, 11, 1), "the parent plan covers another period"),
    ],
)
async def test_a_parent_plan_at_the_wrong_level_or_period_is_invalid(
    demo_readonly, services, parent_owner, start, message
):
    kind, code = parent_owner
    parent = await services.monthly_plan(kind.lower(), code, 12)
    errors = await services.refused(
        create(
            await owner(services, "Department", "D002"),
            "MONTH",
            start,
            parent_plan_id=parent,
        ),
        "planner",
    )
    refused(errors, ("INVALID", ["input", "parentPlanId"]))
    assert errors[0].message == message


async def test_creating_for_an_owner_that_does_not_exist_is_not_found(demo_readonly, services):
    errors = await services.refused(create((OwnerKind.SALESPERSON, 999_999)), "planner")
    refused(errors, ("NOT_FOUND", ["input", "ownerId"]))


async def test_a_partner_creating_a_plan_is_told_the_owner_does_not_exist(demo_readonly, services):
    errors = await services.refused(create(await owner(services, "Company", "HD")), "partner")
    refused(errors, ("NOT_FOUND", ["input", "ownerId"]))


@pytest.mark.parametrize(
    ("login", "owner_of"),
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
    demo_readonly, services, login, owner_of
):
    errors = await services.refused(create(await owner(services, *owner_of)), login)
    refused(errors, ("FORBIDDEN", ["input", "ownerId"]))


@pytest.mark.parametrize(
    ("granularity", "start"),
    [("MONTH", date(2027, 3, 15)), ("QUARTER", date(2027, 2, 1)), ("YEAR", date(2027, 7, 1))],
)
async def test_a_period_start_that_does_not_begin_the_period_is_invalid(
    demo_readonly, services, granularity, start
):
    errors = await services.refused(
        create(await owner(services, "Salesperson", "S0001"), granularity, start), "planner"
    )
    refused(errors, ("INVALID", ["input", "periodStart"]))


async def test_an_empty_title_and_a_bad_period_are_reported_together(demo_readonly, services):
    errors = await services.refused(
        create(
            await owner(services, "Salesperson", "S0001"), "MONTH", date(2027, 3, 2), title="   "
        ),
        "planner",
    )
    refused(errors, ("INVALID", ["input", "title"]), ("INVALID", ["input", "periodStart"]))


async def test_the_same_product_and_month_twice_is_a_duplicate_and_nothing_is_created(
    demo_readonly, services
):
    product = await services.by_code("product", "P0002")
    errors = await services.refused(
        create(
            await owner(services, "Salesperson", "S0001"),
            "MONTH",
            lines=[line(product, JAN_2027, "1"), line(product, JAN_2027, "2")],
        ),
        "planner",
    )
    refused(errors, ("DUPLICATE", ["input", "lines", "1", "period"]))


async def test_bad_lines_are_each_reported_at_their_index(demo_readonly, services):
    pump, motor, valve = [await services.by_code("product", f"P000{i}") for i in (1, 2, 3)]
    errors = await services.refused(
        create(
            await owner(services, "Salesperson", "S0001"),
            "MONTH",
            lines=[
                line(pump, date(2027, 2, 1), "1"),
                line(motor, JAN_2027, "0.0001"),
                line(valve, JAN_2027, "1", "-1"),
                line(pump, JAN_2027, "1"),
            ],
        ),
        "planner",
    )
    refused(
        errors,
        ("INVALID", ["input", "lines", "0", "period"]),
        ("INVALID", ["input", "lines", "1", "quantity"]),
        ("INVALID", ["input", "lines", "2", "amount"]),
    )


async def test_a_line_for_an_unknown_product_is_not_found_at_its_index(demo_readonly, services):
    known = await services.by_code("product", "P0001")
    errors = await services.refused(
        create(
            await owner(services, "Salesperson", "S0001"),
            "MONTH",
            lines=[line(known, JAN_2027, "1"), line(999_999, JAN_2027, "1")],
        ),
        "planner",
    )
    refused(errors, ("NOT_FOUND", ["input", "lines", "1", "productId"]))


# ---- salesPlanUpdateLines -------------------------------------------------------------------


async def december_plan(services, code: str = "S0001") -> int:
    """S0001's December plan: a DRAFT at version 1 with eight lines."""
    return await services.monthly_plan("salesperson", code, 12)


async def first_line_product(services, plan: int) -> int:
    return await services.scalar(
        "SELECT min(product_id) FROM sales_plan_line WHERE plan_id = :p", p=plan
    )


async def test_a_salesperson_updating_a_colleagues_plan_is_told_it_does_not_exist(
    demo_readonly, services
):
    colleague = await december_plan(services, "S0002")
    errors = await services.refused(SalesPlanUpdateLines(colleague, remove=[]), "sales")
    refused(errors, ("NOT_FOUND", ["input", "id"]))
    made_up = await services.refused(SalesPlanUpdateLines(999_999), "sales")
    assert made_up == errors


async def test_a_manager_updating_another_departments_plan_is_told_it_does_not_exist(
    demo_readonly, services
):
    other = await december_plan(services, "S0004")
    errors = await services.refused(SalesPlanUpdateLines(other), "manager")
    refused(errors, ("NOT_FOUND", ["input", "id"]))


@pytest.mark.parametrize("login", ["vp", "gm", "finance", "admin"])
async def test_a_reader_who_may_not_author_is_forbidden_to_update_lines(
    demo_readonly, services, login
):
    plan = await december_plan(services)
    errors = await services.refused(SalesPlanUpdateLines(plan, expected_version=1), login)
    refused(errors, ("FORBIDDEN", ["input", "id"]))


@pytest.mark.parametrize(("month", "status"), [(1, "APPROVED"), (10, "SUBMITTED")])
async def test_a_plan_that_is_no_longer_a_draft_is_read_only(
    demo_readonly, services, month, status
):
    plan = await services.monthly_plan("salesperson", "S0001", month)
    product = await services.by_code("product", "P0001")
    errors = await services.refused(
        SalesPlanUpdateLines(plan, upsert=[line(product, date(2026, month, 1), "1")]), "planner"
    )
    refused(errors, ("READ_ONLY", ["input", "id"]))
    assert errors[0].message.startswith(f"a {status} plan cannot be edited")


async def test_a_stale_expected_version_is_a_conflict_and_changes_nothing(demo, services):
    plan = await december_plan(services)
    product = await first_line_product(services, plan)
    first = await services.ok(
        SalesPlanUpdateLines(plan, upsert=[line(product, DEC_2026, "11")], expected_version=1),
        "planner",
    )
    assert first.version == 2
    errors = await services.refused(
        SalesPlanUpdateLines(plan, upsert=[line(product, DEC_2026, "99")], expected_version=1),
        "planner",
    )
    refused(errors, ("CONFLICT", ["input", "expectedVersion"]))
    assert errors[0].message == "the plan is at version 2, not 1; reload it"
    [(quantity,)] = await services.rows(
        select(Line.quantity).where(Line.plan_id == plan, Line.product_id == product)
    )
    assert quantity == Decimal("11.000")


async def test_removing_a_line_the_plan_does_not_have_is_not_found_and_changes_nothing(
    demo_readonly, services
):
    plan = await december_plan(services)
    rows = await services.rows(
        "SELECT p.code FROM sales_plan_line l JOIN product p ON p.id = l.product_id "
        "WHERE l.plan_id = :p",
        p=plan,
    )
    missing = sorted({f"P{i:04d}" for i in range(1, 11)} - {code for (code,) in rows})[0]
    errors = await services.refused(
        SalesPlanUpdateLines(
            plan, remove=[LineKey(await services.by_code("product", missing), DEC_2026)]
        ),
        "planner",
    )
    refused(errors, ("NOT_FOUND", ["input", "remove", "0"]))


async def test_an_invalid_upsert_line_changes_neither_lines_nor_version(demo_readonly, services):
    plan = await december_plan(services)
    product = await services.by_code("product", "P0001")
    errors = await services.refused(
        SalesPlanUpdateLines(
            plan,
            upsert=[line(product, date(2026, 11, 1), "1"), line(product, DEC_2026, "1.2345")],
        ),
        "planner",
    )
    refused(
        errors,
        ("INVALID", ["input", "upsert", "0", "period"]),
        ("INVALID", ["input", "upsert", "1", "quantity"]),
    )
