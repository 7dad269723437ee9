"""MRP master data (items, suppliers, their prices, BOM lines) and MRP runs with their results.

Quantities are Fixed(3) (on SQLite a scaled integer: exactly the engine's milli-units), quantity
per and scrap rates Fixed(6) (millionths). CHECK constraints compare with zero only, because
SQLite stores Fixed values scaled.

A run's results are one row per item (mrp_run_item): the searchable facts as columns (level,
shortage, exception kinds, order count, purchase value) and the arrays (time-phased buckets,
planned orders, pegging, material requirements, exceptions) as compressed binary columns, in the
format of domain.store.mrp.results. So a 100k-item run is 100k rows, not millions.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, LargeBinary, String
from sqlmodel import Field, SQLModel

import domain.store.tables.base  # noqa: F401  (constraint naming first)
from domain.mrp.master import ItemType, Procurement
from domain.mrp.model import LotRule, Strategy
from domain.mrp.runs import BucketKind
from domain.store.tables.base import enum_column
from domain.store.tables.jobs import JobTracked
from domain.store.types import Fixed, UtcDateTime, utcnow


class Supplier(SQLModel, table=True):
    """Who items are bought from: purchase lead time and the least value of one order."""

    NOUN: ClassVar[str] = "supplier"

    __tablename__ = "supplier"
    __table_args__ = (
        CheckConstraint("lead_days >= 0", name="lead_days"),
        CheckConstraint("minimum_order >= 0", name="minimum_order"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(32), unique=True)
    name: str = Field(sa_type=String(200))
    lead_days: int | None = None
    minimum_order: Decimal = Field(sa_type=Fixed(2))  # money; 0: no minimum
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class Item(SQLModel, table=True):
    """Something MRP plans: a finished product (linked to the product sold), a semi-finished
    part, or a raw material."""

    NOUN: ClassVar[str] = "item"

    __tablename__ = "item"
    __table_args__ = (
        CheckConstraint("lead_days >= 0", name="lead_days"),
        CheckConstraint("lot_param >= 0", name="lot_param"),
        CheckConstraint("safety_stock >= 0", name="safety_stock"),
        CheckConstraint("scrap_rate >= 0", name="scrap_rate"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(32), unique=True)
    name: str = Field(sa_type=String(200))
    unit: str = Field(sa_type=String(16))
    item_type: ItemType = Field(sa_type=enum_column(ItemType), index=True)
    procurement: Procurement = Field(sa_type=enum_column(Procurement))
    # The product this item is, for finished goods: its forecast, orders and stock.
    product_id: int | None = Field(default=None, foreign_key="product.id", unique=True)
    lead_days: int | None = None  # None: a BUY item takes its preferred supplier's
    lot_rule: LotRule = Field(sa_type=enum_column(LotRule))
    lot_param: Decimal = Field(sa_type=Fixed(3))  # quantity, or buckets (PERIODS_OF_SUPPLY)
    safety_stock: Decimal = Field(sa_type=Fixed(3))
    scrap_rate: Decimal = Field(sa_type=Fixed(6))  # share lost in making, 0 ≤ s < 1
    strategy: Strategy = Field(sa_type=enum_column(Strategy))
    preferred_supplier_id: int | None = Field(default=None, foreign_key="supplier.id", index=True)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class SupplierPrice(SQLModel, table=True):
    """What one supplier charges for one item, per unit."""

    __tablename__ = "supplier_price"
    __table_args__ = (CheckConstraint("unit_price >= 0", name="unit_price"),)

    supplier_id: int = Field(foreign_key="supplier.id", primary_key=True)
    item_id: int = Field(foreign_key="item.id", primary_key=True, index=True)
    unit_price: Decimal = Field(sa_type=Fixed(4))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class BomLine(SQLModel, table=True):
    """`quantity_per` of the component goes into one unit of the parent, plus `scrap_rate` of it
    lost in assembly; the line applies to parent orders released from valid_from (inclusive) to
    valid_to (exclusive), either open."""

    NOUN: ClassVar[str] = "BOM line"

    __tablename__ = "bom_line"
    __table_args__ = (
        CheckConstraint("quantity_per >= 0", name="quantity_per"),
        CheckConstraint("scrap_rate >= 0", name="scrap_rate"),
        CheckConstraint("parent_item_id <> component_item_id", name="not_itself"),
    )

    id: int | None = Field(default=None, primary_key=True)
    parent_item_id: int = Field(foreign_key="item.id", index=True)
    component_item_id: int = Field(foreign_key="item.id", index=True)
    quantity_per: Decimal = Field(sa_type=Fixed(6))
    scrap_rate: Decimal = Field(sa_type=Fixed(6))
    valid_from: date | None = None
    valid_to: date | None = None
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class MrpRun(JobTracked, table=True):
    """One MRP calculation from an approved forecast, and the job that computes it.

    Its status is the job's state (domain.jobs): QUEUED → RUNNING → DONE (shown as SUCCEEDED) |
    FAILED with `job_error`. At most one QUEUED or RUNNING run per forecast (a partial unique
    index): a second start is refused with RUN_IN_PROGRESS, whoever asks at the same moment.
    """

    NOUN: ClassVar[str] = "MRP run"

    __tablename__ = "mrp_run"
    __table_args__ = (
        sa.Index(
            "uq_mrp_run_active_forecast",
            "forecast_id",
            unique=True,
            sqlite_where=sa.text("job_state IN ('QUEUED', 'RUNNING')"),
            postgresql_where=sa.text("job_state IN ('QUEUED', 'RUNNING')"),
        ),
        CheckConstraint("horizon > 0", name="horizon"),
    )

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    forecast_id: int = Field(foreign_key="forecast.id", index=True)
    bucket: BucketKind = Field(sa_type=enum_column(BucketKind))
    horizon: int  # number of buckets
    start_date: date  # the first bucket's start; releases before it are in the past
    # What-if: submitted plan revisions used in place of the plans they revise (ids, spaces).
    what_if: bool = False
    plan_revision_ids: str = Field(default="", sa_type=String(2000))
    base_run_id: int | None = Field(default=None, foreign_key="mrp_run.id")
    progress: int = 0  # percent
    # What the worker is doing (LOADING, PLANNING, PEGGING, STORING); None before it starts.
    stage: str | None = Field(default=None, sa_type=String(24))
    attempts: int = 0  # how many times a worker started it
    started_by: int = Field(foreign_key="app_user.id")
    load_seconds: float | None = None
    compute_seconds: float | None = None
    store_seconds: float | None = None
    inputs_digest: str | None = Field(default=None, sa_type=String(64))
    item_count: int = 0
    bom_line_count: int = 0
    planned_order_count: int = 0
    exception_count: int = 0
    shortage_count: int = 0
    purchase_value: Decimal = Field(default=Decimal("0.00"), sa_type=Fixed(2))
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class MrpRunItem(SQLModel, table=True):
    """One item's results in one run (see the module docstring and domain.store.mrp.results).

    Planned orders are numbered across the run by item, then due bucket (the engine's order);
    this item's are first_order .. first_order + order_count − 1.
    """

    __tablename__ = "mrp_run_item"

    run_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("mrp_run.id", ondelete="CASCADE"), primary_key=True
        )
    )
    item_id: int = Field(foreign_key="item.id", primary_key=True)
    low_level_code: int
    procurement: Procurement = Field(sa_type=enum_column(Procurement))
    supplier_id: int | None = Field(default=None, foreign_key="supplier.id")
    lead_days: int
    on_hand: Decimal = Field(sa_type=Fixed(3))
    safety_stock: Decimal = Field(sa_type=Fixed(3))
    shortage: bool = False
    exception_mask: int = 0  # bit k set: an exception of ExceptionKind k
    order_count: int = 0
    first_order: int = 0
    first_due: date | None = None  # of its earliest planned order
    purchase_quantity: Decimal = Field(default=Decimal("0.000"), sa_type=Fixed(3))
    purchase_value: Decimal = Field(default=Decimal("0.00"), sa_type=Fixed(2))
    buckets: bytes = Field(sa_type=LargeBinary)
    orders: bytes = Field(sa_type=LargeBinary)
    pegging: bytes = Field(sa_type=LargeBinary)
    materials: bytes = Field(sa_type=LargeBinary)
    exceptions: bytes = Field(sa_type=LargeBinary)
