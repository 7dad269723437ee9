"""The MRP entry points of the Query and Subscription roots: master data (staff), runs and their
comparison (the company-wide readers), and a run's progress as it happens."""

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry
from graphql import GraphQLError
from sqlalchemy import select
from strawberry.types import Info

from api.ids import pk_of
from api.live.follow import follow
from api.live.hub import Interest
from api.loaders.mrp import forecast_filter
from api.pagination import After, Before, Connection, First, Last, PageRequest
from api.types.mrp_master import MASTER_PAGES, Item, ItemWhereInput, Supplier
from api.types.mrp_runs import (
    RUN_PAGES,
    MrpPlannedOrderChange,
    MrpRun,
    MrpRunComparison,
    MrpRunStatusEnum,
    PlannedOrderChangeKind,
    milli,
)
from domain.mrp.events import MrpRunEvent
from domain.mrp.runs import MrpRunStatus
from domain.store.db import create_sessionmaker
from domain.store.events.reader import EventRecord
from domain.store.mrp.compare import compare_runs
from domain.store.tables.mrp import MrpRun as RunRow

NOT_FOUND = {"code": "NOT_FOUND"}
FINAL = (MrpRunStatus.SUCCEEDED, MrpRunStatus.FAILED)


@strawberry.input(description="Which MRP runs.")
class MrpRunWhereInput:
    forecast_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only runs of this forecast."
    )
    status_in: list[MrpRunStatusEnum] | None = strawberry.field(
        default=None, description="Only runs in these statuses."
    )


@strawberry.type(description="A step of an MRP run: queued, started, progress, succeeded, failed.")
class MrpRunProgress:
    run_pk: strawberry.Private[int]
    cursor: str = strawberry.field(description="Pass as `after` to resume after this event.")
    action: str = strawberry.field(
        description="QUEUED, RETRIED, STARTED, PROGRESS, SUCCEEDED or FAILED."
    )
    status: MrpRunStatusEnum = strawberry.field(description="The run's status after it.")
    progress: int = strawberry.field(description="Percent done, 0 to 100.")
    stage: str | None = strawberry.field(description="LOADING, PLANNING, PEGGING, STORING or DONE.")
    reason: str | None = strawberry.field(description="FAILED: why.")
    occurred_at: datetime = strawberry.field(description="When it happened.")

    @strawberry.field(description="The run as it is now.")
    async def mrp_run(self, info: Info) -> MrpRun | None:
        return await info.context.loaders.mrp.run.load(self.run_pk)


def progress_of(record: EventRecord) -> MrpRunProgress:
    event: MrpRunEvent = record.event
    return MrpRunProgress(
        run_pk=record.document_id,
        cursor=str(record.position),
        action=event.action,
        status=event.to_status,
        progress=event.progress,
        stage=event.stage,
        reason=event.reason,
        occurred_at=record.occurred_at,
    )


