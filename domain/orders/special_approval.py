"""When an order needs special approval (销售单特批): a line priced under its floor, or an order
that would take the customer over their credit limit."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum


class SpecialReason(Enum):
    PRICE_BELOW_FLOOR = "PRICE_BELOW_FLOOR"
    CREDIT_LIMIT_EXCEEDED = "CREDIT_LIMIT_EXCEEDED"


@dataclass(frozen=True)
class PricedLine:
    product_id: int
    unit_price: Decimal


def applicable_floor(
    product_id: int,
    customer_id: int,
    floors: dict[tuple[int, int | None], Decimal],
) -> Decimal | None:
    """The customer's own floor for the product if set, else the product's general floor.

    `floors` maps (product id, customer id or None for the general floor) to a minimum unit price.
    """
    own = floors.get((product_id, customer_id))
    return own if own is not None else floors.get((product_id, None))


def lines_below_floor(
    lines: Sequence[PricedLine],
    customer_id: int,
    floors: dict[tuple[int, int | None], Decimal],
) -> list[int]:
    """0-based indexes of the lines priced strictly under their applicable floor."""
    below = []
    for i, line in enumerate(lines):
        floor = applicable_floor(line.product_id, customer_id, floors)
        if floor is not None and line.unit_price < floor:
            below.append(i)
    return below


def exceeds_credit(
    credit_limit: Decimal | None, open_amount: Decimal, order_amount: Decimal
) -> bool:
    """Whether the customer's open orders plus this one would go over the limit; a customer
    without a limit has no credit check."""
    return credit_limit is not None and open_amount + order_amount > credit_limit


def special_reasons(
    lines: Sequence[PricedLine],
    customer_id: int,
    floors: dict[tuple[int, int | None], Decimal],
    credit_limit: Decimal | None,
    open_amount: Decimal,
    order_amount: Decimal,
) -> list[SpecialReason]:
    """Every reason the order needs special approval (empty: contract review only)."""
    reasons = []
    if lines_below_floor(lines, customer_id, floors):
        reasons.append(SpecialReason.PRICE_BELOW_FLOOR)
    if exceeds_credit(credit_limit, open_amount, order_amount):
        reasons.append(SpecialReason.CREDIT_LIMIT_EXCEEDED)
    return reasons
