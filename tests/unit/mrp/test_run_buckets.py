"""MRP runs: bucket boundaries, period quantities spread over buckets, and the run life cycle."""

from datetime import date

import pytest

from domain.errors import DomainRefusal
from domain.mrp.runs import (
    MRP_RUN_LIFECYCLE,
    BucketKind,
    MrpRunAction,
    MrpRunStatus,
    bucket_starts,
    first_bucket_start,
    spread_over_buckets,
)


def test_weekly_buckets_start_on_mondays_and_monthly_ones_on_the_first():
    assert first_bucket_start(date(2027, 1, 7), BucketKind.WEEK) == date(2027, 1, 4)
    assert first_bucket_start(date(2027, 1, 7), BucketKind.MONTH) == date(2027, 1, 1)
    assert bucket_starts(date(2027, 1, 4), BucketKind.WEEK, 3) == [
        date(2027, 1, 4), date(2027, 1, 11), date(2027, 1, 18), date(2027, 1, 25)
    ]  # fmt: skip
    assert bucket_starts(date(2026, 11, 1), BucketKind.MONTH, 3) == [
        date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)
    ]  # fmt: skip
    with pytest.raises(ValueError):
        bucket_starts(date(2027, 1, 4), BucketKind.WEEK, 105)


def test_a_month_spreads_over_weeks_by_working_days_and_adds_up_exactly():
    weeks = bucket_starts(date(2027, 2, 1), BucketKind.WEEK, 5)
    # February 2027: 20 working days, four full weeks of five
    assert spread_over_buckets(date(2027, 2, 1), date(2027, 2, 28), 100_000, weeks) == [
        (0, 25_000), (1, 25_000), (2, 25_000), (3, 25_000)
    ]  # fmt: skip
    # March 2027: 23 working days (Mon 1st .. Wed 31st); 7 thousandths over 23 days
    march = bucket_starts(date(2027, 3, 1), BucketKind.WEEK, 5)
    parts = spread_over_buckets(date(2027, 3, 1), date(2027, 3, 31), 7, march)
    assert sum(q for _, q in parts) == 7
    assert [b for b, _ in parts] == [0, 1, 2, 3, 4]
    assert parts == [(0, 2), (1, 2), (2, 1), (3, 1), (4, 1)]  # 5,5,5,5,3 days; ties early


def test_working_days_before_the_horizon_are_past_and_dropped():
    weeks = bucket_starts(date(2027, 2, 15), BucketKind.WEEK, 4)
    # half of February's 20 working days are before the 15th
    assert spread_over_buckets(date(2027, 2, 1), date(2027, 2, 28), 10_000, weeks) == [
        (0, 2_500), (1, 2_500)
    ]  # fmt: skip
    assert spread_over_buckets(date(2027, 1, 1), date(2027, 1, 31), 10_000, weeks) == []


def test_a_week_falls_into_the_months_holding_its_working_days():
    months = bucket_starts(date(2027, 3, 1), BucketKind.MONTH, 2)
    # Mon 29 March .. Sun 4 April 2027: 3 working days in March, 2 in April
    assert spread_over_buckets(date(2027, 3, 29), date(2027, 4, 4), 5_000, months) == [
        (0, 3_000), (1, 2_000)
    ]  # fmt: skip


def test_only_a_failed_run_can_be_retried_and_a_queued_one_started():
    assert MRP_RUN_LIFECYCLE.check(MrpRunAction.RETRY, MrpRunStatus.FAILED) is MrpRunStatus.QUEUED
    assert MRP_RUN_LIFECYCLE.check(MrpRunAction.START, MrpRunStatus.QUEUED) is MrpRunStatus.RUNNING
    for status in (MrpRunStatus.QUEUED, MrpRunStatus.RUNNING, MrpRunStatus.SUCCEEDED):
        with pytest.raises(DomainRefusal) as refused:
            MRP_RUN_LIFECYCLE.check(MrpRunAction.RETRY, status)
        assert refused.value.errors[0].message == (
            f"only a FAILED run can be retried, not a {status.value} one"
        )
