"""The `mrp.run` job: load a run's inputs, compute it off the event loop, store it all at once.

The job runner (domain.jobs) claims the run (QUEUED → RUNNING) before this function starts and
marks it FAILED with the reason when it raises. Here:

1. A run that already has a stage was started before by a worker that died (procrastinate hands
   a stalled job to another worker): it is FAILED ("worker stopped while PLANNING"), not run
   again behind the planner's back; mrpRunRetry queues it afresh. Nothing of the dead attempt
   was kept, because results are only written in step 4's single transaction.
2. Progress (LOADING 5 %, PLANNING 25 %, PEGGING 50 %, STORING 70 %, DONE 100 %) is written
   with a PROGRESS event in short transactions, for mrpRun.progress and mrpRunProgress.
3. The engine runs in a thread (asyncio.to_thread) so the worker's event loop keeps its
   heartbeat; refused inputs (a BOM cycle naming its items, a forecast superseded meanwhile)
   fail the run with that reason.
4. One transaction inserts every item's results, the run's totals and timings, the job's DONE
   and the SUCCEEDED event: a run has all of its results or none.
"""

import asyncio
import time

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.forecast.lifecycle import ForecastStatus
from domain.jobs import JobFailed, finish, job
from domain.mrp import BomCycle, MrpInputError, MrpResult, peg, plan
from domain.mrp.master import cycle_message
from domain.mrp.runs import MrpRunStatus
from domain.store.db import create_sessionmaker
from domain.store.mrp.inputs import InputRefused, load_run_input
from domain.store.mrp.results import encode
from domain.store.mrp.runs import run_event, set_progress, store_results
from domain.store.tables.forecasts import Forecast
from domain.store.tables.jobs import JobState
from domain.store.tables.mrp import MrpRun
from domain.store.uow import UnitOfWork

JOB = "mrp.run"


async def run_failed(uow: UnitOfWork, run_id: int, reason: str) -> None:
    """The FAILED event, in the transaction that marks the job FAILED."""
    run = await uow.session.get(MrpRun, run_id)
    if run is not None:
        uow.record(run_event(run, "FAILED", MrpRunStatus.RUNNING, reason=reason), None)


async def _progress(
    engine: AsyncEngine, run: MrpRun, progress: int, stage: str, action: str
) -> None:
    async with UnitOfWork(engine) as uow:
        await set_progress(uow.session, run, progress, stage)
        before = MrpRunStatus.QUEUED if action == "STARTED" else MrpRunStatus.RUNNING
        uow.record(run_event(run, action, before), None)
        await uow.commit()


async def _begin(engine: AsyncEngine, run_id: int) -> MrpRun:
    """The claimed run, counted as one more attempt; JobFailed if an earlier attempt died."""
    async with UnitOfWork(engine) as uow:
        run = await uow.session.get(MrpRun, run_id)
        if run.stage is not None:
            raise JobFailed(f"worker stopped while {run.stage}; retry the run")
        await uow.session.execute(
            update(MrpRun).where(MrpRun.id == run_id).values(attempts=MrpRun.attempts + 1)
        )
        await uow.commit()
    await _progress(engine, run, 5, "LOADING", "STARTED")
    return run


@job(JOB, document=MrpRun, id_argument="run_id", on_failure=run_failed, max_attempts=1)
async def compute_run(engine: AsyncEngine, *, run_id: int) -> None:
    """Compute the MRP run `run_id` and store its results (see the module docstring)."""
    run = await _begin(engine, run_id)
    began = time.perf_counter()
    async with create_sessionmaker(engine)() as session:
        status = (
            await session.execute(select(Forecast.status).where(Forecast.id == run.forecast_id))
        ).scalar_one()
        if ForecastStatus(status) is not ForecastStatus.APPROVED:
            raise JobFailed(
                f"the forecast is {ForecastStatus(status).value} now, no longer APPROVED"
            )
        try:
            loaded = await load_run_input(session, run)
        except InputRefused as refused:
            raise JobFailed(refused.message) from None
    loaded_at = time.perf_counter()

    await _progress(engine, run, 25, "PLANNING", "PROGRESS")
    try:
        planned = await asyncio.to_thread(plan, loaded.inp)
    except BomCycle as cycle:
        raise JobFailed(cycle_message([loaded.item_codes[i] for i in cycle.items])) from None
    except MrpInputError as refused:
        raise JobFailed(f"the engine refused the inputs: {refused.message}") from None
    planned_at = time.perf_counter()
    await _progress(engine, run, 50, "PEGGING", "PROGRESS")
    pegging = await asyncio.to_thread(peg, loaded.inp, planned)
    computed_at = time.perf_counter()
    result = MrpResult(planned, pegging, planned_at - loaded_at, computed_at - planned_at)

    await _progress(engine, run, 70, "STORING", "PROGRESS")
    encoded = await asyncio.to_thread(encode, loaded.inp, result, loaded.ids)
    async with UnitOfWork(engine) as uow:
        timings = {
            "load_seconds": loaded_at - began,
            "compute_seconds": computed_at - loaded_at,
            "store_seconds": time.perf_counter() - computed_at,
        }
        await store_results(uow.session, run, loaded, result, encoded, timings)
        await finish(uow.session, MrpRun, run_id)
        run.job_state, run.progress, run.stage = JobState.DONE, 100, "DONE"
        uow.record(run_event(run, "SUCCEEDED", MrpRunStatus.RUNNING), None)
        await uow.commit()
