"""Finished-goods stock: on-hand per product, the ledger of every movement, and stock-ins."""

from datetime import datetime
from decimal import Decimal
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy import BigInteger, CheckConstraint, String
from sqlmodel import Field, SQLModel

from domain.stock.ledger import MovementKind
from domain.stock.lifecycle import StockInStatus
from domain.store.tables.base import enum_column
from domain.store.types import Fixed, UtcDateTime, utcnow


class StockBalance(SQLModel, table=True):
    """On-hand quantity of one product: always the sum of its ledger rows, never negative."""

    __tablename__ = "stock_balance"
    __table_args__ = (CheckConstraint("on_hand >= 0", name="on_hand"),)

    product_id: int = Field(foreign_key="product.id", primary_key=True)
    on_hand: Decimal = Field(sa_type=Fixed(3))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class StockMovement(SQLModel, table=True):
    """One ledger row: a signed quantity (receipts and returns add, shipments take away) and
    the document that caused it."""

    __tablename__ = "stock_movement"
    __table_args__ = (
        CheckConstraint("quantity <> 0", name="quantity"),
        CheckConstraint("balance_after >= 0", name="balance_after"),
    )

    id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True
        ),
    )
    product_id: int = Field(foreign_key="product.id", index=True)
    kind: MovementKind = Field(sa_type=enum_column(MovementKind))
    quantity: Decimal = Field(sa_type=Fixed(3))
    balance_after: Decimal = Field(sa_type=Fixed(3))
    stock_in_id: int | None = Field(default=None, foreign_key="stock_in.id", index=True)
    shipment_id: int | None = Field(default=None, foreign_key="shipment.id", index=True)
    return_id: int | None = Field(default=None, foreign_key="sales_return.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="app_user.id")
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class StockIn(SQLModel, table=True):
    """A request to put QC-passed finished goods into stock; posted after approval."""

    NOUN: ClassVar[str] = "stock-in"  # how refusals name it

    __tablename__ = "stock_in"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity"),)

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    quantity: Decimal = Field(sa_type=Fixed(3))
    qc_reference: str = Field(sa_type=String(100))
    # The order the goods were made for, if any (make-to-order).
    sales_order_id: int | None = Field(default=None, foreign_key="sales_order.id", index=True)
    status: StockInStatus = Field(sa_type=enum_column(StockInStatus), index=True)
    approval_round: int = 0
    note: str | None = Field(default=None, sa_type=String(2000))
    requested_by: int = Field(foreign_key="app_user.id")
    posted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
