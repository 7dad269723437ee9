"""Lot sizing: how much to receive, bucket by bucket, so projected on hand never ends a bucket
below safety stock.

Everything is expressed through the shortfall S[t] = safety stock − (on hand + Σ_{u≤t}
(scheduled[u] − gross[u])): what planned receipts must have brought by the end of bucket t. With
C[t] the planned receipts due in buckets 0..t, bucket t's net requirement is max(0, S[t] − C[t−1])
and its planned receipt C[t] − C[t−1]. The rules, with q = lot_param:

- LOT_FOR_LOT: receive the net requirement. Then C[t] = max(0, S[0..t]), a running maximum.
- MULTIPLE: one order of the net rounded up to a multiple of q; FIXED: that many orders of
  exactly q. Both keep C a multiple of q, and C[t] = ⌈max(0, S[0..t]) / q⌉ · q in closed form
  (if C[t−1] = kq then C[t−1] + ⌈(S[t] − C[t−1]) / q⌉q = ⌈S[t] / q⌉q).
- MINIMUM: one order of max(net, q). Sequential: C[t] = C[t−1] + max(S[t] − C[t−1], q).
- PERIODS_OF_SUPPLY (q buckets, ≥ 1): where the net is positive, one order that covers the net
  requirements of buckets t..t+q−1 as lot-for-lot would compute them after the earlier orders:
  C[t] = max(S[t..t+q−1]), cut at the horizon's end. Buckets it covers need nothing more.

Only MINIMUM and PERIODS_OF_SUPPLY loop over buckets, vectorised across their items.
"""

import numpy as np

from domain.mrp.model import LotRule
from domain.mrp.quantities import ceil_div


def cumulative_receipts(shortfall: np.ndarray, rule: np.ndarray, param: np.ndarray) -> np.ndarray:
    """C[i, t]: planned receipts of item i due in buckets 0..t, per its lot rule."""
    covered = np.maximum.accumulate(np.maximum(shortfall, 0), axis=1)  # lot-for-lot's C
    rounded = np.flatnonzero((rule == LotRule.FIXED) | (rule == LotRule.MULTIPLE))
    if rounded.size:
        lot = param[rounded, None]
        covered[rounded] = ceil_div(covered[rounded], lot) * lot
    minimum = np.flatnonzero(rule == LotRule.MINIMUM)
    if minimum.size:
        covered[minimum] = _minimum_lots(shortfall[minimum], param[minimum])
    periods = np.flatnonzero(rule == LotRule.PERIODS_OF_SUPPLY)
    if periods.size:
        covered[periods] = _periods_of_supply(shortfall[periods], param[periods])
    return covered


def order_sizes(
    receipts: np.ndarray, rule: np.ndarray, param: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(number of orders, receipt quantity of each) per item and bucket.

    FIXED splits a bucket's receipt into receipt / q orders of q; every other rule makes one
    order of the whole receipt.
    """
    count = (receipts > 0).astype(np.int64)
    size = receipts.copy()
    fixed = np.flatnonzero(rule == LotRule.FIXED)
    if fixed.size:
        lot = param[fixed, None]
        count[fixed] = receipts[fixed] // lot
        size[fixed] = np.where(count[fixed] > 0, lot, 0)
    return count, size


def _minimum_lots(shortfall: np.ndarray, minimum: np.ndarray) -> np.ndarray:
    received = np.zeros_like(shortfall)
    before = np.zeros(len(shortfall), dtype=np.int64)
    for t in range(shortfall.shape[1]):
        net = shortfall[:, t] - before
        before = before + np.where(net > 0, np.maximum(net, minimum), 0)
        received[:, t] = before
    return received


def _periods_of_supply(shortfall: np.ndarray, periods: np.ndarray) -> np.ndarray:
    n_buckets = shortfall.shape[1]
    window = shortfall.copy()  # window[:, t] = max(shortfall[:, t : t + periods])
    for ahead in range(1, min(int(periods.max()), n_buckets)):
        reaches = (ahead < periods)[:, None]
        head = window[:, : n_buckets - ahead]
        np.copyto(head, np.maximum(head, shortfall[:, ahead:]), where=reaches)
    received = np.zeros_like(shortfall)
    before = np.zeros(len(shortfall), dtype=np.int64)
    for t in range(n_buckets):
        before = np.where(shortfall[:, t] > before, window[:, t], before)
        received[:, t] = before
    return received
