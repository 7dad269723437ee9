"""The order execution summary (订单执行情况汇总表): ordered vs shipped vs delivered vs returned vs
outstanding, on-time-in-full and lateness, per line and summed over any grouping.

Definitions (per order line):
- shipped: quantity on shipments that left the warehouse (dispatched, in transit, delivered);
- delivered: quantity on delivered shipments less the quantity returned (net);
- returned: quantity on received returns;
- outstanding: ordered less shipped, for orders still expecting shipments (0 once the order is
  closed or cancelled);
- amounts: each quantity × the line's unit price, to the cent (outstanding amount is the ordered
  amount less the shipped amount, so the columns add up exactly);
- a line is due when its promised date is on or before the report date, or when it is
  delivered in full; it is on time in full when deliveries dated on or before the promised date
  cover the ordered quantity. The on-time-in-full rate is on-time-in-full lines / due lines;
- each delivered shipment line is a delivery; its days late are the days from the promised date
  to the delivery date (0 when on time); the average is over all deliveries.
"""

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from domain.orders.lines import amount_of

ZERO_QTY = Decimal("0.000")
ZERO_MONEY = Decimal("0.00")
RATE_STEP = Decimal("0.0001")
DAYS_STEP = Decimal("0.01")


@dataclass(frozen=True)
class Delivery:
    """A delivered shipment line."""

    quantity: Decimal
    delivered_on: date


@dataclass(frozen=True)
class LineFacts:
    """Everything the summary needs about one order line."""

    ordered: Decimal
    unit_price: Decimal
    amount: Decimal
    promised_date: date
    shipped: Decimal = ZERO_QTY
    deliveries: tuple[Delivery, ...] = ()
    returned: Decimal = ZERO_QTY
    expects_shipments: bool = True  # False once the order is closed or cancelled


@dataclass(frozen=True)
class Figures:
    """Summable execution figures; rates are derived from the sums."""

    ordered_quantity: Decimal = ZERO_QTY
    ordered_amount: Decimal = ZERO_MONEY
    shipped_quantity: Decimal = ZERO_QTY
    shipped_amount: Decimal = ZERO_MONEY
    delivered_quantity: Decimal = ZERO_QTY
    delivered_amount: Decimal = ZERO_MONEY
    returned_quantity: Decimal = ZERO_QTY
    returned_amount: Decimal = ZERO_MONEY
    outstanding_quantity: Decimal = ZERO_QTY
    outstanding_amount: Decimal = ZERO_MONEY
    lines: int = 0
    lines_due: int = 0
    lines_on_time_in_full: int = 0
    deliveries: int = 0
    late_deliveries: int = 0
    days_late_total: int = 0

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def on_time_in_full_rate(self) -> Decimal | None:
        """On-time-in-full lines / due lines, 0–1 to 4 decimals; None when no line is due."""
        if self.lines_due == 0:
            return None
        return (Decimal(self.lines_on_time_in_full) / self.lines_due).quantize(
            RATE_STEP, rounding=ROUND_HALF_UP
        )

    @property
    def average_days_late(self) -> Decimal | None:
        """Mean days late over all deliveries (on-time ones count 0); None without deliveries."""
        if self.deliveries == 0:
            return None
        return (Decimal(self.days_late_total) / self.deliveries).quantize(
            DAYS_STEP, rounding=ROUND_HALF_UP
        )


def line_figures(line: LineFacts, as_of: date) -> Figures:
    """The figures of one order line as of a day."""
    delivered_gross = sum((d.quantity for d in line.deliveries), ZERO_QTY)
    delivered_net = max(delivered_gross - line.returned, ZERO_QTY)
    shipped_for_amount = min(line.shipped, line.ordered)
    outstanding = max(line.ordered - line.shipped, ZERO_QTY) if line.expects_shipments else None
    on_time = sum(
        (d.quantity for d in line.deliveries if d.delivered_on <= line.promised_date), ZERO_QTY
    )
    in_full = delivered_gross >= line.ordered
    due = line.promised_date <= as_of or in_full
    lateness = [max((d.delivered_on - line.promised_date).days, 0) for d in line.deliveries]
    return Figures(
        ordered_quantity=line.ordered,
        ordered_amount=line.amount,
        shipped_quantity=line.shipped,
        shipped_amount=amount_of(line.shipped, line.unit_price),
        delivered_quantity=delivered_net,
        delivered_amount=amount_of(delivered_net, line.unit_price),
        returned_quantity=line.returned,
        returned_amount=amount_of(line.returned, line.unit_price),
        outstanding_quantity=ZERO_QTY if outstanding is None else outstanding,
        outstanding_amount=(
            ZERO_MONEY
            if outstanding is None
            else max(line.amount - amount_of(shipped_for_amount, line.unit_price), ZERO_MONEY)
        ),
        lines=1,
        lines_due=1 if due else 0,
        lines_on_time_in_full=1 if due and on_time >= line.ordered else 0,
        deliveries=len(lateness),
        late_deliveries=sum(1 for days in lateness if days > 0),
        days_late_total=sum(lateness),
    )


def total(figures: Iterable[Figures]) -> Figures:
    result = Figures()
    for f in figures:
        result = result + f
    return result
