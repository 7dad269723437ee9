"""Shipments and returns both pick quantities from an order's lines; the rules they share."""

from decimal import Decimal

from domain.amounts import quantity_problem
from domain.errors import DomainError, ErrorCode


def line_pick_error(
    line: object | None, order_line_id: int, quantity: Decimal, seen: set[int], at: tuple[str, ...]
) -> DomainError | None:
    """Why a pick is invalid before its quantity is compared with what the line has left:
    not a line of this order, the same line twice, or a bad quantity. Adds good lines to `seen`."""
    if line is None:
        return DomainError(ErrorCode.NOT_FOUND, "not a line of this order", (*at, "orderLineId"))
    if order_line_id in seen:
        return DomainError(ErrorCode.DUPLICATE, "order line given twice", (*at, "orderLineId"))
    seen.add(order_line_id)
    if problem := quantity_problem(quantity, zero_allowed=False):
        return DomainError(ErrorCode.INVALID, problem, (*at, "quantity"))
    return None
