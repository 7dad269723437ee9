"""Shipments of sales orders, their lines and tracking events."""

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from domain.orders.shipments import ShipmentStatus
from domain.store.tables.base import enum_column
from domain.store.types import Fixed, UtcDateTime, utcnow


class Shipment(SQLModel, table=True):
    """Goods of one order on their way; `customer_id` is copied from the order for scoping."""

    NOUN: ClassVar[str] = "shipment"  # how refusals name it

    __tablename__ = "shipment"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    status: ShipmentStatus = Field(sa_type=enum_column(ShipmentStatus), index=True)
    carrier: str | None = Field(default=None, sa_type=String(100))
    tracking_number: str | None = Field(default=None, sa_type=String(100))
    planned_date: date | None = None
    dispatched_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    receipt_confirmed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    receipt_confirmed_by: int | None = Field(default=None, foreign_key="app_user.id")
    version: int = 1
    created_by: int = Field(foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class ShipmentLine(SQLModel, table=True):
    __tablename__ = "shipment_line"
    __table_args__ = (
        UniqueConstraint("shipment_id", "order_line_id"),
        CheckConstraint("quantity > 0", name="quantity"),
    )

    id: int | None = Field(default=None, primary_key=True)
    shipment_id: int = Field(foreign_key="shipment.id", ondelete="CASCADE", index=True)
    order_line_id: int = Field(foreign_key="sales_order_line.id", index=True)
    quantity: Decimal = Field(sa_type=Fixed(3))


class TrackingEvent(SQLModel, table=True):
    """Where a shipment was seen, when, with a note (from the carrier or the dispatcher)."""

    __tablename__ = "shipment_tracking_event"

    id: int | None = Field(default=None, primary_key=True)
    shipment_id: int = Field(foreign_key="shipment.id", ondelete="CASCADE", index=True)
    occurred_at: datetime = Field(sa_type=UtcDateTime)
    location: str = Field(sa_type=String(200))
    note: str | None = Field(default=None, sa_type=String(1000))
    recorded_by: int = Field(foreign_key="app_user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
