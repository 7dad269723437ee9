"""Sales order mutations: salesOrderCreate, salesOrderUpdateLines and one mutation per
transition (salesOrderSubmit, salesOrderApprove, salesOrderReject, salesOrderConfirm,
salesOrderStartProduction, salesOrderMarkReady, salesOrderCancel, salesOrderClose)."""

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.ids import pk_of
from api.mutations.inputs import INPUT
from api.mutations.payloads import InputIds, not_found, refused, run
from api.types.orders import SalesOrder, SalesOrderError
from domain.orders.lines import MAX_LINES_PER_ORDER, OrderLineDraft
from domain.services.orders import sales_orders as orders

ID_HELP = "The order."
VERSION_HELP = "Refuse with CONFLICT unless the order is still at this version."
ORDER_HELP = "The order as committed; null when refused."
ERRORS_HELP = "Why it was refused; empty on success."


@strawberry.input(description="One product on an order.")
class SalesOrderLineInput:
    product_id: strawberry.ID = strawberry.field(description="Global id of a Product.")
    quantity: Decimal = strawberry.field(
        description="Units, > 0 and below 1,000,000,000, up to 3 decimals."
    )
    promised_date: date = strawberry.field(
        description="Delivery promised to the customer; on or after the order date."
    )
    unit_price: Decimal | None = strawberry.field(
        default=None,
        description="Price per unit, ≥ 0 and below 10,000,000,000,000, 2 decimals, and "
        "quantity × price below that bound too; omitted means the product's list price. "
        "Under the price floor, submitting needs special approval.",
    )


@strawberry.input(description="A new DRAFT order for a customer.")
class SalesOrderCreateInput:
    customer_id: strawberry.ID = strawberry.field(description="Global id of the Customer.")
    salesperson_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global id of the Salesperson in charge; default: you (salespeople), else the "
        "customer's account salesperson.",
    )
    order_date: date | None = strawberry.field(
        default=None, description="The day the order was placed; default today, not later."
    )
    customer_reference: str | None = strawberry.field(
        default=None, description="The customer's purchase order number; at most 100 characters."
    )
    note: str | None = strawberry.field(
        default=None, description="Internal note (not shown to partners); at most 2000 characters."
    )
    lines: list[SalesOrderLineInput] = strawberry.field(
        default_factory=list, description=f"The lines; at most {MAX_LINES_PER_ORDER}."
    )


@strawberry.input(description="Replace the lines of a DRAFT order.")
class SalesOrderUpdateLinesInput:
    id: strawberry.ID = strawberry.field(description=ID_HELP)
    lines: list[SalesOrderLineInput] = strawberry.field(
        description=f"The order's new lines (all of them); at most {MAX_LINES_PER_ORDER}."
    )
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)


@strawberry.input(description="A transition of one order, with an optional comment.")
class SalesOrderTransitionInput:
    id: strawberry.ID = strawberry.field(description=ID_HELP)
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)
    comment: str | None = strawberry.field(
        default=None, description="Shown in the order's history; at most 2000 characters."
    )


@strawberry.input(description="Send an order back (IN_REVIEW → DRAFT) with a reason.")
class SalesOrderRejectInput:
    id: strawberry.ID = strawberry.field(description=ID_HELP)
    reason: str = strawberry.field(description="Required; shown to the author in the history.")
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)


@strawberry.input(description="Cancel an order that has nothing shipped.")
class SalesOrderCancelInput:
    id: strawberry.ID = strawberry.field(description=ID_HELP)
    reason: str | None = strawberry.field(default=None, description="Why; kept in the history.")
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)


