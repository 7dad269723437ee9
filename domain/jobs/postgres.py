"""The job queue on PostgreSQL: procrastinate, on the application's own database.

The server defers jobs into procrastinate's tables; `salesplan worker` processes (any number, on
any machine that reaches the database) run them. Procrastinate's objects live in their own schema,
`procrastinate`, created by `salesplan migrate` (migration 0004), so they never mix with ours.

What procrastinate does for us: LISTEN/NOTIFY wake-ups, one job per worker slot, retries of runs
that failed on a lost database connection (`max_attempts` of the job), and stalled jobs: a worker
that stops sending heartbeats (killed, machine gone) has its jobs retried by the other workers'
periodic `jobs.recover` task, which also defers again documents left QUEUED by a server that
died between its commit and the defer.
"""

import logging
from importlib import resources

import procrastinate
from procrastinate import RetryStrategy
from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.jobs.registry import JOBS, JobSpec, load_task_modules, run_worker_start_hooks, spec_of
from domain.jobs.runner import run_job
from domain.jobs.state import JobState, documents_in

SCHEMA = "procrastinate"
QUEUE = "jobs"
# Failures worth another run: the database connection was lost, not the job's own logic.
TRANSIENT = (sa_exc.OperationalError, sa_exc.InterfaceError, ConnectionError, TimeoutError)
RECOVER_CRON = "* * * * *"  # every minute
log = logging.getLogger(__name__)


def conninfo(database_url: str) -> str:
    """A libpq connection string for psycopg from our SQLAlchemy URL (postgresql+asyncpg://...)."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def schema_sql() -> str:
    """Procrastinate's schema, created in its own schema by migration 0004."""
    body = (resources.files("procrastinate.sql") / "schema.sql").read_text(encoding="utf-8")
    return f"CREATE SCHEMA {SCHEMA};\nSET LOCAL search_path TO {SCHEMA};\n{body}\nSET LOCAL search_path TO DEFAULT;\n"


def procrastinate_app(database_url: str) -> procrastinate.App:
    """A procrastinate App on our database that knows every registered job (and `jobs.recover`)."""
    load_task_modules()
    connector = procrastinate.PsycopgConnector(
        conninfo=conninfo(database_url),
        kwargs={"options": f"-c search_path={SCHEMA}"},
        min_size=1,
        max_size=4,
    )
    app = procrastinate.App(connector=connector)
    for spec in JOBS.values():
        _register(app, spec)

    @app.periodic(cron=RECOVER_CRON, periodic_id="recover")
    @app.task(name="jobs.recover", queue=QUEUE, queueing_lock="jobs.recover", pass_context=True)
    async def recover(context, timestamp: int) -> None:
        engine = context.additional_context["engine"]
        for job in await app.job_manager.get_stalled_jobs():
            log.warning("retrying stalled job %s (%s)", job.id, job.task_name)
            await app.job_manager.retry_job(job)
        await defer_queued_documents(app, engine)

    return app


def _register(app: procrastinate.App, spec: JobSpec) -> None:
    strategy = RetryStrategy(max_attempts=spec.max_attempts, wait=5, retry_exceptions=TRANSIENT)

    async def task(context, **kwargs) -> None:
        engine = context.additional_context["engine"]

        def will_retry(exc: BaseException) -> bool:
            return strategy.get_retry_decision(exception=exc, job=context.job) is not None

        await run_job(
            engine, spec_of(spec.name), kwargs, attempt=context.job.attempts, will_retry=will_retry
        )

    app.task(name=spec.name, queue=QUEUE, pass_context=True, retry=strategy)(task)


def _lock(spec: JobSpec, document_id: int) -> str:
    """At most one waiting job per document: deferring it twice is harmless."""
    return f"{spec.name}:{document_id}"


async def defer_on(app: procrastinate.App, name: str, **kwargs) -> None:
    spec = spec_of(name)
    lock = _lock(spec, spec.document_id(kwargs))
    try:
        await app.configure_task(name, queueing_lock=lock).defer_async(**kwargs)
    except AlreadyEnqueued:
        log.info("job %s is already waiting", lock)


async def defer_queued_documents(app: procrastinate.App, engine: AsyncEngine) -> None:
    """Defer every QUEUED document's job (again): lost defers are found, waiting ones kept."""
    seen = set()
    for spec in JOBS.values():
        table = spec.document.__table__.name
        if table in seen:
            continue
        seen.add(table)
        for document_id, _ in await documents_in(engine, spec, JobState.QUEUED):
            await defer_on(app, spec.name, **{spec.id_argument: document_id})


class ProcrastinateJobQueue:
    """Defers jobs into procrastinate; `salesplan worker` runs them."""

    def __init__(self, database_url: str) -> None:
        self.app = procrastinate_app(database_url)

    async def start(self, engine: AsyncEngine) -> None:
        await self.app.open_async()
        await defer_queued_documents(self.app, engine)

    async def defer(self, name: str, **kwargs) -> None:
        await defer_on(self.app, name, **kwargs)

    async def join(self) -> None:
        """Nothing to wait for here: the jobs run in other processes."""

    async def stop(self) -> None:
        await self.app.close_async()


async def run_worker(database_url: str, *, concurrency: int = 1, wait: bool = True) -> None:
    """`salesplan worker`: run jobs until stopped (SIGINT/SIGTERM finish the current job)."""
    from domain.store.db import create_engine

    app = procrastinate_app(database_url)
    run_worker_start_hooks()
    engine = create_engine(database_url)
    try:
        async with app.open_async():
            await app.run_worker_async(
                queues=[QUEUE],
                concurrency=concurrency,
                wait=wait,
                additional_context={"engine": engine},
            )
    finally:
        await engine.dispose()
