"""How long background jobs take: salesplan_job_duration_seconds{job, outcome}, observed by
the runner in whichever process runs the job. A job worker's figures reach the server's
/metrics when both share PROMETHEUS_MULTIPROC_DIR (see docs/operations.md)."""

import contextlib
import time
from collections.abc import Iterator

from prometheus_client import Histogram

JOB_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)

JOB_DURATION = Histogram(
    "salesplan_job_duration_seconds",
    "Duration of background jobs (forecast baselines, MRP runs), by job name and outcome.",
    ["job", "outcome"],
    buckets=JOB_BUCKETS,
)


@contextlib.contextmanager
def timed_job(name: str) -> Iterator[None]:
    """Time one run of a job: outcome `done`, or `failed` when it raises."""
    started = time.perf_counter()
    outcome = "failed"
    try:
        yield
        outcome = "done"
    finally:
        JOB_DURATION.labels(name, outcome).observe(time.perf_counter() - started)
