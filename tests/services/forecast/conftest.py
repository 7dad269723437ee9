"""Forecast use cases with a real job queue: the generation runs in a worker process (the local
one on SQLite, a `salesplan worker` on PostgreSQL)."""

from collections.abc import AsyncIterator
from datetime import date

import pytest

from domain.forecast.calendar import ForecastGranularity
from domain.jobs import create_job_queue
from domain.services.forecast.generate import ForecastGenerate
from domain.services.pipeline import UseCases
from tests.services.helpers import Services
from tests.workers import ON_POSTGRES, salesplan_worker, settled_forecast


@pytest.fixture(scope="package")
async def forecast_jobs(engine, settings) -> AsyncIterator[object]:
    # Package-scoped: the worker stops after these tests, so no other test meets it.
    queue = create_job_queue(settings.database_url)
    await queue.start(engine)
    if ON_POSTGRES:
        async with salesplan_worker(settings.database_url):
            yield queue
    else:
        yield queue
    await queue.stop()


class ForecastServices(Services):
    """Services whose use cases can queue jobs, with a way to wait for a generation."""

    async def generate(
        self,
        login: str = "planner",
        start: date = date(2026, 1, 1),
        end: date = date(2026, 9, 30),
        granularity: ForecastGranularity = ForecastGranularity.MONTH,
        department: str | None = None,
    ) -> int:
        """A generated forecast (DRAFT, or FAILED) of the company or a department; its id."""
        if department is None:
            scope = {"company_id": await self.by_code("company", "HD")}
        else:
            scope = {"department_id": await self.by_code("department", department)}
        forecast = await self.ok(ForecastGenerate(start, end, granularity, **scope), login)
        await settled_forecast(self.engine, forecast.id)
        return forecast.id


@pytest.fixture
def services(engine, forecast_jobs) -> ForecastServices:
    return ForecastServices(engine, UseCases(engine, jobs=forecast_jobs))
