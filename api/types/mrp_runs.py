"""MRP runs and their results: the time-phased record per item, planned orders with pegging and
material requirements, exceptions, purchase suggestions by supplier, run comparison.

A run's results are an immutable snapshot, stored per item (domain.store.mrp.results); the
types below decode what a query asks for. Quantities are exact decimals of 3 places, in the
item's unit. Visible to the company-wide readers (admin, VP, general manager, finance,
planner); to anyone else a run does not exist.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from api.ids import to_global_id
from api.pagination import After, Before, Connection, First, Last, PageLimits, PageRequest
from api.types.enums import described_enum
from api.types.errors import UserError
from api.types.mrp_master import BomLine, Item, ProcurementEnum, Supplier
from api.types.node import Node
from domain.mrp import DemandKind, ExceptionKind
from domain.mrp.master import Procurement
from domain.mrp.runs import BucketKind, MrpRunStatus
from domain.store.mrp.reading import PlannedOrderRecord, TracedDemand, orders_of, pegs_of_order
from domain.store.mrp.results import MATERIAL, bucket_record, unpack
from domain.store.mrp.supply import receipt_of

if TYPE_CHECKING:
    from api.types.forecasts import Forecast, ForecastLine
    from api.types.orders import SalesOrderLine
    from api.types.organisation import User
    from api.types.plans import SalesPlan, SalesPlanLine

ForecastType = Annotated["Forecast", strawberry.lazy("api.types.forecasts")]
ForecastLineType = Annotated["ForecastLine", strawberry.lazy("api.types.forecasts")]
SalesPlanType = Annotated["SalesPlan", strawberry.lazy("api.types.plans")]
SalesPlanLineType = Annotated["SalesPlanLine", strawberry.lazy("api.types.plans")]
SalesOrderLineType = Annotated["SalesOrderLine", strawberry.lazy("api.types.orders")]
UserType = Annotated["User", strawberry.lazy("api.types.organisation")]

RESULT_PAGES = PageLimits(default=50, maximum=100)
RUN_PAGES = PageLimits(default=20, maximum=100)
ORDER_KEY_SHIFT = 32  # a planned order's global id: run id × 2^32 + its number in the run


def milli(value: int) -> Decimal:
    return Decimal(value).scaleb(-3)


MrpRunStatusEnum = described_enum(
    MrpRunStatus,
    name="MrpRunStatus",
    description="QUEUED (mrpRunStart, mrpRunRetry) → RUNNING (a worker computes it, with "
    "progress) → SUCCEEDED | FAILED (with `failureReason`; mrpRunRetry queues it again).",
    values={
        MrpRunStatus.QUEUED: "Waiting for a worker.",
        MrpRunStatus.RUNNING: "A worker is computing it; see `progress` and `stage`.",
        MrpRunStatus.SUCCEEDED: "Computed and stored, all results at once.",
        MrpRunStatus.FAILED: "Stopped without results; `failureReason` says why.",
    },
)
BucketKindEnum = described_enum(
    BucketKind,
    name="MrpBucketKind",
    description="The length of a run's time buckets.",
    values={
        BucketKind.WEEK: "Weeks, Monday to Sunday.",
        BucketKind.MONTH: "Calendar months.",
    },
)
DemandKindEnum = described_enum(
    DemandKind,
    name="MrpDemandKind",
    description="What a unit of planned supply is pegged to.",
    values={
        DemandKind.ORDER: "A booked sales order line (`salesOrderLine`).",
        DemandKind.FORECAST: "What is left of a forecast line once booked orders consumed it "
        "(`forecastLine`; in a what-if run possibly a revision's plan line, `planLine`).",
        DemandKind.PARENT_ORDER: "The component need of a parent's planned order (`parentOrder`).",
        DemandKind.SAFETY_STOCK: "The safety stock to keep.",
        DemandKind.EXCESS: "Nothing in the horizon needs it (lot sizes, surplus).",
    },
)
ExceptionKindEnum = described_enum(
    ExceptionKind,
    name="MrpExceptionKind",
    description="What a planner must look at.",
    values={
        ExceptionKind.SHORTAGE: "Projected stock without planned orders goes below zero: the "
        "first bucket and the quantity missing.",
        ExceptionKind.BELOW_SAFETY_STOCK: "Projected stock without planned orders dips below "
        "safety stock (but not below zero).",
        ExceptionKind.RELEASE_PAST: "A planned order should have been released before the run's "
        "first day.",
        ExceptionKind.RESCHEDULE_IN: "A scheduled receipt is needed earlier than it is due.",
        ExceptionKind.RESCHEDULE_OUT: "A scheduled receipt is due before it is needed, or not "
        "needed at all (cancel).",
    },
)


@strawberry.enum(description="What a planned order becomes when acted on.")
class PlannedOrderKind(Enum):
    PRODUCTION = strawberry.enum_value("PRODUCTION", description="A production order (MAKE).")
    PURCHASE = strawberry.enum_value("PURCHASE", description="A purchase requisition (BUY).")


ORDER_KIND = {
    Procurement.MAKE: PlannedOrderKind.PRODUCTION,
    Procurement.BUY: PlannedOrderKind.PURCHASE,
}


@strawberry.type(description="Why an MRP run action was refused.")
class MrpRunError(UserError):
    pass


@dataclass(frozen=True)
class RunFrame:
    """What decoding a run's results needs: its id and bucket boundaries."""

    run_pk: int
    boundaries: tuple[date, ...]  # bucket starts, then the horizon's end

    @property
    def starts(self) -> Sequence[date]:
        return self.boundaries[:-1]


