"""The engine's inputs and outputs: plain numpy arrays, indexed by item 0..n-1 and bucket 0..T-1.

Units: quantities are int64 milli-units (see quantities.py); quantity-per and scrap rates are
int64 millionths; lead times are int32 days; dates are numpy datetime64[D]. The constructors
accept lists and convert them, so a test can write `Items(lead_days=[7, 14], ...)`.
"""

from dataclasses import dataclass, fields
from enum import IntEnum

import numpy as np


class LotRule(IntEnum):
    """How a net requirement becomes planned orders (see lots.py for the exact rules)."""

    LOT_FOR_LOT = 0
    FIXED = 1  # lot_param: order quantity; several orders of exactly that size
    MINIMUM = 2  # lot_param: minimum order quantity
    MULTIPLE = 3  # lot_param: orders are a multiple of it
    PERIODS_OF_SUPPLY = 4  # lot_param: number of buckets one order covers (≥ 1)


class Strategy(IntEnum):
    """Which independent demand an item plans for."""

    MTS = 0  # make to stock: the larger of forecast and booked orders per bucket
    MTO = 1  # make to order: booked orders only


class DemandKind(IntEnum):
    """What a demand element is; the order within one bucket is this enum's order."""

    ORDER = 0  # a booked order line; ref = its id
    FORECAST = 1  # the part of a forecast line not consumed by orders; ref = the line's id
    PARENT_ORDER = 2  # dependent demand of one parent planned order; ref = that order's index
    SAFETY_STOCK = 3  # the safety stock to keep (bucket 0); ref = -1
    EXCESS = 4  # supply nothing in the horizon needs (lot sizes, surplus stock); ref = -1


class SupplyKind(IntEnum):
    """Where pegged supply comes from; the order within one bucket is this enum's order."""

    ON_HAND = 0  # ref = -1
    SCHEDULED = 1  # an open production or purchase order; ref = its receipt id
    PLANNED = 2  # ref = the planned order's index


class ExceptionKind(IntEnum):
    """MRP exception messages (defined in exceptions.py)."""

    SHORTAGE = 0
    BELOW_SAFETY_STOCK = 1
    RELEASE_PAST = 2
    RESCHEDULE_IN = 3
    RESCHEDULE_OUT = 4


OPEN_FROM = -1  # a BOM line valid since forever
OPEN_TO = np.iinfo(np.int32).max  # a BOM line valid for ever


class _Arrays:
    """Converts each field to a numpy array of the dtype its annotation comment names."""

    _dtypes: dict[str, str] = {}

    def __post_init__(self) -> None:
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if f.name in self._dtypes:
                object.__setattr__(self, f.name, np.asarray(value, dtype=self._dtypes[f.name]))


@dataclass(frozen=True, eq=False)
class Horizon(_Arrays):
    """The time buckets: bucket t covers [starts[t], starts[t+1]), the last one ends at `end`.

    starts[0] is the run date: a release date before it is in the past.
    """

    starts: np.ndarray  # datetime64[D][T], strictly increasing, T ≤ 104
    end: np.datetime64  # the day after the last bucket

    _dtypes = {"starts": "datetime64[D]"}

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "end", np.datetime64(self.end, "D"))

    @property
    def n_buckets(self) -> int:
        return len(self.starts)


@dataclass(frozen=True, eq=False)
class Items(_Arrays):
    """Item master, one entry per item."""

    lead_days: np.ndarray  # int32: due date − release date of a planned order
    lot_rule: np.ndarray  # int8: LotRule
    lot_param: np.ndarray  # int64: milli-units, or buckets for PERIODS_OF_SUPPLY; ignored by L4L
    safety_stock: np.ndarray  # int64 milli-units
    scrap_micro: np.ndarray  # int64: share lost in making, millionths, 0 ≤ s < 10^6
    on_hand: np.ndarray  # int64 milli-units, ≥ 0
    strategy: np.ndarray  # int8: Strategy

    _dtypes = {
        "lead_days": "int32",
        "lot_rule": "int8",
        "lot_param": "int64",
        "safety_stock": "int64",
        "scrap_micro": "int64",
        "on_hand": "int64",
        "strategy": "int8",
    }

    def __len__(self) -> int:
        return len(self.lead_days)


