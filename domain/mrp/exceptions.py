"""MRP exception messages: what a planner must look at, per item.

With unplanned[t] = on hand + Σ_{u≤t} (scheduled[u] − gross[u]), the projected on hand if no
planned order were acted on:

- SHORTAGE: the first bucket where unplanned < 0; quantity = −unplanned there (what is missing).
- BELOW_SAFETY_STOCK: the first bucket where unplanned < safety stock, when unplanned ≥ 0 there;
  quantity = safety stock − unplanned. (An item that first dips straight below zero is a
  SHORTAGE only.)
- RELEASE_PAST: each planned order whose release date is before the horizon's first day; bucket
  = its due bucket, quantity = its release quantity, ref = its index.
- RESCHEDULE_IN / RESCHEDULE_OUT, for each scheduled receipt with a quantity: take the receipts
  of an item in order of bucket then receipt id, and for receipt k let `before` be the quantity
  of the receipts ahead of it. Its need bucket is the first bucket t where on hand + before no
  longer covers Σ_{u≤t} gross[u] + safety stock: up to there, stock and earlier receipts suffice
  (and from there, without it, a planned receipt is needed). If the need bucket is earlier than
  the receipt's bucket: RESCHEDULE_IN to it. If later: RESCHEDULE_OUT to it, or to −1 (cancel)
  when no bucket of the horizon needs it. bucket = the receipt's bucket, to_bucket = the
  suggestion, quantity = the receipt's, ref = its receipt id.

Exceptions are ordered by item, kind, bucket, ref.
"""

import numpy as np

from domain.mrp.model import (
    ExceptionKind,
    Exceptions,
    Items,
    PlannedOrders,
    ScheduledReceipts,
)

Part = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def exceptions(
    stock: list[Part],
    gross: np.ndarray,
    items: Items,
    receipts: ScheduledReceipts,
    orders: PlannedOrders,
    run_date: np.datetime64,
) -> Exceptions:
    """All exception messages of a plan; `stock` holds stock_exceptions() of every code."""
    parts = [
        *stock,
        _releases_in_the_past(orders, run_date),
        *_reschedules(gross, items, receipts),
    ]
    kind, item, bucket, to_bucket, quantity, ref = (
        np.concatenate([part[f] for part in parts]) for f in range(6)
    )
    order = np.lexsort((ref, bucket, kind, item))
    return Exceptions(
        kind=kind[order].astype(np.int8),
        item=item[order].astype(np.int32),
        bucket=bucket[order].astype(np.int32),
        to_bucket=to_bucket[order].astype(np.int32),
        quantity=quantity[order].astype(np.int64),
        ref=ref[order].astype(np.int64),
    )


def _part(kind: ExceptionKind, item, bucket, quantity, ref=None, to_bucket=None) -> Part:
    n = len(item)
    return (
        np.full(n, kind, dtype=np.int8),
        item,
        bucket,
        np.full(n, -1) if to_bucket is None else to_bucket,
        quantity,
        np.full(n, -1) if ref is None else ref,
    )


def stock_exceptions(
    unplanned: np.ndarray, safety_stock: np.ndarray, items: np.ndarray
) -> list[Part]:
    """SHORTAGE and BELOW_SAFETY_STOCK of some items, from their unplanned [item, bucket]."""
    row = np.arange(len(items))
    short = unplanned < 0
    row_short = np.flatnonzero(short.any(axis=1))
    bucket_short = short[row_short].argmax(axis=1)
    missing = -unplanned[row_short, bucket_short]

    low = unplanned < safety_stock[:, None]
    first_low = low.argmax(axis=1)
    stock = unplanned[row, first_low]
    dips = low.any(axis=1) & (stock >= 0)
    below = safety_stock[dips] - stock[dips]
    return [
        _part(ExceptionKind.SHORTAGE, items[row_short], bucket_short, missing),
        _part(ExceptionKind.BELOW_SAFETY_STOCK, items[dips], first_low[dips], below),
    ]


def _releases_in_the_past(orders: PlannedOrders, run_date: np.datetime64) -> Part:
    late = np.flatnonzero(orders.release_date < run_date)
    return _part(
        ExceptionKind.RELEASE_PAST,
        orders.item[late],
        orders.due_bucket[late],
        orders.release_quantity[late],
        ref=late,
    )


def _reschedules(gross: np.ndarray, items: Items, receipts: ScheduledReceipts) -> list[Part]:
    some = receipts.quantity > 0
    order = np.lexsort((receipts.receipt_id[some], receipts.bucket[some], receipts.item[some]))
    item, bucket, quantity, rid = (
        a[some][order]
        for a in (receipts.item, receipts.bucket, receipts.quantity, receipts.receipt_id)
    )
    before = np.cumsum(quantity) - quantity
    first_of_item = np.ones(len(item), dtype=bool)
    first_of_item[1:] = item[1:] != item[:-1]
    before -= np.maximum.accumulate(np.where(first_of_item, before, 0))  # restart per item

    # Supply beyond on hand that demand through t needs; nondecreasing in t.
    needed = (
        items.safety_stock[item, None] - items.on_hand[item, None] + np.cumsum(gross[item], axis=1)
    )
    need = (needed <= before[:, None]).sum(axis=1)
    n_buckets = gross.shape[1]
    earlier, later = need < bucket, need > bucket
    suggestion = np.where(need < n_buckets, need, -1)
    return [
        _part(
            ExceptionKind.RESCHEDULE_IN,
            item[earlier],
            bucket[earlier],
            quantity[earlier],
            ref=rid[earlier],
            to_bucket=suggestion[earlier],
        ),
        _part(
            ExceptionKind.RESCHEDULE_OUT,
            item[later],
            bucket[later],
            quantity[later],
            ref=rid[later],
            to_bucket=suggestion[later],
        ),
    ]
