"""Lead-time offset: in which bucket a planned order due in bucket t is released.

An order due in bucket t is due at starts[t] and released on starts[t] − lead days. Its release
bucket is the bucket whose span holds that date (searchsorted over the starts). A date before
starts[0] (the run date) is in the past: the order is released in bucket 0, keeps its true
release date, and is reported as RELEASE_PAST.

The release bucket depends only on the lead time, so it is tabulated once per distinct lead time
(a handful in practice) rather than per item.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class ReleaseTiming:
    """Release buckets per distinct lead time; `group[i]` is item i's row in the tables."""

    group: np.ndarray  # int32[n]
    bucket: np.ndarray  # int32[groups, T]: release bucket of an order due in t
    past: np.ndarray  # bool[groups, T]: its release date is before the horizon
    shared: np.ndarray  # bool[groups, T]: a later due bucket is released in the same bucket
    latest_due: np.ndarray  # int32[groups, T]: latest due bucket released in r, or -1 if none


def release_timing(starts: np.ndarray, lead_days: np.ndarray) -> ReleaseTiming:
    """The tables for these bucket starts (datetime64[D]) and item lead times (days)."""
    leads, group = np.unique(lead_days, return_inverse=True)
    release_dates = starts[None, :] - leads[:, None].astype("timedelta64[D]")
    bucket = np.searchsorted(starts, release_dates, side="right").astype(np.int32) - 1
    past = bucket < 0
    bucket[past] = 0
    # Several due buckets share a release bucket when their releases are in the past, or when
    # buckets differ in length (months). explosion.py moves the latest of them to the release
    # bucket in a dense array; the earlier ones (`shared`) take its per-order path.
    shared = np.zeros_like(past)
    shared[:, :-1] = bucket[:, :-1] == bucket[:, 1:]
    latest_due = np.full(bucket.shape, -1, dtype=np.int32)
    group_row, due = np.nonzero(~shared)
    latest_due[group_row, bucket[group_row, due]] = due
    return ReleaseTiming(group.astype(np.int32).ravel(), bucket, past, shared, latest_due)


def release_dates(starts: np.ndarray, due_bucket: np.ndarray, lead_days: np.ndarray) -> np.ndarray:
    """Release date of each order: its due bucket's start minus its item's lead time."""
    return starts[due_bucket] - lead_days.astype("timedelta64[D]")
