"""Sales plans and their lines (targets per product per month)."""

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from domain.plans.hierarchy import OwnerKind
from domain.plans.lifecycle import PlanStatus
from domain.plans.periods import Granularity
from domain.store.tables.base import enum_column
from domain.store.types import Fixed, UtcDateTime, utcnow


class SalesPlan(SQLModel, table=True):
    """One node's targets for one period. `company_id` is always set so scoping needs no join;
    `department_id` is set for department and salesperson plans, `salesperson_id` for the latter."""

    NOUN: ClassVar[str] = "plan"  # how refusals name it

    __tablename__ = "sales_plan"
    __table_args__ = (
        CheckConstraint(
            "(owner_kind = 'COMPANY' AND department_id IS NULL AND salesperson_id IS NULL)"
            " OR (owner_kind = 'DEPARTMENT' AND department_id IS NOT NULL"
            " AND salesperson_id IS NULL)"
            " OR (owner_kind = 'SALESPERSON' AND department_id IS NOT NULL"
            " AND salesperson_id IS NOT NULL)",
            name="owner",
        ),
        sa.Index("ix_sales_plan_owner", "owner_kind", "company_id", "department_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    owner_kind: OwnerKind = Field(sa_type=enum_column(OwnerKind))
    company_id: int = Field(foreign_key="company.id", index=True)
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    salesperson_id: int | None = Field(default=None, foreign_key="salesperson.id", index=True)
    title: str = Field(sa_type=String(200))
    granularity: Granularity = Field(sa_type=enum_column(Granularity))
    period_start: date
    status: PlanStatus = Field(sa_type=enum_column(PlanStatus), index=True)
    # Revision number within a lineage; a revision points at the plan it will supersede.
    revision: int = 1
    revision_of_id: int | None = Field(default=None, foreign_key="sales_plan.id")
    # The plan one level up whose targets this plan takes a share of.
    parent_id: int | None = Field(default=None, foreign_key="sales_plan.id", index=True)
    author_id: int = Field(foreign_key="app_user.id")
    # Submission round: raised by each submit; its approval steps carry the same number.
    approval_round: int = 0
    # Optimistic-lock counter, raised by every change; clients send it back as expectedVersion.
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class SalesPlanLine(SQLModel, table=True):
    """A target: quantity (3 decimals) and amount (money, 2 decimals) for a product in a month."""

    __tablename__ = "sales_plan_line"
    __table_args__ = (UniqueConstraint("plan_id", "product_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="sales_plan.id", ondelete="CASCADE")
    product_id: int = Field(foreign_key="product.id", index=True)
    period: date
    quantity: Decimal = Field(sa_type=Fixed(3))
    amount: Decimal = Field(sa_type=Fixed(2))
