"""The Subscription root: live status changes and new approval work, resumable with `after`.

Every event carries `cursor`; subscribe again with `after: <last cursor seen>` to receive what
was missed (from the event table, in order), then live events, with no gap or duplicate.
Subscribing to something you may not read fails exactly like subscribing to something that does
not exist.
"""

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from api.ids import pk_of
from api.live.follow import follow
from api.live.hub import Interest
from api.mrp_queries import MrpSubscriptions
from api.types.documents import ApprovableDocument, load_document
from api.types.forecasts import ForecastStatusChange
from api.types.orders import OrderStatusEnum, SalesOrder
from api.types.organisation import User
from api.types.plans import PlanStatusEnum, SalesPlan
from domain.access import Actor
from domain.approvals.chains import DocumentType
from domain.events import ApprovalRouting
from domain.forecast.access import may_read_forecast
from domain.forecast.events import ForecastEvent
from domain.orders.access import may_read_order
from domain.orders.events import SalesOrderEvent
from domain.plans.access import may_read_plan
from domain.plans.events import SalesPlanEvent
from domain.store.events.reader import EventRecord

CURSOR_HELP = (
    "Resume after this cursor (the `cursor` of the last event you received). A cursor this "
    "server did not send, or one beyond its last event (after a restore), is refused with code "
    "BAD_CURSOR: subscribe without `after` and reload."
)

# Event streams of documents with approval chains, and their document types.
APPROVAL_STREAMS = {
    "SalesPlan": DocumentType.SALES_PLAN,
    "Forecast": DocumentType.FORECAST,
    "SalesOrder": DocumentType.SALES_ORDER,
    "StockIn": DocumentType.STOCK_IN,
    "DeliveryReport": DocumentType.DELIVERY_REPORT,
}
NOT_FOUND = {"code": "NOT_FOUND"}


@strawberry.type(description="A sales plan changed status.")
class SalesPlanStatusChange:
    actor_pk: strawberry.Private[int | None]
    plan_pk: strawberry.Private[int]
    cursor: str = strawberry.field(description="Pass as `after` to resume after this event.")
    sequence: int = strawberry.field(description="The event's number within this plan: 1, 2, 3...")
    action: str = strawberry.field(description="SUBMITTED, STEP_APPROVED, APPROVED, REJECTED, ...")
    from_status: PlanStatusEnum | None = strawberry.field(
        description="The status before; null when the plan was just created."
    )
    to_status: PlanStatusEnum = strawberry.field(description="The status now.")
    occurred_at: datetime = strawberry.field(description="When the change was committed.")

    @strawberry.field(description="The plan as it is now.")
    async def sales_plan(self, info: Info) -> SalesPlan | None:
        return await info.context.loaders.plans.plan.load(self.plan_pk)

    @strawberry.field(description="Who made the change.")
    async def actor(self, info: Info) -> User | None:
        if self.actor_pk is None:
            return None
        return await info.context.loaders.organisation.user.load(self.actor_pk)


@strawberry.type(
    description="A sales order changed status (by a person or, from shipments, by the system)."
)
class OrderStatusChange:
    order_pk: strawberry.Private[int]
    cursor: str = strawberry.field(description="Pass as `after` to resume after this event.")
    sequence: int = strawberry.field(description="The event's number within this order: 1, 2, 3...")
    action: str = strawberry.field(
        description="What happened, e.g. SUBMITTED, CONFIRMED, SHIPMENT_DISPATCHED."
    )
    from_status: OrderStatusEnum | None = strawberry.field(
        description="The status before; null when the order was just created."
    )
    to_status: OrderStatusEnum = strawberry.field(description="The status now.")
    actor_kind: str = strawberry.field(
        description="STAFF, PARTNER (the customer's portal user) or SYSTEM (derived from shipments)."
    )
    occurred_at: datetime = strawberry.field(description="When the change was committed.")

    @strawberry.field(description="The order as it is now.")
    async def order(self, info: Info) -> SalesOrder | None:
        return await info.context.loaders.orders.order.load(self.order_pk)


