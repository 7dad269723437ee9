"""Every illegal plan transition is a typed error and leaves the database unchanged."""

from datetime import date
from decimal import Decimal

from domain.plans.lines import LineDraft
from domain.services.plans.approval import SalesPlanApprove, SalesPlanReject, SalesPlanSubmit
from domain.services.plans.sales_plans import SalesPlanUpdateLines
from tests.services.helpers import located


async def plan_pk(services, where: str) -> int:
    return await services.pk("sales_plan", where)


async def test_approving_a_draft_is_an_invalid_transition(demo_readonly, services):
    pid = await plan_pk(services, "status = 'DRAFT' AND owner_kind = 'COMPANY'")
    assert await services.refused_codes(SalesPlanApprove(pid), "vp") == ["INVALID_TRANSITION"]


async def test_editing_an_approved_plan_is_refused_as_read_only(demo_readonly, services):
    pid = await plan_pk(services, "status = 'APPROVED' AND owner_kind = 'COMPANY'")
    product = await services.by_code("product", "P0001")  # the first by code
    upsert = [LineDraft(product, date(2026, 1, 1), Decimal("1"))]
    codes = await services.refused_codes(SalesPlanUpdateLines(pid, upsert=upsert), "planner")
    assert codes == ["READ_ONLY"]


async def test_a_salesperson_cannot_approve_even_their_own_plan(demo_readonly, services):
    pid = await plan_pk(
        services, "status = 'SUBMITTED' AND owner_kind = 'SALESPERSON' AND salesperson_id = 1"
    )
    assert await services.refused_codes(SalesPlanApprove(pid), "sales") == ["FORBIDDEN"]


async def test_a_salesperson_cannot_see_a_company_plan_to_approve_it(demo_readonly, services):
    pid = await plan_pk(services, "status = 'SUBMITTED' AND owner_kind = 'COMPANY'")
    assert await services.refused_codes(SalesPlanApprove(pid), "sales") == ["NOT_FOUND"]


async def test_approving_ones_own_step_twice_is_refused(demo, services):
    pid = await plan_pk(services, "status = 'SUBMITTED' AND owner_kind = 'COMPANY'")
    await services.ok(SalesPlanApprove(pid), "vp")
    assert await services.refused_codes(SalesPlanApprove(pid), "vp") == ["INVALID_TRANSITION"]


async def test_a_stale_expected_version_is_a_conflict(demo_readonly, services):
    pid = await plan_pk(services, "status = 'SUBMITTED' AND owner_kind = 'DEPARTMENT'")
    codes = await services.refused_codes(SalesPlanApprove(pid, expected_version=99), "vp")
    assert codes == ["CONFLICT"]


async def test_submitting_a_submitted_plan_again_is_an_invalid_transition(demo_readonly, services):
    pid = await plan_pk(services, "status = 'SUBMITTED' AND owner_kind = 'DEPARTMENT'")
    codes = await services.refused_codes(SalesPlanSubmit(pid), "planner")
    assert codes == ["INVALID_TRANSITION"]


async def test_a_finance_user_cannot_approve_a_step_that_is_the_vps(demo_readonly, services):
    pid = await plan_pk(services, "status = 'SUBMITTED' AND owner_kind = 'DEPARTMENT'")
    assert await services.refused_codes(SalesPlanApprove(pid), "finance") == ["FORBIDDEN"]


async def test_a_reject_without_a_reason_is_refused(demo, services):
    pid = await plan_pk(services, "status = 'DRAFT' AND owner_kind = 'COMPANY'")
    await services.ok(SalesPlanSubmit(pid), "planner")
    errors = await services.refused(SalesPlanReject(pid, reason="  "), "vp")
    assert located(errors) == [("REQUIRED", ["input", "reason"])]
