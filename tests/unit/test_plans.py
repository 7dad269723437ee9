"""domain.plans: plan periods, the months a plan covers and the rules its lines must satisfy."""

from datetime import date
from decimal import Decimal

import pytest

from domain.errors import ErrorCode
from domain.plans.lines import MAX_LINES_PER_PLAN, LineDraft, LineTarget, validate_lines
from domain.plans.periods import Granularity, add_months, check_period_start, plan_end, plan_months

YEAR_2026 = plan_months(Granularity.YEAR, date(2026, 1, 1))
PRICES = {1: Decimal("310.50"), 2: Decimal("9.75"), 3: Decimal("0.10")}


@pytest.mark.parametrize(
    ("granularity", "start"),
    [
        (Granularity.YEAR, date(2026, 1, 1)),
        (Granularity.QUARTER, date(2026, 1, 1)),
        (Granularity.QUARTER, date(2026, 4, 1)),
        (Granularity.QUARTER, date(2026, 7, 1)),
        (Granularity.QUARTER, date(2026, 10, 1)),
        (Granularity.MONTH, date(2026, 2, 1)),
        (Granularity.MONTH, date(2026, 12, 1)),
    ],
)
def test_a_plan_may_start_on_the_first_day_of_its_period(granularity, start):
    assert check_period_start(granularity, start) is None


@pytest.mark.parametrize(
    ("granularity", "start", "message"),
    [
        (Granularity.MONTH, date(2026, 3, 15), "periodStart must be the first day of a month"),
        (Granularity.QUARTER, date(2026, 4, 2), "periodStart must be the first day of a month"),
        (Granularity.YEAR, date(2026, 2, 1), "a YEAR plan starts on January 1"),
        (Granularity.YEAR, date(2026, 7, 1), "a YEAR plan starts on January 1"),
        (
            Granularity.QUARTER,
            date(2026, 2, 1),
            "a QUARTER plan starts on Jan 1, Apr 1, Jul 1 or Oct 1",
        ),
        (
            Granularity.QUARTER,
            date(2026, 12, 1),
            "a QUARTER plan starts on Jan 1, Apr 1, Jul 1 or Oct 1",
        ),
    ],
)
def test_a_plan_starting_elsewhere_is_invalid_and_names_the_period_start_field(
    granularity, start, message
):
    error = check_period_start(granularity, start)
    assert error is not None
    assert error.code is ErrorCode.INVALID
    assert error.message == message
    assert error.field == ("input", "periodStart")


def test_add_months_gives_the_first_of_the_month_across_year_ends():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 1)
    assert add_months(date(2026, 11, 1), 2) == date(2027, 1, 1)
    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert add_months(date(2026, 6, 1), 0) == date(2026, 6, 1)


def test_a_year_plan_covers_twelve_month_starts():
    assert [date(2026, m, 1) for m in range(1, 13)] == YEAR_2026


def test_a_quarter_plan_covers_three_month_starts():
    assert plan_months(Granularity.QUARTER, date(2026, 10, 1)) == [
        date(2026, 10, 1),
        date(2026, 11, 1),
        date(2026, 12, 1),
    ]


def test_a_month_plan_covers_only_its_own_month():
    assert plan_months(Granularity.MONTH, date(2026, 5, 1)) == [date(2026, 5, 1)]


@pytest.mark.parametrize(
    ("granularity", "start", "end"),
    [
        (Granularity.YEAR, date(2026, 1, 1), date(2026, 12, 31)),
        (Granularity.QUARTER, date(2024, 1, 1), date(2024, 3, 31)),
        (Granularity.QUARTER, date(2026, 10, 1), date(2026, 12, 31)),
        (Granularity.MONTH, date(2024, 2, 1), date(2024, 2, 29)),
        (Granularity.MONTH, date(2026, 2, 1), date(2026, 2, 28)),
        (Granularity.MONTH, date(2026, 4, 1), date(2026, 4, 30)),
    ],
)
def test_a_plan_ends_on_the_last_day_of_its_last_month(granularity, start, end):
    assert plan_end(granularity, start) == end


def test_a_line_without_an_amount_is_priced_at_quantity_times_list_price():
    targets, errors = validate_lines(
        [LineDraft(1, date(2026, 3, 1), Decimal("3"))], YEAR_2026, PRICES
    )
    assert errors == []
    assert targets == [LineTarget(1, date(2026, 3, 1), Decimal("3"), Decimal("931.50"))]


def test_a_default_amount_is_rounded_to_cents():
    targets, errors = validate_lines(
        [LineDraft(2, date(2026, 1, 1), Decimal("1.333"))], YEAR_2026, PRICES
    )
    assert errors == []
    # 1.333 × 9.75 = 12.99675
    assert targets[0].amount == Decimal("13.00")
    assert str(targets[0].amount) == "13.00"


def test_a_given_amount_is_kept_as_it_is():
    targets, errors = validate_lines(
        [LineDraft(1, date(2026, 3, 1), Decimal("3"), Decimal("900.00"))], YEAR_2026, PRICES
    )
    assert errors == []
    assert targets[0].amount == Decimal("900.00")


def test_a_zero_quantity_is_a_valid_target_worth_nothing():
    targets, errors = validate_lines(
        [LineDraft(3, date(2026, 1, 1), Decimal("0"))], YEAR_2026, PRICES
    )
    assert errors == []
    assert targets[0].amount == Decimal("0.00")


