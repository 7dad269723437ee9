"""What the company sells."""

from decimal import Decimal

from sqlalchemy import String
from sqlmodel import Field, SQLModel

import domain.store.tables.base  # noqa: F401  (constraint naming first)
from domain.store.types import Fixed


class Product(SQLModel, table=True):
    __tablename__ = "product"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(32), unique=True)
    name: str = Field(sa_type=String(200))
    unit: str = Field(sa_type=String(16))
    list_price: Decimal = Field(sa_type=Fixed(2))
