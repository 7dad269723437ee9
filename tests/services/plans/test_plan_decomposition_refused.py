"""Bad decompositions are refused with their fields, and change nothing."""

from datetime import date
from decimal import Decimal

from domain.plans.hierarchy import OwnerKind
from domain.plans.lines import LineDraft
from domain.plans.periods import Granularity
from domain.services.plans.decomposition import ChildAllocation, SalesPlanDecompose
from domain.services.plans.sales_plans import SalesPlanCreate
from tests.services.helpers import codes, located


async def new_company_plan(services) -> int:
    """A DRAFT 2027 Q1 company plan of 10 pumps, written by the planner."""
    pump = await services.by_code("product", "P0001")
    plan = await services.ok(
        SalesPlanCreate(
            owner_kind=OwnerKind.COMPANY,
            owner_id=await services.by_code("company", "HD"),
            granularity=Granularity.QUARTER,
            period_start=date(2027, 1, 1),
            title="Company plan 2027 Q1",
            lines=[LineDraft(pump, date(2027, 1, 1), Decimal("10"), Decimal("100.00"))],
        ),
        "planner",
    )
    return plan.id


async def test_bad_decompositions_are_refused_with_their_fields(demo, services):
    parent = await new_company_plan(services)
    d1 = await services.by_code("department", "D001")
    one = Decimal("1")
    cases = [
        ([], [("REQUIRED", ["input", "children"])]),
        ([ChildAllocation(d1)], [("INVALID", ["input", "children", "0"])]),
        ([ChildAllocation(d1, Decimal("0"))], [("INVALID", ["input", "children"])]),
        (
            [ChildAllocation(d1, one), ChildAllocation(d1, one)],
            [("DUPLICATE", ["input", "children", "1", "ownerId"])],
        ),
    ]
    for children, expected in cases:
        errors = await services.refused(SalesPlanDecompose(parent, children), "planner")
        assert located(errors) == expected, children
    # A manager cannot read the company plan at all.
    errors = await services.refused(
        SalesPlanDecompose(parent, [ChildAllocation(d1, one)]), "manager"
    )
    assert codes(errors) == ["NOT_FOUND"]
