"""Which jobs exist: `@job(...)` registers a job function with the document row it works on.

Task modules live next to their area (`domain/services/forecast/jobs.py`) and are listed in
TASK_MODULES, so the server (which defers) and every worker (which runs) know the same jobs.
"""

import importlib
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

# Imported by the server and by every worker process; add an area's module here.
TASK_MODULES: tuple[str, ...] = ("domain.services.forecast.jobs", "domain.services.mrp.jobs")

JobFunction = Callable[..., Awaitable[None]]
# (unit of work, document id, reason): changes the document's own status when its job failed,
# in the transaction that marks the job FAILED (e.g. a forecast GENERATING → FAILED, an event).
FailureHook = Callable[[Any, int, str], Awaitable[None]]


@dataclass(frozen=True)
class JobSpec:
    """A registered job: its function, and the document row (a JobTracked table) whose
    `id_argument` keyword names the row the job works on."""

    name: str
    function: JobFunction
    document: Any
    id_argument: str
    on_failure: FailureHook | None
    max_attempts: int

    @property
    def module(self) -> str:
        return self.function.__module__

    def document_id(self, kwargs: dict) -> int:
        return int(kwargs[self.id_argument])


JOBS: dict[str, JobSpec] = {}
WORKER_START: list[Callable[[], None]] = []


def job(
    name: str,
    *,
    document: Any,
    id_argument: str,
    on_failure: FailureHook | None = None,
    max_attempts: int = 3,
) -> Callable[[JobFunction], JobFunction]:
    """Register `async def f(engine: AsyncEngine, **kwargs) -> None` as the job `name`.

    `document` is the table (with the JobTracked columns) of the row the job works on, named by
    the keyword argument `id_argument`. `max_attempts` counts runs on PostgreSQL, where a run that
    fails on a lost database connection is retried by procrastinate; other failures are final.
    """

    def register(function: JobFunction) -> JobFunction:
        existing = JOBS.get(name)
        if existing is not None and existing.function.__qualname__ != function.__qualname__:
            raise RuntimeError(f"job {name!r} is already registered by {existing.module}")
        JOBS[name] = JobSpec(name, function, document, id_argument, on_failure, max_attempts)
        return function

    return register


def on_worker_start(function: Callable[[], None]) -> Callable[[], None]:
    """Run `function` once in every worker process before its first job (e.g. warm-up imports)."""
    if function not in WORKER_START:
        WORKER_START.append(function)
    return function


def load_task_modules(extra: Iterable[str] = ()) -> None:
    """Import every task module (and `extra` ones), registering their jobs."""
    for module in (*TASK_MODULES, *extra):
        importlib.import_module(module)


def spec_of(name: str, module: str | None = None) -> JobSpec:
    """The job `name`, importing `module` first when given (a worker process learns jobs of
    modules outside TASK_MODULES, e.g. tests', that way)."""
    if name not in JOBS and module is not None:
        importlib.import_module(module)
    if name not in JOBS:
        load_task_modules()
    try:
        return JOBS[name]
    except KeyError:
        raise LookupError(f"no job named {name!r}") from None


def run_worker_start_hooks() -> None:
    for hook in WORKER_START:
        hook()