@strawberry.type(description="One time bucket of an item's record (MRP table), 3 decimals.")
class MrpBucket:
    start: date = strawberry.field(description="First day of the bucket.")
    gross_requirement: Decimal = strawberry.field(
        description="Independent demand plus the component needs of parents' planned orders."
    )
    scheduled_receipts: Decimal = strawberry.field(description="Open orders due in the bucket.")
    projected_on_hand: Decimal = strawberry.field(
        description="Stock at the end of the bucket, planned receipts included."
    )
    net_requirement: Decimal = strawberry.field(
        description="What the bucket lacks to end at safety stock before planned receipts."
    )
    planned_receipt: Decimal = strawberry.field(description="Planned orders due in the bucket.")
    planned_release: Decimal = strawberry.field(
        description="Planned orders to start in the bucket (grossed up for scrap)."
    )


@strawberry.type(description="A component a planned production order needs (material issue).")
class MrpMaterialRequirement:
    component_pk: strawberry.Private[int]
    line_pk: strawberry.Private[int]
    quantity: Decimal = strawberry.field(
        description="⌈release quantity × quantity per (line scrap included)⌉, 3 decimals."
    )
    needed_on: date = strawberry.field(description="The order's release bucket's first day.")

    @strawberry.field(description="The component to issue.")
    async def component(self, info: Info) -> Item | None:
        return await info.context.loaders.mrp.item.load(self.component_pk)

    @strawberry.field(description="The BOM line behind it; null if removed since the run.")
    async def bom_line(self, info: Info) -> BomLine | None:
        return await info.context.loaders.mrp.bom_line.load(self.line_pk)


