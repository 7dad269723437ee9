"""Delivery reports (交付情况汇报) as GraphQL types: the snapshot of a month's order execution,
its worst late orders, and its approval."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from api.ids import to_global_id
from api.loaded_pages import LOADED_PAGES, page_of
from api.pagination import After, Before, Connection, First, Last
from api.types.documents import ApprovableDocument
from api.types.enums import described_enum
from api.types.errors import UserError
from api.types.execution import ExecutionFigures
from api.types.orders import OrderStatusEnum
from domain.orders.execution import Figures
from domain.orders.lifecycle import OrderStatus
from domain.reports.delivery import WORST_LATE_ORDERS, LateReason
from domain.reports.lifecycle import DeliveryReportStatus

if TYPE_CHECKING:
    from api.types.approval import ApprovalStep, HistoryEntry
    from api.types.customers import Customer
    from api.types.orders import SalesOrder
    from api.types.organisation import Company, Department, User

ApprovalStepType = Annotated["ApprovalStep", strawberry.lazy("api.types.approval")]
HistoryEntryType = Annotated["HistoryEntry", strawberry.lazy("api.types.approval")]

DeliveryReportStatusEnum = described_enum(
    DeliveryReportStatus,
    name="DeliveryReportStatus",
    description="DRAFT (deliveryReportGenerate) → SUBMITTED (deliveryReportSubmit) → APPROVED "
    "(deliveryReportApprove, last step; never changes again) | REJECTED (deliveryReportReject; "
    "final). SUPERSEDED: a newer revision was generated while this one was a DRAFT.",
    values={
        DeliveryReportStatus.DRAFT: "Generated; may be submitted, or replaced by generating again.",
        DeliveryReportStatus.SUBMITTED: "In its approval chain; generating again is refused.",
        DeliveryReportStatus.APPROVED: "Approved by the last step of its chain; read-only.",
        DeliveryReportStatus.REJECTED: "Refused by an approver, with the reason in its history; "
        "generate again for a corrected revision.",
        DeliveryReportStatus.SUPERSEDED: "Replaced by a newer revision before it was submitted.",
    },
)
LateReasonEnum = described_enum(
    LateReason,
    name="LateReason",
    description="Why an order is late, from the state of its late lines when the report was "
    "generated; the most pressing reason of its lines is the order's.",
    values={
        LateReason.NOT_YET_PRODUCED: "Quantity not shipped and the order is CONFIRMED or "
        "IN_PRODUCTION.",
        LateReason.AWAITING_SHIPMENT: "Quantity not shipped although the goods are ready.",
        LateReason.CLOSED_SHORT: "The order was closed before the whole quantity shipped.",
        LateReason.IN_TRANSIT: "Shipped, not yet delivered.",
        LateReason.DELIVERED_LATE: "Delivered in full, after the promised date.",
    },
)

RATE_STEP = Decimal("0.0001")


@strawberry.type(description="Why a delivery report action was refused.")
class DeliveryReportError(UserError):
    pass


@strawberry.type(description="One of a report's worst late orders, as it stood at generation.")
class LateOrderEntry:
    order_pk: strawberry.Private[int]
    customer_pk: strawberry.Private[int]
    rank: int = strawberry.field(description="1 for the latest.")
    order_status: OrderStatusEnum = strawberry.field(description="The order's status then.")
    days_late: int = strawberry.field(
        description="Its worst late line's days past the promised date: to the delivery that "
        "completed it, or to the report's asOf while undelivered."
    )
    lines_late: int = strawberry.field(
        description="Its lines promised in the month that are due and not on time in full."
    )
    undelivered_quantity: Decimal = strawberry.field(
        description="Of its late lines: ordered less delivered."
    )
    in_transit_quantity: Decimal = strawberry.field(
        description="Of its late lines: shipped, not yet delivered."
    )
    outstanding_quantity: Decimal = strawberry.field(
        description="Of its lines promised in the month: ordered less shipped."
    )
    outstanding_amount: Decimal = strawberry.field(description="Value of the outstanding quantity.")
    reason: LateReasonEnum = strawberry.field(description="Why it is late.")
    detail: str = strawberry.field(description="The reason in words, with the quantities.")

    @classmethod
    def from_row(cls, row) -> "LateOrderEntry":
        return cls(
            order_pk=row.order_id,
            customer_pk=row.customer_id,
            rank=row.rank,
            order_status=OrderStatus(row.order_status),
            days_late=row.days_late,
            lines_late=row.lines_late,
            undelivered_quantity=row.undelivered_quantity,
            in_transit_quantity=row.in_transit_quantity,
            outstanding_quantity=row.outstanding_quantity,
            outstanding_amount=row.outstanding_amount,
            reason=LateReason(row.reason),
            detail=row.detail,
        )

    @strawberry.field(description="The order (null if you may no longer read it).")
    async def order(
        self, info: Info
    ) -> Annotated["SalesOrder", strawberry.lazy("api.types.orders")] | None:
        return await info.context.loaders.orders.order.load(self.order_pk)

    @strawberry.field(description="The order's customer.")
    async def customer(
        self, info: Info
    ) -> Annotated["Customer", strawberry.lazy("api.types.customers")] | None:
        return await info.context.loaders.orders.customer.load(self.customer_pk)


def _figures(row) -> Figures:
    return Figures(
        ordered_quantity=row.ordered_quantity,
        ordered_amount=row.ordered_amount,
        shipped_quantity=row.shipped_quantity,
        shipped_amount=row.shipped_amount,
        delivered_quantity=row.delivered_quantity,
        delivered_amount=row.delivered_amount,
        returned_quantity=row.returned_quantity,
        returned_amount=row.returned_amount,
        outstanding_quantity=row.outstanding_quantity,
        outstanding_amount=row.outstanding_amount,
        lines=row.lines,
        lines_due=row.lines_due,
        lines_on_time_in_full=row.lines_on_time_in_full,
        deliveries=row.deliveries,
        late_deliveries=row.late_deliveries,
        days_late_total=row.days_late_total,
    )


@strawberry.type(
    description="A month's delivery report (交付情况汇报) for the company or one department: the "
    "order execution figures of the booked order lines promised in the month, snapshotted when "
    "generated, submitted to the VP in charge for approval. Regenerating makes a new revision."
)
class DeliveryReport(ApprovableDocument):
    pk: strawberry.Private[int]
    company_pk: strawberry.Private[int]
    department_pk: strawberry.Private[int | None]
    generated_by_pk: strawberry.Private[int]
    approval_round: strawberry.Private[int]
    number: str = strawberry.field(description="Report number, e.g. DR-000012.")
    period: date = strawberry.field(description="The month reported on (its first day).")
    as_of: date = strawberry.field(
        description="The day lines were judged due against: the month's last day, or the day "
        "of generation while the month ran."
    )
    revision: int = strawberry.field(
        description="1 for the first report of this scope and month, +1 per regeneration."
    )
    status: DeliveryReportStatusEnum = strawberry.field(description="Where the report is.")
    comment: str | None = strawberry.field(description="The compiler's summary.")
    figures: ExecutionFigures = strawberry.field(
        description="The execution figures of the month's lines, as orderExecutionReport gives "
        "them for the same lines and asOf at the moment of generation."
    )
    orders_count: int = strawberry.field(
        description="Orders with booked lines promised in the month."
    )
    orders_due: int = strawberry.field(description="Of those, orders with a due line.")
    orders_on_time_in_full: int = strawberry.field(
        description="Due orders whose due lines were all on time in full."
    )
    orders_late: int = strawberry.field(description="Due orders not on time in full.")
    orders_outstanding: int = strawberry.field(
        description="Orders with quantity still to ship on those lines."
    )
    version: int = strawberry.field(
        description="Raised by every change; send it as `expectedVersion` to avoid lost updates."
    )
    created_at: datetime = strawberry.field(description="When it was generated.")
    updated_at: datetime = strawberry.field(description="When it last changed.")

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("DeliveryReport", self.pk))

    @classmethod
    def from_row(cls, row) -> "DeliveryReport":
        return cls(
            pk=row.id,
            company_pk=row.company_id,
            department_pk=row.department_id,
            generated_by_pk=row.generated_by,
            approval_round=row.approval_round,
            number=f"DR-{row.id:06d}",
            period=row.period,
            as_of=row.as_of,
            revision=row.revision,
            status=DeliveryReportStatus(row.status),
            comment=row.comment,
            figures=ExecutionFigures(figures=_figures(row), as_of=row.as_of),
            orders_count=row.orders,
            orders_due=row.orders_due,
            orders_on_time_in_full=row.orders_on_time_in_full,
            orders_late=row.orders_late,
            orders_outstanding=row.orders_outstanding,
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @strawberry.field(
        description="ordersOnTimeInFull / ordersDue, 0 to 1 with 4 decimals; null when no order "
        "is due."
    )
    def order_on_time_in_full_rate(self) -> Decimal | None:
        if self.orders_due == 0:
            return None
        return (Decimal(self.orders_on_time_in_full) / self.orders_due).quantize(
            RATE_STEP, rounding=ROUND_HALF_UP
        )

    @strawberry.field(description="The company reported on (for a department: its company).")
    async def company(
        self, info: Info
    ) -> Annotated["Company", strawberry.lazy("api.types.organisation")] | None:
        return await info.context.loaders.organisation.company.load(self.company_pk)

    @strawberry.field(description="The department reported on; null for a company-wide report.")
    async def department(
        self, info: Info
    ) -> Annotated["Department", strawberry.lazy("api.types.organisation")] | None:
        if self.department_pk is None:
            return None
        return await info.context.loaders.organisation.department.load(self.department_pk)

    @strawberry.field(description="Who generated it.")
    async def generated_by(
        self, info: Info
    ) -> Annotated["User", strawberry.lazy("api.types.organisation")] | None:
        return await info.context.loaders.organisation.user.load(self.generated_by_pk)

    @strawberry.field(
        description=f"The worst late orders (at most {WORST_LATE_ORDERS}), latest first: by days "
        "late, then outstanding amount, then order id."
    )
    async def worst_late_orders(self, info: Info) -> list[LateOrderEntry]:
        return await info.context.loaders.reports.late_orders.load(self.pk)

    @strawberry.field(
        description="The approval step waiting for a decision; null unless SUBMITTED."
    )
    async def current_step(self, info: Info) -> ApprovalStepType | None:
        if self.status is not DeliveryReportStatus.SUBMITTED:
            return None
        steps = await info.context.loaders.reports.steps.load((self.pk, self.approval_round))
        return next((s for s in steps if s.state.value == "PENDING"), None)

    @strawberry.field(
        description="The latest approval round's steps, each with its state (at most 10)."
    )
    async def steps(self, info: Info) -> list[ApprovalStepType]:
        return await info.context.loaders.reports.steps.load((self.pk, self.approval_round))

    @strawberry.field(
        description="Every committed change, oldest first (GENERATED, SUBMITTED, STEP_APPROVED, "
        "APPROVED, REJECTED, SUPERSEDED). " + LOADED_PAGES.describe("Entries:")
    )
    async def history_connection(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[HistoryEntryType]:
        entries = await info.context.loaders.reports.history.load(self.pk)
        return page_of(
            entries, (first, after, last, before), lambda entry: (entry.sequence, entry.sequence)
        )


@strawberry.input(description="Which delivery reports to list; all given conditions hold.")
class DeliveryReportWhereInput:
    period: date | None = strawberry.field(
        default=None, description="Reports on this month (its first day)."
    )
    scope_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Reports of this Company (company-wide ones) or this Department.",
    )
    status_in: list[DeliveryReportStatusEnum] | None = strawberry.field(
        default=None, description="Reports in these statuses."
    )
