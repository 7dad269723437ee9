"""The stock ledger's rules: every movement of stock is a ledger row (receipt, shipment, return);
on-hand is the sum of the ledger and never goes below zero."""

from collections.abc import Iterable
from decimal import Decimal
from enum import Enum

from domain.amounts import QUANTITY_STEP, quantity_problem

__all__ = ["QUANTITY_STEP"]


class MovementKind(Enum):
    """Why stock moved; receipts and returns add, shipments take away."""

    RECEIPT = "RECEIPT"
    SHIPMENT = "SHIPMENT"
    RETURN = "RETURN"


SIGN = {MovementKind.RECEIPT: 1, MovementKind.SHIPMENT: -1, MovementKind.RETURN: 1}


def signed(kind: MovementKind, quantity: Decimal) -> Decimal:
    """The ledger change of a movement of `quantity` (> 0) of this kind."""
    return quantity * SIGN[kind]


def can_issue(on_hand: Decimal, quantity: Decimal) -> bool:
    return on_hand - quantity >= 0


def ledger_balance(changes: Iterable[Decimal]) -> Decimal:
    return sum(changes, Decimal("0.000"))


def valid_quantity(quantity: Decimal) -> bool:
    """> 0, below MAX_QUANTITY, at most 3 decimals (see domain.amounts)."""
    return quantity_problem(quantity, zero_allowed=False) is None