@strawberry.type(description="Part of a planned order's quantity and the demand it covers.")
class MrpPeg:
    run_pk: strawberry.Private[int]
    ref: strawberry.Private[int]
    demand_kind: DemandKindEnum = strawberry.field(description="What kind of demand.")
    quantity: Decimal = strawberry.field(description="Units of this order covering it.")
    needed_on: date | None = strawberry.field(
        description="First day of the demand's bucket; null for EXCESS."
    )

    @strawberry.field(description="PARENT_ORDER: the parent's planned order needing the component.")
    async def parent_order(
        self, info: Info
    ) -> Annotated["MrpPlannedOrder", strawberry.lazy("api.types.mrp_runs")] | None:
        if self.demand_kind is not DemandKind.PARENT_ORDER:
            return None
        return await info.context.loaders.mrp.planned_order.load((self.run_pk, self.ref))

    @strawberry.field(description="ORDER: the booked sales order line.")
    async def sales_order_line(self, info: Info) -> SalesOrderLineType | None:
        if self.demand_kind is not DemandKind.ORDER:
            return None
        return await info.context.loaders.orders.line.load(self.ref)

    @strawberry.field(
        description="FORECAST: the forecast line; its `sources` name the plan versions behind it."
    )
    async def forecast_line(self, info: Info) -> ForecastLineType | None:
        if self.demand_kind is not DemandKind.FORECAST or self.ref < 0:
            return None
        return await info.context.loaders.forecasts.line.load(self.ref)

    @strawberry.field(
        description="FORECAST in a what-if run, for a product and period the forecast has no "
        "line for: the submitted revision's plan line."
    )
    async def plan_line(self, info: Info) -> SalesPlanLineType | None:
        if self.demand_kind is not DemandKind.FORECAST or self.ref >= 0:
            return None
        return await info.context.loaders.plans.line.load(-self.ref)


@strawberry.type(
    description="An independent demand (a booked order line or a forecast line) a planned "
    "order serves, found by following pegs up through its parents' planned orders."
)
class MrpTracedDemand:
    run_pk: strawberry.Private[int]
    ref: strawberry.Private[int]
    path_numbers: strawberry.Private[tuple[int, ...]]
    demand_kind: DemandKindEnum = strawberry.field(description="ORDER or FORECAST.")
    quantity: Decimal = strawberry.field(
        description="Units of the top order of the path pegged to this demand (that item's unit)."
    )
    needed_on: date = strawberry.field(description="First day of the demand's bucket.")

    @strawberry.field(
        description="The planned orders from the traced one up to the one the demand is for."
    )
    async def path(
        self, info: Info
    ) -> list[Annotated["MrpPlannedOrder", strawberry.lazy("api.types.mrp_runs")]]:
        loader = info.context.loaders.mrp.planned_order
        orders = await loader.load_many([(self.run_pk, n) for n in self.path_numbers])
        return [o for o in orders if o is not None]

    @strawberry.field(description="ORDER: the booked sales order line.")
    async def sales_order_line(self, info: Info) -> SalesOrderLineType | None:
        if self.demand_kind is not DemandKind.ORDER:
            return None
        return await info.context.loaders.orders.line.load(self.ref)

    @strawberry.field(
        description="FORECAST: the forecast line; its `sources` name the plan versions behind it."
    )
    async def forecast_line(self, info: Info) -> ForecastLineType | None:
        if self.demand_kind is not DemandKind.FORECAST or self.ref < 0:
            return None
        return await info.context.loaders.forecasts.line.load(self.ref)

    @strawberry.field(description="FORECAST of a what-if revision's plan line (see MrpPeg).")
    async def plan_line(self, info: Info) -> SalesPlanLineType | None:
        if self.demand_kind is not DemandKind.FORECAST or self.ref >= 0:
            return None
        return await info.context.loaders.plans.line.load(-self.ref)


