"""The delivery report's figures on hand-made order lines: order counts, days late, reasons and
the ranking of the worst late orders; the line figures are the execution summary's."""

from datetime import date
from decimal import Decimal

from domain.orders.execution import Delivery, LineFacts, line_figures, total
from domain.orders.lifecycle import OrderStatus
from domain.reports.delivery import (
    LateReason,
    ReportLine,
    delivery_snapshot,
    month_end,
    report_day,
)

D = Decimal
JUL = date(2026, 7, 1)
AS_OF = date(2026, 7, 31)


def line(order, promised, ordered="10", shipped="0", deliveries=(), status=OrderStatus.READY, **kw):
    facts = LineFacts(
        ordered=D(ordered),
        unit_price=D("2.00"),
        amount=D(ordered) * 2,
        promised_date=promised,
        shipped=D(shipped),
        deliveries=tuple(Delivery(D(q), day) for q, day in deliveries),
        **kw,
    )
    return ReportLine(order_id=order, customer_id=100 + order, order_status=status, facts=facts)


def test_the_report_day_is_the_months_last_day_or_today_while_it_runs():
    assert month_end(date(2026, 2, 1)) == date(2026, 2, 28)
    assert report_day(JUL, date(2026, 9, 3)) == AS_OF
    assert report_day(JUL, date(2026, 7, 12)) == date(2026, 7, 12)


def test_figures_are_the_sum_of_the_execution_summarys_line_figures():
    lines = [
        line(1, date(2026, 7, 10), shipped="10", deliveries=[("10", date(2026, 7, 9))]),
        line(2, date(2026, 7, 20), shipped="4", deliveries=[("4", date(2026, 7, 25))]),
    ]
    snapshot = delivery_snapshot(lines, AS_OF)
    assert snapshot.figures == total(line_figures(x.facts, AS_OF) for x in lines)


def test_orders_are_due_on_time_late_or_outstanding_by_their_lines():
    lines = [
        # order 1: delivered in full on time
        line(1, date(2026, 7, 10), shipped="10", deliveries=[("10", date(2026, 7, 10))]),
        # order 2: one line on time, one still open: late and outstanding
        line(2, date(2026, 7, 5), shipped="10", deliveries=[("10", date(2026, 7, 1))]),
        line(2, date(2026, 7, 20), status=OrderStatus.IN_PRODUCTION),
        # order 3: not due yet (promised after the report day)
        line(3, date(2026, 8, 2), status=OrderStatus.CONFIRMED),
    ]
    snapshot = delivery_snapshot(lines, AS_OF)
    assert snapshot.orders == 3
    assert snapshot.orders_due == 2
    assert snapshot.orders_on_time_in_full == 1
    assert snapshot.orders_late == 1
    assert snapshot.orders_outstanding == 2
    [late] = snapshot.worst_late_orders
    assert (late.order_id, late.days_late, late.lines_late) == (2, 11, 1)
    assert late.reason is LateReason.NOT_YET_PRODUCED  # its order is IN_PRODUCTION
    assert late.undelivered_quantity == D("10")
    assert late.detail == "1 of 2 line(s) late, worst by 11 day(s); 10.000 not delivered"


def test_each_reason_comes_from_the_late_lines_state_and_the_most_pressing_wins():
    promised = date(2026, 7, 10)
    cases = {
        1: [line(1, promised, shipped="10", deliveries=[("10", date(2026, 7, 14))])],
        2: [line(2, promised, shipped="10", deliveries=[("4", date(2026, 7, 11))])],
        3: [line(3, promised, shipped="0", status=OrderStatus.READY)],
        4: [line(4, promised, shipped="2", status=OrderStatus.CLOSED, expects_shipments=False)],
        5: [
            line(5, promised, shipped="10", deliveries=[("10", date(2026, 7, 12))]),
            line(5, promised, shipped="0", status=OrderStatus.CONFIRMED),
        ],
    }
    snapshot = delivery_snapshot([x for lines in cases.values() for x in lines], AS_OF)
    reasons = {o.order_id: o.reason for o in snapshot.worst_late_orders}
    assert reasons == {
        1: LateReason.DELIVERED_LATE,
        2: LateReason.IN_TRANSIT,
        3: LateReason.AWAITING_SHIPMENT,
        4: LateReason.CLOSED_SHORT,
        5: LateReason.NOT_YET_PRODUCED,
    }
    in_transit = next(o for o in snapshot.worst_late_orders if o.order_id == 2)
    assert (in_transit.undelivered_quantity, in_transit.in_transit_quantity) == (D("6"), D("6"))
    delivered_late = next(o for o in snapshot.worst_late_orders if o.order_id == 1)
    assert delivered_late.days_late == 4
    assert delivered_late.detail.endswith("delivered in full after the promised date")


def test_worst_late_orders_rank_by_days_then_outstanding_amount_then_id_and_keep_ten():
    lines = [line(n, date(2026, 7, 1 + n % 3), ordered=str(n)) for n in range(1, 16)]
    snapshot = delivery_snapshot(lines, AS_OF)
    assert snapshot.orders_late == 15
    ranked = [(o.days_late, o.outstanding_amount, o.order_id) for o in snapshot.worst_late_orders]
    assert len(ranked) == 10
    assert ranked == sorted(ranked, key=lambda r: (-r[0], -r[1], r[2]))
    assert ranked[0] == (30, D("30.00"), 15)
