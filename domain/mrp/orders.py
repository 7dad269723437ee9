"""Planned orders as flat arrays, from the planned receipts of every item and bucket.

One order per item and bucket with a planned receipt, except FIXED lots: receipt / lot_param
orders of lot_param each (lots.order_sizes). An order's release quantity is its receipt grossed
up for the item's scrap (quantities.gross_up_for_scrap), so each FIXED order is grossed up on its
own. Orders are numbered by item, then due bucket, then one after another; that index is how
pegging and material requirements refer to them.
"""

import numpy as np

from domain.mrp.model import Items, PlannedOrders
from domain.mrp.timing import ReleaseTiming, release_dates


def planned_orders(
    count: np.ndarray,
    release_size: np.ndarray,
    planned_receipt: np.ndarray,
    items: Items,
    timing: ReleaseTiming,
    starts: np.ndarray,
) -> PlannedOrders:
    """The orders of every item and bucket: `count` of them, each of release `release_size`
    and of receipt planned_receipt / count ([item, bucket] arrays)."""
    n_buckets = count.shape[1]
    cell = np.flatnonzero(count)  # flat [item, bucket] index, in item then bucket order
    item, due = np.divmod(cell, n_buckets)
    per_cell = count.ravel()[cell]
    receipt = planned_receipt.ravel()[cell] // per_cell
    release = release_size.ravel()[cell]
    if per_cell.max(initial=1) > 1:  # FIXED lots with several orders in a bucket
        item, due = np.repeat(item, per_cell), np.repeat(due, per_cell)
        receipt, release = np.repeat(receipt, per_cell), np.repeat(release, per_cell)
    return PlannedOrders(
        item=item.astype(np.int32),
        due_bucket=due.astype(np.int32),
        release_bucket=timing.bucket.ravel()[timing.group[item] * n_buckets + due],
        due_date=starts[due],
        release_date=release_dates(starts, due, items.lead_days[item]),
        receipt_quantity=receipt,
        release_quantity=release,
    )
