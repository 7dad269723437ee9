"""Everything one MRP run reads, as the engine's arrays: the loader of the `mrp.run` job.

- Items: every item, by id (item index k is the k-th smallest id). Lead time: the item's own,
  else (BUY) its preferred supplier's; none at all refuses the run (MISSING_LEAD_TIME naming
  the items). Lot parameters, safety stock and scrap as the engine's integers.
- BOM lines: every line; its quantity per includes its scrap (master.line_quantity_micro). A
  line applies to parent orders released in a bucket whose first day it is valid on.
- Independent demand, on items that are products (item.product_id):
  forecast: the lines of the run's forecast, each spread over the buckets by working days
  (runs.spread_over_buckets), ref = the forecast line id. A what-if run first replaces, in each
  forecast line, what the revised plans contributed by what their submitted revisions plan for
  the same product and period (a revision's figure for a product-month the forecast has no
  line for becomes demand whose ref is minus the revision's plan line id);
  booked orders: what is left to ship on the lines of CONFIRMED, IN_PRODUCTION, READY and
  PARTIALLY_SHIPPED orders (of the forecast's department, for a department's forecast), in the
  bucket of the promised date (bucket 0 when already due), ref = the order line id.
- Supply: on hand and scheduled receipts from domain.store.mrp.supply.
- The inputs digest: SHA-256 over every array the engine gets and the ids they map to, so two
  runs with the same digest had the same inputs.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from sqlalchemy import func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from domain.forecast.calendar import ForecastGranularity, split_month
from domain.mrp import (
    OPEN_FROM,
    OPEN_TO,
    Bom,
    Demand,
    DemandKind,
    Horizon,
    Items,
    LotRule,
    MrpInput,
    ScheduledReceipts,
)
from domain.mrp.master import Procurement, line_quantity_micro
from domain.mrp.quantities import MICRO, MILLI
from domain.mrp.runs import bucket_starts, spread_over_buckets
from domain.orders.lifecycle import OrderStatus
from domain.orders.shipments import LEFT_WAREHOUSE
from domain.plans.lines import QUANTITY_STEP
from domain.store.mrp.results import Identities
from domain.store.mrp.supply import on_hand, scheduled_receipts
from domain.store.tables import (
    SalesOrder,
    SalesOrderLine,
    SalesPlan,
    SalesPlanLine,
    Shipment,
    ShipmentLine,
)
from domain.store.tables.forecasts import Forecast, ForecastLine, ForecastLineSource
from domain.store.tables.mrp import BomLine, Item, MrpRun, Supplier, SupplierPrice

BOOKED = (
    OrderStatus.CONFIRMED,
    OrderStatus.IN_PRODUCTION,
    OrderStatus.READY,
    OrderStatus.PARTIALLY_SHIPPED,
)
NAMED_AT_MOST = 10  # items named in a refusal


class InputRefused(Exception):
    """The stored data cannot be planned; `code` is the ErrorCode name, the message names items."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, eq=False)
class RunInput:
    """The engine's input with the ids behind its indexes, and what the results need."""

    inp: MrpInput
    ids: Identities
    item_codes: list[str]  # per item index, to name items in messages
    boundaries: list[date]  # bucket starts, then the horizon's end
    procurement: list[Procurement]  # per item index
    supplier_id: np.ndarray  # int64 per item index; −1: none
    unit_price: list[Decimal | None]  # preferred supplier's price per item index
    digest: str


def milli(quantity: Decimal) -> int:
    return int(quantity * MILLI)


