"""The embedded job queue (SQLite): the server runs jobs in one local worker process.

The process is started with the spawn method (a fresh interpreter: no copy of the server's event
loop, sockets or engine) and opens its own engine on the same database file for each job, so the
server's event loop never runs a job. One process: SQLite has one writer at a time anyway.
Nothing is retried here; a process that dies takes its job with it (the document becomes FAILED,
"worker stopped") and the next job gets a new process.
"""

import asyncio
import concurrent.futures
import logging
import multiprocessing
import os
import socket
from concurrent.futures.process import BrokenProcessPool

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.jobs.registry import JOBS, load_task_modules, run_worker_start_hooks, spec_of
from domain.jobs.runner import run_job
from domain.jobs.state import WORKER_STOPPED, JobState, documents_in, fail

log = logging.getLogger(__name__)


class LocalJobQueue:
    """Runs deferred jobs in a local worker process, in the order deferred."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self._engine: AsyncEngine | None = None
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._running: set[asyncio.Task] = set()

    async def start(self, engine: AsyncEngine) -> None:
        """Start the worker process; settle what a previous server left: RUNNING documents whose
        process is gone become FAILED ("worker stopped"), QUEUED ones are deferred again."""
        self._engine = engine
        load_task_modules()
        self._pool = _new_pool()
        for spec in _specs_by_table():
            for document_id, worker in await documents_in(engine, spec, JobState.RUNNING):
                if not _alive_here(worker):
                    await fail(engine, spec, document_id, WORKER_STOPPED)
            for document_id, _ in await documents_in(engine, spec, JobState.QUEUED):
                await self.defer(spec.name, **{spec.id_argument: document_id})

    async def defer(self, name: str, **kwargs) -> None:
        """Hand the job to the worker process; returns at once."""
        if self._pool is None:
            raise RuntimeError("the job queue is not started")
        spec = spec_of(name)
        task = asyncio.create_task(self._run(spec.name, spec.module, kwargs))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def join(self) -> None:
        """Wait until every job deferred so far has finished (tests, shutdown)."""
        while self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)

    async def stop(self) -> None:
        """Stop taking jobs, let the running ones finish, stop the process."""
        await self.join()
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    async def _run(self, name: str, module: str, kwargs: dict) -> None:
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(
                self._pool, _run_in_worker, self.database_url, name, module, kwargs
            )
        except BrokenProcessPool:
            # The worker process died with the job: say so on the document, start a new process.
            log.error("the job worker process stopped while running %s %s", name, kwargs)
            spec = spec_of(name, module)
            await fail(
                self._engine,
                spec,
                spec.document_id(kwargs),
                WORKER_STOPPED,
                from_states=(JobState.QUEUED, JobState.RUNNING),
            )
            self._pool = _new_pool()
        except Exception:
            # The job marked its document FAILED already; the worker's log has the traceback.
            log.warning("job %s %s failed", name, kwargs)


def _new_pool() -> concurrent.futures.ProcessPoolExecutor:
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_started,
    )


def _worker_started() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s job-worker %(levelname)s %(message)s"
    )
    load_task_modules()
    run_worker_start_hooks()


def _run_in_worker(database_url: str, name: str, module: str, kwargs: dict) -> None:
    """In the worker process: one job, on an engine of its own."""
    from domain.store.db import create_engine

    async def run() -> None:
        engine = create_engine(database_url)
        try:
            await run_job(engine, spec_of(name, module), kwargs)
        finally:
            await engine.dispose()

    asyncio.run(run())


def _specs_by_table():
    """One job per document table (the row does not say which job it waits for)."""
    seen = {}
    for spec in JOBS.values():
        seen.setdefault(spec.document.__table__.name, spec)
    return list(seen.values())


def _alive_here(worker: str | None) -> bool:
    """Whether `worker` ("host:pid") is a live process on this machine (another server's)."""
    if not worker:
        return False
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
