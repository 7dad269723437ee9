"""Jobs for the job-queue tests, on a table of their own (`job_probe`, with the JobTracked
columns; made by the tests, outside the application's metadata). A worker process learns them
from this module's name (`salesplan worker --import tests.integration.job_probe`)."""

import asyncio
import os

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.jobs import JobFailed, finish, job
from domain.jobs.registry import JOBS
from domain.store.types import UtcDateTime
from domain.store.uow import UnitOfWork

probe_metadata = sa.MetaData()
probe_table = sa.Table(
    "job_probe",
    probe_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("note", sa.String(200), nullable=False, default=""),
    sa.Column("status", sa.String(24), nullable=False, default="WAITING"),
    sa.Column("job_state", sa.String(24), nullable=False, default="QUEUED"),
    sa.Column("job_error", sa.String(2000)),
    sa.Column("job_worker", sa.String(200)),
    sa.Column("job_started_at", UtcDateTime(timezone=True)),
    sa.Column("job_finished_at", UtcDateTime(timezone=True)),
)


class ProbeDocument:
    """The document the probe works on, as domain.jobs sees documents (a `__table__`)."""

    __table__ = probe_table


async def mark_failed(uow: UnitOfWork, probe_id: int, reason: str) -> None:
    """The failure hook: the document's own status follows its job's."""
    await uow.session.execute(
        sa.update(probe_table).where(probe_table.c.id == probe_id).values(status="FAILED")
    )


@job("tests.probe", document=ProbeDocument, id_argument="probe_id", on_failure=mark_failed)
async def probe(engine: AsyncEngine, *, probe_id: int, behaviour: str = "ok") -> None:
    """Writes the worker's process id into the note; or fails the way `behaviour` says."""
    if behaviour == "refuse":
        raise JobFailed("the probe refused, as asked")
    if behaviour == "crash":
        raise ZeroDivisionError("a bug in the job")
    if behaviour == "die":
        os._exit(3)  # the worker process dies in the middle of the job
    if behaviour == "slow":
        await asyncio.sleep(2)
    async with UnitOfWork(engine) as uow:
        await uow.session.execute(
            sa.update(probe_table)
            .where(probe_table.c.id == probe_id)
            .values(note=f"probed by {os.getpid()}", status="DONE")
        )
        await finish(uow.session, ProbeDocument, probe_id)
        await uow.commit()


# The registration, kept for test_jobs.py: its tests register the probe only while they run, so
# queues started by later tests (in this process) do not look for its table.
PROBE = JOBS["tests.probe"]
