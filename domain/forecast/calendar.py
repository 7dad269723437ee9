"""Forecast periods: calendar months, or ISO weeks (Monday to Sunday) that months are split over.

Weekly split rule: a month's quantity and amount are split over the ISO weeks that contain its
working days (Monday to Friday; no holiday calendar), in proportion to the number of that month's
working days in each week, rounded by the largest-remainder method to 0.001 (quantities) and 0.01
(amounts), so the weekly parts add up exactly to the month. A week that spans two months receives a
part of each; a week that holds only weekend days of a month receives nothing of that month. Ties
in the rounding go to the earlier week.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum

from domain.plans.allocation import Amounts, largest_remainder
from domain.plans.lines import MONEY_STEP, QUANTITY_STEP
from domain.plans.periods import add_months

WORKING_DAYS = range(5)  # Monday to Friday, as date.weekday() numbers them


class ForecastGranularity(Enum):
    """The periods a forecast is kept in: calendar months, or ISO weeks starting on Monday."""

    MONTH = "MONTH"
    WEEK = "WEEK"


@dataclass(frozen=True, order=True)
class Period:
    """A month or an ISO week, from `start` to `end` inclusive."""

    start: date
    end: date
    granularity: ForecastGranularity

    @property
    def label(self) -> str:
        """ "2026-03" for a month, "2026-W10" for an ISO week (its ISO year, which may differ)."""
        if self.granularity is ForecastGranularity.MONTH:
            return f"{self.start:%Y-%m}"
        iso = self.start.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"


def month_start(day: date) -> date:
    return day.replace(day=1)


def week_start(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


def months_between(first: date, last: date) -> list[date]:
    """The first days of the months that hold a day from `first` to `last` (inclusive)."""
    if last < first:
        raise ValueError(f"{last} is before {first}")
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def periods_between(first: date, last: date, granularity: ForecastGranularity) -> list[Period]:
    """The months, or ISO weeks, that hold at least one day from `first` to `last` (inclusive)."""
    if granularity is ForecastGranularity.MONTH:
        return [
            Period(m, add_months(m, 1) - timedelta(days=1), granularity)
            for m in months_between(first, last)
        ]
    if last < first:
        raise ValueError(f"{last} is before {first}")
    periods, monday = [], week_start(first)
    while monday <= last:
        periods.append(Period(monday, monday + timedelta(days=6), granularity))
        monday += timedelta(days=7)
    return periods


def working_days_by_week(month: date) -> dict[date, int]:
    """For each ISO week (by its Monday) holding working days of `month`: how many it holds."""
    days: dict[date, int] = {}
    day, end = month_start(month), add_months(month, 1)
    while day < end:
        if day.weekday() in WORKING_DAYS:
            monday = week_start(day)
            days[monday] = days.get(monday, 0) + 1
        day += timedelta(days=1)
    return days


def split_month(month: date, value: Decimal, step: Decimal) -> dict[date, Decimal]:
    """`value` (a multiple of `step`) split over `month`'s weeks by working days, summing to it."""
    weeks = working_days_by_week(month)
    mondays = list(weeks)
    shares = {i: Decimal(weeks[monday]) for i, monday in enumerate(mondays)}
    parts = largest_remainder(value, shares, sum(shares.values()), step)
    return {monday: parts[i].quantize(step) for i, monday in enumerate(mondays)}


def split_by_week(series: Mapping[date, Decimal], step: Decimal) -> dict[date, Decimal]:
    """A monthly series (by first day of month) as a weekly one (by Monday), in week order; a
    week spanning two months holds the sum of its parts of each."""
    weekly: dict[date, Decimal] = {}
    for month, value in series.items():
        for monday, part in split_month(month, value, step).items():
            weekly[monday] = weekly.get(monday, Decimal(0)) + part
    return dict(sorted(weekly.items()))


def split_amounts_by_week(series: Mapping[date, Amounts]) -> dict[date, Amounts]:
    """Quantities (to 0.001) and amounts (to 0.01) of a monthly series, split into weeks."""
    quantities = split_by_week({m: a.quantity for m, a in series.items()}, QUANTITY_STEP)
    amounts = split_by_week({m: a.amount for m, a in series.items()}, MONEY_STEP)
    return {monday: Amounts(quantities[monday], amounts[monday]) for monday in quantities}
