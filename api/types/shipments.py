"""Shipments with their lines and tracking events, and sales returns.

Partners read the shipments, tracking and returns of their own customer's orders only (the
loaders scope them like the orders).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from api.ids import to_global_id
from api.loaded_pages import LOADED_PAGES, page_of, replaced_by
from api.pagination import After, Before, Connection, First, Last
from api.types.catalogue import Product
from api.types.enums import described_enum
from api.types.errors import UserError
from api.types.node import Node
from domain.orders.returns import ReturnStatus
from domain.orders.shipments import ShipmentStatus, days_late

if TYPE_CHECKING:
    from api.types.orders import SalesOrder, SalesOrderLine

SalesOrderType = Annotated["SalesOrder", strawberry.lazy("api.types.orders")]
SalesOrderLineType = Annotated["SalesOrderLine", strawberry.lazy("api.types.orders")]

ShipmentStatusEnum = described_enum(
    ShipmentStatus,
    name="ShipmentStatus",
    description=(
        "PLANNED (shipmentCreate) → DISPATCHED (shipmentDispatch: stock leaves) → IN_TRANSIT "
        "(shipmentAddTrackingEvent) → DELIVERED (shipmentDeliver, or the customer's "
        "shipmentConfirmReceipt)."
    ),
    values={
        ShipmentStatus.PLANNED: "Planned; the goods are still in stock.",
        ShipmentStatus.DISPATCHED: "Left the warehouse: stock went down by the shipped quantities.",
        ShipmentStatus.IN_TRANSIT: "On the way, with at least one tracking event.",
        ShipmentStatus.DELIVERED: "Delivered, as reported by staff or confirmed by the customer.",
    },
)
ReturnStatusEnum = described_enum(
    ReturnStatus,
    name="SalesReturnStatus",
    description="REQUESTED (returnCreate) → RECEIVED (returnReceive: back into stock).",
    values={
        ReturnStatus.REQUESTED: "Recorded; the goods are on their way back and not yet in stock. "
        "An order with a requested return cannot be closed.",
        ReturnStatus.RECEIVED: "Taken back into stock; the order lines' delivered quantities "
        "went down.",
    },
)


@strawberry.type(description="Why a shipment action was refused.")
class ShipmentError(UserError):
    pass


@strawberry.type(description="Why a return action was refused.")
class SalesReturnError(UserError):
    pass


@strawberry.type(description="A quantity of one order line on a shipment.")
class ShipmentLine:
    order_line_pk: strawberry.Private[int]
    product: Product = strawberry.field(description="The product shipped.")
    quantity: Decimal = strawberry.field(description="Units on this shipment (up to 3 decimals).")
    promised_date: date = strawberry.field(description="The order line's promised date.")
    days_late: int = strawberry.field(
        description="Days after the promised date: at delivery, or so far while undelivered; 0 "
        "when on time."
    )

    @strawberry.field(description="The order line shipped.")
    async def order_line(self, info: Info) -> SalesOrderLineType | None:
        return await info.context.loaders.orders.line.load(self.order_line_pk)


@strawberry.type(description="Where and when a shipment was seen.")
class TrackingEvent:
    occurred_at: datetime = strawberry.field(description="When the shipment was seen there.")
    location: str = strawberry.field(description="Where (depot, city, carrier scan point).")
    note: str | None = strawberry.field(description="What was noted there.")
    recorded_at: datetime = strawberry.field(description="When it was recorded here.")
    pk: strawberry.Private[int] = 0  # the tie-breaker of equal times in the list's cursors


@strawberry.type(description="Goods of one order on their way to the customer.")
class Shipment(Node):
    pk: strawberry.Private[int]
    order_pk: strawberry.Private[int]
    number: str = strawberry.field(description="Shipment number, e.g. SH-000007.")
    status: ShipmentStatusEnum = strawberry.field(description="Where the shipment is.")
    carrier: str | None = strawberry.field(description="Who carries it.")
    tracking_number: str | None = strawberry.field(description="The carrier's tracking number.")
    planned_date: date | None = strawberry.field(description="The day it is planned to leave.")
    dispatched_at: datetime | None = strawberry.field(description="When it left the warehouse.")
    delivered_at: datetime | None = strawberry.field(description="When it was delivered.")
    receipt_confirmed_at: datetime | None = strawberry.field(
        description="When the customer confirmed receipt (partner portal)."
    )
    version: int = strawberry.field(
        description="Raised by every change; send it as `expectedVersion` to avoid lost updates."
    )
    created_at: datetime = strawberry.field(description="When it was planned.")

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Shipment", self.pk))

    @classmethod
    def from_row(cls, row) -> "Shipment":
        return cls(
            pk=row.id,
            order_pk=row.order_id,
            number=f"SH-{row.id:06d}",
            status=ShipmentStatus(row.status),
            carrier=row.carrier,
            tracking_number=row.tracking_number,
            planned_date=row.planned_date,
            dispatched_at=row.dispatched_at,
            delivered_at=row.delivered_at,
            receipt_confirmed_at=row.receipt_confirmed_at,
            version=row.version,
            created_at=row.created_at,
        )

    @strawberry.field(description="The order shipped.")
    async def order(self, info: Info) -> SalesOrderType | None:
        return await info.context.loaders.orders.order.load(self.order_pk)

    @strawberry.field(
        description="What is on the shipment: at most one line per order line (an order has at "
        "most 200)."
    )
    async def lines(self, info: Info) -> list[ShipmentLine]:
        return await info.context.loaders.shipments.lines.load(self.pk)

    @strawberry.field(
        description="Tracking events, in the order they happened.",
        deprecation_reason=replaced_by("trackingEventsConnection"),
    )
    async def tracking_events(self, info: Info) -> list[TrackingEvent]:
        return await info.context.loaders.shipments.tracking.load(self.pk)

    @strawberry.field(
        description="Tracking events, in the order they happened. "
        + LOADED_PAGES.describe("Events:")
    )
    async def tracking_events_connection(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[TrackingEvent]:
        events = await info.context.loaders.shipments.tracking.load(self.pk)
        return page_of(
            events, (first, after, last, before), lambda event: (event.occurred_at, event.pk)
        )

    @strawberry.field(description="The earliest promised date of its lines.")
    async def promised_date(self, info: Info) -> date | None:
        lines = await info.context.loaders.shipments.lines.load(self.pk)
        return min((line.promised_date for line in lines), default=None)

    @strawberry.field(
        description="Days after the earliest promised date of its lines: at delivery, or so far "
        "while not delivered; 0 when on time."
    )
    async def days_late(self, info: Info) -> int:
        return await self._days_late(info)

    @strawberry.field(
        description="True when delivered after a line's promised date, or still undelivered "
        "past it."
    )
    async def is_late(self, info: Info) -> bool:
        return await self._days_late(info) > 0

    async def _days_late(self, info: Info) -> int:
        lines = await info.context.loaders.shipments.lines.load(self.pk)
        return max((line.days_late for line in lines), default=0)


def line_days_late(promised: date, delivered_at: datetime | None, day: date) -> int:
    return days_late(promised, delivered_at.date() if delivered_at else None, day)


@strawberry.type(description="A quantity of one order line sent back.")
class SalesReturnLine:
    order_line_pk: strawberry.Private[int]
    product: Product = strawberry.field(description="The product returned.")
    quantity: Decimal = strawberry.field(description="Units returned (up to 3 decimals).")

    @strawberry.field(description="The order line the goods came from.")
    async def order_line(self, info: Info) -> SalesOrderLineType | None:
        return await info.context.loaders.orders.line.load(self.order_line_pk)


@strawberry.type(description="Goods a customer sent back (销售退货) against delivered lines.")
class SalesReturn(Node):
    pk: strawberry.Private[int]
    order_pk: strawberry.Private[int]
    number: str = strawberry.field(description="Return number, e.g. RT-000003.")
    status: ReturnStatusEnum = strawberry.field(description="Whether the goods are back.")
    reason: str = strawberry.field(description="Why the goods came back.")
    received_at: datetime | None = strawberry.field(description="When the goods came back.")
    version: int = strawberry.field(
        description="Raised by every change; send it as `expectedVersion` to avoid lost updates."
    )
    created_at: datetime = strawberry.field(description="When the return was recorded.")

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("SalesReturn", self.pk))

    @classmethod
    def from_row(cls, row) -> "SalesReturn":
        return cls(
            pk=row.id,
            order_pk=row.order_id,
            number=f"RT-{row.id:06d}",
            status=ReturnStatus(row.status),
            reason=row.reason,
            received_at=row.received_at,
            version=row.version,
            created_at=row.created_at,
        )

    @strawberry.field(description="The order the goods came from.")
    async def order(self, info: Info) -> SalesOrderType | None:
        return await info.context.loaders.orders.order.load(self.order_pk)

    @strawberry.field(
        description="What is returned: at most one line per order line (an order has at most 200)."
    )
    async def lines(self, info: Info) -> list[SalesReturnLine]:
        return await info.context.loaders.shipments.return_lines.load(self.pk)