@strawberry.type(description="A planned production order or planned purchase of one item.")
class MrpPlannedOrder(Node):
    frame: strawberry.Private[RunFrame]
    record: strawberry.Private[PlannedOrderRecord]
    row: strawberry.Private[object]  # the item's mrp_run_item row (pegs, materials)
    number: int = strawberry.field(
        description="Its number in the run (by item, then due date): pegs name parents by it."
    )
    kind: PlannedOrderKind = strawberry.field(description="Production (MAKE) or purchase (BUY).")
    due_date: date = strawberry.field(description="When the goods are needed (bucket start).")
    release_date: date = strawberry.field(
        description="Due date minus the item's lead time: when to start or order."
    )
    release_in_past: bool = strawberry.field(
        description="The release date is before the run's first day (RELEASE_PAST)."
    )
    receipt_quantity: Decimal = strawberry.field(description="Good quantity expected, 3 decimals.")
    release_quantity: Decimal = strawberry.field(
        description="Quantity to start or order: the receipt grossed up for the item's scrap."
    )

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        key = (self.frame.run_pk << ORDER_KEY_SHIFT) | self.number
        return strawberry.ID(to_global_id("MrpPlannedOrder", key))

    @classmethod
    def of(cls, frame: RunFrame, record: PlannedOrderRecord, row) -> "MrpPlannedOrder":
        return cls(
            frame=frame,
            record=record,
            row=row,
            number=record.number,
            kind=ORDER_KIND[Procurement(row.procurement)],
            due_date=record.due_date,
            release_date=record.release_date,
            release_in_past=record.release_date < frame.starts[0],
            receipt_quantity=milli(record.receipt),
            release_quantity=milli(record.release),
        )

    @strawberry.field(description="The item planned.")
    async def item(self, info: Info) -> Item | None:
        return await info.context.loaders.mrp.item.load(self.record.item_id)

    @strawberry.field(description="PURCHASE: the item's preferred supplier at the run, if any.")
    async def supplier(self, info: Info) -> Supplier | None:
        if self.kind is not PlannedOrderKind.PURCHASE or self.row.supplier_id is None:
            return None
        return await info.context.loaders.mrp.supplier.load(self.row.supplier_id)

    @strawberry.field(description="The run it belongs to.")
    async def run(
        self, info: Info
    ) -> Annotated["MrpRun", strawberry.lazy("api.types.mrp_runs")] | None:
        return await info.context.loaders.mrp.run.load(self.frame.run_pk)

    @strawberry.field(
        description="Which demand this order's receipt covers, first in first out, one BOM "
        "level: follow `parentOrder` up, or ask for `tracedDemand`."
    )
    def pegging(self) -> list[MrpPeg]:
        starts = self.frame.starts
        return [
            MrpPeg(
                run_pk=self.frame.run_pk,
                ref=p.demand_ref,
                demand_kind=p.demand_kind,
                quantity=milli(p.quantity),
                needed_on=starts[p.demand_bucket] if p.demand_bucket < len(starts) else None,
            )
            for p in pegs_of_order(self.row, self.number)
        ]

    @strawberry.field(
        description="PRODUCTION: the components to issue for it, per BOM line that applies in "
        "its release bucket."
    )
    def material_requirements(self) -> list[MrpMaterialRequirement]:
        local = self.number - self.row.first_order
        needed_on = self.frame.starts[self.record.release_bucket]
        return [
            MrpMaterialRequirement(
                component_pk=int(m["component"]),
                line_pk=int(m["line"]),
                quantity=milli(int(m["quantity"])),
                needed_on=needed_on,
            )
            for m in unpack(self.row.materials, MATERIAL)
            if int(m["order"]) == local
        ]

    @strawberry.field(
        description="The booked order lines and forecast lines this order serves, found by "
        "following pegs up through the parents' planned orders (one statement per BOM level)."
    )
    async def traced_demand(self, info: Info) -> list[MrpTracedDemand]:
        traced: list[TracedDemand] = await info.context.loaders.mrp.trace.load(
            (self.frame.run_pk, self.number)
        )
        starts = self.frame.starts
        return [
            MrpTracedDemand(
                run_pk=self.frame.run_pk,
                ref=t.ref,
                path_numbers=t.path,
                demand_kind=t.kind,
                quantity=milli(t.quantity),
                needed_on=starts[t.bucket],
            )
            for t in traced
        ]


