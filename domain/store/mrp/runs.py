"""MRP runs in the database: their status, progress, the checks before a start, and the one
transaction that stores a run's results."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.mrp.events import MrpRunEvent
from domain.mrp.master import Procurement
from domain.mrp.model import MrpResult
from domain.mrp.runs import ACTIVE, MrpRunStatus
from domain.store.mrp.inputs import RunInput
from domain.store.mrp.results import EncodedItems
from domain.store.tables.jobs import JobState
from domain.store.tables.mrp import Item, MrpRun, MrpRunItem, Supplier
from domain.store.types import utcnow

STATUS_OF_JOB = {
    JobState.QUEUED: MrpRunStatus.QUEUED,
    JobState.RUNNING: MrpRunStatus.RUNNING,
    JobState.DONE: MrpRunStatus.SUCCEEDED,
    JobState.FAILED: MrpRunStatus.FAILED,
}
JOB_OF_STATUS = {status: job for job, status in STATUS_OF_JOB.items()}
CENT = Decimal("0.01")
MILLI = Decimal("0.001")
INSERT_BATCH = 2_000  # rows per INSERT: well under asyncpg's 32,767 parameters


def status_of(run: MrpRun) -> MrpRunStatus:
    """The run's status is its job's state (DONE shown as SUCCEEDED)."""
    return STATUS_OF_JOB[JobState(run.job_state)]


def run_event(run: MrpRun, action: str, before: MrpRunStatus | None, **details) -> MrpRunEvent:
    return MrpRunEvent(
        document_id=run.id,
        action=action,
        from_status=before,
        to_status=status_of(run),
        company_id=run.company_id,
        forecast_id=run.forecast_id,
        progress=run.progress,
        stage=run.stage,
        **details,
    )


async def active_run(session: AsyncSession, forecast_id: int) -> MrpRun | None:
    """The QUEUED or RUNNING run of a forecast, if any."""
    states = [JOB_OF_STATUS[s] for s in ACTIVE]
    return (
        await session.execute(
            select(MrpRun).where(MrpRun.forecast_id == forecast_id, MrpRun.job_state.in_(states))
        )
    ).scalar_one_or_none()


async def items_without_lead_time(session: AsyncSession) -> list[str]:
    """Codes of the items the engine would have no lead time for, by code."""
    rows = await session.execute(
        select(Item.code)
        .outerjoin(Supplier, Supplier.id == Item.preferred_supplier_id)
        .where(
            Item.lead_days.is_(None),
            (Item.procurement == Procurement.MAKE) | Supplier.lead_days.is_(None),
        )
        .order_by(Item.code)
    )
    return list(rows.scalars())


async def set_progress(session: AsyncSession, run: MrpRun, progress: int, stage: str) -> None:
    """Progress of a RUNNING run, with its PROGRESS event (the caller commits)."""
    await session.execute(
        update(MrpRun)
        .where(MrpRun.id == run.id)
        .values(progress=progress, stage=stage, updated_at=utcnow())
    )
    run.progress, run.stage = progress, stage


def run_item_rows(
    run_id: int, loaded: RunInput, encoded: EncodedItems, codes: list[int], start_dates: list[date]
) -> list[dict]:
    """The mrp_run_item rows of a run, one per item index."""
    inp = loaded.inp
    rows = []
    ids = loaded.ids.item_ids.tolist()
    for k, item_id in enumerate(ids):
        buy = loaded.procurement[k] is Procurement.BUY
        receipt_total = int(encoded.receipt_total[k])
        purchase_quantity = Decimal(receipt_total).scaleb(-3) if buy else Decimal("0.000")
        price = loaded.unit_price[k]
        value = (
            (purchase_quantity * price).quantize(CENT, ROUND_HALF_UP)
            if buy and price is not None
            else Decimal("0.00")
        )
        first_due = int(encoded.first_due_bucket[k])
        supplier = int(loaded.supplier_id[k])
        rows.append(
            {
                "run_id": run_id,
                "item_id": item_id,
                "low_level_code": codes[k],
                "procurement": loaded.procurement[k],
                "supplier_id": supplier if buy and supplier >= 0 else None,
                "lead_days": int(inp.items.lead_days[k]),
                "on_hand": Decimal(int(inp.items.on_hand[k])).scaleb(-3),
                "safety_stock": Decimal(int(inp.items.safety_stock[k])).scaleb(-3),
                "shortage": bool(encoded.shortage[k]),
                "exception_mask": int(encoded.exception_mask[k]),
                "order_count": int(encoded.order_count[k]),
                "first_order": int(encoded.first_order[k]),
                "first_due": start_dates[first_due] if first_due >= 0 else None,
                "purchase_quantity": purchase_quantity.quantize(MILLI),
                "purchase_value": value,
                "buckets": encoded.buckets[k],
                "orders": encoded.orders[k],
                "pegging": encoded.pegging[k],
                "materials": encoded.materials[k],
                "exceptions": encoded.exceptions[k],
            }
        )
    return rows


async def store_results(
    session: AsyncSession,
    run: MrpRun,
    loaded: RunInput,
    result: MrpResult,
    encoded: EncodedItems,
    timings: dict[str, float],
) -> None:
    """Insert every item's results and the run's totals; the caller commits them together with
    the job's DONE, so a run has all its results or none."""
    codes = result.plan.low_level_code.tolist()
    rows = run_item_rows(run.id, loaded, encoded, codes, loaded.boundaries[:-1])
    for start in range(0, len(rows), INSERT_BATCH):
        await session.execute(insert(MrpRunItem), rows[start : start + INSERT_BATCH])
    exceptions = result.plan.exceptions
    await session.execute(
        update(MrpRun)
        .where(MrpRun.id == run.id)
        .values(
            progress=100,
            stage="DONE",
            inputs_digest=loaded.digest,
            item_count=loaded.inp.n_items,
            bom_line_count=len(loaded.inp.bom),
            planned_order_count=len(result.plan.orders),
            exception_count=len(exceptions),
            shortage_count=int(np.count_nonzero(encoded.shortage)),
            purchase_value=sum((row["purchase_value"] for row in rows), Decimal("0.00")),
            updated_at=utcnow(),
            **timings,
        )
    )
