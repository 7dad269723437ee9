"""MRP runs end to end with a real worker: the server's local worker process on SQLite, a
`salesplan worker` subprocess on PostgreSQL (TEST_DATABASE_URL). A run is QUEUED at once,
computed off the server's event loop, and stored in one transaction with its inputs digest."""

import asyncio
import os
import signal
import sys
import time
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select

from domain.forecast.calendar import ForecastGranularity
from domain.jobs import create_job_queue
from domain.mrp import DemandKind
from domain.mrp.runs import BucketKind
from domain.plans.lifecycle import PlanStatus
from domain.plans.lines import LineDraft
from domain.services.forecast.approval import ForecastApprove, ForecastSubmit
from domain.services.forecast.generate import ForecastGenerate
from domain.services.mrp.runs import MrpRunRetry, MrpRunStart
from domain.services.pipeline import UseCases
from domain.services.plans.approval import SalesPlanRevise, SalesPlanSubmit
from domain.services.plans.sales_plans import SalesPlanUpdateLines
from domain.store.mrp.compare import compare_runs
from domain.store.mrp.reading import trace
from domain.store.tables import Event, SalesPlan, SalesPlanLine
from domain.store.tables.forecasts import ForecastLine, ForecastLineSource
from domain.store.tables.jobs import JobState
from domain.store.tables.mrp import BomLine, Item, MrpRun, MrpRunItem
from tests.services.helpers import Services
from tests.services.mrp.helpers import RUN_START, approved_forecast
from tests.workers import settled_forecast

ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))


async def start_worker(settings):
    """A `salesplan worker` process on PostgreSQL; None on SQLite (the queue has its own)."""
    if not ON_POSTGRES:
        return None
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "api.cli",
        "worker",
        env={**os.environ, "DATABASE_URL": settings.database_url},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def stop_worker(worker) -> None:
    if worker is not None and worker.returncode is None:
        worker.send_signal(signal.SIGTERM)
        await asyncio.wait_for(worker.wait(), 30)


@pytest.fixture
async def runner(demo, settings):
    """Services whose use cases defer into the real job queue, with a worker running."""
    queue = create_job_queue(settings.database_url)
    await queue.start(demo)
    worker = await start_worker(settings)
    try:
        yield Services(demo, UseCases(demo, jobs=queue)), queue
    finally:
        await queue.stop()
        await stop_worker(worker)


async def settled(engine, run_id: int, seconds: float = 120) -> MrpRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        async with engine.connect() as conn:
            run = (await conn.execute(select(MrpRun).where(MrpRun.id == run_id))).one()
        if run.job_state in (JobState.DONE, JobState.FAILED):
            return run
        await asyncio.sleep(0.1)
    raise AssertionError(f"run {run_id} still {run.job_state.value} after {seconds} s")


async def actions(engine, run_id: int) -> list[str]:
    async with engine.connect() as conn:
        return list(
            (
                await conn.execute(
                    select(Event.type).where(Event.stream == f"MrpRun:{run_id}").order_by(Event.id)
                )
            ).scalars()
        )


def weekly(forecast_id: int, horizon: int = 13, revisions=None) -> MrpRunStart:
    return MrpRunStart(forecast_id, BucketKind.WEEK, horizon, RUN_START, revisions)


async def test_a_run_is_queued_then_computed_by_a_worker_and_stored_whole(runner):
    services, queue = runner
    forecast = await approved_forecast(services.engine)
    run = await services.ok(weekly(forecast), "planner")
    assert (run.job_state.value, run.progress, run.stage) == ("QUEUED", 0, None)
    assert run.start_date == RUN_START.replace(day=29, month=6)  # the Monday of 1 July 2026
    await queue.join()
    done = await settled(services.engine, run.id)
    items = await services.scalar("SELECT count(*) FROM item")
    assert (done.job_state.value, done.progress, done.stage, done.job_error) == (
        "DONE",
        100,
        "DONE",
        None,
    )
    assert done.item_count == items == 47
    assert done.bom_line_count == await services.scalar("SELECT count(*) FROM bom_line")
    assert done.planned_order_count > 0 and len(done.inputs_digest) == 64
    assert done.attempts == 1 and done.purchase_value > 0
    assert (
        await services.scalar("SELECT count(*) FROM mrp_run_item WHERE run_id = :r", r=run.id)
        == items
    )
    assert (
        await services.scalar(
            "SELECT sum(order_count) FROM mrp_run_item WHERE run_id = :r", r=run.id
        )
        == done.planned_order_count
    )
    assert await actions(services.engine, run.id) == [
        "QUEUED", "STARTED", "PROGRESS", "PROGRESS", "PROGRESS", "SUCCEEDED"
    ]  # fmt: skip
    # The gearbox is six levels deep: its billet is on low-level code 5.
    billet = await services.scalar(
        "SELECT low_level_code FROM mrp_run_item JOIN item ON item.id = item_id "
        "WHERE run_id = :r AND item.code = 'RM-BILLET'",
        r=run.id,
    )
    assert billet == 5


