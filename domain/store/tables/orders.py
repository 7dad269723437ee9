"""Sales orders, their lines, and the price floors that decide special approval."""

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from domain.orders.lifecycle import OrderStatus
from domain.store.tables.base import enum_column
from domain.store.types import Fixed, UtcDateTime, utcnow


class PriceFloor(SQLModel, table=True):
    """The lowest unit price a product may be sold at without special approval: for every
    customer (`customer_id` null) or for one customer (overrides the general floor)."""

    __tablename__ = "price_floor"
    __table_args__ = (
        UniqueConstraint("product_id", "customer_id"),
        # NULLs are distinct in a unique constraint: one general floor per product needs its own.
        sa.Index(
            "uq_price_floor_general",
            "product_id",
            unique=True,
            sqlite_where=sa.text("customer_id IS NULL"),
            postgresql_where=sa.text("customer_id IS NULL"),
        ),
        CheckConstraint("min_unit_price >= 0", name="min_unit_price"),
    )

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id")
    min_unit_price: Decimal = Field(sa_type=Fixed(2))
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class SalesOrder(SQLModel, table=True):
    """A customer's order (合同). `company_id` and `department_id` (the salesperson's, at
    creation) are kept on the row so scoping and reports need no join."""

    NOUN: ClassVar[str] = "order"  # how refusals name it

    __tablename__ = "sales_order"

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    salesperson_id: int = Field(foreign_key="salesperson.id", index=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    status: OrderStatus = Field(sa_type=enum_column(OrderStatus), index=True)
    order_date: date
    customer_reference: str | None = Field(default=None, sa_type=String(100))
    note: str | None = Field(default=None, sa_type=String(2000))
    # Space-separated SpecialReason names found at the last submit; empty: contract review only.
    special_reasons: str = Field(default="", sa_type=String(100))
    # Submission round: raised by each submit; its approval steps carry the same number.
    approval_round: int = 0
    # Optimistic-lock counter, raised by every change; clients send it back as expectedVersion.
    version: int = 1
    created_by: int = Field(foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    status_changed_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class SalesOrderLine(SQLModel, table=True):
    """A product ordered: quantity (3 decimals), unit price and amount (money), promised date."""

    __tablename__ = "sales_order_line"
    __table_args__ = (
        UniqueConstraint("order_id", "position"),
        CheckConstraint("quantity > 0", name="quantity"),
        CheckConstraint("unit_price >= 0", name="unit_price"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="sales_order.id", ondelete="CASCADE", index=True)
    position: int
    product_id: int = Field(foreign_key="product.id", index=True)
    quantity: Decimal = Field(sa_type=Fixed(3))
    unit_price: Decimal = Field(sa_type=Fixed(2))
    amount: Decimal = Field(sa_type=Fixed(2))
    promised_date: date = Field(index=True)
