"""Running one job, the same way in every kind of worker: claim the document, run the function,
settle the document's state."""

import asyncio
import logging
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.jobs.registry import JobSpec
from domain.jobs.state import (
    WORKER_STOPPED,
    JobFailed,
    claim,
    done_unless_finished,
    fail,
    requeue,
)
from domain.jobs.timing import timed_job

log = logging.getLogger(__name__)


def reason_of(exc: BaseException) -> str:
    """What the document says about a failure: a JobFailed's own message; for anything else only
    the exception's type (driver messages and SQL stay in the worker's log)."""
    if isinstance(exc, JobFailed):
        return str(exc)
    if isinstance(exc, asyncio.CancelledError):
        return WORKER_STOPPED
    return f"unexpected error ({type(exc).__name__}); see the worker's log"


async def run_job(
    engine: AsyncEngine,
    spec: JobSpec,
    kwargs: dict,
    *,
    attempt: int = 0,
    will_retry: Callable[[BaseException], bool] | None = None,
) -> bool:
    """Run `spec` with `kwargs` on its document; False when the document was not waiting for it.

    `attempt` counts earlier runs (a retry may take over a RUNNING document); `will_retry(exc)`
    says whether the queue runs the job again after this exception: the document goes back to
    QUEUED then, FAILED otherwise.
    Raises what the function raised, after the document says so.
    """
    document_id = spec.document_id(kwargs)
    if not await claim(engine, spec, document_id, retrying=attempt > 0):
        log.info("job %s: document %s is not waiting; nothing to do", spec.name, document_id)
        return False
    try:
        with timed_job(spec.name):
            await spec.function(engine, **kwargs)
    except (Exception, asyncio.CancelledError) as exc:
        reason = reason_of(exc)
        expected = isinstance(exc, JobFailed | asyncio.CancelledError)
        if not expected:
            log.exception("job %s on document %s failed", spec.name, document_id)
        if will_retry is not None and not expected and will_retry(exc):
            await requeue(engine, spec, document_id, f"attempt {attempt + 1} failed: {reason}")
        else:
            await fail(engine, spec, document_id, reason)
        raise
    await done_unless_finished(engine, spec, document_id)
    return True
