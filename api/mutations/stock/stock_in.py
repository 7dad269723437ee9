"""Stock-in mutations: stockInRequest, stockInApprove, stockInReject, stockInPost."""

from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.ids import pk_of
from api.mutations.inputs import INPUT
from api.mutations.payloads import InputIds, not_found, refused, run
from api.types.stock import StockIn, StockInError
from domain.services.stock import stock_in as stock_ins

VERSION_HELP = "Refuse with CONFLICT unless the stock-in is still at this version."
STOCK_IN_HELP = "The stock-in as committed; null when refused."
ERRORS_HELP = "Why it was refused; empty on success."


@strawberry.input(description="Ask to put QC-passed finished goods into stock.")
class StockInRequestInput:
    product_id: strawberry.ID = strawberry.field(description="Global id of the Product (item).")
    quantity: Decimal = strawberry.field(
        description="Units, > 0 and below 1,000,000,000, up to 3 decimals."
    )
    qc_reference: str = strawberry.field(
        description="The quality-control report that passed the goods; 1–100 characters."
    )
    sales_order_id: strawberry.ID | None = strawberry.field(
        default=None, description="The order the goods were made for, if any."
    )
    note: str | None = strawberry.field(default=None, description="At most 2000 characters.")


@strawberry.input(description="An action on one stock-in.")
class StockInActionInput:
    id: strawberry.ID = strawberry.field(description="The stock-in.")
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)
    comment: str | None = strawberry.field(default=None, description="Kept in the history.")


@strawberry.input(description="Refuse a stock-in at your approval step.")
class StockInRejectInput:
    id: strawberry.ID = strawberry.field(description="The stock-in.")
    reason: str = strawberry.field(description="Required; kept in the history.")
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)


@strawberry.type(description="Result of stockInRequest.")
class StockInRequestPayload:
    stock_in: StockIn | None = strawberry.field(description=STOCK_IN_HELP)
    errors: list[StockInError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of stockInApprove.")
class StockInApprovePayload:
    stock_in: StockIn | None = strawberry.field(description=STOCK_IN_HELP)
    errors: list[StockInError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of stockInReject.")
class StockInRejectPayload:
    stock_in: StockIn | None = strawberry.field(description=STOCK_IN_HELP)
    errors: list[StockInError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of stockInPost.")
class StockInPostPayload:
    stock_in: StockIn | None = strawberry.field(description=STOCK_IN_HELP)
    errors: list[StockInError] = strawberry.field(description=ERRORS_HELP)


def stock_in_loader(loaders):
    return loaders.stock.stock_in


async def act(info: Info, payload_type, stock_in_id: str, command, **fields):
    """Decode the stock-in id, run one action command, and shape its payload."""
    pk = pk_of(stock_in_id, "StockIn")
    if pk is None:
        return refused(payload_type, not_found("stock-in", "input", "id"))
    return await run(info, payload_type, command(stock_in_id=pk, **fields), stock_in_loader)


@strawberry.type
class StockInMutations:
    @strawberry.mutation(
        description="REQUESTED stock-in of QC-passed goods, by a planner; its STOCK_IN approval "
        "chain (default: the VP in charge) starts at once."
    )
    async def stock_in_request(
        self, info: Info, input: Annotated[StockInRequestInput, INPUT]
    ) -> StockInRequestPayload:
        ids = InputIds()
        product = ids.pk(input.product_id, "Product", "product", "input", "productId")
        order = ids.optional(
            input.sales_order_id, "SalesOrder", "sales order", "input", "salesOrderId"
        )
        if ids.errors:
            return refused(StockInRequestPayload, *ids.errors)
        command = stock_ins.StockInRequest(
            product_id=product,
            quantity=input.quantity,
            qc_reference=input.qc_reference,
            sales_order_id=order,
            note=input.note,
        )
        return await run(info, StockInRequestPayload, command, stock_in_loader)

    @strawberry.mutation(
        description="Approve the current step, by its approver; APPROVED after the last one."
    )
    async def stock_in_approve(
        self, info: Info, input: Annotated[StockInActionInput, INPUT]
    ) -> StockInApprovePayload:
        return await act(
            info,
            StockInApprovePayload,
            input.id,
            stock_ins.StockInApprove,
            expected_version=input.expected_version,
            comment=input.comment,
        )

    @strawberry.mutation(
        description="REQUESTED → REJECTED (final), by the current step's approver."
    )
    async def stock_in_reject(
        self, info: Info, input: Annotated[StockInRejectInput, INPUT]
    ) -> StockInRejectPayload:
        return await act(
            info,
            StockInRejectPayload,
            input.id,
            stock_ins.StockInReject,
            expected_version=input.expected_version,
            comment=input.reason,
        )

    @strawberry.mutation(
        description="APPROVED → POSTED, by a planner: on-hand rises by the quantity (one ledger "
        "row, RECEIPT)."
    )
    async def stock_in_post(
        self, info: Info, input: Annotated[StockInActionInput, INPUT]
    ) -> StockInPostPayload:
        return await act(
            info,
            StockInPostPayload,
            input.id,
            stock_ins.StockInPost,
            expected_version=input.expected_version,
            comment=input.comment,
        )
