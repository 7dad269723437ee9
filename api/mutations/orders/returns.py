"""Return mutations: returnCreate, returnReceive."""

from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.ids import pk_of
from api.mutations.inputs import INPUT
from api.mutations.payloads import InputIds, not_found, refused, run
from api.types.shipments import SalesReturn, SalesReturnError
from domain.orders.returns import ReturnLineDraft
from domain.services.orders.returns import ReturnCreate, ReturnReceive

RETURN_HELP = "The return as committed; null when refused."
ERRORS_HELP = "Why it was refused; empty on success."


@strawberry.input(description="A quantity of one delivered order line sent back.")
class ReturnLineInput:
    order_line_id: strawberry.ID = strawberry.field(description="Global id of a SalesOrderLine.")
    quantity: Decimal = strawberry.field(
        description="Units, > 0 and below 1,000,000,000, up to 3 decimals, at most what was delivered less what is "
        "already on returns (EXCEEDS_DELIVERED otherwise)."
    )


@strawberry.input(description="Record goods the customer sends back.")
class ReturnCreateInput:
    order_id: strawberry.ID = strawberry.field(description="Global id of the SalesOrder.")
    lines: list[ReturnLineInput] = strawberry.field(description="What comes back.")
    reason: str = strawberry.field(description="Why; 1–500 characters.")


@strawberry.input(description="The returned goods arrived.")
class ReturnReceiveInput:
    id: strawberry.ID = strawberry.field(description="The return.")
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with CONFLICT unless the return is still at this version."
    )


@strawberry.type(description="Result of returnCreate.")
class ReturnCreatePayload:
    sales_return: SalesReturn | None = strawberry.field(description=RETURN_HELP)
    errors: list[SalesReturnError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of returnReceive.")
class ReturnReceivePayload:
    sales_return: SalesReturn | None = strawberry.field(description=RETURN_HELP)
    errors: list[SalesReturnError] = strawberry.field(description=ERRORS_HELP)


def return_loader(loaders):
    return loaders.shipments.sales_return


@strawberry.type
class ReturnMutations:
    @strawberry.mutation(
        description="Record a REQUESTED return against delivered lines of a PARTIALLY_SHIPPED, "
        "SHIPPED or DELIVERED order, by a planner."
    )
    async def return_create(
        self, info: Info, input: Annotated[ReturnCreateInput, INPUT]
    ) -> ReturnCreatePayload:
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
                drafts.append(ReturnLineDraft(line_pk, line.quantity))
        if ids.errors:
            return refused(ReturnCreatePayload, *ids.errors)
        command = ReturnCreate(order_id=order, lines=drafts, reason=input.reason)
        return await run(info, ReturnCreatePayload, command, return_loader)

    @strawberry.mutation(
        description="REQUESTED → RECEIVED, by a planner: the goods go back into stock and the "
        "lines' delivered quantity falls (the order's status does not change)."
    )
    async def return_receive(
        self, info: Info, input: Annotated[ReturnReceiveInput, INPUT]
    ) -> ReturnReceivePayload:
        pk = pk_of(input.id, "SalesReturn")
        if pk is None:
            return refused(ReturnReceivePayload, not_found("return", "input", "id"))
        command = ReturnReceive(return_id=pk, expected_version=input.expected_version)
        return await run(info, ReturnReceivePayload, command, return_loader)
