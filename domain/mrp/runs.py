"""MRP runs: their life cycle, their time buckets, and how period quantities fall into buckets.

Life cycle (PRODUCT.md): QUEUED → RUNNING (with progress) → SUCCEEDED | FAILED. A FAILED run can
be retried (back to QUEUED); a run left RUNNING by a worker that died is FAILED with a reason.
A run's inputs and results are an immutable snapshot once it SUCCEEDED.

Buckets: weekly buckets start on Mondays, monthly ones on the first of the month; the first
bucket is the one holding the run's start day, so a release date before its start is in the past.

A forecast or plan figure covers a period (a month or an ISO week); spread_over_buckets puts it
into the run's buckets in proportion to the period's working days (Monday to Friday) in each
bucket, rounded to 0.001 by the largest-remainder method (ties to the earlier bucket), so the
parts add up exactly. Working days before the first bucket are in the past and dropped, as are
those after the horizon.
"""

from collections.abc import Sequence
from datetime import date, timedelta
from enum import Enum

from domain.lifecycle import Lifecycle, move
from domain.mrp.validation import MAX_BUCKETS


class BucketKind(Enum):
    """The length of the run's time buckets."""

    WEEK = "WEEK"
    MONTH = "MONTH"


class MrpRunStatus(Enum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class MrpRunAction(Enum):
    START = "START"  # a worker picks the run up
    SUCCEED = "SUCCEED"  # results stored
    FAIL = "FAIL"  # refused input, error, or worker stopped
    RETRY = "RETRY"  # a planner queues a FAILED run again


S = MrpRunStatus
MRP_RUN_LIFECYCLE: Lifecycle[MrpRunStatus, MrpRunAction] = Lifecycle(
    MrpRunStatus,
    {
        MrpRunAction.START: move(
            {S.QUEUED}, S.RUNNING, "only a QUEUED run starts, not a {status} one"
        ),
        MrpRunAction.SUCCEED: move({S.RUNNING}, S.SUCCEEDED),
        MrpRunAction.FAIL: move({S.QUEUED, S.RUNNING}, S.FAILED),
        MrpRunAction.RETRY: move(
            {S.FAILED}, S.QUEUED, "only a FAILED run can be retried, not a {status} one"
        ),
    },
)
ACTIVE = frozenset({S.QUEUED, S.RUNNING})  # a forecast with such a run takes no second one


def first_bucket_start(day: date, kind: BucketKind) -> date:
    """The start of the bucket holding `day`: its Monday, or the first of its month."""
    if kind is BucketKind.WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def bucket_starts(first: date, kind: BucketKind, count: int) -> list[date]:
    """`count` + 1 bucket boundaries from `first` (the last one is the horizon's end)."""
    if not 1 <= count <= MAX_BUCKETS:
        raise ValueError(f"1 to {MAX_BUCKETS} buckets, not {count}")
    if kind is BucketKind.WEEK:
        return [first + timedelta(weeks=k) for k in range(count + 1)]
    return [_add_months(first, k) for k in range(count + 1)]


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def spread_over_buckets(
    first_day: date, last_day: date, quantity: int, boundaries: Sequence[date]
) -> list[tuple[int, int]]:
    """(bucket, milli-units) parts of `quantity` (milli-units) over the period first..last day
    (inclusive), for buckets [boundaries[k], boundaries[k+1]). Empty when no working day of the
    period is in the horizon."""
    days = _working_days(first_day, last_day)
    if not days or quantity == 0:
        return []
    weights: dict[int, int] = {}
    horizon_start, horizon_end = boundaries[0], boundaries[-1]
    bucket = 0
    for day in days:
        if day < horizon_start or day >= horizon_end:
            continue
        while boundaries[bucket + 1] <= day:
            bucket += 1
        weights[bucket] = weights.get(bucket, 0) + 1
    if not weights:
        return []
    # The share of the days inside the horizon, then split among buckets: each bucket gets
    # quantity × its days / all days, rounded by largest remainder over the buckets kept.
    total_days = len(days)
    kept = sum(weights.values())
    target = quantity * kept // total_days if kept < total_days else quantity
    return _largest_remainder(target, weights)


def _largest_remainder(total: int, weights: dict[int, int]) -> list[tuple[int, int]]:
    weight_sum = sum(weights.values())
    buckets = sorted(weights)
    floors = {b: total * weights[b] // weight_sum for b in buckets}
    left = total - sum(floors.values())
    by_remainder = sorted(buckets, key=lambda b: (-(total * weights[b] % weight_sum), b))
    for b in by_remainder[:left]:
        floors[b] += 1
    return [(b, floors[b]) for b in buckets if floors[b]]


def _working_days(first: date, last: date) -> list[date]:
    days = []
    day = first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days