@dataclass(frozen=True, eq=False)
class Bom(_Arrays):
    """BOM lines ("edges"): `component` goes into `parent`.

    qty_per_micro already includes the line's scrap: qty_per × (1 + line scrap), in millionths.
    A line applies to parent orders released in buckets [valid_from_bucket, valid_to_bucket);
    OPEN_FROM / OPEN_TO mark open ends (a release in the past counts as bucket 0).
    """

    parent: np.ndarray  # int32
    component: np.ndarray  # int32
    qty_per_micro: np.ndarray  # int64, 0 ≤ m < 10^9
    valid_from_bucket: np.ndarray | None = None  # int32; None: all OPEN_FROM
    valid_to_bucket: np.ndarray | None = None  # int32; None: all OPEN_TO

    _dtypes = {
        "parent": "int32",
        "component": "int32",
        "qty_per_micro": "int64",
        "valid_from_bucket": "int32",
        "valid_to_bucket": "int32",
    }

    def __post_init__(self) -> None:
        n = len(np.asarray(self.parent))
        if self.valid_from_bucket is None:
            object.__setattr__(self, "valid_from_bucket", np.full(n, OPEN_FROM))
        if self.valid_to_bucket is None:
            object.__setattr__(self, "valid_to_bucket", np.full(n, OPEN_TO))
        super().__post_init__()

    def __len__(self) -> int:
        return len(self.parent)


@dataclass(frozen=True, eq=False)
class Demand(_Arrays):
    """Independent demand elements: forecast lines and booked order lines, each in one bucket.

    The caller puts order lines due before the horizon into bucket 0 and spreads a forecast
    line over buckets as it sees fit (one element per line and bucket).
    """

    item: np.ndarray  # int32
    bucket: np.ndarray  # int32
    quantity: np.ndarray  # int64 milli-units, ≥ 0
    kind: np.ndarray  # int8: DemandKind.ORDER or DemandKind.FORECAST
    source_id: np.ndarray  # int64: the order line's or forecast line's id

    _dtypes = {
        "item": "int32",
        "bucket": "int32",
        "quantity": "int64",
        "kind": "int8",
        "source_id": "int64",
    }

    def __len__(self) -> int:
        return len(self.item)


@dataclass(frozen=True, eq=False)
class ScheduledReceipts(_Arrays):
    """Open production and purchase orders, due in a bucket of the horizon."""

    item: np.ndarray  # int32
    bucket: np.ndarray  # int32
    quantity: np.ndarray  # int64 milli-units, ≥ 0
    receipt_id: np.ndarray  # int64

    _dtypes = {"item": "int32", "bucket": "int32", "quantity": "int64", "receipt_id": "int64"}

    def __len__(self) -> int:
        return len(self.item)


@dataclass(frozen=True, eq=False)
class MrpInput:
    """Everything one run reads."""

    horizon: Horizon
    items: Items
    bom: Bom
    demand: Demand
    receipts: ScheduledReceipts

    @property
    def n_items(self) -> int:
        return len(self.items)

    @property
    def n_buckets(self) -> int:
        return self.horizon.n_buckets


@dataclass(frozen=True, eq=False)
class BucketPlan:
    """The time-phased record, each an int64 [item, bucket] array in milli-units."""

    gross: np.ndarray  # independent + dependent requirements
    scheduled: np.ndarray  # scheduled receipts due in the bucket
    projected: np.ndarray  # projected on hand at the end of the bucket, planned receipts included
    net: np.ndarray  # max(0, safety stock − (previous projected + scheduled − gross))
    planned_receipt: np.ndarray  # planned orders due in the bucket (good quantity)
    planned_release: np.ndarray  # planned orders released in the bucket (grossed up for scrap)


