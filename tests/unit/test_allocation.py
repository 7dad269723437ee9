"""Splitting targets by shares adds up exactly; roll-up and gap per product and month."""

from datetime import date
from decimal import Decimal

import pytest

from domain.plans.allocation import (
    Amounts,
    allocation_gap,
    largest_remainder,
    roll_up,
    split_by_shares,
)

JAN, FEB = date(2027, 1, 1), date(2027, 2, 1)


def amounts(quantity: str, amount: str) -> Amounts:
    return Amounts(Decimal(quantity), Decimal(amount))


def test_largest_remainder_gives_whole_steps_that_sum_to_the_total():
    split = largest_remainder(
        Decimal(7), {1: Decimal(5), 2: Decimal(3), 3: Decimal(2)}, Decimal(10), Decimal(1)
    )
    assert split == {1: Decimal(4), 2: Decimal(2), 3: Decimal(1)}


def test_ties_go_to_the_child_listed_first():
    split = largest_remainder(
        Decimal("0.02"), {7: Decimal(1), 8: Decimal(1), 9: Decimal(1)}, Decimal(3), Decimal("0.01")
    )
    assert split == {7: Decimal("0.01"), 8: Decimal("0.01"), 9: Decimal("0.00")}


def test_a_split_by_shares_rolls_back_up_to_the_parent_exactly():
    parent = {
        (1, JAN): amounts("100", "333.33"),
        (1, FEB): amounts("10.5", "99.99"),
        (2, JAN): amounts("1", "0.01"),
    }
    children = split_by_shares(parent, {10: Decimal("1"), 11: Decimal("1"), 12: Decimal("1")})
    assert allocation_gap(parent, roll_up(children.values())) == {}
    # Whole units stay whole; fractional parents split to 0.001.
    assert {c[(1, JAN)].quantity for c in children.values()} == {Decimal(34), Decimal(33)}
    assert sum(c[(1, FEB)].quantity for c in children.values()) == Decimal("10.5")
    # A child whose share rounds to nothing gets no line at all.
    assert sum((2, JAN) in c for c in children.values()) == 1


def test_weights_are_normalised():
    parent = {(1, JAN): amounts("10", "100.00")}
    assert split_by_shares(parent, {1: Decimal("30"), 2: Decimal("70")}) == split_by_shares(
        parent, {1: Decimal("0.3"), 2: Decimal("0.7")}
    )


@pytest.mark.parametrize(
    "shares", [{1: Decimal(0), 2: Decimal(0)}, {1: Decimal(-1), 2: Decimal(2)}]
)
def test_shares_must_be_positive_somewhere_and_never_negative(shares):
    with pytest.raises(ValueError):
        split_by_shares({(1, JAN): amounts("1", "1.00")}, shares)


def test_the_gap_is_the_parent_minus_the_children_where_they_differ():
    parent = {(1, JAN): amounts("10", "100.00"), (2, JAN): amounts("5", "50.00")}
    children = [
        {(1, JAN): amounts("6", "60.00")},
        {(1, JAN): amounts("4", "40.00"), (3, FEB): amounts("1", "9.00")},
    ]
    assert allocation_gap(parent, roll_up(children)) == {
        (2, JAN): amounts("5", "50.00"),
        (3, FEB): amounts("-1", "-9.00"),
    }
