"""An approved forecast to run MRP on, made from the demo's approved plans (July to September
2026) the way the forecast sums them: per product and month, the salespeople's approved plan
lines, each kept as a source of its forecast line."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.forecast.calendar import ForecastGranularity
from domain.forecast.lifecycle import ForecastStatus
from domain.plans.hierarchy import OwnerKind
from domain.plans.lifecycle import PlanStatus
from domain.store.db import writer
from domain.store.tables import AppUser, Company, SalesPlan, SalesPlanLine
from domain.store.tables.forecasts import Forecast, ForecastLine, ForecastLineSource
from domain.store.tables.jobs import JobState

MONTHS = (date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1))
RUN_START = date(2026, 7, 1)


async def approved_forecast(
    engine: AsyncEngine, status: ForecastStatus = ForecastStatus.APPROVED
) -> int:
    """A forecast of the company for July to September 2026, in `status`; returns its id."""
    async with writer(engine).begin() as conn:
        company = (await conn.execute(select(Company.id).where(Company.code == "HD"))).scalar_one()
        planner = (
            await conn.execute(select(AppUser.id).where(AppUser.login == "planner"))
        ).scalar_one()
        sources = (
            await conn.execute(
                select(
                    SalesPlanLine.id,
                    SalesPlanLine.plan_id,
                    SalesPlanLine.product_id,
                    SalesPlanLine.period,
                    SalesPlanLine.quantity,
                    SalesPlanLine.amount,
                )
                .join(SalesPlan, SalesPlan.id == SalesPlanLine.plan_id)
                .where(
                    SalesPlan.owner_kind == OwnerKind.SALESPERSON,
                    SalesPlan.status == PlanStatus.APPROVED,
                    SalesPlanLine.period.in_(MONTHS),
                )
                .order_by(SalesPlanLine.id)
            )
        ).all()
        forecast_id = (
            await conn.execute(
                insert(Forecast).values(
                    company_id=company,
                    title="Forecast Q3 2026",
                    granularity=ForecastGranularity.MONTH,
                    period_start=MONTHS[0],
                    period_end=date(2026, 9, 30),
                    status=status,
                    threshold_percent=Decimal("30.0"),
                    author_id=planner,
                    job_state=JobState.DONE,
                )
            )
        ).inserted_primary_key[0]
        by_cell = defaultdict(list)
        for source in sources:
            by_cell[(source.product_id, source.period)].append(source)
        for (product_id, period), parts in sorted(by_cell.items()):
            quantity = sum((p.quantity for p in parts), Decimal("0.000"))
            amount = sum((p.amount for p in parts), Decimal("0.00"))
            line_id = (
                await conn.execute(
                    insert(ForecastLine).values(
                        forecast_id=forecast_id,
                        product_id=product_id,
                        period=period,
                        planned_quantity=quantity,
                        planned_amount=amount,
                        quantity=quantity,
                        amount=amount,
                        model="none (test)",
                        plausibility_reason="",
                    )
                )
            ).inserted_primary_key[0]
            await conn.execute(
                insert(ForecastLineSource),
                [
                    {
                        "line_id": line_id,
                        "plan_id": p.plan_id,
                        "plan_line_id": p.id,
                        "quantity": p.quantity,
                        "amount": p.amount,
                    }
                    for p in parts
                ],
            )
    return forecast_id
