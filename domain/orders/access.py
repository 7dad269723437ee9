"""Who may read and act on which sales orders (PRODUCT.md roles). Pure: works on ids.

A partner reads only its own customer's orders; approvers, finance and planners read every order
of the company; a manager the department's; a salesperson their own. A partner that guesses
another customer's order gets the same answer as for an order that does not exist.
"""

from dataclasses import dataclass

from domain.access import Actor, Role


@dataclass(frozen=True)
class OrderOwner:
    """The ids an order's reach depends on."""

    company_id: int
    customer_id: int
    department_id: int
    salesperson_id: int


def may_read_order(actor: Actor, owner: OrderOwner) -> bool:
    if not actor.is_internal:
        return actor.customer_id is not None and actor.customer_id == owner.customer_id
    if actor.company_id != owner.company_id:
        return False
    if actor.reads_all_plans:  # the same company-wide readers as for plans
        return True
    if actor.has(Role.MANAGER) and actor.department_id == owner.department_id:
        return True
    return actor.has(Role.SALESPERSON) and actor.salesperson_id == owner.salesperson_id


@dataclass(frozen=True)
class CustomerOwner:
    """Who looks after a customer: its account's salesperson and that salesperson's department
    (None when the account names no salesperson)."""

    customer_id: int
    salesperson_id: int | None
    department_id: int | None


def may_read_customer(actor: Actor, owner: CustomerOwner) -> bool:
    """Company-wide readers see every customer; a manager those looked after in the department;
    a salesperson those they look after; a partner its own. (Staff also see the customers of the
    orders they may read: domain.store.orders.scoping.customers_visible_to.)"""
    if not actor.is_internal:
        return actor.customer_id is not None and actor.customer_id == owner.customer_id
    if actor.reads_all_plans:
        return True
    if (
        actor.has(Role.MANAGER)
        and owner.department_id is not None
        and actor.department_id == owner.department_id
    ):
        return True
    return (
        actor.has(Role.SALESPERSON)
        and owner.salesperson_id is not None
        and actor.salesperson_id == owner.salesperson_id
    )


def may_author_order(actor: Actor, owner: OrderOwner) -> bool:
    """Write a DRAFT, submit it, cancel it before confirmation: planners for any order; a
    manager for the department's; a salesperson for their own."""
    if not actor.is_internal or actor.company_id != owner.company_id:
        return False
    if actor.has(Role.PLANNER):
        return True
    if actor.has(Role.MANAGER) and actor.department_id == owner.department_id:
        return True
    return actor.has(Role.SALESPERSON) and actor.salesperson_id == owner.salesperson_id


def may_review_contract(actor: Actor, owner: OrderOwner) -> bool:
    """Confirm (pass contract review) or send back an order: the market department's planners or
    the department's manager."""
    if not actor.is_internal or actor.company_id != owner.company_id:
        return False
    return actor.has(Role.PLANNER) or (
        actor.has(Role.MANAGER) and actor.department_id == owner.department_id
    )


def may_run_operations(actor: Actor) -> bool:
    """Production status, stock-in requests and posting, shipments, returns, closing: planners."""
    return actor.is_internal and actor.has(Role.PLANNER)


def may_manage_customers(actor: Actor) -> bool:
    """Customers and price floors: admins, finance and planners."""
    return actor.is_internal and actor.has(Role.ADMIN, Role.FINANCE, Role.PLANNER)


def may_set_credit_limit(actor: Actor) -> bool:
    return actor.is_internal and actor.has(Role.ADMIN, Role.FINANCE)
