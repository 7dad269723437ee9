"""A job's state, kept on the row of the document it works on (a forecast, an MRP run).

QUEUED (deferred, waiting for a worker) → RUNNING (a worker claimed it) → DONE | FAILED (with a
reason). Every change is its own short transaction, except DONE, which the job writes in the
transaction of its results (`finish`), so results and DONE commit together or not at all.
"""

import os
import socket

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.jobs.registry import JobSpec
from domain.store.db import create_sessionmaker, writer
from domain.store.tables.jobs import REASON_LENGTH, JobState
from domain.store.types import utcnow
from domain.store.uow import UnitOfWork

WORKER_STOPPED = "worker stopped"


class JobFailed(Exception):
    """Raised by a job for a failure whose message is meant for people ("no approved plans
    cover 2026-03"); any other exception is recorded as an unexpected error."""


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _table(spec: JobSpec):
    return spec.document.__table__


async def claim(engine: AsyncEngine, spec: JobSpec, document_id: int, *, retrying: bool) -> bool:
    """QUEUED → RUNNING (and RUNNING → RUNNING for a retry of a run that died), in its own
    transaction; False when the document is not waiting (done, or run by another worker)."""
    table = _table(spec)
    allowed = [JobState.QUEUED.value] + ([JobState.RUNNING.value] if retrying else [])
    async with create_sessionmaker(writer(engine))() as s, s.begin():
        result = await s.execute(
            update(table)
            .where(table.c.id == document_id, table.c.job_state.in_(allowed))
            .values(
                job_state=JobState.RUNNING.value,
                job_worker=this_worker(),
                job_started_at=utcnow(),
                job_finished_at=None,
            )
        )
        return result.rowcount == 1


async def finish(session: AsyncSession, document, document_id: int) -> None:
    """Mark the job DONE inside the job's own results transaction."""
    table = document.__table__
    await session.execute(
        update(table)
        .where(table.c.id == document_id)
        .values(job_state=JobState.DONE.value, job_error=None, job_finished_at=utcnow())
    )


async def done_unless_finished(engine: AsyncEngine, spec: JobSpec, document_id: int) -> None:
    """RUNNING → DONE for a job function that did not call `finish` itself."""
    table = _table(spec)
    async with create_sessionmaker(writer(engine))() as s, s.begin():
        await s.execute(
            update(table)
            .where(table.c.id == document_id, table.c.job_state == JobState.RUNNING.value)
            .values(job_state=JobState.DONE.value, job_finished_at=utcnow())
        )


async def requeue(engine: AsyncEngine, spec: JobSpec, document_id: int, reason: str) -> None:
    """RUNNING → QUEUED: the run failed and will be retried; the reason says why it failed."""
    table = _table(spec)
    async with create_sessionmaker(writer(engine))() as s, s.begin():
        await s.execute(
            update(table)
            .where(table.c.id == document_id, table.c.job_state == JobState.RUNNING.value)
            .values(job_state=JobState.QUEUED.value, job_error=reason[:REASON_LENGTH])
        )


async def fail(
    engine: AsyncEngine,
    spec: JobSpec,
    document_id: int,
    reason: str,
    *,
    from_states: tuple[JobState, ...] = (JobState.RUNNING,),
) -> bool:
    """→ FAILED with `reason`, and the job's failure hook in the same transaction; False when the
    document was not in one of `from_states` (someone else settled it)."""
    table = _table(spec)
    reason = reason[:REASON_LENGTH]
    async with UnitOfWork(engine) as uow:
        result = await uow.session.execute(
            update(table)
            .where(
                table.c.id == document_id,
                table.c.job_state.in_([state.value for state in from_states]),
            )
            .values(job_state=JobState.FAILED.value, job_error=reason, job_finished_at=utcnow())
        )
        if result.rowcount != 1:
            return False
        if spec.on_failure is not None:
            await spec.on_failure(uow, document_id, reason)
        await uow.commit()
    return True


async def documents_in(engine: AsyncEngine, spec: JobSpec, state: JobState) -> list[tuple]:
    """(id, job_worker) of the documents of `spec` in `state`, by id."""
    table = _table(spec)
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(table.c.id, table.c.job_worker)
            .where(table.c.job_state == state.value)
            .order_by(table.c.id)
        )
        return [tuple(row) for row in rows]
