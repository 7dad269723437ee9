"""The reads of plan vs actual: the organisation, booked orders summed in SQL (GROUP BY
department, salesperson, product and month), the approved plans that may be in force and the
lines of the chosen ones. Five statements whatever the number of orders; the rules are in
domain.reports.achievement."""

from datetime import date

from sqlalchemy import extract, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from domain.forecast.sources import ApprovedPlan
from domain.orders.lifecycle import BOOKED_STATUSES
from domain.orders.returns import ReturnStatus
from domain.plans.hierarchy import OwnerKind
from domain.plans.lifecycle import PlanStatus
from domain.plans.periods import add_months
from domain.reports.achievement import (
    ActualRow,
    NodeTargets,
    OrgDepartment,
    Scope,
    TargetLine,
    months_between,
    node_targets,
    plans_in_force,
)
from domain.store.reading import Rows
from domain.store.tables import (
    Department,
    SalesOrder,
    SalesOrderLine,
    Salesperson,
    SalesPlan,
    SalesPlanLine,
    SalesReturn,
    SalesReturnLine,
)
from domain.store.types import Fixed

orders = SalesOrder.__table__
lines = SalesOrderLine.__table__
returns = SalesReturn.__table__
return_lines = SalesReturnLine.__table__
plans = SalesPlan.__table__
plan_lines = SalesPlanLine.__table__
departments = Department.__table__
salespeople = Salesperson.__table__


class money_of(FunctionElement):
    """quantity × unit price rounded half up to the cent, in SQL: domain.orders.lines.amount_of
    for one row. On SQLite, Fixed columns are scaled integers (×1000 and ×100), so the product
    is in units of 10⁻⁵ and integer division by 1000 after adding 500 rounds it to cents."""

    type = Fixed(2)
    inherit_cache = True


@compiles(money_of)
def _money_of_default(element, compiler, **kw) -> str:
    quantity, price = list(element.clauses)
    return f"ROUND({compiler.process(quantity, **kw)} * {compiler.process(price, **kw)}, 2)"


@compiles(money_of, "sqlite")
def _money_of_sqlite(element, compiler, **kw) -> str:
    quantity, price = list(element.clauses)
    product = f"{compiler.process(quantity, **kw)} * {compiler.process(price, **kw)}"
    return f"(({product} + 500) / 1000)"


async def organisation(rows: Rows, company_id: int) -> list[OrgDepartment]:
    """The company's departments with their salespeople, by id."""
    found = await rows(
        select(departments.c.id, salespeople.c.id.label("salesperson_id"))
        .select_from(departments)
        .outerjoin(salespeople, salespeople.c.department_id == departments.c.id)
        .where(departments.c.company_id == company_id)
        .order_by(departments.c.id, salespeople.c.id)
    )
    people: dict[int, list[int]] = {}
    for department_id, salesperson_id in found:
        mine = people.setdefault(department_id, [])
        if salesperson_id is not None:
            mine.append(salesperson_id)
    return [OrgDepartment(d, tuple(sp)) for d, sp in people.items()]


def _scope_conditions(scope: Scope, department_of_scope: int | None) -> list:
    if scope.kind is OwnerKind.DEPARTMENT:
        return [orders.c.department_id == scope.node_id]
    if scope.kind is OwnerKind.SALESPERSON:
        return [
            orders.c.salesperson_id == scope.node_id,
            orders.c.department_id == department_of_scope,
        ]
    return []


