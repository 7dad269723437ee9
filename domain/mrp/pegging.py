"""Pegging: which demand each unit of supply covers, one BOM level at a time.

Per item, supply and demand elements are each put in time order and matched first in, first out:
the first units of supply cover the first units of demand.

- Supply, by (bucket, kind, ref): on hand (bucket 0), scheduled receipts (receipt id), planned
  orders (order index) in their due buckets.
- Demand, by (bucket, kind, ref, BOM line): booked order lines (ORDER, ref = line id), what is
  left of forecast lines (FORECAST, ref = forecast line id), the requirements of parent planned
  orders in their release buckets (PARENT_ORDER, ref = the parent order's index), the safety
  stock (SAFETY_STOCK, in bucket 0, last in it), and finally EXCESS (bucket T): the supply that
  nothing in the horizon needs, so that supply and demand have the same total.

Projected on hand never ends a bucket below safety stock, so supply through any bucket covers the
demand through it: every demand unit is covered by supply due no later than the demand's bucket.
A raw material's planned purchase pegs to PARENT_ORDER elements; following their refs to the
parents' pegs leads, level by level, to the ORDER and FORECAST lines behind it.

Matching is array work: with running totals of supply and demand quantities laid end to end,
every boundary of either cuts the line into segments, and each segment belongs to one supply
element and one demand element.
"""

import numpy as np

from domain.mrp.materials import material_requirements
from domain.mrp.model import DemandKind, MrpInput, Pegging, Plan, SupplyKind

# Running totals must stay inside int64; items are matched in chunks whose totals stay below this.
CHUNK_TOTAL = 2**61


FIELDS = (("item", np.int32), ("bucket", np.int32), ("kind", np.int8), ("ref", np.int64),
          ("quantity", np.int64))  # fmt: skip
# Items are matched in chunks of about this many supply and demand elements, so that the
# temporary arrays of one chunk stay small (a 100k-item run has some 14 million elements).
CHUNK_ELEMENTS = 1 << 21


class _Elements:
    """Supply or demand elements of several items, ordered by (item, bucket, kind, ref...).

    Built one field at a time in its final dtype, so that at most one field's temporary copies
    exist at once besides the fields themselves (these arrays are the largest of a run).
    """

    def __init__(self, parts: list[tuple], n_buckets: int, n_kinds: int) -> None:
        quantity = np.concatenate([np.asarray(p[4], dtype=np.int64) for p in parts])
        positive = np.flatnonzero(quantity > 0)
        fields = {}
        for f, (name, dtype) in enumerate(FIELDS):
            column = np.concatenate([np.asarray(p[f], dtype=dtype) for p in parts])
            fields[name] = column[positive]
            del column
        del quantity, positive
        # Each part is already in order; a stable sort on one combined key merges them.
        key = fields["item"].astype(np.int64)
        key *= n_buckets + 1
        key += fields["bucket"]
        key *= n_kinds
        key += fields["kind"]
        order = np.argsort(key, kind="stable")
        del key
        for name, _ in FIELDS:
            setattr(self, name, fields.pop(name)[order])


def peg(inp: MrpInput, plan: Plan) -> Pegging:
    """FIFO pegging of every item's supply to its demand."""
    supply = _supply(inp, plan)
    demand = _demand(inp, plan, supply)
    pieces = [_match(supply, demand, s, d) for s, d in _chunks(supply, demand, inp.n_items)]
    del supply, demand
    fields = []
    for f in range(7):  # field by field, letting go of each field's pieces once joined
        fields.append(np.concatenate([piece[f] for piece in pieces]))
        for piece in pieces:
            piece[f] = None
    return Pegging(*fields)


def _supply(inp: MrpInput, plan: Plan) -> _Elements:
    n = inp.n_items
    orders, receipts = plan.orders, inp.receipts
    by_receipt = np.lexsort((receipts.receipt_id, receipts.bucket, receipts.item))
    on_hand = (np.arange(n), np.zeros(n), np.full(n, SupplyKind.ON_HAND), np.full(n, -1))
    scheduled = (
        receipts.item[by_receipt],
        receipts.bucket[by_receipt],
        np.full(len(receipts), SupplyKind.SCHEDULED),
        receipts.receipt_id[by_receipt],
    )
    planned = (
        orders.item,
        orders.due_bucket,
        np.full(len(orders), SupplyKind.PLANNED),
        np.arange(len(orders)),
    )
    parts = [
        (*on_hand, inp.items.on_hand),
        (*scheduled, receipts.quantity[by_receipt]),
        (*planned, orders.receipt_quantity),
    ]
    return _Elements(parts, inp.n_buckets, len(SupplyKind))


