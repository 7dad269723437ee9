"""A customer's sales terms: the account's salesperson and the credit limit.

Kept beside the customer record (organisation) rather than on it: the terms change with sales
decisions (finance sets the limit), the partner's master data does not.
"""

from datetime import datetime
from decimal import Decimal

from sqlmodel import Field, SQLModel

import domain.store.tables.base  # noqa: F401  (constraint naming first)
from domain.store.types import Fixed, UtcDateTime, utcnow


class CustomerAccount(SQLModel, table=True):
    __tablename__ = "customer_account"

    customer_id: int = Field(foreign_key="customer.id", primary_key=True, ondelete="CASCADE")
    # The salesperson who looks after the customer and may create orders for it.
    salesperson_id: int | None = Field(default=None, foreign_key="salesperson.id", index=True)
    # Open orders above this value need special approval; null: no credit check.
    credit_limit: Decimal | None = Field(default=None, sa_type=Fixed(2))
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