async def actual_rows(
    rows: Rows,
    company_id: int,
    scope: Scope,
    department_of_scope: int | None,
    first_month: date,
    last_month: date,
    product_id: int | None = None,
) -> list[ActualRow]:
    """Booked order lines dated in the months, less their received returns, summed per
    (department, salesperson, product, month) in one statement."""
    returned = (
        select(
            return_lines.c.order_line_id,
            func.sum(return_lines.c.quantity).label("quantity"),
        )
        .join(returns, returns.c.id == return_lines.c.return_id)
        .where(returns.c.status == ReturnStatus.RECEIVED)
        .group_by(return_lines.c.order_line_id)
        .subquery()
    )
    returned_quantity = func.coalesce(returned.c.quantity, 0)
    year = extract("year", orders.c.order_date)
    month = extract("month", orders.c.order_date)
    conditions = [
        orders.c.company_id == company_id,
        orders.c.status.in_(list(BOOKED_STATUSES)),
        orders.c.order_date >= first_month,
        orders.c.order_date < add_months(last_month, 1),
        *_scope_conditions(scope, department_of_scope),
    ]
    if product_id is not None:
        conditions.append(lines.c.product_id == product_id)
    stmt = (
        select(
            orders.c.department_id,
            orders.c.salesperson_id,
            lines.c.product_id,
            year.label("year"),
            month.label("month"),
            func.sum(lines.c.quantity).label("ordered_quantity"),
            func.sum(lines.c.amount).label("ordered_amount"),
            func.sum(returned_quantity).label("returned_quantity"),
            func.sum(money_of(returned_quantity, lines.c.unit_price)).label("returned_amount"),
        )
        .select_from(lines)
        .join(orders, orders.c.id == lines.c.order_id)
        .outerjoin(returned, returned.c.order_line_id == lines.c.id)
        .where(*conditions)
        .group_by(orders.c.department_id, orders.c.salesperson_id, lines.c.product_id, year, month)
    )
    result = []
    for r in await rows(stmt):
        result.append(
            ActualRow(
                department_id=r.department_id,
                salesperson_id=r.salesperson_id,
                product_id=r.product_id,
                month=date(int(r.year), int(r.month), 1),
                ordered_quantity=r.ordered_quantity,
                ordered_amount=r.ordered_amount,
                returned_quantity=r.returned_quantity,
                returned_amount=r.returned_amount,
            )
        )
    return result


async def targets(
    rows: Rows,
    company_id: int,
    scope: Scope,
    department_of_scope: int | None,
    first_month: date,
    last_month: date,
    product_id: int | None = None,
) -> dict[tuple[OwnerKind, int], NodeTargets]:
    """The targets of every node in scope: approved plans that may cover the months (two
    statements: the plans, then the lines of those in force)."""
    conditions = [
        plans.c.company_id == company_id,
        plans.c.status == PlanStatus.APPROVED,
        plans.c.period_start <= last_month,
        plans.c.period_start > add_months(first_month, -12),  # a YEAR plan covers 12 months
    ]
    if scope.kind is OwnerKind.DEPARTMENT:
        conditions.append(plans.c.department_id == scope.node_id)
    elif scope.kind is OwnerKind.SALESPERSON:
        conditions += [
            plans.c.owner_kind == OwnerKind.SALESPERSON,
            plans.c.salesperson_id == scope.node_id,
        ]
    headers = await rows(
        select(
            plans.c.id,
            plans.c.revision,
            plans.c.owner_kind,
            plans.c.company_id,
            plans.c.department_id,
            plans.c.salesperson_id,
            plans.c.granularity,
            plans.c.period_start,
        ).where(*conditions)
    )
    months = months_between(first_month, last_month)
    chosen = plans_in_force(
        (
            ApprovedPlan(
                plan_id=h.id,
                revision=h.revision,
                owner_kind=OwnerKind(h.owner_kind),
                company_id=h.company_id,
                department_id=h.department_id,
                salesperson_id=h.salesperson_id,
                granularity=h.granularity,
                period_start=h.period_start,
                lines=(),
            )
            for h in headers
        ),
        months,
    )
    plan_ids = sorted({p for picks in chosen.values() for p in picks.values()})
    if not plan_ids:
        return {}
    line_conditions = [
        plan_lines.c.plan_id.in_(plan_ids),
        plan_lines.c.period >= first_month,
        plan_lines.c.period <= last_month,
    ]
    if product_id is not None:
        line_conditions.append(plan_lines.c.product_id == product_id)
    found = await rows(
        select(
            plan_lines.c.plan_id,
            plan_lines.c.product_id,
            plan_lines.c.period,
            plan_lines.c.quantity,
            plan_lines.c.amount,
        ).where(*line_conditions)
    )
    return node_targets(
        chosen,
        (TargetLine(r.plan_id, r.product_id, r.period, r.quantity, r.amount) for r in found),
    )
