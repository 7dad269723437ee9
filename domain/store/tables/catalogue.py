"""What the company sells."""

from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import String
from sqlmodel import Field, SQLModel

import domain.store.tables.base  # noqa: F401  (constraint naming first)
from domain.store.types import Fixed, UtcDateTime, utcnow


class Product(SQLModel, table=True):
    __tablename__ = "product"
    NOUN: ClassVar[str] = "product"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(32), unique=True)
    name: str = Field(sa_type=String(200))
    unit: str = Field(sa_type=String(16))
    list_price: Decimal = Field(sa_type=Fixed(2))
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
