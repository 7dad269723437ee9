"""Shipment mutations: shipmentCreate, shipmentDispatch, shipmentAddTrackingEvent,
shipmentDeliver and the customer's shipmentConfirmReceipt."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.ids import pk_of
from api.mutations.inputs import INPUT
from api.mutations.payloads import InputIds, not_found, refused, run
from api.types.shipments import Shipment, ShipmentError
from domain.orders.shipments import ShipmentLineDraft
from domain.services.orders import shipments

VERSION_HELP = "Refuse with CONFLICT unless the shipment is still at this version."
SHIPMENT_HELP = "The shipment as committed; null when refused. Its order shows the derived status."
ERRORS_HELP = "Why it was refused; empty on success."


@strawberry.input(description="A quantity of one order line to ship.")
class ShipmentLineInput:
    order_line_id: strawberry.ID = strawberry.field(description="Global id of a SalesOrderLine.")
    quantity: Decimal = strawberry.field(
        description="Units, > 0 and below 1,000,000,000, up to 3 decimals, at most what is not "
        "yet on a shipment "
        "(EXCEEDS_OUTSTANDING otherwise); less is a partial delivery."
    )


@strawberry.input(description="Plan a shipment of a READY or PARTIALLY_SHIPPED order.")
class ShipmentCreateInput:
    order_id: strawberry.ID = strawberry.field(description="Global id of the SalesOrder.")
    lines: list[ShipmentLineInput] = strawberry.field(description="What goes on the shipment.")
    carrier: str | None = strawberry.field(default=None, description="At most 100 characters.")
    tracking_number: str | None = strawberry.field(
        default=None, description="The carrier's number; at most 100 characters."
    )
    planned_date: date | None = strawberry.field(default=None, description="Planned departure.")


@strawberry.input(description="An action on one shipment.")
class ShipmentActionInput:
    id: strawberry.ID = strawberry.field(description="The shipment.")
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)


@strawberry.input(description="Where and when a dispatched shipment was seen.")
class ShipmentAddTrackingEventInput:
    id: strawberry.ID = strawberry.field(description="The shipment.")
    location: str = strawberry.field(description="Where; 1–200 characters.")
    occurred_at: datetime | None = strawberry.field(
        default=None,
        description="When (with a time zone); default now; not before dispatch, not in the future.",
    )
    note: str | None = strawberry.field(default=None, description="At most 1000 characters.")
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)


@strawberry.input(description="Record the delivery of a shipment.")
class ShipmentDeliverInput:
    id: strawberry.ID = strawberry.field(description="The shipment.")
    delivered_at: datetime | None = strawberry.field(
        default=None,
        description="When (with a time zone); default now; not before dispatch, not in the "
        "future. Later than a line's promised date makes the shipment late.",
    )
    note: str | None = strawberry.field(default=None, description="At most 1000 characters.")
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)


@strawberry.input(description="The customer confirms it received a shipment.")
class ShipmentConfirmReceiptInput:
    id: strawberry.ID = strawberry.field(description="The shipment.")
    note: str | None = strawberry.field(default=None, description="At most 1000 characters.")
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)


@strawberry.type(description="Result of shipmentCreate.")
class ShipmentCreatePayload:
    shipment: Shipment | None = strawberry.field(description=SHIPMENT_HELP)
    errors: list[ShipmentError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of shipmentDispatch.")
class ShipmentDispatchPayload:
    shipment: Shipment | None = strawberry.field(description=SHIPMENT_HELP)
    errors: list[ShipmentError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of shipmentAddTrackingEvent.")
class ShipmentAddTrackingEventPayload:
    shipment: Shipment | None = strawberry.field(description=SHIPMENT_HELP)
    errors: list[ShipmentError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of shipmentDeliver.")
class ShipmentDeliverPayload:
    shipment: Shipment | None = strawberry.field(description=SHIPMENT_HELP)
    errors: list[ShipmentError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of shipmentConfirmReceipt.")
class ShipmentConfirmReceiptPayload:
    shipment: Shipment | None = strawberry.field(description=SHIPMENT_HELP)
    errors: list[ShipmentError] = strawberry.field(description=ERRORS_HELP)


def shipment_loader(loaders):
    return loaders.shipments.shipment


async def act(info: Info, payload_type, shipment_id: str, command, **fields):
    """Decode the shipment id, run one action command, and shape its payload."""
    pk = pk_of(shipment_id, "Shipment")
    if pk is None:
        return refused(payload_type, not_found("shipment", "input", "id"))
    return await run(info, payload_type, command(shipment_id=pk, **fields), shipment_loader)


@strawberry.type
class ShipmentMutations:
    @strawberry.mutation(
        description="Plan a shipment (PLANNED) of a READY or PARTIALLY_SHIPPED order, by a "
        "planner. Each line at most what is not yet on a shipment: EXCEEDS_OUTSTANDING."
    )
    async def shipment_create(
        self, info: Info, input: Annotated[ShipmentCreateInput, INPUT]
    ) -> ShipmentCreatePayload:
        ids = InputIds()
        order = ids.pk(input.order_id, "SalesOrder", "sales order", "input", "orderId")
        drafts = []
        for i, line in enumerate(input.lines):
            line_pk = ids.pk(
                line.order_line_id,
                "SalesOrderLine",
                "order line",
                "input",
                "lines",
                str(i),
                "orderLineId",
            )
            if line_pk is not None:
                drafts.append(ShipmentLineDraft(line_pk, line.quantity))
        if ids.errors:
            return refused(ShipmentCreatePayload, *ids.errors)
        command = shipments.ShipmentCreate(
            order_id=order,
            lines=drafts,
            carrier=input.carrier,
            tracking_number=input.tracking_number,
            planned_date=input.planned_date,
        )
        return await run(info, ShipmentCreatePayload, command, shipment_loader)

    @strawberry.mutation(
        description="PLANNED → DISPATCHED, by a planner: the goods leave stock, refused with "
        "INSUFFICIENT_STOCK when on-hand is short. The order becomes PARTIALLY_SHIPPED or SHIPPED."
    )
    async def shipment_dispatch(
        self, info: Info, input: Annotated[ShipmentActionInput, INPUT]
    ) -> ShipmentDispatchPayload:
        return await act(
            info,
            ShipmentDispatchPayload,
            input.id,
            shipments.ShipmentDispatch,
            expected_version=input.expected_version,
        )

    @strawberry.mutation(
        description="Record where a DISPATCHED or IN_TRANSIT shipment was seen, by a planner; it "
        "is IN_TRANSIT afterwards."
    )
    async def shipment_add_tracking_event(
        self, info: Info, input: Annotated[ShipmentAddTrackingEventInput, INPUT]
    ) -> ShipmentAddTrackingEventPayload:
        return await act(
            info,
            ShipmentAddTrackingEventPayload,
            input.id,
            shipments.ShipmentAddTrackingEvent,
            expected_version=input.expected_version,
            at=input.occurred_at,
            location=input.location,
            note=input.note,
        )

    @strawberry.mutation(
        description="DISPATCHED or IN_TRANSIT → DELIVERED, by a planner. The order becomes "
        "DELIVERED once everything is shipped and delivered."
    )
    async def shipment_deliver(
        self, info: Info, input: Annotated[ShipmentDeliverInput, INPUT]
    ) -> ShipmentDeliverPayload:
        return await act(
            info,
            ShipmentDeliverPayload,
            input.id,
            shipments.ShipmentDeliver,
            expected_version=input.expected_version,
            at=input.delivered_at,
            note=input.note,
        )

    @strawberry.mutation(
        description="The customer confirms receipt (partner users of the order's customer only; "
        "staff get FORBIDDEN). A shipment not yet reported delivered becomes DELIVERED now."
    )
    async def shipment_confirm_receipt(
        self, info: Info, input: Annotated[ShipmentConfirmReceiptInput, INPUT]
    ) -> ShipmentConfirmReceiptPayload:
        return await act(
            info,
            ShipmentConfirmReceiptPayload,
            input.id,
            shipments.ShipmentConfirmReceipt,
            expected_version=input.expected_version,
            note=input.note,
        )
