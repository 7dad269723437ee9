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

from domain.errors import ErrorCode
from domain.lifecycle import Lifecycle, move


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

    EDIT = "EDIT"  # replace the lines
    SUBMIT = "SUBMIT"
    APPROVE_STEP = "APPROVE_STEP"  # a step of the special approval (the status stays IN_REVIEW)
    REJECT = "REJECT"
    CONFIRM = "CONFIRM"
    START_PRODUCTION = "START_PRODUCTION"
    MARK_READY = "MARK_READY"
    CANCEL = "CANCEL"
    CLOSE = "CLOSE"


S = OrderStatus

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
NOT_FROM = "{action} is allowed from {sources}, not from {status}"


def _cancel_refusal(status: OrderStatus) -> str:
    if status in SHIPPED_STATUSES:
        return f"a {status.value} order has shipped goods and cannot be cancelled"
    return f"CANCEL is allowed before anything shipped, not from {status.value}"


ORDER_LIFECYCLE: Lifecycle[OrderStatus, OrderAction] = Lifecycle(
    OrderStatus,
    {
        OrderAction.EDIT: move(
            {S.DRAFT},
            None,
            "a {status} order's lines cannot change; only a DRAFT's can",
            ErrorCode.READ_ONLY,
        ),
        OrderAction.SUBMIT: move({S.DRAFT}, S.IN_REVIEW, NOT_FROM),
        OrderAction.APPROVE_STEP: move(
            {S.IN_REVIEW}, None, "a {status} order has no approval step waiting"
        ),
        OrderAction.REJECT: move({S.IN_REVIEW}, S.DRAFT, NOT_FROM),
        OrderAction.CONFIRM: move({S.IN_REVIEW}, S.CONFIRMED, NOT_FROM),
        OrderAction.START_PRODUCTION: move({S.CONFIRMED}, S.IN_PRODUCTION, NOT_FROM),
        # Goods already in stock need no production: CONFIRMED may go straight to READY.
        OrderAction.MARK_READY: move({S.CONFIRMED, S.IN_PRODUCTION}, S.READY, NOT_FROM),
        OrderAction.CANCEL: move(
            {S.DRAFT, S.IN_REVIEW, S.CONFIRMED, S.IN_PRODUCTION, S.READY},
            S.CANCELLED,
            _cancel_refusal,
        ),
        OrderAction.CLOSE: move({S.DELIVERED}, S.CLOSED, NOT_FROM),
    },
)


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
