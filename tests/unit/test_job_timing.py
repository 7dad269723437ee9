"""The job-duration hook: each run lands in salesplan_job_duration_seconds by job and outcome."""

import time

import pytest
from prometheus_client import REGISTRY

from domain.jobs.timing import timed_job


def count(job: str, outcome: str) -> float:
    return (
        REGISTRY.get_sample_value(
            "salesplan_job_duration_seconds_count", {"job": job, "outcome": outcome}
        )
        or 0.0
    )


def total(job: str, outcome: str) -> float:
    return (
        REGISTRY.get_sample_value(
            "salesplan_job_duration_seconds_sum", {"job": job, "outcome": outcome}
        )
        or 0.0
    )


def test_a_finished_job_and_a_failed_one_are_timed_apart():
    before_done, before_failed = count("test.job", "done"), count("test.job", "failed")
    before_sum = total("test.job", "done")
    with timed_job("test.job"):
        time.sleep(0.05)
    with pytest.raises(RuntimeError), timed_job("test.job"):
        raise RuntimeError("the job failed")
    assert count("test.job", "done") - before_done == 1
    assert count("test.job", "failed") - before_failed == 1
    assert 0.05 <= total("test.job", "done") - before_sum < 1
