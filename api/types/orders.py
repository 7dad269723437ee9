"""Sales orders and their lines.

Fields that partners (customer portal users) must not see (price floors, margins, special-approval
reasons, internal notes, approval steps and history) are null for them: the order loaders build
the objects for the viewer, so those fields stay plain attributes.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from api.ids import pk_of, to_global_id
from api.loaded_pages import LOADED_PAGES, page_of, replaced_by
from api.pagination import After, Before, Connection, First, Last, PageLimits, PageRequest
from api.types.catalogue import Product
from api.types.documents import ApprovableDocument
from api.types.enums import described_enum
from api.types.errors import UserError
from api.types.execution import ExecutionFigures
from api.types.node import Node
from domain.orders.lifecycle import OrderStatus
from domain.orders.special_approval import SpecialReason
from domain.store.types import utcnow

if TYPE_CHECKING:
    from api.types.approval import ApprovalStep, HistoryEntry
    from api.types.customers import Customer
    from api.types.organisation import Department, Salesperson, User
    from api.types.shipments import SalesReturn, Shipment

ApprovalStepType = Annotated["ApprovalStep", strawberry.lazy("api.types.approval")]
HistoryEntryType = Annotated["HistoryEntry", strawberry.lazy("api.types.approval")]
CustomerType = Annotated["Customer", strawberry.lazy("api.types.customers")]
ShipmentType = Annotated["Shipment", strawberry.lazy("api.types.shipments")]
SalesReturnType = Annotated["SalesReturn", strawberry.lazy("api.types.shipments")]

OrderStatusEnum = described_enum(
    OrderStatus,
    name="SalesOrderStatus",
    description=(
        "DRAFT (editable) → IN_REVIEW (salesOrderSubmit: contract review, plus special approval "
        "when a line is under its price floor or the order exceeds the customer's credit) → "
        "CONFIRMED (salesOrderConfirm) → IN_PRODUCTION (salesOrderStartProduction) → READY "
        "(salesOrderMarkReady; also straight from CONFIRMED) → PARTIALLY_SHIPPED → SHIPPED → "
        "DELIVERED (these three derived from shipments, never set by hand) → CLOSED "
        "(salesOrderClose). salesOrderReject: IN_REVIEW → DRAFT. CANCELLED (salesOrderCancel) "
        "from any status before shipping, while the order has no shipment."
    ),
    values={
        OrderStatus.DRAFT: "Being written by its author side: lines and terms may change.",
        OrderStatus.IN_REVIEW: "Submitted: in contract review, plus special approval when "
        "`specialApprovalReasons` is not empty; salesOrderReject sends it back to DRAFT.",
        OrderStatus.CONFIRMED: "The contract is accepted: the order is booked.",
        OrderStatus.IN_PRODUCTION: "Production of the order has started.",
        OrderStatus.READY: "The goods are ready: shipments may be planned.",
        OrderStatus.PARTIALLY_SHIPPED: "Some, not all, of the ordered quantity has been "
        "dispatched (derived from shipments).",
        OrderStatus.SHIPPED: "Everything ordered has been dispatched; not all delivered yet "
        "(derived from shipments).",
        OrderStatus.DELIVERED: "Everything ordered has been delivered (derived from shipments).",
        OrderStatus.CLOSED: "Finished after delivery (salesOrderClose); read-only.",
        OrderStatus.CANCELLED: "Cancelled before anything shipped; read-only.",
    },
)
SpecialReasonEnum = described_enum(
    SpecialReason,
    name="SpecialApprovalReason",
    description="Why an order needs special approval (销售单特批).",
    values={
        SpecialReason.PRICE_BELOW_FLOOR: "A line's unit price is under its price floor (the "
        "customer's own floor for the product, else the product's general one).",
        SpecialReason.CREDIT_LIMIT_EXCEEDED: "The order with the customer's other open orders "
        "exceeds the customer's credit limit.",
    },
)

LINE_PAGES = PageLimits(default=200, maximum=200)
ORDER_PAGES = PageLimits(default=50, maximum=100)
AsOf = Annotated[
    date | None,
    strawberry.argument(description="Judge lines due against this day; default today (UTC)."),
]
PARTNER_NULL = " Null for partners."
HISTORY_DESCRIPTION = (
    "Every committed change, oldest first: actor, action (CREATED, LINES_UPDATED, SUBMITTED, "
    "STEP_APPROVED, APPROVED, REJECTED, CONFIRMED, PRODUCTION_STARTED, READY, PARTIALLY_SHIPPED, "
    "SHIPPED, DELIVERED, RETURN_RECEIVED, CANCELLED, CLOSED), from, to, comment, time."
)


def today() -> date:
    return utcnow().date()


def order_number(pk: int) -> str:
    return f"SO-{pk:06d}"


@strawberry.type(description="Why a sales order action was refused.")
class SalesOrderError(UserError):
    pass


@strawberry.type(description="One product on an order: quantity, price and promised date.")
class SalesOrderLine(Node):
    pk: strawberry.Private[int]
    order_pk: strawberry.Private[int]
    position: int = strawberry.field(description="1-based line number on the order.")
    product: Product = strawberry.field(description="The product ordered.")
    quantity: Decimal = strawberry.field(description="Units ordered (> 0, up to 3 decimals).")
    unit_price: Decimal = strawberry.field(description="Price per unit, company currency.")
    amount: Decimal = strawberry.field(description="quantity × unitPrice, to the cent.")
    promised_date: date = strawberry.field(
        description="The day the customer was promised delivery; later deliveries are late."
    )
    price_floor: Decimal | None = strawberry.field(
        description="The applicable minimum unit price (the customer's own, else the product's); "
        "null when none." + PARTNER_NULL
    )
    below_price_floor: bool | None = strawberry.field(
        description="True when unitPrice is under priceFloor (needs special approval)."
        + PARTNER_NULL
    )
    margin_over_floor: Decimal | None = strawberry.field(
        description="(unitPrice − priceFloor) × quantity; negative under the floor; null without "
        "a floor." + PARTNER_NULL
    )

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("SalesOrderLine", self.pk))

    @strawberry.field(description="The order the line belongs to.")
    async def order(self, info: Info) -> "SalesOrder | None":
        return await info.context.loaders.orders.order.load(self.order_pk)

    @strawberry.field(description="Ordered, shipped, delivered, returned, outstanding, lateness.")
    async def execution(self, info: Info, as_of: AsOf = None) -> ExecutionFigures:
        day = as_of or today()
        summary = await info.context.loaders.orders.execution.load((self.order_pk, day))
        return ExecutionFigures(figures=summary.lines[self.pk], as_of=day)


@strawberry.input(description="Which orders to list; all given conditions must hold.")
class SalesOrderWhereInput:
    status_in: list[OrderStatusEnum] | None = strawberry.field(
        default=None, description="Only orders in one of these statuses."
    )
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this customer's orders."
    )
    salesperson_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this salesperson's orders."
    )
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this department's orders."
    )
    order_date_from: date | None = strawberry.field(
        default=None, description="Only orders dated on or after this day."
    )
    order_date_to: date | None = strawberry.field(
        default=None, description="Only orders dated on or before this day."
    )


@strawberry.enum(description="Fields orders can be sorted by; the id always breaks ties.")
class SalesOrderSortField(Enum):
    ORDER_DATE = strawberry.enum_value("order_date", description="The day the order was placed.")
    CREATED_AT = strawberry.enum_value("created_at", description="When the order was created.")
    ID = strawberry.enum_value("id", description="Creation order (the id alone).")


@strawberry.input(description="Sort order of an order list. Default: ID ascending.")
class SalesOrderSortingInput:
    field: SalesOrderSortField = strawberry.field(description="The field to sort by.")
    descending: bool = strawberry.field(default=False, description="Largest first.")


@strawberry.type(description="A customer's order (订单/合同) through its life cycle.")
class SalesOrder(ApprovableDocument):
    pk: strawberry.Private[int]
    customer_pk: strawberry.Private[int]
    salesperson_pk: strawberry.Private[int]
    department_pk: strawberry.Private[int]
    created_by_pk: strawberry.Private[int]
    approval_round: strawberry.Private[int]
    internal: strawberry.Private[bool]
    number: str = strawberry.field(description="Order number, e.g. SO-000042.")
    status: OrderStatusEnum = strawberry.field(description="Where the order is in its life cycle.")
    order_date: date = strawberry.field(description="The day the order was placed.")
    customer_reference: str | None = strawberry.field(
        description="The customer's own reference (purchase order number)."
    )
    note: str | None = strawberry.field(description="Internal note." + PARTNER_NULL)
    special_approval_reasons: list[SpecialReasonEnum] | None = strawberry.field(
        description="Why the last submit needed special approval (each reason at most once); "
        "empty: contract review only." + PARTNER_NULL
    )
    version: int = strawberry.field(
        description="Raised by every change; send it as `expectedVersion` to avoid lost updates."
    )
    created_at: datetime = strawberry.field(description="When the order was created.")
    updated_at: datetime = strawberry.field(description="When the order last changed.")
    status_changed_at: datetime = strawberry.field(description="When the status last changed.")

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("SalesOrder", self.pk))

    @classmethod
    def from_row(cls, row, internal: bool) -> "SalesOrder":
        return cls(
            pk=row.id,
            customer_pk=row.customer_id,
            salesperson_pk=row.salesperson_id,
            department_pk=row.department_id,
            created_by_pk=row.created_by,
            approval_round=row.approval_round,
            internal=internal,
            number=order_number(row.id),
            status=OrderStatus(row.status),
            order_date=row.order_date,
            customer_reference=row.customer_reference,
            note=row.note if internal else None,
            special_approval_reasons=(
                [SpecialReason(r) for r in row.special_reasons.split()] if internal else None
            ),
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
            status_changed_at=row.status_changed_at,
        )

    @strawberry.field(description="The customer that ordered.")
    async def customer(self, info: Info) -> CustomerType | None:
        return await info.context.loaders.orders.customer.load(self.customer_pk)

    @strawberry.field(description="The salesperson in charge." + PARTNER_NULL)
    async def salesperson(
        self, info: Info
    ) -> Annotated["Salesperson", strawberry.lazy("api.types.organisation")] | None:
        return await info.context.loaders.organisation.salesperson.load(self.salesperson_pk)

    @strawberry.field(
        description="The salesperson's department at the time of the order." + PARTNER_NULL
    )
    async def department(
        self, info: Info
    ) -> Annotated["Department", strawberry.lazy("api.types.organisation")] | None:
        return await info.context.loaders.organisation.department.load(self.department_pk)

    @strawberry.field(description="Who created the order." + PARTNER_NULL)
    async def created_by(
        self, info: Info
    ) -> Annotated["User", strawberry.lazy("api.types.organisation")] | None:
        if not self.internal:
            return None
        return await info.context.loaders.organisation.user.load(self.created_by_pk)

    @strawberry.field(
        description="The order's lines, by position. " + LINE_PAGES.describe("Lines:")
    )
    async def lines(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[SalesOrderLine]:
        page = PageRequest.of(LINE_PAGES, first, after, last, before)
        return await info.context.loaders.orders.lines_by_order.load(self.pk, page)

    @strawberry.field(description="Sum of the lines' amounts.")
    async def total_amount(self, info: Info) -> Decimal:
        return (await info.context.loaders.orders.totals.load(self.pk))[1]

    @strawberry.field(description="Sum of the lines' quantities.")
    async def total_quantity(self, info: Info) -> Decimal:
        return (await info.context.loaders.orders.totals.load(self.pk))[0]

    @strawberry.field(
        description="The order's execution summary: ordered, shipped, delivered, returned and "
        "outstanding quantities and amounts, on-time-in-full and lateness over its lines."
    )
    async def execution(self, info: Info, as_of: AsOf = None) -> ExecutionFigures:
        day = as_of or today()
        summary = await info.context.loaders.orders.execution.load((self.pk, day))
        return ExecutionFigures(figures=summary.order, as_of=day)

    @strawberry.field(
        description="The order's shipments, oldest first.",
        deprecation_reason=replaced_by("shipmentsConnection"),
    )
    async def shipments(self, info: Info) -> list[ShipmentType]:
        return await info.context.loaders.shipments.by_order.load(self.pk)

    @strawberry.field(
        description="The order's shipments, oldest first. " + LOADED_PAGES.describe("Shipments:")
    )
    async def shipments_connection(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ShipmentType]:
        found = await info.context.loaders.shipments.by_order.load(self.pk)
        return page_of(
            found, (first, after, last, before), lambda shipment: (shipment.pk, shipment.pk)
        )

    @strawberry.field(
        description="The order's returns, oldest first.",
        deprecation_reason=replaced_by("returnsConnection"),
    )
    async def returns(self, info: Info) -> list[SalesReturnType]:
        return await info.context.loaders.shipments.returns_by_order.load(self.pk)

    @strawberry.field(
        description="The order's returns, oldest first. " + LOADED_PAGES.describe("Returns:")
    )
    async def returns_connection(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[SalesReturnType]:
        found = await info.context.loaders.shipments.returns_by_order.load(self.pk)
        return page_of(
            found,
            (first, after, last, before),
            lambda sales_return: (sales_return.pk, sales_return.pk),
        )

    @strawberry.field(
        description="The special-approval step waiting for a decision; null unless IN_REVIEW "
        "with special approval pending." + PARTNER_NULL
    )
    async def current_step(self, info: Info) -> ApprovalStepType | None:
        if not self.internal or self.status is not OrderStatus.IN_REVIEW or not self.approval_round:
            return None
        steps = await info.context.loaders.orders.steps.load((self.pk, self.approval_round))
        return next((s for s in steps if s.state.value == "PENDING"), None)

    @strawberry.field(
        description="The special-approval chain of the latest submission that needed one, each "
        "step with its state and comment (at most 10); empty when none." + PARTNER_NULL
    )
    async def steps(self, info: Info) -> list[ApprovalStepType] | None:
        if not self.internal:
            return None
        if self.approval_round == 0:
            return []
        return await info.context.loaders.orders.steps.load((self.pk, self.approval_round))

    @strawberry.field(
        description=HISTORY_DESCRIPTION + PARTNER_NULL,
        deprecation_reason=replaced_by("historyConnection"),
    )
    async def history(self, info: Info) -> list[HistoryEntryType] | None:
        if not self.internal:
            return None
        return await info.context.loaders.orders.history.load(self.pk)

    @strawberry.field(
        description=HISTORY_DESCRIPTION + PARTNER_NULL + " " + LOADED_PAGES.describe("Entries:")
    )
    async def history_connection(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[HistoryEntryType] | None:
        if not self.internal:
            return None
        entries = await info.context.loaders.orders.history.load(self.pk)
        return page_of(
            entries, (first, after, last, before), lambda entry: (entry.sequence, entry.sequence)
        )


ORDERS_DESCRIPTION = "Sales orders, filtered and sorted. " + ORDER_PAGES.describe("Orders:")
OrderWhere = Annotated[SalesOrderWhereInput | None, strawberry.argument(description="Filters.")]
OrderSortBy = Annotated[
    SalesOrderSortingInput | None, strawberry.argument(description="Order; default ID ascending.")
]


def _pk(global_id: str | None, type_name: str) -> int | None:
    """The key of a filter id; an id of another type matches nothing (-1)."""
    if global_id is None:
        return None
    pk = pk_of(global_id, type_name)
    return -1 if pk is None else pk


def where_key(where: SalesOrderWhereInput | None) -> tuple:
    """A hashable form of the filters, used as part of loader keys."""
    if where is None:
        return ()
    statuses = tuple(sorted(s.value for s in where.status_in)) if where.status_in else None
    return (
        statuses,
        _pk(where.customer_id, "Customer"),
        _pk(where.salesperson_id, "Salesperson"),
        _pk(where.department_id, "Department"),
        where.order_date_from,
        where.order_date_to,
    )


async def orders_page(
    info: Info,
    customer_pk: int | None,
    where: SalesOrderWhereInput | None,
    sort_by: SalesOrderSortingInput | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[SalesOrder]:
    """A customer's orders (customer_pk given) or every order the viewer may read (None)."""
    page = PageRequest.of(ORDER_PAGES, first, after, last, before)
    sort = sort_by or SalesOrderSortingInput(field=SalesOrderSortField.ID)
    pages = info.context.loaders.orders.pages(
        customer_pk is not None, sort.field.value, sort.descending
    )
    if customer_pk is None:
        return await pages.load(page, where_key(where))
    return await pages.load(customer_pk, page, where_key(where))
