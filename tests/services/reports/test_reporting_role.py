"""The reporting role (demo login `report`) reads the whole company and may change nothing:
every command is refused with FORBIDDEN before it runs, and the database stays as it was."""

from decimal import Decimal

import domain.services  # noqa: F401  (registers every handler)
from domain.services.pipeline import HANDLERS
from domain.services.plans.approval import SalesPlanApprove
from domain.services.stock.stock_in import StockInRequest
from tests.conftest import snapshot
from tests.services.helpers import located


async def test_every_command_is_refused_for_the_reporting_role(demo_readonly, services):
    report = await services.actor("report")
    before = await snapshot(services.engine)
    for command_type in HANDLERS:
        if getattr(command_type, "ACTS_ON_OWN_ACCOUNT", False):
            continue  # signing in and out, one's own password: tests/services/accounts
        # The refusal comes before the handler looks at a single field.
        result = await services.use_cases.handle(object.__new__(command_type), report)
        assert located(result.errors) == [("FORBIDDEN", None)], command_type.__name__
        assert result.value is None
    assert await snapshot(services.engine) == before


async def test_an_approval_the_vp_may_give_is_forbidden_to_the_reporting_role(
    demo_readonly, services
):
    pid = await services.pk("sales_plan", "status = 'SUBMITTED' AND owner_kind = 'COMPANY'")
    errors = await services.refused(SalesPlanApprove(pid), "report")
    assert located(errors) == [("FORBIDDEN", None)]
    assert errors[0].message == "your role may read but not change anything"


async def test_a_stock_in_request_is_forbidden_to_the_reporting_role(demo_readonly, services):
    product = await services.by_code("product", "P0001")
    command = StockInRequest(product_id=product, quantity=Decimal("1"), qc_reference="QC-1")
    assert await services.refused_codes(command, "report") == ["FORBIDDEN"]


async def test_the_reporting_role_reads_every_plan_and_order_of_the_company(
    demo_readonly, services
):
    report = await services.actor("report")
    assert report.reads_all_plans and report.is_internal and report.writes_nothing
    assert report.company_id == await services.by_code("company", "HD")
