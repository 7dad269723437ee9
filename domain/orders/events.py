"""The events of orders, shipments and returns, each on its document's stream. Every one names
the order and the customer, so partner subscriptions are scoped without reading the order."""

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from domain.access import Actor
from domain.events import ApprovalRouting, DocumentEvent, key
from domain.orders.access import OrderOwner
from domain.orders.lifecycle import OrderStatus
from domain.orders.returns import ReturnStatus
from domain.orders.shipments import ShipmentStatus


class ActorKind(Enum):
    STAFF = "STAFF"
    PARTNER = "PARTNER"
    SYSTEM = "SYSTEM"  # a status the system derived (from shipments), not one a person set


def kind_of(actor: Actor) -> ActorKind:
    return ActorKind.STAFF if actor.is_internal else ActorKind.PARTNER


@dataclass(frozen=True, kw_only=True)
class SalesOrderEvent(ApprovalRouting, DocumentEvent):
    """On "SalesOrder:<id>": CREATED, LINES_UPDATED, SUBMITTED, STEP_APPROVED, APPROVED,
    REJECTED, CONFIRMED, PRODUCTION_STARTED, READY, CANCELLED, CLOSED; PARTIALLY_SHIPPED, SHIPPED
    and DELIVERED when shipments move the order (actor kind SYSTEM); RETURN_RECEIVED."""

    STREAM = "SalesOrder"

    from_status: OrderStatus | None = key("from", always=True)
    to_status: OrderStatus | None = key("to", always=True)
    order_id: int
    customer_id: int
    salesperson_id: int
    department_id: int
    company_id: int
    actor_kind: ActorKind = ActorKind.STAFF
    lines: int | None = None  # CREATED, LINES_UPDATED
    special_approval: bool | None = None  # SUBMITTED: the special-approval chain started
    special_reasons: tuple[str, ...] | None = None
    round: int | None = None
    step: str | None = None
    shipment_id: int | None = None  # a status derived from this shipment's action
    shipment_action: str | None = None
    return_id: int | None = None  # RETURN_RECEIVED

    @property
    def owner(self) -> OrderOwner:
        return OrderOwner(
            self.company_id, self.customer_id, self.department_id, self.salesperson_id
        )


@dataclass(frozen=True, kw_only=True)
class ShipmentEvent(DocumentEvent):
    """On "Shipment:<id>": CREATED, DISPATCHED, TRACKING, DELIVERED, RECEIPT_CONFIRMED."""

    STREAM = "Shipment"

    from_status: ShipmentStatus | None = key("from", always=True)
    to_status: ShipmentStatus | None = key("to", always=True)
    shipment_id: int
    order_id: int
    customer_id: int
    actor_kind: ActorKind = ActorKind.STAFF
    lines: int | None = None
    location: str | None = None  # TRACKING
    note: str | None = None
    occurred_at: datetime | None = None  # TRACKING: when the carrier saw it
    delivered_at: datetime | None = None  # DELIVERED


@dataclass(frozen=True, kw_only=True)
class SalesReturnEvent(DocumentEvent):
    """On "SalesReturn:<id>": CREATED, RECEIVED."""

    STREAM = "SalesReturn"

    from_status: ReturnStatus | None = key("from", always=True)
    to_status: ReturnStatus | None = key("to", always=True)
    return_id: int
    order_id: int
    customer_id: int
    actor_kind: ActorKind = ActorKind.STAFF
    reason: str | None = None
