"""The bounds of every stored quantity and amount of money, entered or computed.

Quantities are NUMERIC(18, 3) columns and money NUMERIC(18, 2) (scaled 64-bit integers on
SQLite). Each value stays far inside that, so the sums reports make still fit: a quantity is
below 10^9 units, an amount below 10^13. A computed amount (quantity × price) is checked like an
entered one, before it is stored.
"""

from decimal import Decimal

MAX_QUANTITY = Decimal(10) ** 9  # exclusive
MAX_AMOUNT = Decimal(10) ** 13  # exclusive
QUANTITY_STEP = Decimal("0.001")
MONEY_STEP = Decimal("0.01")

# How the bounds read in messages and field descriptions.
QUANTITY_BOUND = f"below {MAX_QUANTITY:,} with at most 3 decimals"
AMOUNT_BOUND = f"below {MAX_AMOUNT:,} with at most 2 decimals"


def quantity_problem(quantity: Decimal, *, zero_allowed: bool) -> str | None:
    """Why a quantity cannot be stored, as a message; None when it can."""
    low = quantity < 0 if zero_allowed else quantity <= 0
    if low or quantity >= MAX_QUANTITY or quantity != quantity.quantize(QUANTITY_STEP):
        return f"quantity must be {'≥ 0' if zero_allowed else '> 0'} and {QUANTITY_BOUND}"
    return None


def amount_problem(amount: Decimal, name: str = "amount") -> str | None:
    """Why an amount of money (≥ 0) cannot be stored; None when it can."""
    if amount < 0 or amount >= MAX_AMOUNT or amount != amount.quantize(MONEY_STEP):
        return f"{name} must be ≥ 0 and {AMOUNT_BOUND}"
    return None