@strawberry.type(description="A document now waits for your decision.")
class ApprovalTaskAssignment:
    document_type: strawberry.Private[DocumentType]
    document_pk: strawberry.Private[int]
    cursor: str = strawberry.field(description="Pass as `after` to resume after this event.")
    step_name: str = strawberry.field(description="The step you must decide.")
    occurred_at: datetime = strawberry.field(
        description="When the step became yours (the change that routed it committed)."
    )

    @strawberry.field(description="The document (e.g. `... on SalesPlan`).")
    async def document(self, info: Info) -> ApprovableDocument | None:
        return await load_document(info, self.document_type, self.document_pk)


def plan_change(record: EventRecord) -> SalesPlanStatusChange:
    event: SalesPlanEvent = record.event
    return SalesPlanStatusChange(
        actor_pk=record.actor_id,
        plan_pk=record.document_id,
        cursor=str(record.position),
        sequence=record.sequence,
        action=event.action,
        from_status=event.from_status,
        to_status=event.to_status,
        occurred_at=record.occurred_at,
    )


def order_change(record: EventRecord) -> OrderStatusChange:
    event: SalesOrderEvent = record.event
    return OrderStatusChange(
        order_pk=record.document_id,
        cursor=str(record.position),
        sequence=record.sequence,
        action=event.action,
        from_status=event.from_status,
        to_status=event.to_status,
        actor_kind=event.actor_kind.value,
        occurred_at=record.occurred_at,
    )


def task_assignment(record: EventRecord) -> ApprovalTaskAssignment:
    return ApprovalTaskAssignment(
        document_type=APPROVAL_STREAMS[record.stream_type],
        document_pk=record.document_id,
        cursor=str(record.position),
        step_name=record.event.current_step,
        occurred_at=record.occurred_at,
    )


def assigned_to(actor: Actor, record: EventRecord) -> bool:
    """The event makes a step of its document's chain the actor's to decide."""
    event = record.event
    if not isinstance(event, ApprovalRouting) or not event.routes_a_task:
        return False
    return actor.user_id in (event.assignees or ()) or (
        event.assignee_role is not None and event.assignee_role in {r.value for r in actor.roles}
    )


AFTER = strawberry.argument(description=CURSOR_HELP)
RESUME_HELP = "Resumable without gaps: see `after`."


