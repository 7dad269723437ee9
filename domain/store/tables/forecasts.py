"""Product forecasts (产品预测单): the forecast, its lines per product and period, where each
line came from (plan lines), its adjustments; the plausibility policy; and the history of
confirmed order quantities that baselines learn from."""

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlmodel import Field, SQLModel

import domain.store.tables.base  # noqa: F401  (constraint naming first)
from domain.forecast.calendar import ForecastGranularity
from domain.forecast.lifecycle import ForecastStatus
from domain.store.tables.base import enum_column
from domain.store.tables.jobs import JobTracked
from domain.store.types import Fixed, UtcDateTime, utcnow


class Forecast(JobTracked, table=True):
    """Demand per product and period for a scope (the company, or one department when
    `department_id` is set), from `period_start` (first day of a month) to `period_end` (last day
    of a month). Its lines and baselines are written by the `forecast.generate` job."""

    NOUN: ClassVar[str] = "forecast"  # how refusals name it

    __tablename__ = "forecast"
    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period"),
        sa.Index("ix_forecast_scope", "company_id", "department_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id")
    department_id: int | None = Field(default=None, foreign_key="department.id")
    title: str = Field(sa_type=String(200))
    granularity: ForecastGranularity = Field(sa_type=enum_column(ForecastGranularity))
    period_start: date
    period_end: date
    status: ForecastStatus = Field(sa_type=enum_column(ForecastStatus), index=True)
    # Plausibility threshold (per cent) taken from the forecast policy when generated.
    threshold_percent: Decimal = Field(sa_type=Fixed(1))
    # The last month of order history the baselines learnt from (set by the job).
    history_end: date | None = None
    author_id: int = Field(foreign_key="app_user.id")
    # Submission round: raised by each submit; its approval steps carry the same number.
    approval_round: int = 0
    approved_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # Optimistic-lock counter, raised by every change; clients send it back as expectedVersion.
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class ForecastLine(SQLModel, table=True):
    """One product in one period (a month's first day, or an ISO week's Monday): the quantity
    summed from the approved plans, the quantity in force (as adjusted), and the baseline."""

    __tablename__ = "forecast_line"
    __table_args__ = (
        UniqueConstraint("forecast_id", "product_id", "period"),
        CheckConstraint("quantity >= 0", name="quantity"),
    )

    id: int | None = Field(default=None, primary_key=True)
    forecast_id: int = Field(foreign_key="forecast.id", ondelete="CASCADE", index=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    period: date
    planned_quantity: Decimal = Field(sa_type=Fixed(3))
    planned_amount: Decimal = Field(sa_type=Fixed(2))
    quantity: Decimal = Field(sa_type=Fixed(3))
    amount: Decimal = Field(sa_type=Fixed(2))
    # The statistical baseline and its 80 % interval; null when there is none (see `model`).
    baseline: Decimal | None = Field(default=None, sa_type=Fixed(3))
    baseline_lower: Decimal | None = Field(default=None, sa_type=Fixed(3))
    baseline_upper: Decimal | None = Field(default=None, sa_type=Fixed(3))
    # The model fitted and on how many months ("ETS(A,A,A) Holt-Winters, 36 months"), or why
    # there is no baseline.
    model: str = Field(sa_type=String(300))
    history_periods: int = 0
    deviation_percent: Decimal | None = Field(default=None, sa_type=Fixed(1))
    implausible: bool = False
    plausibility_reason: str = Field(sa_type=String(500))
    # The newer approved forecast in force for this line's period instead of this one.
    superseded_by_id: int | None = Field(default=None, foreign_key="forecast.id")


class ForecastLineSource(SQLModel, table=True):
    """A plan line (of one plan version) that a forecast line was summed from, and the part of it
    that went into the line (all of it for months; its working-day share for weeks)."""

    __tablename__ = "forecast_line_source"

    id: int | None = Field(default=None, primary_key=True)
    line_id: int = Field(foreign_key="forecast_line.id", ondelete="CASCADE", index=True)
    plan_id: int = Field(foreign_key="sales_plan.id", index=True)
    plan_line_id: int = Field(foreign_key="sales_plan_line.id")
    quantity: Decimal = Field(sa_type=Fixed(3))
    amount: Decimal = Field(sa_type=Fixed(2))


class ForecastAdjustment(SQLModel, table=True):
    """One change of a line's quantity in DRAFT: who, when, from, to, why."""

    __tablename__ = "forecast_adjustment"

    id: int | None = Field(default=None, primary_key=True)
    line_id: int = Field(foreign_key="forecast_line.id", ondelete="CASCADE", index=True)
    actor_id: int = Field(foreign_key="app_user.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    from_quantity: Decimal = Field(sa_type=Fixed(3))
    to_quantity: Decimal = Field(sa_type=Fixed(3))
    reason: str = Field(sa_type=String(500))


class ForecastPolicy(SQLModel, table=True):
    """A company's plausibility rule for forecast lines; without a row the default (30 %)."""

    __tablename__ = "forecast_policy"

    company_id: int = Field(foreign_key="company.id", primary_key=True)
    threshold_percent: Decimal = Field(sa_type=Fixed(1))
    version: int = 1
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class DemandHistory(SQLModel, table=True):
    """Confirmed order quantities per product, department and month from before orders were kept
    in this system (imported); baselines and accuracy add the confirmed orders kept here."""

    __tablename__ = "demand_history"
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity"),)

    product_id: int = Field(foreign_key="product.id", primary_key=True)
    department_id: int = Field(foreign_key="department.id", primary_key=True)
    month: date = Field(primary_key=True)
    quantity: Decimal = Field(sa_type=Fixed(3))