def _demand(inp: MrpInput, plan: Plan, supply: _Elements) -> _Elements:
    n, n_buckets = inp.n_items, inp.n_buckets
    independent = plan.independent
    needs = material_requirements(plan.orders, inp.bom, n)
    # Listed by (order, line); a stable sort by (component, bucket) keeps that order within.
    by_component = np.argsort(
        needs.component.astype(np.int64) * n_buckets + needs.bucket, kind="stable"
    )
    safety = inp.items.safety_stock
    excess = (
        _totals(supply.item, supply.quantity, n)
        - safety
        - _totals(independent.item, independent.quantity, n)
        - _totals(needs.component, needs.quantity, n)
    )
    item = np.arange(n)
    parts = [
        (independent.item, independent.bucket, independent.kind, independent.ref,
         independent.quantity),
        (needs.component[by_component], needs.bucket[by_component],
         np.full(len(needs), DemandKind.PARENT_ORDER), needs.order[by_component],
         needs.quantity[by_component]),
        (item, np.zeros(n), np.full(n, DemandKind.SAFETY_STOCK), np.full(n, -1), safety),
        (item, np.full(n, n_buckets), np.full(n, DemandKind.EXCESS), np.full(n, -1), excess),
    ]  # fmt: skip
    del needs, by_component  # the parts hold the reordered copies
    return _Elements(parts, n_buckets, len(DemandKind))


def _totals(item: np.ndarray, quantity: np.ndarray, n_items: int) -> np.ndarray:
    total = np.zeros(n_items, dtype=np.int64)
    np.add.at(total, item, quantity)
    return total


def _chunks(supply: _Elements, demand: _Elements, n_items: int):
    """(supply slice, demand slice) per run of whole items whose supply total stays below
    CHUNK_TOTAL and whose elements number about CHUNK_ELEMENTS at most (an item is never cut).

    Float sums only place the cuts; the matching itself is in integers.
    """
    total = _totals(supply.item, supply.quantity, n_items).astype(np.float64)
    by_total = (np.cumsum(total) // CHUNK_TOTAL).astype(np.int64)
    elements = np.bincount(supply.item, minlength=n_items) + np.bincount(
        demand.item, minlength=n_items
    )
    by_count = np.cumsum(elements) // CHUNK_ELEMENTS
    cuts = np.flatnonzero(np.diff(by_total) | np.diff(by_count)) + 1  # first item of a chunk
    item_bounds = np.concatenate([[0], cuts, [n_items]])
    s_bounds = np.searchsorted(supply.item, item_bounds)
    d_bounds = np.searchsorted(demand.item, item_bounds)
    for k in range(len(item_bounds) - 1):
        yield slice(s_bounds[k], s_bounds[k + 1]), slice(d_bounds[k], d_bounds[k + 1])


def _match(supply: _Elements, demand: _Elements, s: slice, d: slice) -> list:
    """Segments of the supply and demand running totals laid end to end (one chunk of items)."""
    supply_end = np.cumsum(supply.quantity[s])
    demand_end = np.cumsum(demand.quantity[d])
    ends = np.concatenate([supply_end, demand_end])
    # Two sorted runs: the stable sort merges them, a supply end before an equal demand end.
    order = np.argsort(ends, kind="stable")
    merged = ends[order]
    from_supply = order < len(supply_end)
    supplies_before = np.cumsum(from_supply) - from_supply
    demands_before = np.cumsum(~from_supply) - ~from_supply
    new = np.ones(len(merged), dtype=bool)
    new[1:] = merged[1:] != merged[:-1]
    # A segment ending at `cut` belongs to the first supply and the first demand ending at or
    # after it: those with as many ends strictly before `cut` as their index.
    cut = merged[new]
    si = supplies_before[new] + s.start
    di = demands_before[new] + d.start
    quantity = np.diff(cut, prepend=0)
    return [
        supply.item[si],
        supply.kind[si],
        supply.ref[si],
        demand.kind[di],
        demand.ref[di],
        demand.bucket[di],
        quantity,
    ]
