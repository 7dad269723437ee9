"""The event of a change to a plan row, with the owner ids subscriptions scope it by."""

from domain.plans.events import SalesPlanEvent
from domain.plans.lifecycle import PlanStatus
from domain.store.tables import SalesPlan


def plan_event(
    plan: SalesPlan, action: str, before: PlanStatus | None, **details
) -> SalesPlanEvent:
    """An event of `plan` as it is now (after the change), moved from status `before`."""
    return SalesPlanEvent(
        document_id=plan.id,
        action=action,
        from_status=before,
        to_status=plan.status,
        owner_kind=plan.owner_kind,
        company_id=plan.company_id,
        department_id=plan.department_id,
        salesperson_id=plan.salesperson_id,
        **details,
    )
