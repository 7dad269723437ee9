"""Background jobs run in a real worker process: the server's local worker on SQLite, a
`salesplan worker` subprocess on PostgreSQL (when TEST_DATABASE_URL is set). The document row
says where its job is; a job is queued only after the transaction that asked for it commits;
what a stopped worker left behind is settled when a server starts."""

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.jobs import create_job_queue
from domain.jobs.local import LocalJobQueue
from domain.jobs.registry import JOBS
from domain.jobs.state import this_worker
from domain.store.uow import UnitOfWork

ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="the local worker runs on SQLite")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="needs TEST_DATABASE_URL")


def probe_table() -> sa.Table:
    from tests.integration.job_probe import probe_table

    return probe_table


@pytest.fixture
async def probes(engine) -> AsyncIterator[AsyncEngine]:
    """The probe's table, and the probe job registered for this test only."""
    from tests.integration.job_probe import PROBE, probe_metadata

    async with engine.begin() as conn:
        await conn.run_sync(probe_metadata.create_all)
        await conn.execute(sa.delete(probe_table()))
    JOBS[PROBE.name] = PROBE
    yield engine
    JOBS.pop(PROBE.name, None)


async def add_probe(engine: AsyncEngine, **values) -> int:
    async with engine.begin() as conn:
        result = await conn.execute(sa.insert(probe_table()).values(**values))
        return result.inserted_primary_key[0]


async def probe_row(engine: AsyncEngine, probe_id: int):
    async with engine.connect() as conn:
        return (
            await conn.execute(sa.select(probe_table()).where(probe_table().c.id == probe_id))
        ).one()