@strawberry.type
class MrpQueries:
    @strawberry.field(
        description="Items MRP plans, by code; empty for partners. "
        + MASTER_PAGES.describe("Items:")
    )
    async def items(
        self,
        info: Info,
        where: Annotated[
            ItemWhereInput | None, strawberry.argument(description="Which items.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Item]:
        page = PageRequest.of(MASTER_PAGES, first, after, last, before)
        return await info.context.loaders.mrp.items.load(page, where.key() if where else ())

    @strawberry.field(
        description="Suppliers, by code; empty for partners. " + MASTER_PAGES.describe("Suppliers:")
    )
    async def suppliers(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Supplier]:
        page = PageRequest.of(MASTER_PAGES, first, after, last, before)
        return await info.context.loaders.mrp.suppliers.load(page)

    @strawberry.field(
        description="One MRP run; null if it does not exist or you may not read MRP results "
        "(admin, VP, general manager, finance and planners may)."
    )
    async def mrp_run(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Global id of the run.")],
    ) -> MrpRun | None:
        pk = pk_of(id, "MrpRun")
        return None if pk is None else await info.context.loaders.mrp.run.load(pk)

    @strawberry.field(
        description="MRP runs, newest first; empty for those who may not read MRP results. "
        + RUN_PAGES.describe("Runs:")
    )
    async def mrp_runs(
        self,
        info: Info,
        where: Annotated[
            MrpRunWhereInput | None, strawberry.argument(description="Which runs.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[MrpRun]:
        page = PageRequest.of(RUN_PAGES, first, after, last, before)
        key = forecast_filter(where.forecast_id, where.status_in) if where else ()
        return await info.context.loaders.mrp.runs.load(page, key)

    @strawberry.field(
        description="What changed from run `a` to run `b` (e.g. a what-if and its `baseRun`): "
        "planned orders added, removed and changed, shortages that appeared or went away. "
        "Null if either run is not found or has not SUCCEEDED."
    )
    async def mrp_run_compare(
        self,
        info: Info,
        a: Annotated[strawberry.ID, strawberry.argument(description="The base run.")],
        b: Annotated[strawberry.ID, strawberry.argument(description="The run compared to it.")],
    ) -> MrpRunComparison | None:
        loader = info.context.loaders.mrp.run
        pks = pk_of(a, "MrpRun"), pk_of(b, "MrpRun")
        if None in pks:
            return None
        base, other = await loader.load(pks[0]), await loader.load(pks[1])
        if base is None or other is None:
            return None
        if MrpRunStatus.SUCCEEDED is not base.status or MrpRunStatus.SUCCEEDED is not other.status:
            return None
        async with create_sessionmaker(info.context.engine)() as session:
            rows = {
                r.id: r
                for r in (await session.execute(select(RunRow).where(RunRow.id.in_(pks)))).scalars()
            }
            comparison = await compare_runs(session, rows[pks[0]], rows[pks[1]])
        changes = [
            MrpPlannedOrderChange(
                item_pk=c.item_id,
                change=PlannedOrderChangeKind(c.change),
                due_date=c.due_date,
                base_quantity=milli(c.base.receipt) if c.base else None,
                other_quantity=milli(c.other.receipt) if c.other else None,
                base_release_date=c.base.release_date if c.base else None,
                other_release_date=c.other.release_date if c.other else None,
            )
            for c in comparison.changes
        ]
        return MrpRunComparison(
            base=base,
            other=other,
            orders_added=comparison.count("ADDED"),
            orders_removed=comparison.count("REMOVED"),
            orders_changed=comparison.count("CHANGED"),
            changes_list=changes,
            new_shortage_pks=comparison.new_shortages,
            resolved_shortage_pks=comparison.resolved_shortages,
        )


@strawberry.type
class MrpSubscriptions:
    @strawberry.subscription(
        description="Progress of one MRP run: QUEUED, STARTED, PROGRESS (with percent and stage), "
        "then SUCCEEDED or FAILED, after which the subscription completes. Resume with `after` "
        "(the `cursor` of the last event received)."
    )
    async def mrp_run_progress(
        self,
        info: Info,
        run_id: Annotated[strawberry.ID, strawberry.argument(description="Global id of the run.")],
        after: Annotated[
            str | None,
            strawberry.argument(description="Resume after this cursor; omit to start live."),
        ] = None,
    ) -> AsyncGenerator[MrpRunProgress, None]:
        pk = pk_of(run_id, "MrpRun")
        if pk is None or await info.context.loaders.mrp.run.load(pk) is None:
            raise GraphQLError("No such MRP run.", extensions=NOT_FOUND)
        interest = Interest(lambda record: True, frozenset({"MrpRun"}), f"MrpRun:{pk}")
        async for step in follow(info, interest, after, progress_of):
            yield step
            if step.status in FINAL and step.action in ("SUCCEEDED", "FAILED"):
                return