@strawberry.type(description="Result of salesOrderCreate.")
class SalesOrderCreatePayload:
    sales_order: SalesOrder | None = strawberry.field(description=ORDER_HELP)
    errors: list[SalesOrderError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of salesOrderUpdateLines.")
class SalesOrderUpdateLinesPayload:
    sales_order: SalesOrder | None = strawberry.field(description=ORDER_HELP)
    errors: list[SalesOrderError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of salesOrderSubmit.")
class SalesOrderSubmitPayload:
    sales_order: SalesOrder | None = strawberry.field(description=ORDER_HELP)
    errors: list[SalesOrderError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of salesOrderApprove.")
class SalesOrderApprovePayload:
    sales_order: SalesOrder | None = strawberry.field(description=ORDER_HELP)
    errors: list[SalesOrderError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of salesOrderReject.")
class SalesOrderRejectPayload:
    sales_order: SalesOrder | None = strawberry.field(description=ORDER_HELP)
    errors: list[SalesOrderError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of salesOrderConfirm.")
class SalesOrderConfirmPayload:
    sales_order: SalesOrder | None = strawberry.field(description=ORDER_HELP)
    errors: list[SalesOrderError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of salesOrderStartProduction.")
class SalesOrderStartProductionPayload:
    sales_order: SalesOrder | None = strawberry.field(description=ORDER_HELP)
    errors: list[SalesOrderError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of salesOrderMarkReady.")
class SalesOrderMarkReadyPayload:
    sales_order: SalesOrder | None = strawberry.field(description=ORDER_HELP)
    errors: list[SalesOrderError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of salesOrderCancel.")
class SalesOrderCancelPayload:
    sales_order: SalesOrder | None = strawberry.field(description=ORDER_HELP)
    errors: list[SalesOrderError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of salesOrderClose.")
class SalesOrderClosePayload:
    sales_order: SalesOrder | None = strawberry.field(description=ORDER_HELP)
    errors: list[SalesOrderError] = strawberry.field(description=ERRORS_HELP)


def line_drafts(ids: InputIds, lines: list[SalesOrderLineInput]) -> list[OrderLineDraft]:
    drafts = []
    for i, line in enumerate(lines):
        product = ids.pk(
            line.product_id, "Product", "product", "input", "lines", str(i), "productId"
        )
        if product is not None:
            drafts.append(
                OrderLineDraft(product, line.quantity, line.promised_date, line.unit_price)
            )
    return drafts


def order_loader(loaders):
    return loaders.orders.order


async def transition(info: Info, payload_type, order_id: str, command, **fields):
    """Decode the order id, run one transition command, and shape its payload."""
    pk = pk_of(order_id, "SalesOrder")
    if pk is None:
        return refused(payload_type, not_found("sales order", "input", "id"))
    return await run(info, payload_type, command(order_id=pk, **fields), order_loader)


@strawberry.type
class SalesOrderMutations:
    @strawberry.mutation(
        description="Create a DRAFT order. Salespeople for their own customers; managers for "
        "their department's salespeople; planners for anyone."
    )
    async def sales_order_create(
        self, info: Info, input: Annotated[SalesOrderCreateInput, INPUT]
    ) -> SalesOrderCreatePayload:
        ids = InputIds()
        customer = ids.pk(input.customer_id, "Customer", "customer", "input", "customerId")
        drafts = line_drafts(ids, input.lines)
        salesperson = ids.optional(
            input.salesperson_id, "Salesperson", "salesperson", "input", "salespersonId"
        )
        if ids.errors:
            return refused(SalesOrderCreatePayload, *ids.errors)
        command = orders.SalesOrderCreate(
            customer_id=customer,
            lines=drafts,
            salesperson_id=salesperson,
            order_date=input.order_date,
            customer_reference=input.customer_reference,
            note=input.note,
        )
        return await run(info, SalesOrderCreatePayload, command, order_loader)

    @strawberry.mutation(
        description="Replace the lines of a DRAFT order (READ_ONLY once submitted), by its "
        "author side."
    )
    async def sales_order_update_lines(
        self, info: Info, input: Annotated[SalesOrderUpdateLinesInput, INPUT]
    ) -> SalesOrderUpdateLinesPayload:
        ids = InputIds()
        order = ids.pk(input.id, "SalesOrder", "sales order", "input", "id")
        drafts = line_drafts(ids, input.lines)
        if ids.errors:
            return refused(SalesOrderUpdateLinesPayload, *ids.errors)
        command = orders.SalesOrderUpdateLines(order, drafts, input.expected_version)
        return await run(info, SalesOrderUpdateLinesPayload, command, order_loader)

    @strawberry.mutation(
        description="DRAFT → IN_REVIEW (contract review), by the author side. When a line is "
        "priced under its floor or the order takes the customer's open orders over the credit "
        "limit, the SALES_ORDER approval chain starts (default: finance, then the VP in charge)."
    )
    async def sales_order_submit(
        self, info: Info, input: Annotated[SalesOrderTransitionInput, INPUT]
    ) -> SalesOrderSubmitPayload:
        return await transition(
            info,
            SalesOrderSubmitPayload,
            input.id,
            orders.SalesOrderSubmit,
            expected_version=input.expected_version,
            comment=input.comment,
        )

    @strawberry.mutation(
        description="Approve the current special-approval step, by its approver. The order stays "
        "IN_REVIEW; after the last step it can be confirmed."
    )
    async def sales_order_approve(
        self, info: Info, input: Annotated[SalesOrderTransitionInput, INPUT]
    ) -> SalesOrderApprovePayload:
        return await transition(
            info,
            SalesOrderApprovePayload,
            input.id,
            orders.SalesOrderApprove,
            expected_version=input.expected_version,
            comment=input.comment,
        )

    @strawberry.mutation(
        description="IN_REVIEW → DRAFT with a reason: by the current special-approval step's "
        "approver, or by a contract reviewer (planner, the department's manager)."
    )
    async def sales_order_reject(
        self, info: Info, input: Annotated[SalesOrderRejectInput, INPUT]
    ) -> SalesOrderRejectPayload:
        return await transition(
            info,
            SalesOrderRejectPayload,
            input.id,
            orders.SalesOrderReject,
            expected_version=input.expected_version,
            comment=input.reason,
        )

    @strawberry.mutation(
        description="IN_REVIEW → CONFIRMED: contract review passed, by a planner or the "
        "department's manager; refused while special approval is still running."
    )
    async def sales_order_confirm(
        self, info: Info, input: Annotated[SalesOrderTransitionInput, INPUT]
    ) -> SalesOrderConfirmPayload:
        return await transition(
            info,
            SalesOrderConfirmPayload,
            input.id,
            orders.SalesOrderConfirm,
            expected_version=input.expected_version,
            comment=input.comment,
        )

    @strawberry.mutation(description="CONFIRMED → IN_PRODUCTION, by a planner.")
    async def sales_order_start_production(
        self, info: Info, input: Annotated[SalesOrderTransitionInput, INPUT]
    ) -> SalesOrderStartProductionPayload:
        return await transition(
            info,
            SalesOrderStartProductionPayload,
            input.id,
            orders.SalesOrderStartProduction,
            expected_version=input.expected_version,
            comment=input.comment,
        )

    @strawberry.mutation(
        description="CONFIRMED or IN_PRODUCTION → READY (goods ready to ship), by a planner."
    )
    async def sales_order_mark_ready(
        self, info: Info, input: Annotated[SalesOrderTransitionInput, INPUT]
    ) -> SalesOrderMarkReadyPayload:
        return await transition(
            info,
            SalesOrderMarkReadyPayload,
            input.id,
            orders.SalesOrderMarkReady,
            expected_version=input.expected_version,
            comment=input.comment,
        )

    @strawberry.mutation(
        description="Any status before shipping → CANCELLED; refused (INVALID_TRANSITION) once "
        "the order has a shipment. Before confirmation by the author side or a reviewer, after "
        "it by a planner or reviewer."
    )
    async def sales_order_cancel(
        self, info: Info, input: Annotated[SalesOrderCancelInput, INPUT]
    ) -> SalesOrderCancelPayload:
        return await transition(
            info,
            SalesOrderCancelPayload,
            input.id,
            orders.SalesOrderCancel,
            expected_version=input.expected_version,
            comment=input.reason,
        )

    @strawberry.mutation(
        description="DELIVERED → CLOSED, by a planner, when no return is still open."
    )
    async def sales_order_close(
        self, info: Info, input: Annotated[SalesOrderTransitionInput, INPUT]
    ) -> SalesOrderClosePayload:
        return await transition(
            info,
            SalesOrderClosePayload,
            input.id,
            orders.SalesOrderClose,
            expected_version=input.expected_version,
            comment=input.comment,
        )
