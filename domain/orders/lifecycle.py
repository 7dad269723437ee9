"""The sales order life cycle (PRODUCT.md): which action moves an order from which status, and the
statuses the system derives from shipments.

DRAFT → IN_REVIEW (contract review, plus special approval when priced under the floor or over
credit) → CONFIRMED → IN_PRODUCTION → READY → PARTIALLY_SHIPPED → SHIPPED → DELIVERED → CLOSED;
CANCELLED before anything was shipped. PARTIALLY_SHIPPED, SHIPPED and DELIVERED follow from the
order's shipments and are never set by hand.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum


class OrderStatus(Enum):
    DRAFT = "DRAFT"
    IN_REVIEW = "IN_REVIEW"
    CONFIRMED = "CONFIRMED"
    IN_PRODUCTION = "IN_PRODUCTION"
    READY = "READY"
    PARTIALLY_SHIPPED = "PARTIALLY_SHIPPED"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    CLOSED = "CLOSED"
    CANCELLED = "CANCELLED"


class OrderAction(Enum):
    """The transitions a person asks for, one mutation each."""

    SUBMIT = "SUBMIT"
    REJECT = "REJECT"
    CONFIRM = "CONFIRM"
    START_PRODUCTION = "START_PRODUCTION"
    MARK_READY = "MARK_READY"
    CANCEL = "CANCEL"
    CLOSE = "CLOSE"


S = OrderStatus

# action → (statuses it may start from, status it leads to)
MANUAL_TRANSITIONS: dict[OrderAction, tuple[frozenset[OrderStatus], OrderStatus]] = {
    OrderAction.SUBMIT: (frozenset({S.DRAFT}), S.IN_REVIEW),
    OrderAction.REJECT: (frozenset({S.IN_REVIEW}), S.DRAFT),
    OrderAction.CONFIRM: (frozenset({S.IN_REVIEW}), S.CONFIRMED),
    OrderAction.START_PRODUCTION: (frozenset({S.CONFIRMED}), S.IN_PRODUCTION),
    # Goods already in stock need no production: CONFIRMED may go straight to READY.
    OrderAction.MARK_READY: (frozenset({S.CONFIRMED, S.IN_PRODUCTION}), S.READY),
    OrderAction.CANCEL: (
        frozenset({S.DRAFT, S.IN_REVIEW, S.CONFIRMED, S.IN_PRODUCTION, S.READY}),
        S.CANCELLED,
    ),
    OrderAction.CLOSE: (frozenset({S.DELIVERED}), S.CLOSED),
}

# Statuses in which shipments may be planned, dispatched and delivered.
SHIPPING_STATUSES = frozenset({S.READY, S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED})
# Statuses in which goods have left: the order can no longer be cancelled.
SHIPPED_STATUSES = frozenset({S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED, S.CLOSED})
# Orders the customer has committed to and the company accepted (they count for credit from
# IN_REVIEW on, and for the execution report from CONFIRMED on).
OPEN_STATUSES = frozenset(
    {
        S.IN_REVIEW,
        S.CONFIRMED,
        S.IN_PRODUCTION,
        S.READY,
        S.PARTIALLY_SHIPPED,
        S.SHIPPED,
        S.DELIVERED,
    }
)
BOOKED_STATUSES = frozenset(
    {S.CONFIRMED, S.IN_PRODUCTION, S.READY, S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED, S.CLOSED}
)


def allowed_from(action: OrderAction) -> frozenset[OrderStatus]:
    return MANUAL_TRANSITIONS[action][0]


def target_of(action: OrderAction, current: OrderStatus) -> OrderStatus | None:
    """The status `action` leads to from `current`, or None when it is not allowed."""
    sources, target = MANUAL_TRANSITIONS[action]
    return target if current in sources else None


def refusal_reason(action: OrderAction, current: OrderStatus) -> str:
    """Why `action` is not allowed from `current`, for a person to read."""
    if action is OrderAction.CANCEL and current in SHIPPED_STATUSES:
        return f"a {current.value} order has shipped goods and cannot be cancelled"
    sources = ", ".join(sorted(s.value for s in allowed_from(action)))
    return f"{action.value} is allowed from {sources}, not from {current.value}"


@dataclass(frozen=True)
class LineProgress:
    """What happened to one order line: quantities ordered, shipped (left the warehouse) and
    delivered (on delivered shipments, before any return)."""

    ordered: Decimal
    shipped: Decimal
    delivered: Decimal


def derived_status(current: OrderStatus, lines: Iterable[LineProgress]) -> OrderStatus:
    """The status an order in the shipping phase has, given its lines' progress.

    Every line shipped in full and delivered in full: DELIVERED; shipped in full: SHIPPED;
    anything shipped: PARTIALLY_SHIPPED; nothing: READY. Returns do not move an order back (they
    are reversals after delivery). Orders outside the shipping phase keep their status.
    """
    if current not in SHIPPING_STATUSES:
        return current
    lines = list(lines)
    if not lines:
        return current
    if all(line.shipped >= line.ordered for line in lines):
        if all(line.delivered >= line.ordered for line in lines):
            return S.DELIVERED
        return S.SHIPPED
    if any(line.shipped > 0 for line in lines):
        return S.PARTIALLY_SHIPPED
    return S.READY
