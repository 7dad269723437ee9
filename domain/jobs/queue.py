"""The job queue a process defers into: procrastinate on PostgreSQL, a local worker process on
SQLite. Both have the same four methods."""

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.store.db import is_sqlite


class JobQueue(Protocol):
    async def start(self, engine: AsyncEngine) -> None:
        """Begin taking jobs; settle documents a stopped process left QUEUED or RUNNING."""

    async def defer(self, name: str, **kwargs) -> None:
        """Queue the job `name` with these (JSON-serialisable) keyword arguments."""

    async def join(self) -> None:
        """Wait for the jobs this process runs itself (the local queue; a no-op otherwise)."""

    async def stop(self) -> None:
        """Stop taking jobs."""


def create_job_queue(database_url: str) -> JobQueue:
    """The queue for this database: one per process, made when the app is built."""
    if is_sqlite(database_url):
        from domain.jobs.local import LocalJobQueue

        return LocalJobQueue(database_url)
    from domain.jobs.postgres import ProcrastinateJobQueue

    return ProcrastinateJobQueue(database_url)
