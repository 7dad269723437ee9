"""Reads and writes of forecasts that the forecast use cases and the generation job share."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Actor
from domain.errors import ErrorCode, refuse
from domain.forecast.access import ForecastScope, may_read_forecast
from domain.forecast.generation import LineDraft
from domain.forecast.plausibility import DEFAULT_THRESHOLD_PERCENT
from domain.forecast.sources import ApprovedPlan, PlanLineFact
from domain.orders.lifecycle import OrderStatus
from domain.plans.lifecycle import PlanStatus
from domain.plans.periods import MONTHS_IN, add_months
from domain.store.tables import (
    DemandHistory,
    Department,
    Forecast,
    ForecastLine,
    ForecastLineSource,
    ForecastPolicy,
    SalesOrder,
    SalesOrderLine,
    SalesPlan,
    SalesPlanLine,
)

# Orders count as demand once confirmed, whatever happened to them since (not when cancelled).
CONFIRMED_ORDER_STATUSES = (
    OrderStatus.CONFIRMED,
    OrderStatus.IN_PRODUCTION,
    OrderStatus.READY,
    OrderStatus.PARTIALLY_SHIPPED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.CLOSED,
)
LONGEST_PLAN = max(MONTHS_IN.values())
INSERT_BATCH = 2000


def scope_of(forecast: Forecast) -> ForecastScope:
    return ForecastScope(forecast.company_id, forecast.department_id)


async def load_visible_forecast(
    session: AsyncSession,
    actor: Actor,
    forecast_id: int,
    *,
    for_update: bool = False,
    field: tuple[str, ...] = ("input", "id"),
) -> Forecast:
    """The forecast if the actor may read it; otherwise NOT_FOUND, as if it did not exist."""
    stmt = select(Forecast).where(Forecast.id == forecast_id)
    if for_update:
        stmt = stmt.with_for_update()
    forecast = (await session.execute(stmt)).scalar_one_or_none()
    if forecast is None or not may_read_forecast(actor, scope_of(forecast)):
        raise refuse(ErrorCode.NOT_FOUND, "no such forecast", *field)
    return forecast


async def threshold_percent(session: AsyncSession, company_id: int) -> Decimal:
    """The company's plausibility threshold: its forecast policy's, else the default."""
    configured = await session.scalar(
        select(ForecastPolicy.threshold_percent).where(ForecastPolicy.company_id == company_id)
    )
    return configured if configured is not None else DEFAULT_THRESHOLD_PERCENT


def _plans_in_scope(scope: ForecastScope, first: date, last: date):
    """Approved plans of the scope whose span may reach into [first, last] (months)."""
    stmt = select(SalesPlan).where(
        SalesPlan.status == PlanStatus.APPROVED,
        SalesPlan.company_id == scope.company_id,
        SalesPlan.period_start <= last,
        SalesPlan.period_start > add_months(first, -LONGEST_PLAN),
    )
    if scope.department_id is not None:
        stmt = stmt.where(SalesPlan.department_id == scope.department_id)
    return stmt


async def any_approved_plan(
    session: AsyncSession, scope: ForecastScope, months: list[date]
) -> bool:
    """Whether an approved plan of the scope covers at least one of `months`."""
    plans = (await session.execute(_plans_in_scope(scope, months[0], months[-1]))).scalars()
    wanted = set(months)
    return any(
        add_months(plan.period_start, i) in wanted
        for plan in plans
        for i in range(MONTHS_IN[plan.granularity])
    )


async def approved_plans(
    session: AsyncSession, scope: ForecastScope, months: list[date]
) -> list[ApprovedPlan]:
    """The approved plans of the scope that cover any of `months`, with their lines of those
    months, as the source selection sees them."""
    rows = list((await session.execute(_plans_in_scope(scope, months[0], months[-1]))).scalars())
    lines: dict[int, list[PlanLineFact]] = defaultdict(list)
    if rows:
        ids = [plan.id for plan in rows]
        for start in range(0, len(ids), 1000):
            result = await session.execute(
                select(
                    SalesPlanLine.id,
                    SalesPlanLine.plan_id,
                    SalesPlanLine.product_id,
                    SalesPlanLine.period,
                    SalesPlanLine.quantity,
                    SalesPlanLine.amount,
                ).where(
                    SalesPlanLine.plan_id.in_(ids[start : start + 1000]),
                    SalesPlanLine.period >= months[0],
                    SalesPlanLine.period <= months[-1],
                )
            )
            for r in result:
                lines[r.plan_id].append(
                    PlanLineFact(r.id, r.product_id, r.period, r.quantity, r.amount)
                )
    return [
        ApprovedPlan(
            plan_id=plan.id,
            revision=plan.revision,
            owner_kind=plan.owner_kind,
            company_id=plan.company_id,
            department_id=plan.department_id,
            salesperson_id=plan.salesperson_id,
            granularity=plan.granularity,
            period_start=plan.period_start,
            lines=tuple(lines.get(plan.id, ())),
        )
        for plan in rows
    ]


async def confirmed_demand(
    session: AsyncSession,
    scope: ForecastScope,
    product_ids: Iterable[int],
    first: date,
    last: date,
) -> dict[int, dict[date, Decimal]]:
    """Confirmed order quantities per product and month from `first` to `last` (months): the
    imported history plus the confirmed orders kept here, in the scope's departments."""
    products = sorted(set(product_ids))
    demand: dict[int, dict[date, Decimal]] = {p: {} for p in products}
    if not products:
        return demand

    def add(product: int, month: date, quantity: Decimal) -> None:
        demand[product][month] = demand[product].get(month, Decimal("0.000")) + quantity

    imported = select(
        DemandHistory.product_id, DemandHistory.month, func.sum(DemandHistory.quantity)
    ).where(
        DemandHistory.product_id.in_(products),
        DemandHistory.month >= first,
        DemandHistory.month <= last,
    )
    if scope.department_id is not None:
        imported = imported.where(DemandHistory.department_id == scope.department_id)
    else:
        imported = imported.where(
            DemandHistory.department_id.in_(
                select(Department.id).where(Department.company_id == scope.company_id)
            )
        )
    for product, month, quantity in await session.execute(
        imported.group_by(DemandHistory.product_id, DemandHistory.month)
    ):
        add(product, month, quantity)

    orders = (
        select(SalesOrder.order_date, SalesOrderLine.product_id, SalesOrderLine.quantity)
        .join(SalesOrder, SalesOrder.id == SalesOrderLine.order_id)
        .where(
            SalesOrder.company_id == scope.company_id,
            SalesOrder.status.in_(CONFIRMED_ORDER_STATUSES),
            SalesOrder.order_date >= first,
            SalesOrder.order_date < add_months(last, 1),
            SalesOrderLine.product_id.in_(products),
        )
    )
    if scope.department_id is not None:
        orders = orders.where(SalesOrder.department_id == scope.department_id)
    for order_date, product, quantity in await session.execute(orders):
        add(product, order_date.replace(day=1), quantity)
    return demand


