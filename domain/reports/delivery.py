"""The figures of a delivery report (交付情况汇报): one month's order execution, snapshotted.

The line figures are exactly the execution summary's (domain.orders.execution) for the booked
order lines promised in the month, judged as of the report's day (the month's last day, or the
day the report is generated while the month runs). On top of them, per order (an order counts
with its lines promised in the month):

- due: at least one of those lines is due;
- on time in full: due, and each of its due lines is on time in full;
- late: due and not on time in full;
- outstanding: quantity is still to ship on those lines;
- days late: for each due line that is not on time in full, the days from its promised date to
  the delivery that completed it (delivered in full, late) or to the report's day (still open);
  the order's days late are its worst line's;
- the reason of a late order, from its late lines' state, the most pressing first:
  NOT_YET_PRODUCED (quantity not shipped, order CONFIRMED or IN_PRODUCTION),
  AWAITING_SHIPMENT (quantity not shipped, goods ready), CLOSED_SHORT (closed or cancelled
  before the quantity shipped), IN_TRANSIT (shipped, not delivered), DELIVERED_LATE (delivered in
  full after the promised date).

The worst late orders are ranked by days late, then outstanding amount (both descending), then
order id.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum

from domain.orders.execution import ZERO_QTY, Figures, LineFacts, line_figures, total
from domain.orders.lifecycle import OrderStatus
from domain.plans.periods import add_months

WORST_LATE_ORDERS = 10
MAX_DETAIL = 500


class LateReason(Enum):
    NOT_YET_PRODUCED = "NOT_YET_PRODUCED"
    AWAITING_SHIPMENT = "AWAITING_SHIPMENT"
    CLOSED_SHORT = "CLOSED_SHORT"
    IN_TRANSIT = "IN_TRANSIT"
    DELIVERED_LATE = "DELIVERED_LATE"


# The most pressing reason of an order's late lines is the order's.
PRESSING = list(LateReason)
NOT_PRODUCED_STATUSES = frozenset({OrderStatus.CONFIRMED, OrderStatus.IN_PRODUCTION})


@dataclass(frozen=True)
class ReportLine:
    """An order line of the report, with what its order is."""

    order_id: int
    customer_id: int
    order_status: OrderStatus
    facts: LineFacts


@dataclass(frozen=True)
class LateOrder:
    order_id: int
    customer_id: int
    order_status: OrderStatus
    days_late: int
    lines_late: int
    undelivered_quantity: Decimal  # of its late lines: ordered less delivered (before returns)
    in_transit_quantity: Decimal  # of its late lines: shipped, not yet delivered
    outstanding_quantity: Decimal
    outstanding_amount: Decimal
    reason: LateReason
    detail: str


@dataclass(frozen=True)
class DeliverySnapshot:
    figures: Figures
    orders: int
    orders_due: int
    orders_on_time_in_full: int
    orders_late: int
    orders_outstanding: int
    worst_late_orders: tuple[LateOrder, ...]


def month_end(period: date) -> date:
    return add_months(period, 1) - timedelta(days=1)


def report_day(period: date, today: date) -> date:
    """The day a month's lines are judged due against: its last day, or today while it runs."""
    return min(month_end(period), today)


@dataclass
class _LineState:
    days_late: int
    reason: LateReason
    undelivered: Decimal
    in_transit: Decimal


def _late_line(line: ReportLine, as_of: date) -> _LineState:
    """Why and by how much a due line that is not on time in full is late."""
    facts = line.facts
    delivered = sum((d.quantity for d in facts.deliveries), ZERO_QTY)
    undelivered = max(facts.ordered - delivered, ZERO_QTY)
    in_transit = max(facts.shipped - delivered, ZERO_QTY)
    if undelivered == 0:
        last = max(d.delivered_on for d in facts.deliveries)
        days = max((last - facts.promised_date).days, 0)
        return _LineState(days, LateReason.DELIVERED_LATE, undelivered, in_transit)
    days = max((as_of - facts.promised_date).days, 0)
    if facts.shipped < facts.ordered:
        if not facts.expects_shipments:
            reason = LateReason.CLOSED_SHORT
        elif line.order_status in NOT_PRODUCED_STATUSES:
            reason = LateReason.NOT_YET_PRODUCED
        else:
            reason = LateReason.AWAITING_SHIPMENT
    else:
        reason = LateReason.IN_TRANSIT
    return _LineState(days, reason, undelivered, in_transit)


def _detail(late: list[_LineState], lines: int, worst_days: int) -> str:
    undelivered = sum((s.undelivered for s in late), ZERO_QTY)
    in_transit = sum((s.in_transit for s in late), ZERO_QTY)
    text = f"{len(late)} of {lines} line(s) late, worst by {worst_days} day(s)"
    if undelivered:
        text += f"; {undelivered} not delivered"
        if in_transit:
            text += f", of which {in_transit} in transit"
    else:
        text += "; delivered in full after the promised date"
    return text[:MAX_DETAIL]


def delivery_snapshot(
    lines: Iterable[ReportLine], as_of: date, worst: int = WORST_LATE_ORDERS
) -> DeliverySnapshot:
    """The report's figures over `lines` (booked order lines promised in its month and scope)."""
    by_order: dict[int, list[tuple[ReportLine, Figures]]] = defaultdict(list)
    for line in lines:
        by_order[line.order_id].append((line, line_figures(line.facts, as_of)))
    orders_due = on_time = outstanding = 0
    late_orders = []
    for order_id, mine in by_order.items():
        figures = total(f for _, f in mine)
        if figures.outstanding_quantity > 0:
            outstanding += 1
        if figures.lines_due == 0:
            continue
        orders_due += 1
        late = [
            _late_line(line, as_of)
            for line, f in mine
            if f.lines_due and not f.lines_on_time_in_full
        ]
        if not late:
            on_time += 1
            continue
        first = mine[0][0]
        days = max(s.days_late for s in late)
        late_orders.append(
            LateOrder(
                order_id=order_id,
                customer_id=first.customer_id,
                order_status=first.order_status,
                days_late=days,
                lines_late=len(late),
                undelivered_quantity=sum((s.undelivered for s in late), ZERO_QTY),
                in_transit_quantity=sum((s.in_transit for s in late), ZERO_QTY),
                outstanding_quantity=figures.outstanding_quantity,
                outstanding_amount=figures.outstanding_amount,
                reason=min((s.reason for s in late), key=PRESSING.index),
                detail=_detail(late, len(mine), days),
            )
        )
    late_orders.sort(key=lambda o: (-o.days_late, -o.outstanding_amount, o.order_id))
    return DeliverySnapshot(
        figures=total(f for mine in by_order.values() for _, f in mine),
        orders=len(by_order),
        orders_due=orders_due,
        orders_on_time_in_full=on_time,
        orders_late=len(late_orders),
        orders_outstanding=outstanding,
        worst_late_orders=tuple(late_orders[:worst]),
    )
