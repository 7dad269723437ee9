"""How a run's results are stored: per item, a few columns to search on and five compressed arrays.

Each array column is a zlib-compressed numpy record array (little-endian, fixed layout below), one
record per bucket row, planned order, peg, material line or exception of the item. Ids are the
database's: items, BOM lines, forecast lines, sales order lines; planned orders are the run's
order numbers; scheduled receipts are receipt keys (domain.store.mrp.supply).

    buckets     int64 [2, T]: gross requirement and scheduled receipts; projected on hand, net
                requirement, planned receipts and releases follow from them, the orders, on
                hand and safety stock exactly as the engine computes them (bucket_record)
    orders      per planned order of the item: due bucket, release bucket, receipt, release
    pegging     per peg of the item's supply: supply kind and ref, demand kind, ref and bucket,
                quantity (ON_HAND ref −1, SCHEDULED receipt key, PLANNED order number; demand
                ORDER line id, FORECAST line id, PARENT_ORDER order number, else −1)
    materials   per (planned order of the item, BOM line): order's position among the item's
                orders, BOM line id, component item id, quantity (the order's release bucket)
    exceptions  kind, bucket, to bucket, quantity, ref (RELEASE_PAST order number; RESCHEDULE_*
                receipt key; else −1)

Quantities are milli-units as the engine computes them. Encoding splits the engine's arrays (all
ordered by item) at item boundaries, so it is a pass over each array plus one compression per
item and column.
"""

import zlib
from dataclasses import dataclass, fields

import numpy as np

from domain.mrp import (
    ExceptionKind,
    Exceptions,
    MrpResult,
    Pegging,
    PlannedOrders,
    SupplyKind,
    material_requirements,
)
from domain.mrp.model import MrpInput

STORED_ROWS = ("gross", "scheduled")
ORDER = np.dtype(
    [("due", "<i2"), ("release_bucket", "<i2"), ("receipt", "<i8"), ("release", "<i8")]
)
PEG = np.dtype(
    [
        ("supply_kind", "i1"),
        ("demand_kind", "i1"),
        ("demand_bucket", "<i2"),
        ("supply_ref", "<i8"),
        ("demand_ref", "<i8"),
        ("quantity", "<i8"),
    ]
)
MATERIAL = np.dtype([("order", "<i4"), ("line", "<i8"), ("component", "<i8"), ("quantity", "<i8")])
EXCEPTION = np.dtype(
    [
        ("kind", "i1"),
        ("bucket", "<i2"),
        ("to_bucket", "<i2"),
        ("quantity", "<i8"),
        ("ref", "<i8"),
    ]
)
MATERIAL_CHUNK = 1 << 19  # planned orders per chunk of material requirements
LEVEL = 1  # zlib level: these arrays compress about as well at 1 as at 6, several times faster


@dataclass(frozen=True, eq=False)
class Identities:
    """Database ids of the engine's indexes."""

    item_ids: np.ndarray  # int64[n]: item index → item id
    bom_line_ids: np.ndarray  # int64[lines]: BOM line index → bom_line id
    receipt_keys: np.ndarray  # int64[receipts]: engine receipt id → receipt key (identity here)


@dataclass(frozen=True, eq=False)
class EncodedItems:
    """One entry per item index: the blobs and the searchable facts of mrp_run_item."""

    buckets: list[bytes]
    orders: list[bytes]
    pegging: list[bytes]
    materials: list[bytes]
    exceptions: list[bytes]
    order_count: np.ndarray
    first_order: np.ndarray
    first_due_bucket: np.ndarray  # −1: no order
    exception_mask: np.ndarray
    shortage: np.ndarray  # bool
    receipt_total: np.ndarray  # milli-units of all planned receipts


def pack(records: np.ndarray) -> bytes:
    return zlib.compress(records.tobytes(), LEVEL)


def unpack(blob: bytes, dtype: np.dtype) -> np.ndarray:
    return np.frombuffer(zlib.decompress(blob), dtype=dtype)


@dataclass(frozen=True, eq=False)
class BucketRecord:
    """One item's time-phased record, int64 milli-units per bucket (see model.BucketPlan)."""

    gross: np.ndarray
    scheduled: np.ndarray
    projected: np.ndarray
    net: np.ndarray
    planned_receipt: np.ndarray
    planned_release: np.ndarray


def bucket_record(
    buckets: bytes, orders: bytes, on_hand: int, safety_stock: int, n_buckets: int
) -> BucketRecord:
    """The record of one item from its stored columns (on hand and safety stock in milli-units):
    planned receipts and releases are its orders' sums per due and release bucket, projected on
    hand is on hand + Σ (scheduled − gross + planned receipt), and the net requirement is
    max(0, safety stock − (projected before + scheduled − gross)), as in domain.mrp.netting."""
    gross, scheduled = unpack(buckets, np.dtype("<i8")).reshape(len(STORED_ROWS), n_buckets)
    placed = unpack(orders, ORDER)
    receipt = np.zeros(n_buckets, dtype=np.int64)
    np.add.at(receipt, placed["due"], placed["receipt"])
    release = np.zeros(n_buckets, dtype=np.int64)
    np.add.at(release, placed["release_bucket"], placed["release"])
    change = scheduled - gross
    projected = on_hand + np.cumsum(change + receipt)
    before = np.concatenate([[on_hand], projected[:-1]])
    net = np.maximum(0, safety_stock - (before + change))
    return BucketRecord(gross, scheduled, projected, net, receipt, release)