async def load_run_input(session: AsyncSession, run: MrpRun) -> RunInput:
    """Read the run's inputs (InputRefused when they cannot be planned)."""
    boundaries = bucket_starts(run.start_date, run.bucket, run.horizon)
    starts = boundaries[:-1]
    items = (
        await session.execute(
            select(
                Item.id,
                Item.code,
                Item.procurement,
                Item.lead_days,
                Item.lot_rule,
                Item.lot_param,
                Item.safety_stock,
                Item.scrap_rate,
                Item.strategy,
                Item.product_id,
                Item.preferred_supplier_id,
                Supplier.lead_days.label("supplier_lead_days"),
                SupplierPrice.unit_price,
            )
            .outerjoin(Supplier, Supplier.id == Item.preferred_supplier_id)
            .outerjoin(
                SupplierPrice,
                (SupplierPrice.supplier_id == Item.preferred_supplier_id)
                & (SupplierPrice.item_id == Item.id),
            )
            .order_by(Item.id)
        )
    ).all()
    item_ids = np.array([r.id for r in items], dtype=np.int64)
    lead_days = [_lead_days(r) for r in items]
    missing = [r.code for r, lead in zip(items, lead_days, strict=True) if lead is None]
    if missing:
        raise InputRefused(
            "MISSING_LEAD_TIME",
            f"{len(missing)} item(s) have no lead time: " + _names(missing),
        )
    stock = await on_hand(session)
    item_arrays = Items(
        lead_days=lead_days,
        lot_rule=[r.lot_rule for r in items],
        lot_param=[_lot_param(r) for r in items],
        safety_stock=[milli(r.safety_stock) for r in items],
        scrap_micro=[int(r.scrap_rate * MICRO) for r in items],
        on_hand=[milli(stock.get(r.id, Decimal(0))) for r in items],
        strategy=[r.strategy for r in items],
    )
    index_of = {item_id: k for k, item_id in enumerate(item_ids.tolist())}

    bom, line_ids = await _bom(session, index_of, starts)
    item_of_product = {r.product_id: index_of[r.id] for r in items if r.product_id is not None}
    demand = await _demand(session, run, item_of_product, boundaries)
    receipts, receipt_keys = await _receipts(session, index_of, boundaries)
    inp = MrpInput(Horizon(starts, boundaries[-1]), item_arrays, bom, demand, receipts)
    ids = Identities(item_ids, line_ids, receipt_keys)
    return RunInput(
        inp=inp,
        ids=ids,
        item_codes=[r.code for r in items],
        boundaries=boundaries,
        procurement=[Procurement(r.procurement) for r in items],
        supplier_id=np.array(
            [r.preferred_supplier_id if r.preferred_supplier_id is not None else -1 for r in items],
            dtype=np.int64,
        ),
        unit_price=[r.unit_price for r in items],
        digest=inputs_digest(inp, ids),
    )


def _lead_days(row) -> int | None:
    if row.lead_days is not None:
        return row.lead_days
    if Procurement(row.procurement) is Procurement.BUY:
        return row.supplier_lead_days
    return None


def _lot_param(row) -> int:
    if LotRule(row.lot_rule) is LotRule.PERIODS_OF_SUPPLY:
        return int(row.lot_param)
    return milli(row.lot_param)


def _names(codes: list[str]) -> str:
    shown = ", ".join(codes[:NAMED_AT_MOST])
    return shown + (f" and {len(codes) - NAMED_AT_MOST} more" if len(codes) > NAMED_AT_MOST else "")


def _bucket_of(day: date, boundaries: list[date]) -> int:
    """Index of the bucket holding `day`: −1 before the horizon, len − 1 after it."""
    return (
        int(
            np.searchsorted(
                np.array(boundaries, dtype="datetime64[D]"), np.datetime64(day), "right"
            )
        )
        - 1
    )


async def _bom(
    session: AsyncSession, index_of: dict[int, int], starts: list[date]
) -> tuple[Bom, np.ndarray]:
    rows = (
        await session.execute(
            select(
                BomLine.id,
                BomLine.parent_item_id,
                BomLine.component_item_id,
                BomLine.quantity_per,
                BomLine.scrap_rate,
                BomLine.valid_from,
                BomLine.valid_to,
            ).order_by(BomLine.id)
        )
    ).all()
    first_days = np.array(starts, dtype="datetime64[D]")

    def first_bucket_on_or_after(day: date | None, open_end: int) -> int:
        if day is None:
            return open_end
        return int(np.searchsorted(first_days, np.datetime64(day), "left"))

    bom = Bom(
        parent=[index_of[r.parent_item_id] for r in rows],
        component=[index_of[r.component_item_id] for r in rows],
        qty_per_micro=[line_quantity_micro(r.quantity_per, r.scrap_rate) for r in rows],
        valid_from_bucket=[first_bucket_on_or_after(r.valid_from, OPEN_FROM) for r in rows],
        valid_to_bucket=[first_bucket_on_or_after(r.valid_to, OPEN_TO) for r in rows],
    )
    return bom, np.array([r.id for r in rows], dtype=np.int64)


