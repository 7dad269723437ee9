"""The events of changes to order, shipment and return rows."""

from domain.access import Actor
from domain.orders.events import (
    ActorKind,
    SalesOrderEvent,
    SalesReturnEvent,
    ShipmentEvent,
    kind_of,
)
from domain.orders.lifecycle import OrderStatus
from domain.orders.returns import ReturnStatus
from domain.orders.shipments import ShipmentStatus
from domain.store.tables import SalesOrder, SalesReturn, Shipment


def order_event(
    order: SalesOrder,
    action: str,
    before: OrderStatus | None,
    actor_kind: ActorKind,
    **details,
) -> SalesOrderEvent:
    """An event of `order` as it is now (after the change), moved from status `before`."""
    return SalesOrderEvent(
        document_id=order.id,
        action=action,
        from_status=before,
        to_status=order.status,
        order_id=order.id,
        customer_id=order.customer_id,
        salesperson_id=order.salesperson_id,
        department_id=order.department_id,
        company_id=order.company_id,
        actor_kind=actor_kind,
        **details,
    )


def shipment_event(
    shipment: Shipment, action: str, before: ShipmentStatus | None, actor: Actor, **details
) -> ShipmentEvent:
    return ShipmentEvent(
        document_id=shipment.id,
        action=action,
        from_status=before,
        to_status=shipment.status,
        shipment_id=shipment.id,
        order_id=shipment.order_id,
        customer_id=shipment.customer_id,
        actor_kind=kind_of(actor),
        **details,
    )


def return_event(
    sales_return: SalesReturn, action: str, before: ReturnStatus | None, actor: Actor, **details
) -> SalesReturnEvent:
    return SalesReturnEvent(
        document_id=sales_return.id,
        action=action,
        from_status=before,
        to_status=sales_return.status,
        return_id=sales_return.id,
        order_id=sales_return.order_id,
        customer_id=sales_return.customer_id,
        actor_kind=kind_of(actor),
        **details,
    )
