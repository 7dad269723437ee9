"""Delivery reports (交付情况汇报): one month's order execution figures for a company or a
department, snapshotted when generated, with their worst late orders."""

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from domain.orders.lifecycle import OrderStatus
from domain.reports.delivery import LateReason
from domain.reports.lifecycle import DeliveryReportStatus
from domain.store.tables.base import enum_column
from domain.store.types import Fixed, UtcDateTime, utcnow


class DeliveryReport(SQLModel, table=True):
    """One revision of the report of one scope (`scope`: "Company:<id>" or "Department:<id>")
    and month. The figures are those of domain.orders.execution.Figures plus order counts, as of
    `as_of`; they never change after generation."""

    NOUN: ClassVar[str] = "delivery report"  # how refusals name it

    __tablename__ = "delivery_report"
    __table_args__ = (
        UniqueConstraint("scope", "period", "revision"),
        CheckConstraint("revision >= 1", name="revision"),
    )

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    scope: str = Field(sa_type=String(40))
    period: date  # the first day of the month reported on
    as_of: date
    revision: int = 1
    status: DeliveryReportStatus = Field(sa_type=enum_column(DeliveryReportStatus), index=True)
    approval_round: int = 0
    comment: str | None = Field(default=None, sa_type=String(2000))
    generated_by: int = Field(foreign_key="app_user.id")
    # Execution figures of the month's lines.
    lines: int
    lines_due: int
    lines_on_time_in_full: int
    deliveries: int
    late_deliveries: int
    days_late_total: int
    ordered_quantity: Decimal = Field(sa_type=Fixed(3))
    ordered_amount: Decimal = Field(sa_type=Fixed(2))
    shipped_quantity: Decimal = Field(sa_type=Fixed(3))
    shipped_amount: Decimal = Field(sa_type=Fixed(2))
    delivered_quantity: Decimal = Field(sa_type=Fixed(3))
    delivered_amount: Decimal = Field(sa_type=Fixed(2))
    returned_quantity: Decimal = Field(sa_type=Fixed(3))
    returned_amount: Decimal = Field(sa_type=Fixed(2))
    outstanding_quantity: Decimal = Field(sa_type=Fixed(3))
    outstanding_amount: Decimal = Field(sa_type=Fixed(2))
    # Per order.
    orders: int
    orders_due: int
    orders_on_time_in_full: int
    orders_late: int
    orders_outstanding: int
    # Optimistic-lock counter, raised by every change; clients send it back as expectedVersion.
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class DeliveryReportLateOrder(SQLModel, table=True):
    """One of a report's worst late orders, as it stood when the report was generated."""

    __tablename__ = "delivery_report_late_order"
    __table_args__ = (UniqueConstraint("report_id", "rank"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="delivery_report.id", ondelete="CASCADE", index=True)
    rank: int
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    customer_id: int = Field(foreign_key="customer.id")
    order_status: OrderStatus = Field(sa_type=enum_column(OrderStatus))
    days_late: int
    lines_late: int
    undelivered_quantity: Decimal = Field(sa_type=Fixed(3))
    in_transit_quantity: Decimal = Field(sa_type=Fixed(3))
    outstanding_quantity: Decimal = Field(sa_type=Fixed(3))
    outstanding_amount: Decimal = Field(sa_type=Fixed(2))
    reason: LateReason = Field(sa_type=enum_column(LateReason))
    detail: str = Field(sa_type=String(500))
