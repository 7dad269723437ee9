"""Real job workers for tests: on PostgreSQL a `salesplan worker` subprocess; on SQLite the
server's (or the test's) local worker process runs the jobs, so nothing needs starting."""

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import AsyncIterator

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.jobs import JobState
from domain.store.tables import Forecast

ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))


@contextlib.asynccontextmanager
async def salesplan_worker(database_url: str, *imports: str) -> AsyncIterator[object]:
    """A `salesplan worker` process on `database_url` while the block runs (PostgreSQL)."""
    arguments = [a for module in imports for a in ("--import", module)]
    worker = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "api.cli", "worker", *arguments),
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        yield worker
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(worker.wait(), 30)
        except TimeoutError:
            worker.kill()


async def settled_forecast(engine: AsyncEngine, forecast_id: int, seconds: float = 120):
    """The forecast row once its generation job is DONE or FAILED."""
    deadline = time.monotonic() + seconds
    while True:
        async with engine.connect() as conn:
            row = (
                await conn.execute(select(Forecast.__table__).where(Forecast.id == forecast_id))
            ).one()
        if row.job_state in (JobState.DONE, JobState.FAILED):
            return row
        if time.monotonic() > deadline:
            raise AssertionError(f"forecast {forecast_id} still {row.job_state.value}")
        await asyncio.sleep(0.1)
