"""Shipments: their life cycle, how much of an order line may still go on one, and lateness.

PLANNED → DISPATCHED (stock leaves) → IN_TRANSIT (tracking events) → DELIVERED; the customer
confirms receipt of a delivered (or arriving) shipment from the partner portal.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum

from domain.errors import DomainError, ErrorCode
from domain.lifecycle import Lifecycle, move
from domain.orders.line_picks import line_pick_error


class ShipmentStatus(Enum):
    PLANNED = "PLANNED"
    DISPATCHED = "DISPATCHED"
    IN_TRANSIT = "IN_TRANSIT"
    DELIVERED = "DELIVERED"


NOT_FOR = "{action} is allowed for {sources} shipments, not for a {status} one"


class ShipmentAction(Enum):
    DISPATCH = "DISPATCH"
    TRACK = "TRACK"
    DELIVER = "DELIVER"
    CONFIRM_RECEIPT = "CONFIRM_RECEIPT"


St = ShipmentStatus

SHIPMENT_LIFECYCLE: Lifecycle[ShipmentStatus, ShipmentAction] = Lifecycle(
    ShipmentStatus,
    {
        ShipmentAction.DISPATCH: move({St.PLANNED}, St.DISPATCHED, NOT_FOR),
        ShipmentAction.TRACK: move({St.DISPATCHED, St.IN_TRANSIT}, St.IN_TRANSIT, NOT_FOR),
        ShipmentAction.DELIVER: move({St.DISPATCHED, St.IN_TRANSIT}, St.DELIVERED, NOT_FOR),
        # The customer's confirmation also counts as delivery when the carrier has not reported it.
        ShipmentAction.CONFIRM_RECEIPT: move(
            {St.DISPATCHED, St.IN_TRANSIT, St.DELIVERED}, St.DELIVERED, NOT_FOR
        ),
    },
)

# Statuses in which the goods have left the warehouse.
LEFT_WAREHOUSE = frozenset({St.DISPATCHED, St.IN_TRANSIT, St.DELIVERED})


@dataclass(frozen=True)
class LineRoom:
    """An order line's ordered quantity and the quantity already on shipments (any status)."""

    ordered: Decimal
    on_shipments: Decimal

    @property
    def unallocated(self) -> Decimal:
        return max(self.ordered - self.on_shipments, Decimal(0))


@dataclass(frozen=True)
class ShipmentLineDraft:
    order_line_id: int
    quantity: Decimal


def check_shipment_lines(
    drafts: Sequence[ShipmentLineDraft], room: dict[int, LineRoom], path: str = "lines"
) -> list[DomainError]:
    """Each line names a line of the order, once, with 0 < quantity ≤ what is not yet on a
    shipment (partial deliveries allowed; more than outstanding is EXCEEDS_OUTSTANDING)."""
    errors: list[DomainError] = []
    if not drafts:
        return [
            DomainError(ErrorCode.REQUIRED, "a shipment needs at least one line", ("input", path))
        ]
    seen: set[int] = set()
    for i, d in enumerate(drafts):
        at = ("input", path, str(i))
        line = room.get(d.order_line_id)
        if error := line_pick_error(line, d.order_line_id, d.quantity, seen, at):
            errors.append(error)
            continue
        if d.quantity > line.unallocated:
            errors.append(
                DomainError(
                    ErrorCode.EXCEEDS_OUTSTANDING,
                    f"only {line.unallocated} left to ship on this line ({line.ordered} ordered, "
                    f"{line.on_shipments} already on shipments)",
                    (*at, "quantity"),
                )
            )
    return errors


def days_late(promised: date, delivered_on: date | None, today: date) -> int:
    """Days after the promised date: at delivery, or so far when not delivered yet; 0 if on time."""
    return max(((delivered_on or today) - promised).days, 0)