@strawberry.type(description="An MRP exception message: something a planner must look at.")
class MrpException:
    frame: strawberry.Private[RunFrame]
    item_pk: strawberry.Private[int]
    ref: strawberry.Private[int]
    kind: ExceptionKindEnum = strawberry.field(description="What happened.")
    bucket_start: date = strawberry.field(
        description="Where: the first short bucket (SHORTAGE, BELOW_SAFETY_STOCK), the order's "
        "due bucket (RELEASE_PAST) or the receipt's due bucket (RESCHEDULE_*)."
    )
    suggested_date: date | None = strawberry.field(
        description="RESCHEDULE_*: the bucket to move the receipt to; null when it should be "
        "cancelled (`cancel`) or for other kinds."
    )
    cancel: bool = strawberry.field(
        description="RESCHEDULE_OUT: no bucket of the horizon needs it."
    )
    quantity: Decimal = strawberry.field(
        description="Missing quantity (SHORTAGE, BELOW_SAFETY_STOCK), the order's release "
        "quantity (RELEASE_PAST) or the receipt's quantity (RESCHEDULE_*)."
    )

    @strawberry.field(description="The item.")
    async def item(self, info: Info) -> Item | None:
        return await info.context.loaders.mrp.item.load(self.item_pk)

    @strawberry.field(description="RELEASE_PAST: the planned order.")
    async def planned_order(self, info: Info) -> MrpPlannedOrder | None:
        if self.kind is not ExceptionKind.RELEASE_PAST:
            return None
        return await info.context.loaders.mrp.planned_order.load((self.frame.run_pk, self.ref))

    @strawberry.field(
        description="RESCHEDULE_*: the open order line it is about, as 'source #line id'."
    )
    def receipt(self) -> str | None:
        if self.kind not in (ExceptionKind.RESCHEDULE_IN, ExceptionKind.RESCHEDULE_OUT):
            return None
        source, line_id = receipt_of(self.ref)
        return f"{source} #{line_id}"


@strawberry.type(description="One item's results in a run: its MRP table and planned orders.")
class MrpItemResult:
    frame: strawberry.Private[RunFrame]
    row: strawberry.Private[object]
    low_level_code: int = strawberry.field(
        description="Longest path from a top item (0: nothing uses it); items are planned by it."
    )
    procurement: ProcurementEnum = strawberry.field(description="Made or bought, at the run.")
    lead_days: int = strawberry.field(description="The lead time the run used, in days.")
    on_hand: Decimal = strawberry.field(description="Stock on hand at the run's start.")
    safety_stock: Decimal = strawberry.field(description="Safety stock at the run.")
    shortage: bool = strawberry.field(description="Stock runs out without planned orders.")
    exception_kinds: list[ExceptionKindEnum] = strawberry.field(
        description="The kinds of exception messages the item has."
    )
    planned_order_count: int = strawberry.field(description="How many planned orders it has.")
    purchase_quantity: Decimal = strawberry.field(description="BUY: all planned purchases.")
    purchase_value: Decimal = strawberry.field(
        description="BUY: planned purchases at the preferred supplier's price (0 without one)."
    )

    @classmethod
    def of(cls, frame: RunFrame, row) -> "MrpItemResult":
        return cls(
            frame=frame,
            row=row,
            low_level_code=row.low_level_code,
            procurement=Procurement(row.procurement),
            lead_days=row.lead_days,
            on_hand=row.on_hand,
            safety_stock=row.safety_stock,
            shortage=row.shortage,
            exception_kinds=[k for k in ExceptionKind if row.exception_mask & (1 << k)],
            planned_order_count=row.order_count,
            purchase_quantity=row.purchase_quantity,
            purchase_value=row.purchase_value,
        )

    @strawberry.field(description="The item.")
    async def item(self, info: Info) -> Item | None:
        return await info.context.loaders.mrp.item.load(self.row.item_id)

    @strawberry.field(description="Its MRP table, one entry per bucket of the horizon.")
    def buckets(self) -> list[MrpBucket]:
        starts = self.frame.starts
        r = bucket_record(
            self.row.buckets,
            self.row.orders,
            int(self.row.on_hand * 1000),
            int(self.row.safety_stock * 1000),
            len(starts),
        )
        columns = zip(
            r.gross.tolist(), r.scheduled.tolist(), r.projected.tolist(), r.net.tolist(),
            r.planned_receipt.tolist(), r.planned_release.tolist(), strict=True,
        )  # fmt: skip
        return [
            MrpBucket(
                start=start,
                gross_requirement=milli(g),
                scheduled_receipts=milli(s),
                projected_on_hand=milli(p),
                net_requirement=milli(n),
                planned_receipt=milli(pr),
                planned_release=milli(rl),
            )
            for start, (g, s, p, n, pr, rl) in zip(starts, columns, strict=True)
        ]

    @strawberry.field(description="Its planned orders, by due date.")
    def planned_orders(self) -> list[MrpPlannedOrder]:
        return [
            MrpPlannedOrder.of(self.frame, record, self.row)
            for record in orders_of(self.row, list(self.frame.starts))
        ]


