"""Netting of the items of one low-level code, all at once: the time-phased record per bucket.

For item i and bucket t (quantities in milli-units, previous projected of bucket −1 = on hand):
    available[t]  = projected[t−1] + scheduled[t] − gross[t]      (before planned receipts)
    net[t]        = max(0, safety_stock − available[t])
    planned receipt per the lot rule (lots.py), due in t
    projected[t]  = available[t] + planned receipt[t]            (≥ safety stock, always)
Initial on hand below safety stock is therefore a net requirement of bucket 0. The planned
receipts are computed through their running total (see lots.py), which turns the recurrence into
array operations along the bucket axis.
"""

from dataclasses import dataclass

import numpy as np

from domain.mrp.lots import cumulative_receipts


@dataclass(frozen=True, eq=False)
class NettedItems:
    """The record of some items, each an int64 [item, bucket] array."""

    unplanned: (
        np.ndarray
    )  # on hand + Σ (scheduled − gross): projected on hand without planned orders
    projected: np.ndarray
    net: np.ndarray
    receipts: np.ndarray


def net_requirements(
    gross: np.ndarray,
    scheduled: np.ndarray,
    on_hand: np.ndarray,
    safety_stock: np.ndarray,
    lot_rule: np.ndarray,
    lot_param: np.ndarray,
) -> NettedItems:
    """Net the items' gross requirements against stock and scheduled receipts, then lot-size."""
    unplanned = np.cumsum(scheduled - gross, axis=1)
    unplanned += on_hand[:, None]
    shortfall = safety_stock[:, None] - unplanned
    received = cumulative_receipts(shortfall, lot_rule, lot_param)
    # net and receipts reuse shortfall's and a copy of received's memory: these arrays are large.
    net = shortfall
    net[:, 1:] -= received[:, :-1]
    np.maximum(net, 0, out=net)
    receipts = received.copy()
    receipts[:, 1:] -= received[:, :-1]
    received += unplanned
    return NettedItems(unplanned=unplanned, projected=received, net=net, receipts=receipts)