async def _demand(
    session: AsyncSession,
    run: MrpRun,
    item_of_product: dict[int, int],
    boundaries: list[date],
) -> Demand:
    forecast = await session.get(Forecast, run.forecast_id)
    lines = (
        await session.execute(
            select(
                ForecastLine.id, ForecastLine.product_id, ForecastLine.period, ForecastLine.quantity
            )
            .where(ForecastLine.forecast_id == run.forecast_id)
            .order_by(ForecastLine.id)
        )
    ).all()
    weekly = ForecastGranularity(forecast.granularity) is ForecastGranularity.WEEK
    quantities = {line.id: line.quantity for line in lines}
    extra: list[tuple[int, int, date, Decimal]] = []  # (−plan line id, product, period, qty)
    if run.what_if and run.plan_revision_ids:
        extra = await _apply_revisions(session, run, lines, quantities, weekly)

    item, bucket, quantity, kind, ref = [], [], [], [], []

    def add(product_id: int, first: date, last: date, qty: Decimal, source: int, as_kind) -> None:
        index = item_of_product.get(product_id)
        if index is None or qty <= 0:
            return
        for b, part in spread_over_buckets(first, last, milli(qty), boundaries):
            item.append(index)
            bucket.append(b)
            quantity.append(part)
            kind.append(as_kind)
            ref.append(source)

    for line in lines:
        last = line.period + timedelta(days=6) if weekly else _month_end(line.period)
        add(line.product_id, line.period, last, quantities[line.id], line.id, DemandKind.FORECAST)
    for source, product_id, period, qty in extra:
        last = period + timedelta(days=6) if weekly else _month_end(period)
        add(product_id, period, last, qty, source, DemandKind.FORECAST)

    shipped = (
        select(ShipmentLine.order_line_id, func.sum(ShipmentLine.quantity).label("shipped"))
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .where(Shipment.status.in_(list(LEFT_WAREHOUSE)))
        .group_by(ShipmentLine.order_line_id)
        .subquery()
    )
    booked = await session.execute(
        select(
            SalesOrderLine.id,
            SalesOrderLine.product_id,
            SalesOrderLine.quantity,
            SalesOrderLine.promised_date,
            shipped.c.shipped,
        )
        .join(SalesOrder, SalesOrder.id == SalesOrderLine.order_id)
        .outerjoin(shipped, shipped.c.order_line_id == SalesOrderLine.id)
        .where(
            SalesOrder.company_id == run.company_id,
            SalesOrder.status.in_(BOOKED),
            # a department's forecast plans for that department's orders only
            (SalesOrder.department_id == forecast.department_id)
            if forecast.department_id is not None
            else true(),
        )
        .order_by(SalesOrderLine.id)
    )
    horizon_end = boundaries[-1]
    for line_id, product_id, ordered, promised, left_warehouse in booked:
        index = item_of_product.get(product_id)
        left = ordered - (left_warehouse or Decimal(0))
        if index is None or left <= 0 or promised >= horizon_end:
            continue
        item.append(index)
        bucket.append(max(0, _bucket_of(promised, boundaries)))
        quantity.append(milli(left))
        kind.append(DemandKind.ORDER)
        ref.append(line_id)
    return Demand(item=item, bucket=bucket, quantity=quantity, kind=kind, source_id=ref)


