"""Finished-goods stock: on-hand per product, its ledger, and stock-ins. Staff only: partners get
null or empty lists."""

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from api.ids import to_global_id
from api.loaded_pages import LOADED_PAGES, page_of, replaced_by
from api.pagination import After, Before, Connection, First, Last, PageLimits, PageRequest
from api.types.catalogue import Product
from api.types.documents import ApprovableDocument
from api.types.enums import described_enum
from api.types.errors import UserError
from domain.stock.ledger import MovementKind
from domain.stock.lifecycle import StockInStatus

if TYPE_CHECKING:
    from api.types.approval import ApprovalStep, HistoryEntry
    from api.types.orders import SalesOrder
    from api.types.organisation import User
    from api.types.shipments import SalesReturn, Shipment

ApprovalStepType = Annotated["ApprovalStep", strawberry.lazy("api.types.approval")]
HistoryEntryType = Annotated["HistoryEntry", strawberry.lazy("api.types.approval")]

StockInStatusEnum = described_enum(
    StockInStatus,
    name="StockInStatus",
    description=(
        "REQUESTED (stockInRequest; QC passed, in approval) → APPROVED (stockInApprove, last "
        "step) → POSTED (stockInPost: on-hand rises); REJECTED (stockInReject) is final."
    ),
    values={
        StockInStatus.REQUESTED: "QC passed and requested; waiting in its approval chain.",
        StockInStatus.APPROVED: "Approved by its last step; stock rises when it is posted.",
        StockInStatus.REJECTED: "Rejected by an approver; final, stock never rises.",
        StockInStatus.POSTED: "Posted: the quantity was added to on-hand stock (a RECEIPT "
        "movement).",
    },
)
MovementKindEnum = described_enum(
    MovementKind,
    name="StockMovementKind",
    description="RECEIPT (a posted stock-in) and RETURN add stock; SHIPMENT takes it away.",
    values={
        MovementKind.RECEIPT: "A posted stock-in added goods (`stockIn` is set).",
        MovementKind.SHIPMENT: "A dispatched shipment took goods away (`shipment` is set).",
        MovementKind.RETURN: "A received return brought goods back (`salesReturn` is set).",
    },
)

MOVEMENT_PAGES = PageLimits(default=50, maximum=100)
STOCK_PAGES = PageLimits(default=50, maximum=100)


@strawberry.type(description="Why a stock-in action was refused.")
class StockInError(UserError):
    pass