def test_valid_lines_pass_in_the_order_given():
    drafts = [
        LineDraft(2, date(2026, 2, 1), Decimal("1")),
        LineDraft(1, date(2026, 1, 1), Decimal("2")),
        LineDraft(1, date(2026, 2, 1), Decimal("0.125")),
    ]
    targets, errors = validate_lines(drafts, YEAR_2026, PRICES)
    assert errors == []
    assert [(t.product_id, t.period, t.quantity, t.amount) for t in targets] == [
        (2, date(2026, 2, 1), Decimal("1"), Decimal("9.75")),
        (1, date(2026, 1, 1), Decimal("2"), Decimal("621.00")),
        (1, date(2026, 2, 1), Decimal("0.125"), Decimal("38.81")),  # 38.8125
    ]


def test_an_unknown_product_is_not_found_at_its_line():
    targets, errors = validate_lines(
        [
            LineDraft(1, date(2026, 1, 1), Decimal("1")),
            LineDraft(99, date(2026, 1, 1), Decimal("1")),
        ],
        YEAR_2026,
        PRICES,
    )
    assert [t.product_id for t in targets] == [1]
    assert len(errors) == 1
    assert errors[0].code is ErrorCode.NOT_FOUND
    assert errors[0].field == ("input", "lines", "1", "productId")


def test_a_period_outside_the_plan_is_invalid_and_says_which_months_are_allowed():
    q2 = plan_months(Granularity.QUARTER, date(2026, 4, 1))
    _, errors = validate_lines([LineDraft(1, date(2026, 7, 1), Decimal("1"))], q2, PRICES)
    assert [(e.code, e.field) for e in errors] == [
        (ErrorCode.INVALID, ("input", "lines", "0", "period"))
    ]
    assert errors[0].message == (
        "period 2026-07-01 is not a month start inside the plan (2026-04-01 to 2026-06-01)"
    )


def test_a_period_that_is_not_a_month_start_is_invalid():
    _, errors = validate_lines([LineDraft(1, date(2026, 3, 2), Decimal("1"))], YEAR_2026, PRICES)
    assert [(e.code, e.field) for e in errors] == [
        (ErrorCode.INVALID, ("input", "lines", "0", "period"))
    ]


def test_the_same_product_and_month_twice_is_a_duplicate_and_only_the_first_is_kept():
    drafts = [
        LineDraft(1, date(2026, 1, 1), Decimal("1")),
        LineDraft(1, date(2026, 2, 1), Decimal("1")),
        LineDraft(1, date(2026, 1, 1), Decimal("5")),
    ]
    targets, errors = validate_lines(drafts, YEAR_2026, PRICES)
    assert [(t.period, t.quantity) for t in targets] == [
        (date(2026, 1, 1), Decimal("1")),
        (date(2026, 2, 1), Decimal("1")),
    ]
    assert [(e.code, e.field) for e in errors] == [
        (ErrorCode.DUPLICATE, ("input", "lines", "2", "period"))
    ]


@pytest.mark.parametrize("quantity", ["-1", "-0.001", "1.0005", "0.0001"])
def test_a_negative_quantity_or_one_with_more_than_three_decimals_is_invalid(quantity):
    targets, errors = validate_lines(
        [LineDraft(1, date(2026, 1, 1), Decimal(quantity))], YEAR_2026, PRICES
    )
    assert targets == []
    assert [(e.code, e.field) for e in errors] == [
        (ErrorCode.INVALID, ("input", "lines", "0", "quantity"))
    ]


@pytest.mark.parametrize("amount", ["-0.01", "10.001", "0.005"])
def test_a_negative_amount_or_one_with_more_than_two_decimals_is_invalid(amount):
    targets, errors = validate_lines(
        [LineDraft(1, date(2026, 1, 1), Decimal("1"), Decimal(amount))], YEAR_2026, PRICES
    )
    assert targets == []
    assert [(e.code, e.field) for e in errors] == [
        (ErrorCode.INVALID, ("input", "lines", "0", "amount"))
    ]


def test_every_bad_line_is_reported_not_only_the_first():
    drafts = [
        LineDraft(99, date(2026, 1, 1), Decimal("1")),
        LineDraft(1, date(2027, 1, 1), Decimal("1")),
        LineDraft(1, date(2026, 1, 1), Decimal("-1")),
        LineDraft(2, date(2026, 1, 1), Decimal("1"), Decimal("1.234")),
        LineDraft(3, date(2026, 1, 1), Decimal("1")),
    ]
    targets, errors = validate_lines(drafts, YEAR_2026, PRICES, path="upsert")
    assert [t.product_id for t in targets] == [3]
    assert [(e.code, e.field) for e in errors] == [
        (ErrorCode.NOT_FOUND, ("input", "upsert", "0", "productId")),
        (ErrorCode.INVALID, ("input", "upsert", "1", "period")),
        (ErrorCode.INVALID, ("input", "upsert", "2", "quantity")),
        (ErrorCode.INVALID, ("input", "upsert", "3", "amount")),
    ]


def test_more_lines_than_a_plan_holds_are_refused_as_a_whole():
    drafts = [LineDraft(1, date(2026, 1, 1), Decimal("1"))] * (MAX_LINES_PER_PLAN + 1)
    targets, errors = validate_lines(drafts, YEAR_2026, PRICES)
    assert targets == []
    assert [(e.code, e.field) for e in errors] == [(ErrorCode.INVALID, ("input", "lines"))]


def test_no_lines_is_valid():
    assert validate_lines([], YEAR_2026, PRICES) == ([], [])
