"""Background jobs: long work (forecast baselines, MRP runs) never runs on the server's event loop.

The whole API, for an area that needs a job (see domain/services/forecast/jobs.py):

1. The document the job works on is a table with the JobTracked columns: `job_state` (QUEUED →
   RUNNING → DONE | FAILED), `job_error` (why, for a person), `job_worker`, `job_started_at`,
   `job_finished_at`. One job per document table.

       class MrpRun(JobTracked, table=True): ...

2. The job is an async function of the engine and JSON-serialisable keyword arguments, registered
   by name with its document and the keyword naming the row; its module is listed in
   domain/jobs/registry.py TASK_MODULES so the server and every worker know it:

       @job("mrp.run", document=MrpRun, id_argument="run_id", on_failure=run_failed)
       async def run(engine: AsyncEngine, *, run_id: int) -> None:
           ...read the inputs...
           async with UnitOfWork(engine) as uow:      # the results in ONE transaction,
               ...write the results, uow.record(event, None)...
               await finish(uow.session, MrpRun, run_id)    # with DONE
               await uow.commit()

   The runner claims the row first (QUEUED → RUNNING, its own transaction; a row that is not
   QUEUED is left alone, so a job deferred twice runs once), and settles it after: DONE if the
   function did not `finish`, FAILED when it raised, with `on_failure(uow, id, reason)` in the
   same transaction (for the document's own status and event). Raise JobFailed("...") for a
   failure people should read; other exceptions show only their type (the log has the rest).
   `on_worker_start(fn)` runs fn once in each worker process (e.g. statsforecast's warm-up).

3. A use case creates the row (job_state QUEUED) and asks for the job; it is handed to the queue
   only after the transaction committed, so a worker never looks for a row that is not there:

       uow.defer("mrp.run", run_id=run.id)

4. The queue (`create_job_queue(url)`, made once in api/app.py and given to UseCases):
   PostgreSQL: procrastinate on the same database (its schema made by `salesplan migrate`);
   `salesplan worker` runs the jobs (any number of processes, on any machine); runs that fail on a
   lost connection are retried, stalled ones recovered (domain/jobs/postgres.py).
   SQLite: a local worker process of the server (domain/jobs/local.py).
   At server start, RUNNING rows whose local worker process is gone become FAILED ("worker
   stopped") and QUEUED rows are deferred again.
"""

from domain.jobs.queue import JobQueue, create_job_queue
from domain.jobs.registry import job, on_worker_start
from domain.jobs.state import JobFailed, finish
from domain.store.tables.jobs import JobState, JobTracked

__all__ = [
    "JobFailed",
    "JobQueue",
    "JobState",
    "JobTracked",
    "create_job_queue",
    "finish",
    "job",
    "on_worker_start",
]