async def test_the_same_inputs_give_the_same_digest_and_the_same_results(runner):
    services, queue = runner
    forecast = await approved_forecast(services.engine)
    first = await services.ok(weekly(forecast), "planner")
    await queue.join()
    await settled(services.engine, first.id)
    second = await services.ok(weekly(forecast), "planner")
    await queue.join()
    await settled(services.engine, second.id)

    async def results(run_id):
        rows = await services.rows(
            select(MrpRunItem.item_id, MrpRunItem.buckets, MrpRunItem.orders, MrpRunItem.pegging,
                   MrpRunItem.materials, MrpRunItem.exceptions, MrpRunItem.purchase_value)
            .where(MrpRunItem.run_id == run_id)
            .order_by(MrpRunItem.item_id)
        )  # fmt: skip
        digest = await services.scalar("SELECT inputs_digest FROM mrp_run WHERE id = :r", r=run_id)
        return digest, rows

    assert await results(first.id) == await results(second.id)


async def test_a_raw_material_purchase_is_traced_to_forecast_lines_and_plan_versions(runner):
    services, queue = runner
    forecast = await approved_forecast(services.engine)
    run = await services.ok(weekly(forecast), "planner")
    await queue.join()
    await settled(services.engine, run.id)
    async with services.engine.connect() as conn:
        billet = (
            await conn.execute(
                select(MrpRunItem.first_order, MrpRunItem.order_count)
                .join(Item, Item.id == MrpRunItem.item_id)
                .where(MrpRunItem.run_id == run.id, Item.code == "RM-BILLET")
            )
        ).one()
        assert billet.order_count > 0
        traced = []
        for number in range(billet.first_order, billet.first_order + billet.order_count):
            traced += await trace(conn, run.id, number)
        forecasts = [t for t in traced if t.kind is DemandKind.FORECAST]
        assert forecasts, traced
        # billet → blank → gear → gear set → gear train → gearbox (or gear motor): 5 steps up
        assert max(len(t.path) for t in forecasts) == 6
        line_ids = {t.ref for t in forecasts}
        products = set(
            (
                await conn.execute(
                    select(Item.code)
                    .join(ForecastLine, ForecastLine.product_id == Item.product_id)
                    .where(ForecastLine.id.in_(line_ids))
                )
            ).scalars()
        )
        assert products <= {"FG-P0002", "FG-P0007"}  # gear motor, gearbox (MTO: orders only)
        plans = (
            await conn.execute(
                select(SalesPlan.id, SalesPlan.revision, SalesPlan.status)
                .join(ForecastLineSource, ForecastLineSource.plan_id == SalesPlan.id)
                .where(ForecastLineSource.line_id.in_(line_ids))
                .distinct()
            )
        ).all()
    assert plans and all(p.status == PlanStatus.APPROVED and p.revision == 1 for p in plans)


async def test_a_what_if_run_uses_a_submitted_revision_and_changes_nothing_else(runner):
    services, queue = runner
    forecast = await approved_forecast(services.engine)
    base = await services.ok(weekly(forecast), "planner")
    await queue.join()
    await settled(services.engine, base.id)
    # Li Wei revises August: 500 more of his first product
    plan = await services.monthly_plan("salesperson", "S0001", 8)
    revision = await services.ok(SalesPlanRevise(plan), "sales")
    product, quantity = (
        await services.rows(
            select(SalesPlanLine.product_id, SalesPlanLine.quantity)
            .where(SalesPlanLine.plan_id == revision.id)
            .order_by(SalesPlanLine.id)
            .limit(1)
        )
    )[0]
    await services.ok(
        SalesPlanUpdateLines(
            revision.id, upsert=[LineDraft(product, RUN_START.replace(month=8), quantity + 500)]
        ),
        "sales",
    )
    await services.ok(SalesPlanSubmit(revision.id), "sales")
    forecast_lines = await services.rows(select(ForecastLine.id, ForecastLine.quantity))
    what_if = await services.ok(weekly(forecast, revisions=(revision.id,)), "planner")
    assert (what_if.what_if, what_if.base_run_id) == (True, base.id)
    await queue.join()
    done = await settled(services.engine, what_if.id)
    assert done.job_state is JobState.DONE, done.job_error
    assert done.inputs_digest != (await settled(services.engine, base.id)).inputs_digest
    # nothing but the run itself changed: the forecast and the revision are as they were
    assert await services.rows(select(ForecastLine.id, ForecastLine.quantity)) == forecast_lines
    assert (
        await services.scalar("SELECT status FROM sales_plan WHERE id = :p", p=revision.id)
        == "SUBMITTED"
    )
    async with services.engine.connect() as conn:
        base_row = (await conn.execute(select(MrpRun).where(MrpRun.id == base.id))).one()
        what_if_row = (await conn.execute(select(MrpRun).where(MrpRun.id == what_if.id))).one()
        comparison = await compare_runs(conn, base_row, what_if_row)
    changed_items = {c.item_id for c in comparison.changes}
    assert comparison.count("ADDED") + comparison.count("CHANGED") > 0
    finished = await services.scalar("SELECT id FROM item WHERE product_id = :p", p=product)
    assert finished in changed_items  # the revised product is planned differently
    gross = await services.scalar(
        "SELECT sum(purchase_value) FROM mrp_run_item WHERE run_id = :r", r=what_if.id
    )
    assert gross > await services.scalar(
        "SELECT sum(purchase_value) FROM mrp_run_item WHERE run_id = :r", r=base.id
    )