@strawberry.type(description="What the run suggests buying of one item.")
class MrpPurchaseSuggestion:
    item_pk: strawberry.Private[int]
    quantity: Decimal = strawberry.field(description="All planned purchases of the item.")
    value: Decimal = strawberry.field(description="At the supplier's price (0 without a price).")
    order_count: int = strawberry.field(description="How many planned purchases.")
    first_due: date | None = strawberry.field(description="Due date of the first one.")

    @strawberry.field(description="The item to buy.")
    async def item(self, info: Info) -> Item | None:
        return await info.context.loaders.mrp.item.load(self.item_pk)

    @classmethod
    def from_row(cls, row) -> "MrpPurchaseSuggestion":
        return cls(
            item_pk=row.item_id,
            quantity=row.purchase_quantity,
            value=row.purchase_value,
            order_count=row.order_count,
            first_due=row.first_due,
        )


@strawberry.type(description="Planned purchases grouped by supplier, with their value.")
class MrpSupplierSuggestion:
    run_pk: strawberry.Private[int]
    supplier_pk: strawberry.Private[int | None]
    minimum_order: strawberry.Private[Decimal | None]
    value: Decimal = strawberry.field(description="Total value of the planned purchases.")
    item_count: int = strawberry.field(description="How many items to buy from the supplier.")

    @strawberry.field(description="The supplier; null for BUY items without a preferred one.")
    async def supplier(self, info: Info) -> Supplier | None:
        if self.supplier_pk is None:
            return None
        return await info.context.loaders.mrp.supplier.load(self.supplier_pk)

    @strawberry.field(description="The value is below the supplier's minimum order value.")
    def below_minimum_order(self) -> bool:
        return self.minimum_order is not None and self.value < self.minimum_order

    @strawberry.field(description="The items, by id. " + RESULT_PAGES.describe("Items:"))
    async def items(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[MrpPurchaseSuggestion]:
        page = PageRequest.of(RESULT_PAGES, first, after, last, before)
        return await info.context.loaders.mrp.purchase_items.load(
            self.supplier_pk or 0, page, self.run_pk
        )


@strawberry.input(description="Which items of a run.")
class MrpItemWhereInput:
    shortage: bool | None = strawberry.field(
        default=None, description="Only items that run short (true) or do not (false)."
    )
    item_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only these items (at most 100 ids)."
    )
    level: int | None = strawberry.field(default=None, description="Only this low-level code.")
    exception: ExceptionKindEnum | None = strawberry.field(
        default=None, description="Only items with an exception of this kind."
    )
    procurement: ProcurementEnum | None = strawberry.field(
        default=None, description="Only made or only bought items."
    )


@strawberry.input(description="Which planned orders of a run.")
class MrpPlannedOrderWhereInput:
    kind: PlannedOrderKind | None = strawberry.field(
        default=None, description="Only production orders or only purchases."
    )
    item_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only orders of these items (at most 100 ids)."
    )
    due_before: date | None = strawberry.field(
        default=None, description="Only orders due before this day."
    )


@strawberry.input(description="Which exceptions of a run.")
class MrpExceptionWhereInput:
    kind: ExceptionKindEnum | None = strawberry.field(default=None, description="Only this kind.")
    item_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only exceptions of these items (at most 100 ids)."
    )


