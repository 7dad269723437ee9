"""The lines of a sales plan: one target (quantity and amount) per product and month, and the
rules a plan's lines must satisfy."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.errors import DomainError, ErrorCode

MONEY_STEP = Decimal("0.01")
QUANTITY_STEP = Decimal("0.001")
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
