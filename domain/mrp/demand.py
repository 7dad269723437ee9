"""Independent demand: forecast consumed by booked orders (MTS), or booked orders alone (MTO).

Per item and bucket, with O the booked orders and F the forecast:
- MTS: gross = max(F, O). The orders are demand elements as booked; they consume the forecast
  lines in order of their ids, and what is left of each forecast line is a FORECAST element.
  So when O ≥ F the elements are the order lines alone; otherwise the order lines plus
  F − O of forecast (one element when the bucket has one forecast line).
- MTO: gross = O; forecast lines are ignored.
Zero quantities make no element.
"""

import numpy as np

from domain.mrp.model import Demand, DemandElements, DemandKind, Strategy


def independent_demand(
    demand: Demand, strategy: np.ndarray, n_buckets: int
) -> tuple[np.ndarray, DemandElements]:
    """(gross int64[n, T], the elements that make it up, ordered by item, bucket, kind, ref)."""
    n_items = len(strategy)
    is_order = demand.kind == DemandKind.ORDER
    counts = (demand.quantity > 0) & (is_order | (strategy[demand.item] == Strategy.MTS))
    item, bucket = demand.item[counts], demand.bucket[counts]
    kind, ref, quantity = demand.kind[counts], demand.source_id[counts], demand.quantity[counts]

    cell = item.astype(np.int64) * n_buckets + bucket
    ordered = np.zeros(n_items * n_buckets, dtype=np.int64)
    np.add.at(ordered, cell[kind == DemandKind.ORDER], quantity[kind == DemandKind.ORDER])

    order = np.lexsort((np.arange(len(cell)), ref, kind, cell))
    item, bucket, kind, ref, quantity, cell = (
        a[order] for a in (item, bucket, kind, ref, quantity, cell)
    )
    forecast = kind == DemandKind.FORECAST
    quantity = quantity.copy()
    quantity[forecast] = _unconsumed(quantity[forecast], cell[forecast], ordered)

    gross = np.zeros(n_items * n_buckets, dtype=np.int64)
    np.add.at(gross, cell, quantity)
    kept = quantity > 0
    elements = DemandElements(
        item[kept], bucket[kept], kind[kept], ref[kept].astype(np.int64), quantity[kept]
    )
    return gross.reshape(n_items, n_buckets), elements


def _unconsumed(forecast: np.ndarray, cell: np.ndarray, ordered: np.ndarray) -> np.ndarray:
    """What booked orders leave of each forecast line (lines sorted by cell, then id).

    Within a cell the lines are consumed one after another: a line whose running total (through
    itself) is R keeps min(its quantity, max(0, R − O)).
    """
    running = np.cumsum(forecast)
    first = np.ones(len(cell), dtype=bool)
    first[1:] = cell[1:] != cell[:-1]
    before_cell = (running - forecast)[first]  # running total before each cell's first line
    running -= np.repeat(before_cell, np.diff(np.append(np.flatnonzero(first), len(cell))))
    return np.minimum(forecast, np.maximum(0, running - ordered[cell]))
