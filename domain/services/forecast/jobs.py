"""The `forecast.generate` job: a GENERATING forecast gets its lines (summed from the approved
plans by domain.forecast.sources), their baselines (statsforecast, off the event loop of the
worker) and plausibility flags, in one transaction that also makes it DRAFT."""

import asyncio
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.forecast.baseline import monthly_baselines, warm_up
from domain.forecast.calendar import months_between
from domain.forecast.generation import draft_lines, history_window, horizon
from domain.forecast.lifecycle import FORECAST_LIFECYCLE, ForecastAction
from domain.forecast.sources import ForecastScope as SourceScope
from domain.forecast.sources import select_sources
from domain.jobs import JobFailed, finish, job, on_worker_start
from domain.services.forecast.events import forecast_event
from domain.store.db import create_sessionmaker
from domain.store.forecasts.repository import (
    approved_plans,
    confirmed_demand,
    monthly_series,
    scope_of,
    write_lines,
)
from domain.store.tables import Forecast
from domain.store.uow import UnitOfWork

on_worker_start(warm_up)  # statsforecast's imports and JIT compilation, once per worker


async def generation_failed(uow: UnitOfWork, forecast_id: int, reason: str) -> None:
    """The job failed: the forecast becomes FAILED, with the reason in its history."""
    forecast = await uow.session.get(Forecast, forecast_id, with_for_update=True)
    if forecast is None or not FORECAST_LIFECYCLE.allows(
        ForecastAction.GENERATION_FAILED, forecast.status
    ):
        return
    before = forecast.status
    await uow.change(
        forecast, status=FORECAST_LIFECYCLE.check(ForecastAction.GENERATION_FAILED, before)
    )
    uow.record(forecast_event(forecast, "GENERATION_FAILED", before, comment=reason), None)


@job(
    "forecast.generate", document=Forecast, id_argument="forecast_id", on_failure=generation_failed
)
async def generate(engine: AsyncEngine, *, forecast_id: int) -> None:
    """Read the plans and the history, fit the baselines, write the lines: DRAFT."""
    async with create_sessionmaker(engine)() as s:
        forecast = await s.get(Forecast, forecast_id)
        if forecast is None:
            raise JobFailed("the forecast no longer exists")
        scope = scope_of(forecast)
        months = months_between(forecast.period_start, forecast.period_end)
        plans = await approved_plans(s, scope, months)
        selection = select_sources(
            plans, SourceScope(scope.company_id, scope.department_id), months
        )
        if selection.is_empty:
            raise JobFailed(
                f"no approved plan covers {months[0]:%Y-%m} to {months[-1]:%Y-%m} any more"
            )
        products = sorted({product for product, _ in selection.figures})
        first, last = history_window(months[0], datetime.now(UTC).date())
        demand = await confirmed_demand(s, scope, products, first, last)
        threshold = forecast.threshold_percent
        granularity = forecast.granularity
    series = monthly_series(demand, first, last)
    # CPU-bound (about 2 ms a product): a thread keeps the worker's loop (heartbeats) alive.
    baselines = await asyncio.to_thread(monthly_baselines, series, horizon(months, last))
    drafts = draft_lines(selection, granularity, months, baselines, last, threshold)

    async with UnitOfWork(engine) as uow:
        forecast = await uow.session.get(Forecast, forecast_id, with_for_update=True)
        before = forecast.status
        target = FORECAST_LIFECYCLE.target(ForecastAction.GENERATED, before)
        if target is None:
            raise JobFailed(f"the forecast is {before.value}, no longer waiting for its lines")
        await write_lines(uow.session, forecast_id, drafts)
        await uow.change(forecast, status=target, history_end=last)
        await finish(uow.session, Forecast, forecast_id)
        uow.record(
            forecast_event(
                forecast,
                "GENERATED",
                before,
                lines=len(drafts),
                implausible=sum(d.implausible for d in drafts),
            ),
            None,
        )
        await uow.commit()
