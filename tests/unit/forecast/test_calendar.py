"""Months split over ISO weeks by working days add up exactly; periods are months or ISO weeks."""

from datetime import date
from decimal import Decimal

import pytest

from domain.forecast.calendar import (
    ForecastGranularity,
    Period,
    months_between,
    periods_between,
    split_amounts_by_week,
    split_by_week,
    split_month,
    working_days_by_week,
)
from domain.plans.allocation import Amounts
from domain.plans.lines import MONEY_STEP, QUANTITY_STEP

AUG, SEP = date(2026, 8, 1), date(2026, 9, 1)  # August 2026 starts on a Saturday


def test_a_month_starting_on_a_weekend_gives_its_first_week_nothing():
    # Aug 1-2 are a weekend: the ISO week of July 27 holds no working day of August.
    assert working_days_by_week(AUG) == {
        date(2026, 8, 3): 5,
        date(2026, 8, 10): 5,
        date(2026, 8, 17): 5,
        date(2026, 8, 24): 5,
        date(2026, 8, 31): 1,
    }


def test_a_month_splits_by_working_days_with_largest_remainders_that_add_up_exactly():
    # 100 × 5/21 = 23.8095…, 100 × 1/21 = 4.7619…: the three spare thousandths go to the largest
    # remainders (0.90 of the last week, then 0.52 of the earliest weeks).
    parts = split_month(AUG, Decimal("100.000"), QUANTITY_STEP)
    assert parts == {
        date(2026, 8, 3): Decimal("23.810"),
        date(2026, 8, 10): Decimal("23.810"),
        date(2026, 8, 17): Decimal("23.809"),
        date(2026, 8, 24): Decimal("23.809"),
        date(2026, 8, 31): Decimal("4.762"),
    }
    assert sum(parts.values()) == Decimal("100.000")
    money = split_month(AUG, Decimal("1000.00"), MONEY_STEP)
    assert list(money.values()) == [
        Decimal(v) for v in ("238.10", "238.10", "238.09", "238.09", "47.62")
    ]


def test_a_week_across_two_months_receives_a_part_of_each():
    # The week of Aug 31 holds one working day of August and four of September (22 in all).
    weekly = split_by_week({AUG: Decimal("100.000"), SEP: Decimal("220.000")}, QUANTITY_STEP)
    assert weekly[date(2026, 8, 31)] == Decimal("4.762") + Decimal("40.000")
    assert weekly[date(2026, 9, 7)] == Decimal("50.000")
    assert weekly[date(2026, 9, 28)] == Decimal("30.000")
    assert sum(weekly.values()) == Decimal("320.000")
    assert list(weekly) == sorted(weekly)


def test_quantities_and_amounts_split_together_and_each_adds_up_to_the_month():
    series = {
        AUG: Amounts(Decimal("7.000"), Decimal("0.05")),
        SEP: Amounts(Decimal("1"), Decimal("9.99")),
    }
    weekly = split_amounts_by_week(series)
    assert sum(a.quantity for a in weekly.values()) == Decimal("8.000")
    assert sum(a.amount for a in weekly.values()) == Decimal("10.04")
    # 0.05 over August's 21 working days: a cent a week (1.19 cents rounded down), and the fifth
    # to the week of Aug 31, whose 0.24 cent has the largest remainder; it also takes 1.82 of the
    # 9.99 of September (4/22 of it, plus the spare cent).
    assert [a.amount for a in weekly.values()][:5] == [Decimal("0.01")] * 4 + [Decimal("1.83")]
    assert all(a.quantity.as_tuple().exponent == -3 for a in weekly.values())


def test_months_between_lists_every_month_touched_by_the_range():
    assert months_between(date(2026, 11, 15), date(2027, 2, 1)) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
    ]


def test_monthly_periods_are_calendar_months():
    periods = periods_between(date(2027, 1, 1), date(2027, 2, 28), ForecastGranularity.MONTH)
    assert [(p.start, p.end, p.label) for p in periods] == [
        (date(2027, 1, 1), date(2027, 1, 31), "2027-01"),
        (date(2027, 2, 1), date(2027, 2, 28), "2027-02"),
    ]


def test_weekly_periods_are_iso_weeks_labelled_by_their_iso_year():
    periods = periods_between(date(2026, 12, 30), date(2027, 1, 10), ForecastGranularity.WEEK)
    assert periods == [
        Period(date(2026, 12, 28), date(2027, 1, 3), ForecastGranularity.WEEK),
        Period(date(2027, 1, 4), date(2027, 1, 10), ForecastGranularity.WEEK),
    ]
    assert [p.label for p in periods] == ["2026-W53", "2027-W01"]


def test_a_range_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        periods_between(date(2027, 2, 1), date(2027, 1, 1), ForecastGranularity.WEEK)
    with pytest.raises(ValueError):
        months_between(date(2027, 2, 1), date(2027, 1, 1))
