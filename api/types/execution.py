"""The order execution summary (订单执行情况汇总表) as GraphQL types: figures, and the grouped
report."""

from datetime import date
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from api.pagination import Connection, PageLimits
from domain.orders.execution import Figures

OrderStatusEnum = Annotated["OrderStatusEnum", strawberry.lazy("api.types.orders")]

if TYPE_CHECKING:
    from api.types.customers import Customer
    from api.types.orders import SalesOrder, SalesOrderLine
    from api.types.organisation import Department, Salesperson

FIGURES_HELP = (
    "Quantities are in each product's unit (summed across products when a row covers several); "
    "amounts are quantity × the line's unit price in the company currency. shipped: left the "
    "warehouse; delivered: on delivered shipments less returns; outstanding: ordered less "
    "shipped (0 for closed and cancelled orders)."
)


@strawberry.type(
    description="Execution figures of one order line or of a group of lines. " + FIGURES_HELP
)
class ExecutionFigures:
    figures: strawberry.Private[Figures]
    as_of: date = strawberry.field(
        description="The day lines are judged due against (promised date on or before it)."
    )

    @strawberry.field(description="Quantity ordered.")
    def ordered_quantity(self) -> Decimal:
        return self.figures.ordered_quantity

    @strawberry.field(description="Value ordered.")
    def ordered_amount(self) -> Decimal:
        return self.figures.ordered_amount

    @strawberry.field(
        description="Quantity that left the warehouse (dispatched, in transit, delivered)."
    )
    def shipped_quantity(self) -> Decimal:
        return self.figures.shipped_quantity

    @strawberry.field(description="Value of the shipped quantity.")
    def shipped_amount(self) -> Decimal:
        return self.figures.shipped_amount

    @strawberry.field(description="Quantity on delivered shipments, less received returns.")
    def delivered_quantity(self) -> Decimal:
        return self.figures.delivered_quantity

    @strawberry.field(description="Value of the delivered quantity.")
    def delivered_amount(self) -> Decimal:
        return self.figures.delivered_amount

    @strawberry.field(description="Quantity on received returns.")
    def returned_quantity(self) -> Decimal:
        return self.figures.returned_quantity

    @strawberry.field(description="Value of the returned quantity.")
    def returned_amount(self) -> Decimal:
        return self.figures.returned_amount

    @strawberry.field(description="Ordered less shipped, for orders still expecting shipments.")
    def outstanding_quantity(self) -> Decimal:
        return self.figures.outstanding_quantity

    @strawberry.field(description="Ordered amount less shipped amount (0 when closed/cancelled).")
    def outstanding_amount(self) -> Decimal:
        return self.figures.outstanding_amount

    @strawberry.field(description="Order lines counted.")
    def lines(self) -> int:
        return self.figures.lines

    @strawberry.field(
        description="Lines due: promised on or before asOf, or already delivered in full."
    )
    def lines_due(self) -> int:
        return self.figures.lines_due

    @strawberry.field(
        description="Due lines whose deliveries dated on or before the promised date cover the "
        "ordered quantity."
    )
    def lines_on_time_in_full(self) -> int:
        return self.figures.lines_on_time_in_full

    @strawberry.field(
        description="linesOnTimeInFull / linesDue, from 0 to 1 with 4 decimals; null when no line "
        "is due."
    )
    def on_time_in_full_rate(self) -> Decimal | None:
        return self.figures.on_time_in_full_rate

    @strawberry.field(description="Delivered shipment lines.")
    def deliveries(self) -> int:
        return self.figures.deliveries

    @strawberry.field(description="Deliveries made after the line's promised date.")
    def late_deliveries(self) -> int:
        return self.figures.late_deliveries

    @strawberry.field(
        description="Mean days late over all deliveries (on-time ones count 0), 2 decimals; null "
        "without deliveries."
    )
    def average_days_late(self) -> Decimal | None:
        return self.figures.average_days_late


