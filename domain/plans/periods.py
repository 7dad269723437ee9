"""The span a plan covers: a year, a quarter or a month, kept per month so every level rolls up
alike."""

from datetime import date, timedelta
from enum import Enum

from domain.errors import DomainError, ErrorCode


class Granularity(Enum):
    """The span a plan covers: a year, a quarter or a month, starting at `period_start`."""

    YEAR = "YEAR"
    QUARTER = "QUARTER"
    MONTH = "MONTH"


MONTHS_IN = {Granularity.YEAR: 12, Granularity.QUARTER: 3, Granularity.MONTH: 1}


def add_months(day: date, months: int) -> date:
    """The first of the month `months` after `day`'s month."""
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def plan_months(granularity: Granularity, period_start: date) -> list[date]:
    """The month starts a plan covers; lines are kept per month so every level rolls up alike."""
    return [add_months(period_start, i) for i in range(MONTHS_IN[granularity])]


def plan_end(granularity: Granularity, period_start: date) -> date:
    """The last day a plan covers."""
    return add_months(period_start, MONTHS_IN[granularity]) - timedelta(days=1)


def check_period_start(granularity: Granularity, period_start: date) -> DomainError | None:
    """A plan starts on the first day of its period: Jan 1, a quarter's first month, or a month."""
    field = ("input", "periodStart")
    if period_start.day != 1:
        return DomainError(ErrorCode.INVALID, "periodStart must be the first day of a month", field)
    if granularity is Granularity.YEAR and period_start.month != 1:
        return DomainError(ErrorCode.INVALID, "a YEAR plan starts on January 1", field)
    if granularity is Granularity.QUARTER and period_start.month not in (1, 4, 7, 10):
        return DomainError(
            ErrorCode.INVALID, "a QUARTER plan starts on Jan 1, Apr 1, Jul 1 or Oct 1", field
        )
    return None
