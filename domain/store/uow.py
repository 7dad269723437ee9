"""Unit of work: one write transaction, with the events of its use case; everything in it commits
together or not at all."""

import logging
from collections.abc import Callable
from types import TracebackType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.events import DocumentEvent
from domain.store.db import create_sessionmaker, writer
from domain.store.events.outbox import write_events
from domain.store.versioning import bump_version

log = logging.getLogger(__name__)


class UnitOfWork:
    """`async with UnitOfWork(engine) as uow: ...; await uow.commit()`; leaving without commit
    rolls back and forgets the recorded events.

    `on_commit` is called with the events after a commit that wrote some (the app passes the
    wake-up of the process's live-event hub, so a change is announced at once rather than at the
    next poll, and its identity cache, which forgets users whose access may have changed).
    `jobs` is the process's job queue (domain.jobs): jobs asked for with `defer` are handed to it
    only after the commit, so no worker looks for a row that is not committed yet.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        on_commit: Callable[[list[DocumentEvent]], None] | None = None,
        jobs: Any = None,
    ) -> None:
        self._sessionmaker = create_sessionmaker(writer(engine))
        self._on_commit = on_commit
        self._jobs = jobs
        self._events: list[tuple[DocumentEvent, int | None]] = []
        self._deferred: list[tuple[str, dict]] = []
        self.session: AsyncSession | None = None

    async def __aenter__(self) -> "UnitOfWork":
        self.session = self._sessionmaker()
        await self.session.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self.session.in_transaction():
                await self.session.rollback()
        finally:
            self._events.clear()
            self._deferred.clear()
            await self.session.close()

    def record(self, event: DocumentEvent, actor_id: int | None) -> None:
        """An event to write with this transaction, in the order recorded."""
        self._events.append((event, actor_id))

    def defer(self, job_name: str, **kwargs) -> None:
        """A background job to queue once this transaction has committed (see domain.jobs)."""
        if self._jobs is None:
            raise RuntimeError(f"no job queue in this unit of work to defer {job_name!r} to")
        self._deferred.append((job_name, kwargs))

    async def change(self, row, expected_version: int | None = None, **changes) -> None:
        """Apply `changes` to a versioned row and raise its version; CONFLICT when the client saw
        another version, or someone changed the row since it was read."""
        await bump_version(self.session, row, expected_version, **changes)

    async def commit(self) -> None:
        committed = [event for event, _ in self._events]
        await write_events(self.session, self._events)
        self._events.clear()
        await self.session.commit()
        if committed and self._on_commit is not None:
            self._on_commit(committed)
        deferred, self._deferred = self._deferred, []
        for job_name, kwargs in deferred:
            try:
                await self._jobs.defer(job_name, **kwargs)
            except Exception:
                # The change is committed: its row stays QUEUED and is deferred again when a
                # server starts (or, on PostgreSQL, by the workers' periodic recovery).
                log.exception("could not queue job %s %s after commit", job_name, kwargs)
