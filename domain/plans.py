"""Sales plans: their kinds, periods and the rules a plan's lines must satisfy. Pure functions."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum

from domain.errors import DomainError, ErrorCode

MONEY_STEP = Decimal("0.01")
QUANTITY_STEP = Decimal("0.001")
MAX_LINES_PER_PLAN = 5000


class OwnerKind(Enum):
    """Which node of the plan hierarchy a plan belongs to."""

    COMPANY = "COMPANY"
    DEPARTMENT = "DEPARTMENT"
    SALESPERSON = "SALESPERSON"


# A plan's children in the hierarchy are one level down.
CHILD_KIND = {OwnerKind.COMPANY: OwnerKind.DEPARTMENT, OwnerKind.DEPARTMENT: OwnerKind.SALESPERSON}


class Granularity(Enum):
    """The span a plan covers: a year, a quarter or a month, starting at `period_start`."""

    YEAR = "YEAR"
    QUARTER = "QUARTER"
    MONTH = "MONTH"


MONTHS_IN = {Granularity.YEAR: 12, Granularity.QUARTER: 3, Granularity.MONTH: 1}


class PlanStatus(Enum):
    """Life cycle: DRAFT → SUBMITTED → APPROVED, later SUPERSEDED when a revision is approved.
    A rejected or withdrawn plan goes back to DRAFT (the history keeps the reason)."""

    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    SUPERSEDED = "SUPERSEDED"


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


@dataclass(frozen=True)
class LineDraft:
    """A target as asked for: `amount` None means quantity × the product's list price."""

    product_id: int
    period: date
    quantity: Decimal
    amount: Decimal | None = None


@dataclass(frozen=True)
class LineTarget:
    """A validated target for one product in one month."""

    product_id: int
    period: date
    quantity: Decimal
    amount: Decimal


def validate_lines(
    drafts: Sequence[LineDraft],
    months: Sequence[date],
    list_prices: dict[int, Decimal],
    path: str = "lines",
) -> tuple[list[LineTarget], list[DomainError]]:
    """Check each draft line against the plan's months and the catalogue; price missing amounts."""
    allowed = set(months)
    seen: set[tuple[int, date]] = set()
    targets: list[LineTarget] = []
    errors: list[DomainError] = []
    if len(drafts) > MAX_LINES_PER_PLAN:
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                f"a plan holds at most {MAX_LINES_PER_PLAN} lines",
                ("input", path),
            )
        )
        return [], errors
    for i, d in enumerate(drafts):
        at = ("input", path, str(i))
        if d.product_id not in list_prices:
            errors.append(DomainError(ErrorCode.NOT_FOUND, "no such product", (*at, "productId")))
            continue
        if d.period not in allowed:
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    f"period {d.period.isoformat()} is not a month start inside the plan "
                    f"({months[0].isoformat()} to {months[-1].isoformat()})",
                    (*at, "period"),
                )
            )
            continue
        key = (d.product_id, d.period)
        if key in seen:
            errors.append(
                DomainError(ErrorCode.DUPLICATE, "product and period given twice", (*at, "period"))
            )
            continue
        seen.add(key)
        if d.quantity < 0 or d.quantity != d.quantity.quantize(QUANTITY_STEP):
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    "quantity must be ≥ 0 with at most 3 decimals",
                    (*at, "quantity"),
                )
            )
            continue
        amount = d.amount
        if amount is None:
            amount = (d.quantity * list_prices[d.product_id]).quantize(MONEY_STEP)
        elif amount < 0 or amount != amount.quantize(MONEY_STEP):
            errors.append(
                DomainError(
                    ErrorCode.INVALID, "amount must be ≥ 0 with at most 2 decimals", (*at, "amount")
                )
            )
            continue
        targets.append(LineTarget(d.product_id, d.period, d.quantity, amount))
    return targets, errors
