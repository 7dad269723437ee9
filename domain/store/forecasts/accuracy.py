"""forecast.accuracy: how close a forecast and its baseline came to the confirmed orders of its
past months (domain.forecast.accuracy has the measures and how zero actuals count).

Measured per product and month, for the forecast's months that have ended (before the current
month), against the confirmed order quantities of the forecast's scope (imported history plus
the confirmed orders kept here). The forecast's figure is each line's quantity in force (as
adjusted); products ordered but not forecast are not in it. Weekly forecasts are not measured:
order history is kept by month.
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.forecast.accuracy import AccuracyReport, Observation, accuracy_report
from domain.forecast.calendar import ForecastGranularity, month_start
from domain.plans.periods import add_months
from domain.store.forecasts.repository import confirmed_demand, scope_of
from domain.store.tables import Forecast, ForecastLine


async def forecast_accuracy(
    session: AsyncSession, forecast: Forecast, today: date
) -> AccuracyReport | None:
    """The report over the forecast's ended months; None for weekly forecasts and when none of
    its months has ended."""
    if forecast.granularity is not ForecastGranularity.MONTH:
        return None
    last_ended = min(add_months(month_start(today), -1), month_start(forecast.period_end))
    if last_ended < forecast.period_start:
        return None
    lines = (
        await session.execute(
            select(
                ForecastLine.product_id,
                ForecastLine.period,
                ForecastLine.quantity,
                ForecastLine.baseline,
            ).where(
                ForecastLine.forecast_id == forecast.id,
                ForecastLine.period <= last_ended,
            )
        )
    ).all()
    if not lines:
        return None
    actuals = await confirmed_demand(
        session,
        scope_of(forecast),
        {line.product_id for line in lines},
        forecast.period_start,
        last_ended,
    )
    return accuracy_report(
        Observation(
            product_id=line.product_id,
            period=line.period,
            actual=actuals[line.product_id].get(line.period, Decimal("0.000")),
            forecast=line.quantity,
            baseline=line.baseline,
        )
        for line in lines
    )
