"""domain.amounts: every stored quantity and amount is bounded, entered or computed, and the
messages say the bounds."""

from datetime import date
from decimal import Decimal

import pytest

from domain.amounts import MAX_AMOUNT, MAX_QUANTITY, amount_problem, quantity_problem
from domain.orders.lines import OrderLineDraft, validate_order_lines
from domain.plans.lines import LineDraft, validate_lines

MONTH = date(2027, 1, 1)


@pytest.mark.parametrize(
    ("quantity", "zero_allowed", "fine"),
    [
        (Decimal("0"), True, True),
        (Decimal("0"), False, False),
        (Decimal("999999999.999"), False, True),
        (MAX_QUANTITY, True, False),
        (Decimal("-0.001"), True, False),
        (Decimal("1.0005"), True, False),
    ],
)
def test_a_quantity_is_below_a_billion_with_three_decimals(quantity, zero_allowed, fine):
    problem = quantity_problem(quantity, zero_allowed=zero_allowed)
    assert (problem is None) is fine
    if problem:
        assert "below 1,000,000,000 with at most 3 decimals" in problem


@pytest.mark.parametrize(
    ("amount", "fine"),
    [
        (Decimal("0.00"), True),
        (Decimal("9999999999999.99"), True),
        (MAX_AMOUNT, False),
        (Decimal("-1"), False),
        (Decimal("0.001"), False),
    ],
)
def test_an_amount_is_below_ten_trillion_with_two_decimals(amount, fine):
    problem = amount_problem(amount, "creditLimit")
    assert (problem is None) is fine
    if problem:
        assert (
            problem
            == "creditLimit must be ≥ 0 and below 10,000,000,000,000 with at most 2 decimals"
        )


def test_a_plan_line_priced_from_the_list_price_is_bounded_like_an_entered_amount():
    """Once 999,999,999,999 units at 1,850 were stored as 1,849,999,999,998,150.00."""
    prices = {1: Decimal("50000.00")}
    targets, errors = validate_lines([LineDraft(1, MONTH, Decimal("999999999"))], [MONTH], prices)
    assert targets == []
    (error,) = errors
    assert error.field == ("input", "lines", "0", "quantity")
    assert "quantity × list price (50000.00) must be below 10,000,000,000,000" in error.message
    targets, errors = validate_lines(
        [LineDraft(1, MONTH, Decimal("999999999"), Decimal("1.00"))], [MONTH], prices
    )
    assert errors == [] and targets[0].amount == Decimal("1.00")
    _, errors = validate_lines([LineDraft(1, MONTH, Decimal("999999999999"))], [MONTH], prices)
    assert (
        errors[0].message == "quantity must be ≥ 0 and below 1,000,000,000 with at most 3 decimals"
    )


def test_an_order_line_states_the_quantity_bound():
    draft = OrderLineDraft(1, Decimal("1000000000"), MONTH)
    _, errors = validate_order_lines([draft], MONTH, {1: Decimal("1.00")})
    assert (
        errors[0].message == "quantity must be > 0 and below 1,000,000,000 with at most 3 decimals"
    )