async def test_a_failed_run_is_retried_from_scratch(runner):
    services, queue = runner
    forecast = await approved_forecast(services.engine)
    async with services.engine.begin() as conn:  # a cycle written behind the rules' back
        ids = dict((await conn.execute(select(Item.code, Item.id))).all())
        cycle = (
            await conn.execute(
                insert(BomLine).values(
                    parent_item_id=ids["SF-SHAFT"],
                    component_item_id=ids["SF-PUMPHEAD"],
                    quantity_per=Decimal(1),
                    scrap_rate=Decimal(0),
                )
            )
        ).inserted_primary_key[0]
    run = await services.ok(weekly(forecast), "planner")
    await queue.join()
    failed = await settled(services.engine, run.id)
    assert (failed.job_state.value, failed.job_error) == (
        "FAILED", "BOM cycle: SF-SHAFT → SF-PUMPHEAD → SF-ROTOR → SF-SHAFT"
    )  # fmt: skip
    assert (
        await services.scalar("SELECT count(*) FROM mrp_run_item WHERE run_id = :r", r=run.id) == 0
    )
    async with services.engine.begin() as conn:
        await conn.execute(BomLine.__table__.delete().where(BomLine.id == cycle))
    retried = await services.ok(MrpRunRetry(run.id, expected_version=failed.version), "planner")
    assert (retried.job_state.value, retried.stage, retried.job_error) == ("QUEUED", None, None)
    await queue.join()
    done = await settled(services.engine, run.id)
    assert (done.job_state.value, done.attempts) == ("DONE", 2)
    assert await actions(services.engine, run.id) == [
        "QUEUED", "STARTED", "PROGRESS", "FAILED", "RETRIED", "STARTED", "PROGRESS", "PROGRESS",
        "PROGRESS", "SUCCEEDED",
    ]  # fmt: skip


async def test_a_generated_weekly_forecast_once_approved_is_planned_and_traced_to_its_plans(
    runner,
):
    services, queue = runner
    company = await services.by_code("company", "HD")
    generated = await services.ok(
        ForecastGenerate(date(2026, 7, 1), date(2026, 9, 30), ForecastGranularity.WEEK,
                         company_id=company),
        "planner",
    )  # fmt: skip
    await queue.join()
    draft = await settled_forecast(services.engine, generated.id)
    assert draft.status.value == "DRAFT", draft.job_error
    await services.ok(ForecastSubmit(generated.id), "planner")
    await services.ok(ForecastApprove(generated.id), "vp")
    run = await services.ok(weekly(generated.id, horizon=13), "planner")
    await queue.join()
    done = await settled(services.engine, run.id)
    assert done.job_state is JobState.DONE, done.job_error
    async with services.engine.connect() as conn:
        pump = (
            await conn.execute(
                select(MrpRunItem.first_order, MrpRunItem.order_count)
                .join(Item, Item.id == MrpRunItem.item_id)
                .where(MrpRunItem.run_id == run.id, Item.code == "SF-HOUSING")
            )
        ).one()
        traced = await trace(conn, run.id, pump.first_order)
        lines = {t.ref for t in traced if t.kind is DemandKind.FORECAST}
        weeks = set(
            (
                await conn.execute(select(ForecastLine.period).where(ForecastLine.id.in_(lines)))
            ).scalars()
        )
        sources = (
            await conn.execute(
                select(func.count())
                .select_from(ForecastLineSource)
                .where(ForecastLineSource.line_id.in_(lines))
            )
        ).scalar_one()
    # the machined housing goes into the pump: its first order serves weekly pump forecast lines
    assert lines and all(week.weekday() == 0 for week in weeks)
    assert sources > 0
