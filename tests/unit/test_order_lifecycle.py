"""The sales order state machine and the statuses derived from shipments."""

from decimal import Decimal

import pytest

from domain.orders.lifecycle import (
    MANUAL_TRANSITIONS,
    LineProgress,
    OrderAction,
    OrderStatus,
    derived_status,
    refusal_reason,
    target_of,
)

S = OrderStatus
A = OrderAction
D = Decimal


def line(ordered, shipped=0, delivered=0) -> LineProgress:
    return LineProgress(D(ordered), D(shipped), D(delivered))


@pytest.mark.parametrize(
    ("action", "start", "end"),
    [
        (A.SUBMIT, S.DRAFT, S.IN_REVIEW),
        (A.REJECT, S.IN_REVIEW, S.DRAFT),
        (A.CONFIRM, S.IN_REVIEW, S.CONFIRMED),
        (A.START_PRODUCTION, S.CONFIRMED, S.IN_PRODUCTION),
        (A.MARK_READY, S.IN_PRODUCTION, S.READY),
        (A.MARK_READY, S.CONFIRMED, S.READY),
        (A.CANCEL, S.DRAFT, S.CANCELLED),
        (A.CANCEL, S.READY, S.CANCELLED),
        (A.CLOSE, S.DELIVERED, S.CLOSED),
    ],
)
def test_each_person_made_transition_leads_where_the_life_cycle_says(action, start, end):
    assert target_of(action, start) is end


def test_no_action_sets_a_status_that_is_derived_from_shipments():
    targets = {target for _, target in MANUAL_TRANSITIONS.values()}
    assert not targets & {S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED}


@pytest.mark.parametrize("status", [S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED, S.CLOSED])
def test_an_order_with_shipped_goods_cannot_be_cancelled(status):
    assert target_of(A.CANCEL, status) is None
    assert "cannot be cancelled" in refusal_reason(A.CANCEL, status)


def test_every_other_action_from_a_wrong_status_is_refused_with_the_allowed_ones_named():
    for action, (sources, _target) in MANUAL_TRANSITIONS.items():
        for status in set(S) - sources:
            assert target_of(action, status) is None
    assert refusal_reason(A.CLOSE, S.READY) == "CLOSE is allowed from DELIVERED, not from READY"


def test_closed_and_cancelled_orders_accept_no_action_at_all():
    for action in A:
        assert target_of(action, S.CLOSED) is None
        assert target_of(action, S.CANCELLED) is None


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
