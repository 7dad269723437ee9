"""The lines of a sales order: what is checked when they are written, and their amounts."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from domain.amounts import (
    AMOUNT_BOUND,
    MAX_AMOUNT,
    MAX_QUANTITY,
    MONEY_STEP,
    QUANTITY_STEP,
    amount_problem,
    quantity_problem,
)
from domain.errors import DomainError, ErrorCode

MAX_LINES_PER_ORDER = 200
# A line's amount; with MAX_LINES_PER_ORDER lines an order's total still fits NUMERIC(18, 2)
# (and a scaled 64-bit integer on SQLite) with room for sums over many orders.
MAX_LINE_AMOUNT = MAX_AMOUNT
__all__ = ["MAX_LINES_PER_ORDER", "MAX_LINE_AMOUNT", "MAX_QUANTITY", "MONEY_STEP", "QUANTITY_STEP"]


def money(value: Decimal) -> Decimal:
    """Round to the cent, halves away from zero (as invoices do)."""
    return value.quantize(MONEY_STEP, rounding=ROUND_HALF_UP)


def amount_of(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return money(quantity * unit_price)


@dataclass(frozen=True)
class OrderLineDraft:
    """A line as asked for: `unit_price` None means the product's list price."""

    product_id: int
    quantity: Decimal
    promised_date: date
    unit_price: Decimal | None = None


@dataclass(frozen=True)
class OrderLineSpec:
    """A validated line, priced."""

    position: int
    product_id: int
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    promised_date: date


def validate_order_lines(
    drafts: Sequence[OrderLineDraft],
    order_date: date,
    list_prices: dict[int, Decimal],
    path: str = "lines",
) -> tuple[list[OrderLineSpec], list[DomainError]]:
    """Check each line: a known product, a positive quantity (3 decimals), a price ≥ 0 (2
    decimals), a promised date on or after the order date."""
    if len(drafts) > MAX_LINES_PER_ORDER:
        return [], [
            DomainError(
                ErrorCode.INVALID,
                f"an order holds at most {MAX_LINES_PER_ORDER} lines",
                ("input", path),
            )
        ]
    specs: list[OrderLineSpec] = []
    errors: list[DomainError] = []
    for i, d in enumerate(drafts):
        at = ("input", path, str(i))
        if d.product_id not in list_prices:
            errors.append(DomainError(ErrorCode.NOT_FOUND, "no such product", (*at, "productId")))
            continue
        if problem := quantity_problem(d.quantity, zero_allowed=False):
            errors.append(DomainError(ErrorCode.INVALID, problem, (*at, "quantity")))
            continue
        price = list_prices[d.product_id] if d.unit_price is None else d.unit_price
        if problem := amount_problem(price, "unitPrice"):
            errors.append(DomainError(ErrorCode.INVALID, problem, (*at, "unitPrice")))
            continue
        if d.quantity * price >= MAX_LINE_AMOUNT:
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    f"quantity × unitPrice must be {AMOUNT_BOUND}",
                    (*at, "unitPrice"),
                )
            )
            continue
        if d.promised_date < order_date:
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    f"the promised date is before the order date {order_date.isoformat()}",
                    (*at, "promisedDate"),
                )
            )
            continue
        specs.append(
            OrderLineSpec(
                position=i + 1,
                product_id=d.product_id,
                quantity=d.quantity,
                unit_price=price,
                amount=amount_of(d.quantity, price),
                promised_date=d.promised_date,
            )
        )
    return specs, errors
