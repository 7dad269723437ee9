"""The lines of a sales plan: one target (quantity and amount) per product and month, and the
rules a plan's lines must satisfy."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.amounts import AMOUNT_BOUND, MONEY_STEP, QUANTITY_STEP, amount_problem, quantity_problem
from domain.errors import DomainError, ErrorCode

__all__ = [
    "MAX_LINES_PER_PLAN",
    "MONEY_STEP",
    "QUANTITY_STEP",
    "LineDraft",
    "LineTarget",
    "validate_lines",
]
MAX_LINES_PER_PLAN = 5000


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
        if problem := quantity_problem(d.quantity, zero_allowed=True):
            errors.append(DomainError(ErrorCode.INVALID, problem, (*at, "quantity")))
            continue
        if d.amount is not None:
            if problem := amount_problem(d.amount):
                errors.append(DomainError(ErrorCode.INVALID, problem, (*at, "amount")))
                continue
            amount = d.amount
        else:
            # Priced here, so bounded here: the product of two bounded inputs is not.
            amount = (d.quantity * list_prices[d.product_id]).quantize(MONEY_STEP)
            if amount_problem(amount):
                errors.append(
                    DomainError(
                        ErrorCode.INVALID,
                        f"quantity × list price ({list_prices[d.product_id]}) must be "
                        f"{AMOUNT_BOUND}; give a smaller quantity or the amount",
                        (*at, "quantity"),
                    )
                )
                continue
        targets.append(LineTarget(d.product_id, d.period, d.quantity, amount))
    return targets, errors