@strawberry.type(description="A request to put QC-passed finished goods into stock (成品入库).")
class StockIn(ApprovableDocument):
    pk: strawberry.Private[int]
    product_pk: strawberry.Private[int]
    order_pk: strawberry.Private[int | None]
    requested_by_pk: strawberry.Private[int]
    approval_round: strawberry.Private[int]
    number: str = strawberry.field(description="Stock-in number, e.g. SI-000012.")
    quantity: Decimal = strawberry.field(description="Units to put into stock (3 decimals).")
    qc_reference: str = strawberry.field(description="The quality-control report that passed them.")
    status: StockInStatusEnum = strawberry.field(description="Where the stock-in is.")
    note: str | None = strawberry.field(description="The requester's note.")
    posted_at: datetime | None = strawberry.field(description="When the stock rose.")
    version: int = strawberry.field(
        description="Raised by every change; send it as `expectedVersion` to avoid lost updates."
    )
    created_at: datetime = strawberry.field(description="When it was requested.")

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("StockIn", self.pk))

    @classmethod
    def from_row(cls, row) -> "StockIn":
        return cls(
            pk=row.id,
            product_pk=row.product_id,
            order_pk=row.sales_order_id,
            requested_by_pk=row.requested_by,
            approval_round=row.approval_round,
            number=f"SI-{row.id:06d}",
            quantity=row.quantity,
            qc_reference=row.qc_reference,
            status=StockInStatus(row.status),
            note=row.note,
            posted_at=row.posted_at,
            version=row.version,
            created_at=row.created_at,
        )

    @strawberry.field(description="The finished product.")
    async def product(self, info: Info) -> Product | None:
        return await info.context.loaders.catalogue.product.load(self.product_pk)

    @strawberry.field(description="The order the goods were made for, if any.")
    async def sales_order(
        self, info: Info
    ) -> Annotated["SalesOrder", strawberry.lazy("api.types.orders")] | None:
        if self.order_pk is None:
            return None
        return await info.context.loaders.orders.order.load(self.order_pk)

    @strawberry.field(description="Who asked for the stock-in.")
    async def requested_by(
        self, info: Info
    ) -> Annotated["User", strawberry.lazy("api.types.organisation")] | None:
        return await info.context.loaders.organisation.user.load(self.requested_by_pk)

    @strawberry.field(
        description="The approval step waiting for a decision; null unless REQUESTED."
    )
    async def current_step(self, info: Info) -> ApprovalStepType | None:
        if self.status is not StockInStatus.REQUESTED:
            return None
        steps = await info.context.loaders.stock.steps.load((self.pk, self.approval_round))
        return next((s for s in steps if s.state.value == "PENDING"), None)

    @strawberry.field(description="The approval chain, each step with its state (at most 10).")
    async def steps(self, info: Info) -> list[ApprovalStepType]:
        return await info.context.loaders.stock.steps.load((self.pk, self.approval_round))

    @strawberry.field(
        description="Every committed change, oldest first (REQUESTED, STEP_APPROVED, APPROVED, "
        "REJECTED, POSTED).",
        deprecation_reason=replaced_by("historyConnection"),
    )
    async def history(self, info: Info) -> list[HistoryEntryType]:
        return await info.context.loaders.stock.history.load(self.pk)

    @strawberry.field(
        description="Every committed change, oldest first (REQUESTED, STEP_APPROVED, APPROVED, "
        "REJECTED, POSTED). " + LOADED_PAGES.describe("Entries:")
    )
    async def history_connection(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[HistoryEntryType]:
        entries = await info.context.loaders.stock.history.load(self.pk)
        return page_of(
            entries, (first, after, last, before), lambda entry: (entry.sequence, entry.sequence)
        )


@strawberry.type(description="One ledger row: a change of on-hand stock and its cause.")
class StockMovement:
    stock_in_pk: strawberry.Private[int | None]
    shipment_pk: strawberry.Private[int | None]
    return_pk: strawberry.Private[int | None]
    kind: MovementKindEnum = strawberry.field(description="Why stock moved.")
    quantity: Decimal = strawberry.field(
        description="Signed change of on-hand: positive for receipts and returns."
    )
    balance_after: Decimal = strawberry.field(description="On-hand after this movement (≥ 0).")
    occurred_at: datetime = strawberry.field(description="When stock moved.")

    @strawberry.field(description="The posted stock-in (RECEIPT).")
    async def stock_in(self, info: Info) -> StockIn | None:
        if self.stock_in_pk is None:
            return None
        return await info.context.loaders.stock.stock_in.load(self.stock_in_pk)

    @strawberry.field(description="The dispatched shipment (SHIPMENT).")
    async def shipment(
        self, info: Info
    ) -> Annotated["Shipment", strawberry.lazy("api.types.shipments")] | None:
        if self.shipment_pk is None:
            return None
        return await info.context.loaders.shipments.shipment.load(self.shipment_pk)

    @strawberry.field(description="The received return (RETURN).")
    async def sales_return(
        self, info: Info
    ) -> Annotated["SalesReturn", strawberry.lazy("api.types.shipments")] | None:
        if self.return_pk is None:
            return None
        return await info.context.loaders.shipments.sales_return.load(self.return_pk)


@strawberry.type(description="On-hand finished-goods stock of one product.")
class StockBalance:
    product_pk: strawberry.Private[int]
    on_hand: Decimal = strawberry.field(
        description="Units in stock: the sum of the product's ledger, never negative."
    )
    updated_at: datetime = strawberry.field(description="When on-hand last changed.")

    @classmethod
    def from_row(cls, row) -> "StockBalance":
        return cls(product_pk=row.product_id, on_hand=row.on_hand, updated_at=row.updated_at)

    @strawberry.field(description="The product.")
    async def product(self, info: Info) -> Product | None:
        return await info.context.loaders.catalogue.product.load(self.product_pk)

    @strawberry.field(
        description="The product's ledger, newest first. " + MOVEMENT_PAGES.describe("Movements:")
    )
    async def movements(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[StockMovement]:
        page = PageRequest.of(MOVEMENT_PAGES, first, after, last, before)
        return await info.context.loaders.stock.movements.load(self.product_pk, page)