def encode(inp: MrpInput, result: MrpResult, ids: Identities) -> EncodedItems:
    """The per-item records of a run, ready to store.

    One column at a time, its records made, split per item, compressed and let go before the
    next (material requirements in chunks of orders): the records of a 100k-item run are
    hundreds of megabytes each, the compressed blobs a fraction of that.
    """
    n = inp.n_items
    plan = result.plan
    orders = plan.orders
    order_count = np.bincount(orders.item, minlength=n).astype(np.int64)
    first_order = np.cumsum(order_count) - order_count
    exceptions = plan.exceptions
    exception_mask = np.zeros(n, dtype=np.int64)
    np.bitwise_or.at(exception_mask, exceptions.item, 1 << exceptions.kind.astype(np.int64))
    first_due = np.full(n, -1, dtype=np.int64)
    has_orders = order_count > 0
    first_due[has_orders] = orders.due_bucket[first_order[has_orders]]
    stacked = np.stack([getattr(plan.buckets, name) for name in STORED_ROWS], axis=1)
    return EncodedItems(
        buckets=[pack(stacked[i]) for i in range(n)],
        orders=_order_blobs(orders, n),
        pegging=_peg_blobs(result.pegging, ids, n),
        materials=_material_blobs(inp, orders, first_order, ids),
        exceptions=_exception_blobs(exceptions, ids, n),
        order_count=order_count,
        first_order=first_order,
        first_due_bucket=first_due,
        exception_mask=exception_mask,
        shortage=(exception_mask & (1 << ExceptionKind.SHORTAGE)) != 0,
        receipt_total=plan.buckets.planned_receipt.sum(axis=1),
    )


def _order_blobs(orders: PlannedOrders, n_items: int) -> list[bytes]:
    records = np.empty(len(orders), dtype=ORDER)
    records["due"] = orders.due_bucket
    records["release_bucket"] = orders.release_bucket
    records["receipt"] = orders.receipt_quantity
    records["release"] = orders.release_quantity
    return _split(records, orders.item, n_items)


def _peg_blobs(pegging: Pegging, ids: Identities, n_items: int) -> list[bytes]:
    records = np.empty(len(pegging), dtype=PEG)
    records["supply_kind"] = pegging.supply_kind
    records["demand_kind"] = pegging.demand_kind
    records["demand_bucket"] = pegging.demand_bucket
    records["supply_ref"] = pegging.supply_ref
    scheduled = np.flatnonzero(pegging.supply_kind == SupplyKind.SCHEDULED)
    records["supply_ref"][scheduled] = ids.receipt_keys[pegging.supply_ref[scheduled]]
    records["demand_ref"] = pegging.demand_ref
    records["quantity"] = pegging.quantity
    return _split(records, pegging.item, n_items)


def _material_blobs(
    inp: MrpInput, orders: PlannedOrders, first_order: np.ndarray, ids: Identities
) -> list[bytes]:
    """Material requirements per item, computed for a chunk of items' orders at a time."""
    n = inp.n_items
    item_end = np.searchsorted(orders.item, np.arange(n + 1))  # orders of item i: [i] to [i+1]
    blobs: list[bytes] = []
    start = 0
    while start < n:
        stop = max(start + 1, int(np.searchsorted(item_end, item_end[start] + MATERIAL_CHUNK)) - 1)
        stop = min(stop, n)
        chosen = slice(int(item_end[start]), int(item_end[stop]))
        part = PlannedOrders(**{f.name: getattr(orders, f.name)[chosen] for f in fields(orders)})
        needs = material_requirements(part, inp.bom, n)
        records = np.empty(len(needs), dtype=MATERIAL)
        needs_item = part.item[needs.order]
        records["order"] = needs.order + chosen.start - first_order[needs_item]
        records["line"] = ids.bom_line_ids[needs.line]
        records["component"] = ids.item_ids[needs.component]
        records["quantity"] = needs.quantity
        del needs
        bounds = np.searchsorted(needs_item, np.arange(start, stop + 1))
        blobs += [pack(records[bounds[k] : bounds[k + 1]]) for k in range(stop - start)]
        start = stop
    return blobs


def _exception_blobs(exceptions: Exceptions, ids: Identities, n_items: int) -> list[bytes]:
    records = np.empty(len(exceptions), dtype=EXCEPTION)
    records["kind"] = exceptions.kind
    records["bucket"] = exceptions.bucket
    records["to_bucket"] = exceptions.to_bucket
    records["quantity"] = exceptions.quantity
    ref = exceptions.ref.copy()
    reschedule = np.isin(
        exceptions.kind, [ExceptionKind.RESCHEDULE_IN, ExceptionKind.RESCHEDULE_OUT]
    )
    ref[reschedule] = ids.receipt_keys[ref[reschedule]]  # engine receipt ids are positions
    records["ref"] = ref
    return _split(records, exceptions.item, n_items)


def _split(records: np.ndarray, item: np.ndarray, n_items: int) -> list[bytes]:
    """Records ordered by item → one packed blob per item index (empty records for none)."""
    bounds = np.searchsorted(item, np.arange(n_items + 1))
    return [pack(records[bounds[i] : bounds[i + 1]]) for i in range(n_items)]
