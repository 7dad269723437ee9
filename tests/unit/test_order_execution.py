"""The execution summary maths: quantities, amounts, outstanding, on-time-in-full, lateness."""

from datetime import date, timedelta
from decimal import Decimal

from domain.orders.execution import Delivery, Figures, LineFacts, line_figures, total

D = Decimal
PROMISED = date(2026, 6, 30)
BEFORE, AFTER = date(2026, 6, 1), date(2026, 7, 31)


def facts(**given) -> LineFacts:
    base = {
        "ordered": D("10.000"),
        "unit_price": D("12.35"),
        "amount": D("123.50"),
        "promised_date": PROMISED,
    }
    return LineFacts(**{**base, **given})


def test_a_line_with_nothing_shipped_is_all_outstanding_and_not_yet_due():
    f = line_figures(facts(), BEFORE)
    assert (f.ordered_quantity, f.ordered_amount) == (D("10.000"), D("123.50"))
    assert (f.outstanding_quantity, f.outstanding_amount) == (D("10.000"), D("123.50"))
    assert (f.shipped_quantity, f.delivered_quantity, f.returned_quantity) == (0, 0, 0)
    assert (f.lines, f.lines_due, f.on_time_in_full_rate) == (1, 0, None)
    assert f.average_days_late is None


def test_a_line_is_due_once_its_promised_date_has_come():
    assert line_figures(facts(), PROMISED).lines_due == 1
    assert line_figures(facts(), PROMISED).on_time_in_full_rate == D("0.0000")


def test_partial_shipment_amounts_are_quantity_times_price_and_the_columns_add_up():
    f = line_figures(facts(shipped=D("3.000")), BEFORE)
    assert f.shipped_amount == D("37.05")
    assert f.outstanding_quantity == D("7.000")
    assert f.shipped_amount + f.outstanding_amount == f.ordered_amount


def test_amounts_round_half_up_to_the_cent_and_still_add_up():
    line = facts(ordered=D("3.000"), unit_price=D("0.35"), amount=D("1.05"), shipped=D("1.500"))
    f = line_figures(line, BEFORE)
    assert f.shipped_amount == D("0.53")  # 0.525 rounds up
    assert f.outstanding_amount == D("0.52")


def test_an_early_full_delivery_is_on_time_in_full_and_due_before_its_date():
    line = facts(shipped=D("10.000"), deliveries=(Delivery(D("10.000"), date(2026, 6, 20)),))
    f = line_figures(line, BEFORE)
    assert (f.lines_due, f.lines_on_time_in_full, f.on_time_in_full_rate) == (1, 1, D("1.0000"))
    assert (f.deliveries, f.late_deliveries, f.average_days_late) == (1, 0, D("0.00"))


def test_a_late_remainder_spoils_on_time_in_full_and_counts_its_days():
    line = facts(
        shipped=D("10.000"),
        deliveries=(
            Delivery(D("6.000"), PROMISED - timedelta(days=2)),
            Delivery(D("4.000"), PROMISED + timedelta(days=5)),
        ),
    )
    f = line_figures(line, AFTER)
    assert (f.lines_due, f.lines_on_time_in_full) == (1, 0)
    assert (f.deliveries, f.late_deliveries, f.days_late_total) == (2, 1, 5)
    assert f.average_days_late == D("2.50")
    assert f.delivered_quantity == D("10.000")


def test_returns_lower_the_delivered_quantity_but_not_what_was_shipped_or_on_time():
    line = facts(
        shipped=D("10.000"),
        deliveries=(Delivery(D("10.000"), PROMISED),),
        returned=D("2.000"),
    )
    f = line_figures(line, AFTER)
    assert (f.delivered_quantity, f.delivered_amount) == (D("8.000"), D("98.80"))
    assert (f.returned_quantity, f.returned_amount) == (D("2.000"), D("24.70"))
    assert f.shipped_quantity == D("10.000")
    assert f.lines_on_time_in_full == 1


def test_closed_or_cancelled_lines_have_nothing_outstanding():
    f = line_figures(facts(shipped=D("4.000"), expects_shipments=False), AFTER)
    assert (f.outstanding_quantity, f.outstanding_amount) == (D("0.000"), D("0.00"))


def test_group_rates_come_from_the_summed_counts_not_from_averaging_rates():
    on_time = line_figures(
        facts(shipped=D("10.000"), deliveries=(Delivery(D("10.000"), PROMISED),)), AFTER
    )
    late = line_figures(
        facts(shipped=D("10.000"), deliveries=(Delivery(D("10.000"), PROMISED + timedelta(3)),)),
        AFTER,
    )
    not_due = line_figures(facts(promised_date=date(2026, 12, 1)), AFTER)
    group = total([on_time, late, late, not_due])
    assert (group.lines, group.lines_due, group.lines_on_time_in_full) == (4, 3, 1)
    assert group.on_time_in_full_rate == D("0.3333")
    assert group.average_days_late == D("2.00")
    assert group.ordered_amount == D("494.00")


def test_the_total_of_nothing_is_zero():
    assert total([]) == Figures()
    assert Figures().on_time_in_full_rate is None
