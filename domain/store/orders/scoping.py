"""Row scoping of orders, shipments, returns and customers in SQL: the rules of
domain.orders.access as WHERE conditions for list reads and loaders."""

from sqlalchemy import and_, false, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from domain.access import Actor, Role
from domain.store.tables import Customer, CustomerAccount, SalesOrder, Salesperson


def orders_visible_to(actor: Actor) -> ColumnElement[bool]:
    """Mirror of domain.orders.access.may_read_order for a query on sales_order."""
    if not actor.is_internal:
        if actor.customer_id is None:
            return false()
        return SalesOrder.customer_id == actor.customer_id
    if actor.company_id is None:
        return false()
    same_company = SalesOrder.company_id == actor.company_id
    if actor.reads_all_plans:
        return same_company
    reach = []
    if actor.has(Role.MANAGER) and actor.department_id is not None:
        reach.append(SalesOrder.department_id == actor.department_id)
    if actor.has(Role.SALESPERSON) and actor.salesperson_id is not None:
        reach.append(SalesOrder.salesperson_id == actor.salesperson_id)
    return and_(same_company, or_(*reach)) if reach else false()


def visible_order_ids(actor: Actor):
    """A subquery of the ids of the orders the actor may read (for shipments, returns...)."""
    return select(SalesOrder.id).where(orders_visible_to(actor))


def customers_visible_to(actor: Actor) -> ColumnElement[bool]:
    """Mirror of domain.orders.access.may_read_customer for a query on customer, plus the
    customers of the orders the actor may read (an order shows its customer)."""
    if not actor.is_internal:
        if actor.customer_id is None:
            return false()
        return Customer.id == actor.customer_id
    if actor.reads_all_plans:
        return true()
    looked_after = []
    if actor.has(Role.MANAGER) and actor.department_id is not None:
        looked_after.append(Salesperson.department_id == actor.department_id)
    if actor.has(Role.SALESPERSON) and actor.salesperson_id is not None:
        looked_after.append(CustomerAccount.salesperson_id == actor.salesperson_id)
    reach = [Customer.id.in_(select(SalesOrder.customer_id).where(orders_visible_to(actor)))]
    if looked_after:
        accounts = (
            select(CustomerAccount.customer_id)
            .join(Salesperson, Salesperson.id == CustomerAccount.salesperson_id)
            .where(or_(*looked_after))
        )
        reach.append(Customer.id.in_(accounts))
    return or_(*reach)


def internal_only(actor: Actor) -> ColumnElement[bool]:
    """Stock, stock-ins and price floors are the company's business, not the partners'."""
    return true() if actor.is_internal else false()
