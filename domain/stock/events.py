"""The events of stock-ins, on their stream "StockIn:<id>"."""

from dataclasses import dataclass
from decimal import Decimal

from domain.events import ApprovalRouting, DocumentEvent, key
from domain.orders.events import ActorKind
from domain.stock.lifecycle import StockInStatus


@dataclass(frozen=True, kw_only=True)
class StockInEvent(ApprovalRouting, DocumentEvent):
    """REQUESTED, STEP_APPROVED, APPROVED, REJECTED or POSTED."""

    STREAM = "StockIn"

    from_status: StockInStatus | None = key("from", always=True)
    to_status: StockInStatus | None = key("to", always=True)
    stock_in_id: int
    product_id: int
    quantity: Decimal
    order_id: int | None = key("orderId", always=True)  # the order the goods were made for
    actor_kind: ActorKind = ActorKind.STAFF
    qc_reference: str | None = None
    round: int | None = None
    step: str | None = None
    on_hand_after: Decimal | None = None  # POSTED: the product's on-hand after the receipt
