"""Shipment mutations: shipmentCreate, shipmentDispatch, shipmentAddTrackingEvent,
shipmentDeliver and the customer's shipmentConfirmReceipt."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.ids import pk_of
from api.types.shipments import Shipment, ShipmentError
from domain.errors import DomainError, ErrorCode
from domain.services import shipments as service
from domain.shipments import ShipmentLineDraft

VERSION_HELP = "Refuse with CONFLICT unless the shipment is still at this version."
SHIPMENT_HELP = "The shipment as committed; null when refused. Its order shows the derived status."
ERRORS_HELP = "Why it was refused; empty on success."


INPUT = strawberry.argument(description="What to do; see the input type.")


@strawberry.input(description="A quantity of one order line to ship.")
class ShipmentLineInput:
    order_line_id: strawberry.ID = strawberry.field(description="Global id of a SalesOrderLine.")
    quantity: Decimal = strawberry.field(
        description="Units, > 0, up to 3 decimals, at most what is not yet on a shipment "
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


def not_found(what: str, *field: str) -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, f"no such {what}", tuple(field))


def refused(payload_type, *errors: DomainError):
    return payload_type(shipment=None, errors=[ShipmentError.of(e) for e in errors])


async def shaped(info: Info, payload_type, result: service.ShipmentResult):
    shipment = None
    if result.shipment is not None:
        info.context.fresh_reads()
        shipment = await info.context.loaders.shipments.shipment.load(result.shipment.id)
    return payload_type(shipment=shipment, errors=[ShipmentError.of(e) for e in result.errors])


async def act(info: Info, payload_type, shipment_id: str, action, **fields):
    pk = pk_of(shipment_id, "Shipment")
    if pk is None:
        return refused(payload_type, not_found("shipment", "input", "id"))
    result = await action(
        info.context.engine, info.context.viewer, service.ShipmentAct(shipment_id=pk, **fields)
    )
    return await shaped(info, payload_type, result)


@strawberry.type
class ShipmentMutations:
    @strawberry.mutation(
        description="Plan a shipment (PLANNED) of a READY or PARTIALLY_SHIPPED order, by a "
        "planner. Each line at most what is not yet on a shipment: EXCEEDS_OUTSTANDING."
    )
    async def shipment_create(
        self, info: Info, input: Annotated[ShipmentCreateInput, INPUT]
    ) -> ShipmentCreatePayload:
        order = pk_of(input.order_id, "SalesOrder")
        errors = [] if order is not None else [not_found("sales order", "input", "orderId")]
        drafts = []
        for i, line in enumerate(input.lines):
            line_pk = pk_of(line.order_line_id, "SalesOrderLine")
            if line_pk is None:
                errors.append(not_found("order line", "input", "lines", str(i), "orderLineId"))
            else:
                drafts.append(ShipmentLineDraft(line_pk, line.quantity))
        if errors:
            return refused(ShipmentCreatePayload, *errors)
        result = await service.create_shipment(
            info.context.engine,
            info.context.viewer,
            service.ShipmentCreate(
                order_id=order,
                lines=drafts,
                carrier=input.carrier,
                tracking_number=input.tracking_number,
                planned_date=input.planned_date,
            ),
        )
        return await shaped(info, ShipmentCreatePayload, result)

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
            service.dispatch_shipment,
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
            service.add_tracking_event,
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
            service.deliver_shipment,
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
            service.confirm_receipt,
            expected_version=input.expected_version,
            note=input.note,
        )