@strawberry.type(
    description="Live events over a websocket (graphql-transport-ws protocol), each delivered "
    "after its change committed, in order, and resumable with `after`."
)
class Subscription(MrpSubscriptions):
    @strawberry.subscription(
        description="Status changes of one order (orderId), of one customer's orders (customerId), "
        "or of every order you may read. Partners receive only their own company's orders. "
        + RESUME_HELP
    )
    async def order_status_changed(
        self,
        info: Info,
        order_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this order (a SalesOrder id)."),
        ] = None,
        customer_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only the orders of this customer (a Customer id)."),
        ] = None,
        after: Annotated[str | None, AFTER] = None,
    ) -> AsyncGenerator[OrderStatusChange, None]:
        actor: Actor = info.context.viewer
        loaders = info.context.loaders
        stream = None
        if order_id is not None:
            pk = pk_of(order_id, "SalesOrder")
            if pk is None or await loaders.orders.order.load(pk) is None:
                raise GraphQLError("No such sales order.", extensions=NOT_FOUND)
            stream = f"SalesOrder:{pk}"
        customer_pk = None
        if customer_id is not None:
            customer_pk = pk_of(customer_id, "Customer")
            if customer_pk is None or await loaders.orders.customer.load(customer_pk) is None:
                raise GraphQLError("No such customer.", extensions=NOT_FOUND)

        def accepts(record: EventRecord) -> bool:
            event: SalesOrderEvent = record.event
            return (
                event.changes_status
                and (customer_pk is None or event.customer_id == customer_pk)
                and may_read_order(actor, event.owner)
            )

        # Filed under the order, else the customer (a partner's are its own company's), so
        # the events of other orders cost this subscription nothing (api.live.index).
        keys = frozenset()
        if stream is None and (customer_pk is not None or not actor.is_internal):
            keys = frozenset({("customer_id", customer_pk or actor.customer_id)})
        interest = Interest(
            accepts,
            frozenset({"SalesOrder"}),
            stream,
            keys=keys,
            verdict=("orderStatusChanged", customer_pk, actor.reading_scope),
        )
        async for change in follow(info, interest, after, order_change, shared=True):
            yield change

    @strawberry.subscription(
        description="Status changes of one plan (planId) or of every plan you may read. "
        + RESUME_HELP
    )
    async def sales_plan_status_changed(
        self,
        info: Info,
        plan_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this plan (a SalesPlan id)."),
        ] = None,
        after: Annotated[str | None, AFTER] = None,
    ) -> AsyncGenerator[SalesPlanStatusChange, None]:
        actor: Actor = info.context.viewer
        stream = None
        if plan_id is not None:
            pk = pk_of(plan_id, "SalesPlan")
            if pk is None or await info.context.loaders.plans.plan.load(pk) is None:
                raise GraphQLError("No such sales plan.", extensions=NOT_FOUND)
            stream = f"SalesPlan:{pk}"

        def accepts(record: EventRecord) -> bool:
            event: SalesPlanEvent = record.event
            return event.changes_status and may_read_plan(actor, event.owner)

        interest = Interest(
            accepts,
            frozenset({"SalesPlan"}),
            stream,
            verdict=("salesPlanStatusChanged", actor.reading_scope),
        )
        async for change in follow(info, interest, after, plan_change, shared=True):
            yield change

    @strawberry.subscription(
        description="Status changes of one forecast (forecastId) or of every forecast you may "
        "read: REQUESTED, GENERATED (its job finished) or GENERATION_FAILED, SUBMITTED, "
        "APPROVED, REJECTED, WITHDRAWN, SUPERSEDED. Partners may read none. " + RESUME_HELP
    )
    async def forecast_status_changed(
        self,
        info: Info,
        forecast_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this forecast (a Forecast id)."),
        ] = None,
        after: Annotated[str | None, AFTER] = None,
    ) -> AsyncGenerator[ForecastStatusChange, None]:
        actor: Actor = info.context.viewer
        stream = None
        if forecast_id is not None:
            pk = pk_of(forecast_id, "Forecast")
            if pk is None or await info.context.loaders.forecasts.forecast.load(pk) is None:
                raise GraphQLError("No such forecast.", extensions=NOT_FOUND)
            stream = f"Forecast:{pk}"

        def accepts(record: EventRecord) -> bool:
            event: ForecastEvent = record.event
            return event.changes_status and may_read_forecast(actor, event.scope)

        interest = Interest(
            accepts,
            frozenset({"Forecast"}),
            stream,
            verdict=("forecastStatusChanged", actor.reading_scope),
        )
        async for change in follow(info, interest, after, ForecastStatusChange.of, shared=True):
            yield change

    @strawberry.subscription(
        description="Documents that become yours to decide (a step of their chain names you or "
        "a role you hold). " + RESUME_HELP
    )
    async def approval_task_assigned(
        self, info: Info, after: Annotated[str | None, AFTER] = None
    ) -> AsyncGenerator[ApprovalTaskAssignment, None]:
        actor: Actor = info.context.viewer

        def accepts(record: EventRecord) -> bool:
            return assigned_to(actor, record)

        # Filed under the user and each of their roles: events routing work to others cost
        # this subscription nothing (api.live.index).
        keys = {("assignees", actor.user_id)} | {("assignee_role", r.value) for r in actor.roles}
        interest = Interest(
            accepts,
            frozenset(APPROVAL_STREAMS),
            keys=frozenset(keys),
            verdict=("approvalTaskAssigned", actor.user_id, actor.roles),
        )
        async for assignment in follow(info, interest, after, task_assignment, shared=True):
            yield assignment