@strawberry.enum(description="How the execution report groups order lines.")
class ExecutionGroupBy(Enum):
    ORDER_LINE = strawberry.enum_value(
        "ORDER_LINE", description="A row per order line; `orderLine` is set."
    )
    ORDER = strawberry.enum_value("ORDER", description="A row per order; `order` is set.")
    CUSTOMER = strawberry.enum_value(
        "CUSTOMER", description="A row per customer; `customer` is set."
    )
    SALESPERSON = strawberry.enum_value(
        "SALESPERSON",
        description="A row per salesperson; `salesperson` is set. Not for partners.",
    )
    DEPARTMENT = strawberry.enum_value(
        "DEPARTMENT", description="A row per department; `department` is set. Not for partners."
    )
    PERIOD = strawberry.enum_value(
        "PERIOD", description="A row per month of the lines' promised dates; `period` is set."
    )


@strawberry.type(
    description="One group of the execution report; the field named by the grouping is set, "
    "the others are null."
)
class OrderExecutionRow:
    group_pk: strawberry.Private[int | None]
    group_by: strawberry.Private[ExecutionGroupBy]
    period: date | None = strawberry.field(
        description="For PERIOD: the first day of the month of the lines' promised dates."
    )
    figures: ExecutionFigures = strawberry.field(description="The group's figures.")

    @strawberry.field(description="For ORDER_LINE: the line.")
    async def order_line(
        self, info: Info
    ) -> Annotated["SalesOrderLine", strawberry.lazy("api.types.orders")] | None:
        if self.group_by is not ExecutionGroupBy.ORDER_LINE:
            return None
        return await info.context.loaders.orders.line.load(self.group_pk)

    @strawberry.field(description="For ORDER: the order.")
    async def order(
        self, info: Info
    ) -> Annotated["SalesOrder", strawberry.lazy("api.types.orders")] | None:
        if self.group_by is not ExecutionGroupBy.ORDER:
            return None
        return await info.context.loaders.orders.order.load(self.group_pk)

    @strawberry.field(description="For CUSTOMER: the customer.")
    async def customer(
        self, info: Info
    ) -> Annotated["Customer", strawberry.lazy("api.types.customers")] | None:
        if self.group_by is not ExecutionGroupBy.CUSTOMER:
            return None
        return await info.context.loaders.orders.customer.load(self.group_pk)

    @strawberry.field(description="For SALESPERSON: the salesperson (staff only).")
    async def salesperson(
        self, info: Info
    ) -> Annotated["Salesperson", strawberry.lazy("api.types.organisation")] | None:
        if self.group_by is not ExecutionGroupBy.SALESPERSON:
            return None
        return await info.context.loaders.organisation.salesperson.load(self.group_pk)

    @strawberry.field(description="For DEPARTMENT: the department (staff only).")
    async def department(
        self, info: Info
    ) -> Annotated["Department", strawberry.lazy("api.types.organisation")] | None:
        if self.group_by is not ExecutionGroupBy.DEPARTMENT:
            return None
        return await info.context.loaders.organisation.department.load(self.group_pk)


@strawberry.type(
    description="The order execution summary (订单执行情况汇总表) of the order lines you may "
    "read, grouped. Figures reflect the current state of shipments and returns."
)
class OrderExecutionReport:
    group_by: ExecutionGroupBy = strawberry.field(description="How the rows are grouped.")
    as_of: date = strawberry.field(description="The day lines are judged due against.")
    total: ExecutionFigures = strawberry.field(description="All rows together.")
    rows: Connection[OrderExecutionRow] = strawberry.field(
        description="The groups, in key order (line id, order id, customer id, salesperson id, "
        "department id or period), paged by `first`/`after` of the report query."
    )


REPORT_PAGES = PageLimits(default=100, maximum=500)


@strawberry.input(description="Which order lines the execution report covers; all must hold.")
class OrderExecutionWhereInput:
    status_in: list[OrderStatusEnum] | None = strawberry.field(
        default=None,
        description="Order statuses; default: booked orders (CONFIRMED up to CLOSED), i.e. not "
        "DRAFT, IN_REVIEW or CANCELLED.",
    )
    customer_id: strawberry.ID | None = strawberry.field(default=None, description="One customer.")
    salesperson_id: strawberry.ID | None = strawberry.field(
        default=None, description="One salesperson."
    )
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="One department."
    )
    product_id: strawberry.ID | None = strawberry.field(default=None, description="One product.")
    order_id: strawberry.ID | None = strawberry.field(default=None, description="One order.")
    promised_from: date | None = strawberry.field(
        default=None, description="Lines promised on or after this day."
    )
    promised_to: date | None = strawberry.field(
        default=None, description="Lines promised on or before this day."
    )
