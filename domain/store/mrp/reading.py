"""Reading a stored run: its items' records, planned orders by number, pegs, and the trace of a
planned order up through its parents' pegs to the forecast lines and order lines behind it."""

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from domain.mrp import DemandKind, SupplyKind
from domain.mrp.runs import bucket_starts
from domain.store.mrp.results import ORDER, PEG, unpack
from domain.store.tables.mrp import MrpRun, MrpRunItem

INDEPENDENT = (DemandKind.ORDER, DemandKind.FORECAST)
MAX_TRACE_LEVELS = 64  # more than any BOM has; a guard, not a rule


def run_boundaries(run: MrpRun) -> list[date]:
    """The run's bucket starts and its horizon's end."""
    return bucket_starts(run.start_date, run.bucket, run.horizon)


@dataclass(frozen=True)
class PlannedOrderRecord:
    number: int
    item_id: int
    due_bucket: int
    release_bucket: int
    due_date: date
    release_date: date  # due date − lead days (may be before the horizon)
    receipt: int  # milli-units
    release: int


def orders_of(row, starts: list[date]) -> list[PlannedOrderRecord]:
    """The planned orders of one mrp_run_item row (needs item_id, first_order, lead_days,
    orders)."""
    records = unpack(row.orders, ORDER)
    lead = timedelta(days=row.lead_days)
    return [
        PlannedOrderRecord(
            number=row.first_order + k,
            item_id=row.item_id,
            due_bucket=int(r["due"]),
            release_bucket=int(r["release_bucket"]),
            due_date=starts[int(r["due"])],
            release_date=starts[int(r["due"])] - lead,
            receipt=int(r["receipt"]),
            release=int(r["release"]),
        )
        for k, r in enumerate(records)
    ]


@dataclass(frozen=True)
class Peg:
    supply_kind: SupplyKind
    supply_ref: int
    demand_kind: DemandKind
    demand_ref: int
    demand_bucket: int
    quantity: int


def pegs_of(row) -> list[Peg]:
    return [
        Peg(
            SupplyKind(int(p["supply_kind"])),
            int(p["supply_ref"]),
            DemandKind(int(p["demand_kind"])),
            int(p["demand_ref"]),
            int(p["demand_bucket"]),
            int(p["quantity"]),
        )
        for p in unpack(row.pegging, PEG)
    ]


def pegs_of_order(row, number: int) -> list[Peg]:
    """What planned order `number` (of this row's item) covers."""
    return [
        p for p in pegs_of(row) if p.supply_kind is SupplyKind.PLANNED and p.supply_ref == number
    ]


async def rows_holding_orders(
    conn: AsyncConnection | AsyncSession, run_id: int, numbers: set[int]
) -> dict[int, object]:
    """The mrp_run_item row holding each planned order number (absent: no such order)."""
    if not numbers:
        return {}
    wanted = sorted(numbers)
    table = MrpRunItem.__table__
    # First the (small) placement of the orders, then the blobs of the rows holding them only.
    spans = (
        await conn.execute(
            select(table.c.item_id, table.c.first_order, table.c.order_count)
            .where(
                table.c.run_id == run_id,
                table.c.order_count > 0,
                table.c.first_order <= wanted[-1],
                table.c.first_order + table.c.order_count > wanted[0],
            )
            .order_by(table.c.first_order)
        )
    ).all()
    firsts = np.array([span.first_order for span in spans], dtype=np.int64)
    holder: dict[int, int] = {}
    for number in wanted:
        k = int(np.searchsorted(firsts, number, side="right")) - 1
        if k >= 0 and number < spans[k].first_order + spans[k].order_count:
            holder[number] = spans[k].item_id
    if not holder:
        return {}
    rows = (
        await conn.execute(
            select(
                table.c.item_id,
                table.c.first_order,
                table.c.order_count,
                table.c.lead_days,
                table.c.procurement,
                table.c.supplier_id,
                table.c.orders,
                table.c.pegging,
                table.c.materials,
            ).where(table.c.run_id == run_id, table.c.item_id.in_(set(holder.values())))
        )
    ).all()
    by_item = {row.item_id: row for row in rows}
    return {number: by_item[item_id] for number, item_id in holder.items()}


@dataclass(frozen=True)
class TracedDemand:
    """An independent demand a planned order serves, and the planned orders on the way up
    (the traced order first, the top-level order last)."""

    kind: DemandKind  # ORDER (ref: sales order line id) or FORECAST (ref: forecast line id)
    ref: int
    bucket: int
    quantity: int  # pegged to it by the last order of the path, in that item's milli-units
    path: tuple[int, ...]


async def trace(
    conn: AsyncConnection | AsyncSession, run_id: int, number: int
) -> list[TracedDemand]:
    """Follow PARENT_ORDER pegs up from planned order `number`, one BOM level per statement,
    to the ORDER and FORECAST demands at the top. Safety stock and excess end a path without a
    demand."""
    found: list[TracedDemand] = []
    frontier = {number: ((number,),)}
    for _ in range(MAX_TRACE_LEVELS):
        if not frontier:
            break
        rows = await rows_holding_orders(conn, run_id, set(frontier))
        following: dict[int, tuple] = {}
        for order, paths in sorted(frontier.items()):
            row = rows.get(order)
            if row is None:
                continue
            for peg in pegs_of_order(row, order):
                for path in paths:
                    if peg.demand_kind is DemandKind.PARENT_ORDER:
                        following[peg.demand_ref] = (
                            *following.get(peg.demand_ref, ()),
                            (*path, peg.demand_ref),
                        )
                    elif peg.demand_kind in INDEPENDENT:
                        found.append(
                            TracedDemand(
                                peg.demand_kind,
                                peg.demand_ref,
                                peg.demand_bucket,
                                peg.quantity,
                                path,
                            )
                        )
        frontier = following
    return sorted(found, key=lambda d: (d.kind, d.ref, d.path))
