"""MRP runs and real `salesplan worker` processes on PostgreSQL (TEST_DATABASE_URL): a worker
killed with SIGKILL in the middle of a run leaves no results and the run FAILED, and a retry
succeeds; two workers share one queue of runs and none is run twice.

The runs plan the benchmark's synthetic item master (bench/mrp.py), large enough that a run
takes seconds and can be killed while it stores its results.
"""

import asyncio
import os
import signal
import sys
import time

import pytest
from sqlalchemy import func, insert, select

from bench.mrp import synthetic_input
from domain.jobs import create_job_queue
from domain.mrp.runs import BucketKind
from domain.services.mrp.runs import MrpRunRetry, MrpRunStart
from domain.services.pipeline import UseCases
from domain.store.db import writer
from domain.store.tables import Event
from domain.store.tables.forecasts import Forecast, ForecastLine
from domain.store.tables.jobs import JobState
from domain.store.tables.mrp import MrpRun, MrpRunItem
from tests.integration.mrp_synthetic import START, planner_of, store_synthetic_master

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="salesplan worker needs PostgreSQL"
)
# procrastinate's stalled-job recovery (domain/jobs/postgres.py): a job whose worker sent no
# heartbeat for 30 s is handed to a live worker by its once-a-minute `jobs.recover` task.
RECOVERY_SECONDS = 150


async def start_worker(settings) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "api.cli", "worker",
        env={**os.environ, "DATABASE_URL": settings.database_url},
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


async def stop(worker: asyncio.subprocess.Process) -> None:
    if worker.returncode is None:
        worker.send_signal(signal.SIGTERM)
        await asyncio.wait_for(worker.wait(), 60)


async def run_row(engine, run_id: int):
    async with engine.connect() as conn:
        return (await conn.execute(select(MrpRun).where(MrpRun.id == run_id))).one()


async def until(engine, run_id: int, done, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        row = await run_row(engine, run_id)
        if done(row):
            return row
        await asyncio.sleep(0.02)
    raise AssertionError(f"run {run_id}: {row.job_state.value} {row.stage} after {seconds} s")


async def stored_items(engine, run_id: int) -> int:
    async with engine.connect() as conn:
        return (
            await conn.execute(
                select(func.count()).select_from(MrpRunItem).where(MrpRunItem.run_id == run_id)
            )
        ).scalar_one()


async def started(engine, run_id: int) -> int:
    async with engine.connect() as conn:
        return (
            await conn.execute(
                select(func.count())
                .select_from(Event)
                .where(Event.stream == f"MrpRun:{run_id}", Event.type == "STARTED")
            )
        ).scalar_one()


@pytest.fixture
async def master(db, settings):
    """(engine, use cases deferring into procrastinate, a planner, n items, forecast id)."""
    actor = await planner_of(db)
    n_items = 10_000
    forecast = await store_synthetic_master(db, synthetic_input(n_items), actor)
    queue = create_job_queue(settings.database_url)
    await queue.start(db)
    try:
        yield db, UseCases(db, jobs=queue), actor, n_items, forecast
    finally:
        await queue.stop()


def without_id(row, table) -> dict:
    """A row's column values, all but its id."""
    values = {c.key: getattr(row, c.key) for c in table.columns}
    del values["id"]
    return values


def weekly(forecast: int) -> MrpRunStart:
    return MrpRunStart(forecast, BucketKind.WEEK, 52, START)


async def test_a_worker_killed_during_a_run_leaves_no_results_and_a_retry_succeeds(
    master, settings
):
    engine, use_cases, actor, n_items, forecast = master
    first = await start_worker(settings)
    second = None
    try:
        run = (await use_cases.handle(weekly(forecast), actor)).value
        storing = await until(engine, run.id, lambda r: r.stage == "STORING", 120)
        first.send_signal(signal.SIGKILL)  # kill -9, in the middle of storing the results
        await first.wait()
        dead = await run_row(engine, run.id)
        assert (dead.job_state, dead.stage) == (JobState.RUNNING, "STORING")
        assert await stored_items(engine, run.id) == 0

        second = await start_worker(settings)
        failed = await until(
            engine, run.id, lambda r: r.job_state is JobState.FAILED, RECOVERY_SECONDS
        )
        assert failed.job_error == "worker stopped while STORING; retry the run"
        assert failed.job_worker != storing.job_worker
        assert await stored_items(engine, run.id) == 0

        retried = await use_cases.handle(MrpRunRetry(run.id, failed.version), actor)
        assert retried.ok, retried.errors
        done = await until(engine, run.id, lambda r: r.job_state is JobState.DONE, 120)
        assert (done.attempts, done.item_count, done.progress) == (2, n_items, 100)
        assert await stored_items(engine, run.id) == n_items
    finally:
        for worker in (first, second):
            if worker is not None:
                await stop(worker)


async def test_two_workers_share_the_runs_and_run_none_twice(master, settings):
    engine, use_cases, actor, n_items, forecast = master
    # one forecast per run: a second run of a forecast is refused while one is queued
    forecasts = [forecast]
    async with engine.connect() as conn:
        original = (await conn.execute(select(Forecast).where(Forecast.id == forecast))).one()
        lines = (
            await conn.execute(select(ForecastLine).where(ForecastLine.forecast_id == forecast))
        ).all()
    async with writer(engine).begin() as conn:
        for _ in range(3):
            values = without_id(original, Forecast.__table__)
            copy = (await conn.execute(insert(Forecast).values(**values))).inserted_primary_key[0]
            await conn.execute(
                insert(ForecastLine),
                [
                    without_id(line, ForecastLine.__table__) | {"forecast_id": copy}
                    for line in lines
                ],
            )
            forecasts.append(copy)
    workers = [await start_worker(settings) for _ in range(2)]
    try:
        runs = [(await use_cases.handle(weekly(f), actor)).value.id for f in forecasts]
        done = [
            await until(engine, r, lambda row: row.job_state is JobState.DONE, 240) for r in runs
        ]
    finally:
        for worker in workers:
            await stop(worker)
    assert [row.attempts for row in done] == [1, 1, 1, 1]
    assert [await started(engine, r) for r in runs] == [1, 1, 1, 1]
    assert len({row.job_worker for row in done}) == 2  # both workers took runs
    assert len({row.inputs_digest for row in done}) == 4  # their forecast line ids differ
    assert [await stored_items(engine, r) for r in runs] == [n_items] * 4