async def wait_until_settled(engine: AsyncEngine, probe_id: int, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        row = await probe_row(engine, probe_id)
        if row.job_state in ("DONE", "FAILED"):
            return row
        await asyncio.sleep(0.1)
    raise AssertionError(f"probe {probe_id} still {row.job_state} after {seconds} s")


@pytest.fixture
async def local_queue(probes, settings):
    queue = LocalJobQueue(settings.database_url)
    await queue.start(probes)
    yield queue
    await queue.stop()


@sqlite_only
async def test_a_job_runs_in_the_local_worker_process_and_marks_its_document_done(
    local_queue, probes
):
    probe_id = await add_probe(probes)
    await local_queue.defer("tests.probe", probe_id=probe_id)
    await local_queue.join()
    row = await probe_row(probes, probe_id)
    worker_pid = int(row.job_worker.rpartition(":")[2])
    assert (row.job_state, row.status, row.job_error) == ("DONE", "DONE", None)
    assert row.note == f"probed by {worker_pid}"
    assert worker_pid != os.getpid()
    assert row.job_started_at <= row.job_finished_at


@sqlite_only
async def test_a_refusal_leaves_its_reason_and_an_unexpected_error_only_its_type(
    local_queue, probes
):
    refused = await add_probe(probes)
    crashed = await add_probe(probes)
    await local_queue.defer("tests.probe", probe_id=refused, behaviour="refuse")
    await local_queue.defer("tests.probe", probe_id=crashed, behaviour="crash")
    await local_queue.join()
    refused_row = await probe_row(probes, refused)
    crashed_row = await probe_row(probes, crashed)
    assert (refused_row.job_state, refused_row.status) == ("FAILED", "FAILED")
    assert refused_row.job_error == "the probe refused, as asked"
    assert (crashed_row.job_state, crashed_row.status) == ("FAILED", "FAILED")
    assert crashed_row.job_error == "unexpected error (ZeroDivisionError); see the worker's log"


@sqlite_only
async def test_a_worker_that_dies_fails_its_job_and_the_next_job_gets_a_new_worker(
    local_queue, probes
):
    dying = await add_probe(probes)
    after = await add_probe(probes)
    await local_queue.defer("tests.probe", probe_id=dying, behaviour="die")
    await local_queue.join()
    await local_queue.defer("tests.probe", probe_id=after)
    await local_queue.join()
    dead = await probe_row(probes, dying)
    assert (dead.job_state, dead.status, dead.job_error) == ("FAILED", "FAILED", "worker stopped")
    assert (await probe_row(probes, after)).job_state == "DONE"


@sqlite_only
async def test_a_job_deferred_twice_runs_once(local_queue, probes):
    probe_id = await add_probe(probes)
    await local_queue.defer("tests.probe", probe_id=probe_id)
    await local_queue.defer("tests.probe", probe_id=probe_id)
    await local_queue.join()
    row = await probe_row(probes, probe_id)
    assert (row.job_state, row.status) == ("DONE", "DONE")


@sqlite_only
async def test_at_start_a_stopped_workers_running_job_fails_and_a_queued_one_runs(probes, settings):
    gone = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await gone.wait()
    dead_worker = f"{this_worker().rpartition(':')[0]}:{gone.pid}"
    left_running = await add_probe(probes, job_state="RUNNING", job_worker=dead_worker)
    still_running = await add_probe(probes, job_state="RUNNING", job_worker=this_worker())
    left_queued = await add_probe(probes)
    queue = LocalJobQueue(settings.database_url)
    await queue.start(probes)
    try:
        await queue.join()
    finally:
        await queue.stop()
    failed = await probe_row(probes, left_running)
    assert (failed.job_state, failed.status, failed.job_error) == (
        "FAILED",
        "FAILED",
        "worker stopped",
    )
    # A live process (here: this one) still owns its job: it is left alone.
    assert (await probe_row(probes, still_running)).job_state == "RUNNING"
    assert (await probe_row(probes, left_queued)).job_state == "DONE"


class CommittedCheck:
    """The real queue, checking at each defer that the row is committed (seen by another
    connection) and remembering what was deferred."""

    def __init__(self, queue, engine: AsyncEngine) -> None:
        self.queue = queue
        self.engine = engine
        self.deferred: list[tuple[str, dict, str]] = []

    async def defer(self, name: str, **kwargs) -> None:
        row = await probe_row(self.engine, kwargs["probe_id"])
        self.deferred.append((name, kwargs, row.note))
        await self.queue.defer(name, **kwargs)


@sqlite_only
async def test_a_job_is_queued_only_after_its_transaction_commits(local_queue, probes):
    jobs = CommittedCheck(local_queue, probes)
    probe_id = await add_probe(probes)
    async with UnitOfWork(probes, jobs=jobs) as uow:
        await uow.session.execute(
            sa.update(probe_table()).where(probe_table().c.id == probe_id).values(note="asked")
        )
        uow.defer("tests.probe", probe_id=probe_id)
        assert jobs.deferred == []
        await uow.commit()
    assert jobs.deferred == [("tests.probe", {"probe_id": probe_id}, "asked")]
    await local_queue.join()
    assert (await probe_row(probes, probe_id)).job_state == "DONE"

    rolled_back = await add_probe(probes)
    with pytest.raises(RuntimeError):
        async with UnitOfWork(probes, jobs=jobs) as uow:
            uow.defer("tests.probe", probe_id=rolled_back)
            raise RuntimeError("the use case gives up before committing")
    await local_queue.join()
    assert len(jobs.deferred) == 1
    assert (await probe_row(probes, rolled_back)).job_state == "QUEUED"


@postgres_only
async def test_a_job_runs_in_a_salesplan_worker_process_on_postgresql(probes, settings):
    env = {**os.environ, "DATABASE_URL": settings.database_url}
    worker = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "api.cli", "worker", "--import", "tests.integration.job_probe"),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    queue = create_job_queue(settings.database_url)
    await queue.start(probes)
    try:
        done = await add_probe(probes)
        refused = await add_probe(probes)
        await queue.defer("tests.probe", probe_id=done)
        await queue.defer("tests.probe", probe_id=done)  # waiting already: not queued twice
        await queue.defer("tests.probe", probe_id=refused, behaviour="refuse")
        done_row = await wait_until_settled(probes, done)
        refused_row = await wait_until_settled(probes, refused)
    finally:
        await queue.stop()
        worker.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(worker.communicate(), 30)
    assert (done_row.job_state, done_row.status) == ("DONE", "DONE"), output
    assert done_row.note == f"probed by {worker.pid}"
    assert (refused_row.job_state, refused_row.status) == ("FAILED", "FAILED")
    assert refused_row.job_error == "the probe refused, as asked"