def monthly_series(
    demand: dict[int, dict[date, Decimal]], first: date, last: date
) -> dict[int, list[Decimal]]:
    """Per product, the quantity of each month from `first` to `last`, 0 where none."""
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    months = [add_months(first, i) for i in range(count)]
    return {
        product: [by_month.get(m, Decimal("0.000")) for m in months]
        for product, by_month in demand.items()
    }


async def write_lines(session: AsyncSession, forecast_id: int, drafts: list[LineDraft]) -> None:
    """Insert the lines and their sources (in few statements)."""
    rows = [
        {
            "forecast_id": forecast_id,
            "product_id": d.product_id,
            "period": d.period,
            "planned_quantity": d.quantity,
            "planned_amount": d.amount,
            "quantity": d.quantity,
            "amount": d.amount,
            "baseline": d.baseline.quantity if d.baseline else None,
            "baseline_lower": d.baseline.lower if d.baseline else None,
            "baseline_upper": d.baseline.upper if d.baseline else None,
            "model": d.model[:300],
            "history_periods": d.history_periods,
            "deviation_percent": d.deviation_percent,
            "implausible": d.implausible,
            "plausibility_reason": d.reason[:500],
        }
        for d in drafts
    ]
    sources = []
    for start in range(0, len(rows), INSERT_BATCH):
        chunk = rows[start : start + INSERT_BATCH]
        result = await session.execute(
            insert(ForecastLine).returning(ForecastLine.id, sort_by_parameter_order=True), chunk
        )
        for line_id, draft in zip(
            result.scalars(), drafts[start : start + INSERT_BATCH], strict=True
        ):
            sources.extend(
                {
                    "line_id": line_id,
                    "plan_id": s.plan_id,
                    "plan_line_id": s.line_id,
                    "quantity": s.quantity,
                    "amount": s.amount,
                }
                for s in draft.sources
            )
    for start in range(0, len(sources), INSERT_BATCH):
        await session.execute(insert(ForecastLineSource), sources[start : start + INSERT_BATCH])
