"""Row scoping in SQL: the same rules as domain.plans.access, as WHERE conditions for list reads."""

from sqlalchemy import and_, false, or_
from sqlalchemy.sql.elements import ColumnElement

from domain.access import Actor, Role
from domain.plans.hierarchy import OwnerKind
from domain.store.tables import SalesPlan


def plans_visible_to(actor: Actor) -> ColumnElement[bool]:
    """Mirror of domain.plans.access.may_read_plan for a query on sales_plan."""
    if actor.company_id is None:
        return false()
    same_company = SalesPlan.company_id == actor.company_id
    if actor.reads_all_plans:
        return same_company
    reach = []
    if actor.has(Role.MANAGER) and actor.department_id is not None:
        reach.append(SalesPlan.department_id == actor.department_id)
    if actor.has(Role.SALESPERSON) and actor.salesperson_id is not None:
        reach.append(
            and_(
                SalesPlan.owner_kind == OwnerKind.SALESPERSON,
                SalesPlan.salesperson_id == actor.salesperson_id,
            )
        )
    return and_(same_company, or_(*reach)) if reach else false()