@strawberry.type(description="One MRP calculation from an approved forecast (MRP 计算).")
class MrpRun(Node):
    pk: strawberry.Private[int]
    frame: strawberry.Private[RunFrame]
    forecast_pk: strawberry.Private[int]
    started_by_pk: strawberry.Private[int]
    base_run_pk: strawberry.Private[int | None]
    revision_pks: strawberry.Private[tuple[int, ...]]
    status: MrpRunStatusEnum = strawberry.field(description="Where the run is.")
    progress: int = strawberry.field(description="Percent done, 0 to 100.")
    stage: str | None = strawberry.field(
        description="What the worker does or last did: LOADING, PLANNING, PEGGING, STORING, DONE."
    )
    failure_reason: str | None = strawberry.field(
        description="FAILED: why (e.g. a BOM cycle naming its items, or 'worker stopped')."
    )
    attempts: int = strawberry.field(description="How many times a worker started it.")
    bucket: BucketKindEnum = strawberry.field(description="Weekly or monthly buckets.")
    horizon: int = strawberry.field(description="Number of buckets, 1 to 104.")
    start_date: date = strawberry.field(
        description="First day of the first bucket; releases before it are in the past."
    )
    bucket_starts: list[date] = strawberry.field(description="First day of every bucket.")
    what_if: bool = strawberry.field(
        description="Computed with submitted plan revisions instead of the plans they revise."
    )
    queued_at: datetime = strawberry.field(description="When it was started (queued).")
    started_at: datetime | None = strawberry.field(description="When a worker last took it.")
    finished_at: datetime | None = strawberry.field(description="When it succeeded or failed.")
    load_seconds: float | None = strawberry.field(description="Reading the inputs took this long.")
    compute_seconds: float | None = strawberry.field(
        description="Planning and pegging took this long."
    )
    store_seconds: float | None = strawberry.field(
        description="Encoding and storing the results took this long."
    )
    inputs_digest: str | None = strawberry.field(
        description="SHA-256 of everything the engine read: equal digests, equal inputs."
    )
    item_count: int = strawberry.field(description="Items planned.")
    bom_line_count: int = strawberry.field(description="BOM lines read.")
    planned_order_count: int = strawberry.field(description="Planned orders made.")
    exception_count: int = strawberry.field(description="Exception messages.")
    shortage_count: int = strawberry.field(description="Items that run short.")
    purchase_value: Decimal = strawberry.field(description="Value of all planned purchases.")
    version: int = strawberry.field(
        description="Raised by every change of state; send it to mrpRunRetry as `expectedVersion`."
    )

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("MrpRun", self.pk))

    @strawberry.field(description="The approved forecast the run plans from.")
    async def forecast(self, info: Info) -> ForecastType | None:
        return await info.context.loaders.forecasts.forecast.load(self.forecast_pk)

    @strawberry.field(description="The planner who started it.")
    async def started_by(self, info: Info) -> UserType | None:
        return await info.context.loaders.organisation.user.load(self.started_by_pk)

    @strawberry.field(
        description="What-if: the latest succeeded run of the forecast when it started."
    )
    async def base_run(
        self, info: Info
    ) -> Annotated["MrpRun", strawberry.lazy("api.types.mrp_runs")] | None:
        if self.base_run_pk is None:
            return None
        return await info.context.loaders.mrp.run.load(self.base_run_pk)

    @strawberry.field(description="What-if: the submitted plan revisions it used.")
    async def plan_revisions(self, info: Info) -> list[SalesPlanType]:
        plans = await info.context.loaders.plans.plan.load_many(list(self.revision_pks))
        return [p for p in plans if p is not None]

    @strawberry.field(
        description="Items with their MRP tables, by item id. " + RESULT_PAGES.describe("Items:")
    )
    async def items(
        self,
        info: Info,
        where: Annotated[
            MrpItemWhereInput | None, strawberry.argument(description="Which items.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[MrpItemResult]:
        from api.loaders.mrp import item_filter

        page = PageRequest.of(RESULT_PAGES, first, after, last, before)
        return await info.context.loaders.mrp.run_items(self.frame).load(
            self.pk, page, item_filter(where)
        )

    @strawberry.field(
        description="Planned orders by number (item, then due date). "
        + RESULT_PAGES.describe("Orders:")
    )
    async def planned_orders(
        self,
        info: Info,
        where: Annotated[
            MrpPlannedOrderWhereInput | None, strawberry.argument(description="Which orders.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[MrpPlannedOrder]:
        from api.loaders.mrp import planned_orders_page

        page = PageRequest.of(RESULT_PAGES, first, after, last, before)
        return await planned_orders_page(info, self.frame, where, page)

    @strawberry.field(
        description="Exception messages by item, then kind. " + RESULT_PAGES.describe("Exceptions:")
    )
    async def exceptions(
        self,
        info: Info,
        where: Annotated[
            MrpExceptionWhereInput | None, strawberry.argument(description="Which exceptions.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[MrpException]:
        from api.loaders.mrp import exceptions_page

        page = PageRequest.of(RESULT_PAGES, first, after, last, before)
        return await exceptions_page(info, self.frame, where, page)

    @strawberry.field(
        description="Planned purchases grouped by preferred supplier (suppliers by id, the group "
        "without a supplier first), with their value. " + RESULT_PAGES.describe("Suppliers:")
    )
    async def purchase_suggestions(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[MrpSupplierSuggestion]:
        from api.loaders.mrp import supplier_suggestions_page

        page = PageRequest.of(RESULT_PAGES, first, after, last, before)
        return await supplier_suggestions_page(info, self.pk, page)


@strawberry.enum(description="How a planned order differs between two runs.")
class PlannedOrderChangeKind(Enum):
    ADDED = strawberry.enum_value("ADDED", description="Only the other run has it.")
    REMOVED = strawberry.enum_value("REMOVED", description="Only the base run has it.")
    CHANGED = strawberry.enum_value(
        "CHANGED",
        description="Both have it (same item and due date); quantities or release differ.",
    )


@strawberry.type(description="A planned order added, removed or changed from one run to another.")
class MrpPlannedOrderChange:
    item_pk: strawberry.Private[int]
    change: PlannedOrderChangeKind = strawberry.field(description="Added, removed or changed.")
    due_date: date = strawberry.field(description="The order's due date.")
    base_quantity: Decimal | None = strawberry.field(
        description="Receipt quantity in the base run."
    )
    other_quantity: Decimal | None = strawberry.field(
        description="Receipt quantity in the other run."
    )
    base_release_date: date | None = strawberry.field(description="Release date in the base run.")
    other_release_date: date | None = strawberry.field(description="Release date in the other run.")

    @strawberry.field(description="The item.")
    async def item(self, info: Info) -> Item | None:
        return await info.context.loaders.mrp.item.load(self.item_pk)


@strawberry.type(description="What changed from a base run to another run (e.g. a what-if).")
class MrpRunComparison:
    base: MrpRun = strawberry.field(description="The run compared from.")
    other: MrpRun = strawberry.field(description="The run compared to.")
    orders_added: int = strawberry.field(description="Planned orders only the other run has.")
    orders_removed: int = strawberry.field(description="Planned orders only the base run has.")
    orders_changed: int = strawberry.field(description="Planned orders in both that differ.")
    changes_list: strawberry.Private[list[MrpPlannedOrderChange]]
    new_shortage_pks: strawberry.Private[list[int]]
    resolved_shortage_pks: strawberry.Private[list[int]]

    @strawberry.field(
        description="The changed planned orders, by item and due date. "
        + RESULT_PAGES.describe("Changes:")
    )
    def changes(
        self, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[MrpPlannedOrderChange]:
        from api.loaders.mrp import list_page

        page = PageRequest.of(RESULT_PAGES, first, after, last, before)
        return list_page(self.changes_list, page)

    @strawberry.field(description="Items short in the other run but not in the base run.")
    async def new_shortages(self, info: Info) -> list[Item]:
        items = await info.context.loaders.mrp.item.load_many(self.new_shortage_pks)
        return [i for i in items if i is not None]

    @strawberry.field(description="Items short in the base run but not in the other run.")
    async def resolved_shortages(self, info: Info) -> list[Item]:
        items = await info.context.loaders.mrp.item.load_many(self.resolved_shortage_pks)
        return [i for i in items if i is not None]
