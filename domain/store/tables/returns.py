"""Sales returns against delivered order lines."""

from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from domain.orders.returns import ReturnStatus
from domain.store.tables.base import enum_column
from domain.store.types import Fixed, UtcDateTime, utcnow


class SalesReturn(SQLModel, table=True):
    NOUN: ClassVar[str] = "return"  # how refusals name it
    __tablename__ = "sales_return"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    status: ReturnStatus = Field(sa_type=enum_column(ReturnStatus), index=True)
    reason: str = Field(sa_type=String(500))
    received_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    version: int = 1
    created_by: int = Field(foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class SalesReturnLine(SQLModel, table=True):
    __tablename__ = "sales_return_line"
    __table_args__ = (
        UniqueConstraint("return_id", "order_line_id"),
        CheckConstraint("quantity > 0", name="quantity"),
    )

    id: int | None = Field(default=None, primary_key=True)
    return_id: int = Field(foreign_key="sales_return.id", ondelete="CASCADE", index=True)
    order_line_id: int = Field(foreign_key="sales_order_line.id", index=True)
    quantity: Decimal = Field(sa_type=Fixed(3))
