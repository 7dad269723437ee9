"""Stock-in mutations: stockInRequest, stockInApprove, stockInReject, stockInPost."""

from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.ids import pk_of
from api.types.stock import StockIn, StockInError
from domain.errors import DomainError, ErrorCode
from domain.services import stock_in as service

VERSION_HELP = "Refuse with CONFLICT unless the stock-in is still at this version."
STOCK_IN_HELP = "The stock-in as committed; null when refused."
ERRORS_HELP = "Why it was refused; empty on success."


INPUT = strawberry.argument(description="What to do; see the input type.")


@strawberry.input(description="Ask to put QC-passed finished goods into stock.")
class StockInRequestInput:
    product_id: strawberry.ID = strawberry.field(description="Global id of the Product (item).")
    quantity: Decimal = strawberry.field(description="Units, > 0, up to 3 decimals.")
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


def not_found(what: str, *field: str) -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, f"no such {what}", tuple(field))


def refused(payload_type, *errors: DomainError):
    return payload_type(stock_in=None, errors=[StockInError.of(e) for e in errors])


async def shaped(info: Info, payload_type, result: service.StockInResult):
    stock_in = None
    if result.stock_in is not None:
        info.context.fresh_reads()
        stock_in = await info.context.loaders.stock.stock_in.load(result.stock_in.id)
    return payload_type(stock_in=stock_in, errors=[StockInError.of(e) for e in result.errors])


async def act(info: Info, payload_type, stock_in_id: str, action, **fields):
    pk = pk_of(stock_in_id, "StockIn")
    if pk is None:
        return refused(payload_type, not_found("stock-in", "input", "id"))
    result = await action(
        info.context.engine, info.context.viewer, service.StockInAct(stock_in_id=pk, **fields)
    )
    return await shaped(info, payload_type, result)


@strawberry.type
class StockInMutations:
    @strawberry.mutation(
        description="REQUESTED stock-in of QC-passed goods, by a planner; its STOCK_IN approval "
        "chain (default: the VP in charge) starts at once."
    )
    async def stock_in_request(
        self, info: Info, input: Annotated[StockInRequestInput, INPUT]
    ) -> StockInRequestPayload:
        product = pk_of(input.product_id, "Product")
        errors = [] if product is not None else [not_found("product", "input", "productId")]
        order = None
        if input.sales_order_id is not None:
            order = pk_of(input.sales_order_id, "SalesOrder")
            if order is None:
                errors.append(not_found("sales order", "input", "salesOrderId"))
        if errors:
            return refused(StockInRequestPayload, *errors)
        result = await service.request_stock_in(
            info.context.engine,
            info.context.viewer,
            service.StockInRequest(
                product_id=product,
                quantity=input.quantity,
                qc_reference=input.qc_reference,
                sales_order_id=order,
                note=input.note,
            ),
        )
        return await shaped(info, StockInRequestPayload, result)

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
            service.approve_stock_in,
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
            service.reject_stock_in,
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
            service.post_stock_in,
            expected_version=input.expected_version,
            comment=input.comment,
        )