@dataclass(frozen=True, eq=False)
class PlannedOrders:
    """Planned orders, ordered by item, due bucket, then (FIXED lots) one after another."""

    item: np.ndarray  # int32
    due_bucket: np.ndarray  # int32
    release_bucket: np.ndarray  # int32; 0 when the release date is before the horizon
    due_date: np.ndarray  # datetime64[D]: the due bucket's start
    release_date: np.ndarray  # datetime64[D]: due date − lead days (may be before the horizon)
    receipt_quantity: np.ndarray  # int64: good quantity expected
    release_quantity: np.ndarray  # int64: quantity to start, ⌈receipt × 10^6 / (10^6 − scrap)⌉

    def __len__(self) -> int:
        return len(self.item)


@dataclass(frozen=True, eq=False)
class DemandElements:
    """Demand elements of one kind or several, ordered by item, bucket, kind, ref, line."""

    item: np.ndarray  # int32
    bucket: np.ndarray  # int32
    kind: np.ndarray  # int8: DemandKind
    ref: np.ndarray  # int64: source id, parent planned-order index, or -1
    quantity: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.item)


@dataclass(frozen=True, eq=False)
class MaterialRequirements:
    """Components each planned order needs: one row per planned order and BOM line that applies.

    quantity = ⌈order's release quantity × line's qty_per / 10^6⌉, needed in the order's release
    bucket. These are the material issue lists, and the PARENT_ORDER demand of the components.
    """

    order: np.ndarray  # int64: planned-order index (the parent's order)
    line: np.ndarray  # int64: BOM line index
    component: np.ndarray  # int32
    bucket: np.ndarray  # int32: the parent order's release bucket
    quantity: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.order)


@dataclass(frozen=True, eq=False)
class Exceptions:
    """MRP exception messages, ordered by item, kind, bucket, ref."""

    kind: np.ndarray  # int8: ExceptionKind
    item: np.ndarray  # int32
    bucket: np.ndarray  # int32: where it happens (see exceptions.py per kind)
    to_bucket: (
        np.ndarray
    )  # int32: suggested bucket for a reschedule; -1: cancel, or not a reschedule
    quantity: np.ndarray  # int64
    ref: np.ndarray  # int64: planned-order index (RELEASE_PAST), receipt id (RESCHEDULE_*), or -1

    def __len__(self) -> int:
        return len(self.kind)


@dataclass(frozen=True, eq=False)
class Pegging:
    """Which demand each unit of supply covers, FIFO per item; ordered by item then time.

    For each item the quantities of its supply elements and of its demand elements (with
    EXCESS for what is left) add up to the same total, so every planned order's pegs sum to
    its receipt quantity.
    """

    item: np.ndarray  # int32
    supply_kind: np.ndarray  # int8: SupplyKind
    supply_ref: np.ndarray  # int64: receipt id, planned-order index, or -1
    demand_kind: np.ndarray  # int8: DemandKind
    demand_ref: np.ndarray  # int64: source id, parent planned-order index, or -1
    demand_bucket: np.ndarray  # int32: the demand's bucket (EXCESS: T)
    quantity: np.ndarray  # int64, > 0

    def __len__(self) -> int:
        return len(self.item)


@dataclass(frozen=True, eq=False)
class Plan:
    """What the netting computes (pegging apart)."""

    low_level_code: np.ndarray  # int32[n]: longest path from a top item; 0 for top items
    buckets: BucketPlan
    orders: PlannedOrders
    exceptions: Exceptions
    independent: DemandElements  # the ORDER and FORECAST elements behind the independent gross


@dataclass(frozen=True, eq=False)
class MrpResult:
    """A whole run: the plan, its pegging and how long each took (seconds)."""

    plan: Plan
    pegging: Pegging
    plan_seconds: float
    pegging_seconds: float
