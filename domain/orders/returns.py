"""Sales returns (销售退货): goods sent back against delivered order lines.

REQUESTED → RECEIVED; receiving puts the goods back into stock and lowers the line's delivered
quantity. A line can take back at most what was delivered on it, less what is already returned
or on an open return.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from domain.errors import DomainError, ErrorCode
from domain.lifecycle import Lifecycle, move
from domain.orders.line_picks import line_pick_error

MAX_REASON = 500


class ReturnStatus(Enum):
    REQUESTED = "REQUESTED"
    RECEIVED = "RECEIVED"


class ReturnAction(Enum):
    RECEIVE = "RECEIVE"


RETURN_LIFECYCLE: Lifecycle[ReturnStatus, ReturnAction] = Lifecycle(
    ReturnStatus,
    {
        ReturnAction.RECEIVE: move(
            {ReturnStatus.REQUESTED}, ReturnStatus.RECEIVED, "a {status} return cannot be received"
        )
    },
)


@dataclass(frozen=True)
class ReturnRoom:
    """A line's delivered quantity (before returns) and the quantity on returns (any status)."""

    delivered: Decimal
    on_returns: Decimal

    @property
    def returnable(self) -> Decimal:
        return max(self.delivered - self.on_returns, Decimal(0))


@dataclass(frozen=True)
class ReturnLineDraft:
    order_line_id: int
    quantity: Decimal


def check_return_lines(
    drafts: Sequence[ReturnLineDraft], room: dict[int, ReturnRoom], path: str = "lines"
) -> list[DomainError]:
    if not drafts:
        return [
            DomainError(ErrorCode.REQUIRED, "a return needs at least one line", ("input", path))
        ]
    errors: list[DomainError] = []
    seen: set[int] = set()
    for i, d in enumerate(drafts):
        at = ("input", path, str(i))
        line = room.get(d.order_line_id)
        if error := line_pick_error(line, d.order_line_id, d.quantity, seen, at):
            errors.append(error)
            continue
        if d.quantity > line.returnable:
            errors.append(
                DomainError(
                    ErrorCode.EXCEEDS_DELIVERED,
                    f"only {line.returnable} of this line can be returned ({line.delivered} "
                    f"delivered, {line.on_returns} already on returns)",
                    (*at, "quantity"),
                )
            )
    return errors
