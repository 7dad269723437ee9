"""The events of orders, shipments, stock-ins and returns, with the payload the subscriptions
rely on (see the contract in the orders issue): every one names its stream's document, the order
and the customer where there is one, and the statuses it moved between."""

from enum import Enum

from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Actor
from domain.store.outbox import record_event, stream_of
from domain.store.tables import SalesOrder, SalesReturn, Shipment, StockIn


class ActorKind(Enum):
    STAFF = "STAFF"
    PARTNER = "PARTNER"
    SYSTEM = "SYSTEM"  # a status the system derived (from shipments), not one a person set


def kind_of(actor: Actor) -> ActorKind:
    return ActorKind.STAFF if actor.is_internal else ActorKind.PARTNER


def _name(status: Enum | None) -> str | None:
    return status.value if status is not None else None


async def record_order_event(
    session: AsyncSession,
    order: SalesOrder,
    event_type: str,
    before: Enum | None,
    actor_id: int | None,
    actor_kind: ActorKind,
    payload: dict | None = None,
) -> None:
    """One event on `SalesOrder:<id>`; the caller holds the order's row lock and has applied the
    change, so `order.status` is the status after it."""
    await record_event(
        session,
        stream_of("SalesOrder", order.id),
        event_type,
        actor_id,
        {
            "from": _name(before),
            "to": order.status.value,
            "orderId": order.id,
            "customerId": order.customer_id,
            "salespersonId": order.salesperson_id,
            "departmentId": order.department_id,
            "companyId": order.company_id,
            "actorKind": actor_kind.value,
            **(payload or {}),
        },
    )


async def record_shipment_event(
    session: AsyncSession,
    shipment: Shipment,
    event_type: str,
    before: Enum | None,
    actor: Actor,
    payload: dict | None = None,
) -> None:
    await record_event(
        session,
        stream_of("Shipment", shipment.id),
        event_type,
        actor.user_id,
        {
            "from": _name(before),
            "to": shipment.status.value,
            "shipmentId": shipment.id,
            "orderId": shipment.order_id,
            "customerId": shipment.customer_id,
            "actorKind": kind_of(actor).value,
            **(payload or {}),
        },
    )


async def record_stock_in_event(
    session: AsyncSession,
    stock_in: StockIn,
    event_type: str,
    before: Enum | None,
    actor: Actor,
    payload: dict | None = None,
) -> None:
    await record_event(
        session,
        stream_of("StockIn", stock_in.id),
        event_type,
        actor.user_id,
        {
            "from": _name(before),
            "to": stock_in.status.value,
            "stockInId": stock_in.id,
            "productId": stock_in.product_id,
            "quantity": str(stock_in.quantity),
            "orderId": stock_in.sales_order_id,
            "actorKind": kind_of(actor).value,
            **(payload or {}),
        },
    )


async def record_return_event(
    session: AsyncSession,
    sales_return: SalesReturn,
    event_type: str,
    before: Enum | None,
    actor: Actor,
    payload: dict | None = None,
) -> None:
    await record_event(
        session,
        stream_of("SalesReturn", sales_return.id),
        event_type,
        actor.user_id,
        {
            "from": _name(before),
            "to": sales_return.status.value,
            "returnId": sales_return.id,
            "orderId": sales_return.order_id,
            "customerId": sales_return.customer_id,
            "actorKind": kind_of(actor).value,
            **(payload or {}),
        },
    )
