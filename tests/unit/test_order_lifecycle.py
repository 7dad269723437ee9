"""The statuses an order derives from its shipments (its transition table: tests/unit/lifecycles)."""

from decimal import Decimal

import pytest

from domain.orders.lifecycle import LineProgress, OrderStatus, derived_status

S = OrderStatus
D = Decimal


def line(ordered, shipped=0, delivered=0) -> LineProgress:
    return LineProgress(D(ordered), D(shipped), D(delivered))


def test_nothing_shipped_keeps_a_ready_order_ready():
    assert derived_status(S.READY, [line(10), line(5)]) is S.READY


def test_part_of_one_line_shipped_makes_the_order_partially_shipped():
    assert derived_status(S.READY, [line(10, 4), line(5)]) is S.PARTIALLY_SHIPPED


def test_every_line_shipped_in_full_makes_it_shipped_even_if_part_is_delivered():
    assert derived_status(S.PARTIALLY_SHIPPED, [line(10, 10, 6), line(5, 5)]) is S.SHIPPED


def test_everything_delivered_makes_it_delivered():
    assert derived_status(S.SHIPPED, [line(10, 10, 10), line(5, 5, 5)]) is S.DELIVERED


def test_delivered_in_full_but_one_line_not_shipped_in_full_stays_partially_shipped():
    assert derived_status(S.PARTIALLY_SHIPPED, [line(10, 10, 10), line(5, 2, 2)]) is (
        S.PARTIALLY_SHIPPED
    )


@pytest.mark.parametrize("status", [S.DRAFT, S.IN_REVIEW, S.CONFIRMED, S.IN_PRODUCTION, S.CLOSED])
def test_orders_outside_the_shipping_phase_keep_their_status(status):
    assert derived_status(status, [line(10, 10, 10)]) is status


def test_an_order_without_lines_keeps_its_status():
    assert derived_status(S.READY, []) is S.READY