async def _apply_revisions(
    session: AsyncSession, run: MrpRun, lines, quantities: dict[int, Decimal], weekly: bool
) -> list[tuple[int, int, date, Decimal]]:
    """Change `quantities` (per forecast line) for the run's plan revisions; returns the figures
    of revisions for product-periods the forecast has no line for."""
    revision_ids = [int(i) for i in run.plan_revision_ids.split()]
    revisions = (
        await session.execute(
            select(SalesPlan.id, SalesPlan.revision_of_id).where(SalesPlan.id.in_(revision_ids))
        )
    ).all()
    revised = {r.revision_of_id: r.id for r in revisions if r.revision_of_id is not None}
    # What the revised plans put into each line.
    taken = await session.execute(
        select(ForecastLineSource.line_id, func.sum(ForecastLineSource.quantity))
        .join(ForecastLine, ForecastLine.id == ForecastLineSource.line_id)
        .where(
            ForecastLine.forecast_id == run.forecast_id,
            ForecastLineSource.plan_id.in_(list(revised)),
        )
        .group_by(ForecastLineSource.line_id)
    )
    for line_id, quantity in taken:
        quantities[line_id] -= quantity
    # What the revisions plan instead, per product and period of the forecast.
    new_lines = (
        await session.execute(
            select(
                SalesPlanLine.id,
                SalesPlanLine.product_id,
                SalesPlanLine.period,
                SalesPlanLine.quantity,
            )
            .where(SalesPlanLine.plan_id.in_(list(revised.values())))
            .order_by(SalesPlanLine.id)
        )
    ).all()
    line_of = {(line.product_id, line.period): line.id for line in lines}
    extra = []
    for plan_line_id, product_id, month, quantity in new_lines:
        parts = split_month(month, quantity, QUANTITY_STEP) if weekly else {month: quantity}
        for period, part in parts.items():
            line_id = line_of.get((product_id, period))
            if line_id is not None:
                quantities[line_id] += part
            elif _within_forecast(period, lines):
                extra.append((-plan_line_id, product_id, period, part))
    for line_id in quantities:
        quantities[line_id] = max(quantities[line_id], Decimal("0.000"))
    return extra


def _within_forecast(period: date, lines) -> bool:
    return bool(lines) and min(line.period for line in lines) <= period <= max(
        line.period for line in lines
    )


def _month_end(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - timedelta(days=1)


async def _receipts(
    session: AsyncSession, index_of: dict[int, int], boundaries: list[date]
) -> tuple[ScheduledReceipts, np.ndarray]:
    """Receipts due within the horizon (those overdue in bucket 0); engine ids are positions."""
    kept = [
        r for r in await scheduled_receipts(session) if r.due < boundaries[-1] and r.quantity > 0
    ]
    receipts = ScheduledReceipts(
        item=[index_of[r.item_id] for r in kept],
        bucket=[max(0, _bucket_of(r.due, boundaries)) for r in kept],
        quantity=[milli(r.quantity) for r in kept],
        receipt_id=list(range(len(kept))),
    )
    return receipts, np.array([r.key for r in kept], dtype=np.int64)


def inputs_digest(inp: MrpInput, ids: Identities) -> str:
    """SHA-256 of the engine's input arrays and the ids behind them, in a fixed order."""
    digest = hashlib.sha256()
    arrays = [
        inp.horizon.starts,
        np.array([inp.horizon.end]),
        *(getattr(inp.items, name) for name in (
            "lead_days", "lot_rule", "lot_param", "safety_stock", "scrap_micro", "on_hand", "strategy"
        )),
        inp.bom.parent, inp.bom.component, inp.bom.qty_per_micro,
        inp.bom.valid_from_bucket, inp.bom.valid_to_bucket,
        inp.demand.item, inp.demand.bucket, inp.demand.quantity, inp.demand.kind, inp.demand.source_id,
        inp.receipts.item, inp.receipts.bucket, inp.receipts.quantity, inp.receipts.receipt_id,
        ids.item_ids, ids.bom_line_ids, ids.receipt_keys,
    ]  # fmt: skip
    for array in arrays:
        data = np.ascontiguousarray(array)
        digest.update(f"{data.dtype.str}{data.shape}".encode())
        digest.update(data.tobytes())
    return digest.hexdigest()
