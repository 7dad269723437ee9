"""Loaders for forecasts, their lines, sources and adjustments, scoped to the forecasts the
viewer may read (domain.forecast.access); lines and the rest are reached only through them."""

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import and_, exists, false, func, select
from strawberry.dataloader import DataLoader

from api.loaders.approval import history_loader, steps_loader
from api.loaders.catalogue import CatalogueLoaders
from api.loaders.reading import MAX_BATCH, ChildPages, ReadDB, TopLevelPages, by_id_loader
from api.pagination import Connection, PageRequest, SortOrder
from api.types.catalogue import Product
from api.types.forecasts import (
    AccuracyFigures,
    Forecast,
    ForecastAccuracy,
    ForecastAdjustment,
    ForecastLine,
    ForecastLineSource,
    ProductAccuracy,
)
from domain.access import Actor, Role
from domain.approvals.chains import DocumentType
from domain.forecast.calendar import ForecastGranularity, month_start
from domain.forecast.lifecycle import ForecastStatus
from domain.plans.periods import add_months
from domain.store.db import create_sessionmaker
from domain.store.forecasts.accuracy import forecast_accuracy
from domain.store.tables import Forecast as ForecastRow
from domain.store.tables import ForecastAdjustment as AdjustmentRow
from domain.store.tables import ForecastLine as LineRow
from domain.store.tables import ForecastLineSource as SourceRow

forecasts = ForecastRow.__table__
lines = LineRow.__table__
sources = SourceRow.__table__
adjustments = AdjustmentRow.__table__


def forecasts_visible_to(actor: Actor):
    """Mirror of domain.forecast.access.may_read_forecast for a query on forecast."""
    if not actor.is_internal or actor.company_id is None:
        return false()
    same_company = forecasts.c.company_id == actor.company_id
    if actor.reads_all_plans:
        return same_company
    if actor.has(Role.MANAGER) and actor.department_id is not None:
        return and_(same_company, forecasts.c.department_id == actor.department_id)
    return false()


def in_force():
    """APPROVED, with at least one line no newer forecast took over."""
    return and_(
        forecasts.c.status == ForecastStatus.APPROVED,
        exists().where(lines.c.forecast_id == forecasts.c.id, lines.c.superseded_by_id.is_(None)),
    )


def forecast_conditions(filter_key: tuple) -> list:
    """SQL for a ForecastWhereInput key: (scope, statuses, period, active)."""
    scope, statuses, period, active = filter_key
    conditions = []
    if scope is not None:
        kind, pk = scope
        if kind == "Company":
            conditions += [forecasts.c.company_id == pk, forecasts.c.department_id.is_(None)]
        elif kind == "Department":
            conditions.append(forecasts.c.department_id == pk)
        else:
            conditions.append(false())
    if statuses:
        conditions.append(forecasts.c.status.in_([ForecastStatus(s) for s in statuses]))
    if period is not None:
        conditions += [forecasts.c.period_start <= period, forecasts.c.period_end >= period]
    if active is True:
        conditions.append(in_force())
    elif active is False:
        conditions.append(~in_force())
    return conditions


def line_conditions(filter_key: tuple) -> list:
    """SQL for a forecast line filter key: (implausible, product id, superseded)."""
    implausible, product, superseded = filter_key
    conditions = []
    if implausible is not None:
        conditions.append(lines.c.implausible == implausible)
    if product is not None:
        conditions.append(lines.c.product_id == product)
    if superseded is True:
        conditions.append(lines.c.superseded_by_id.is_not(None))
    elif superseded is False:
        conditions.append(lines.c.superseded_by_id.is_(None))
    return conditions


class ForecastLoaders:
    def __init__(self, db: ReadDB, actor: Actor, catalogue: CatalogueLoaders) -> None:
        self._db = db
        self._catalogue = catalogue
        self._products: dict[int, Product] = {}
        visible = forecasts_visible_to(actor)
        self._visible = visible
        base = lambda: select(forecasts).where(visible)  # noqa: E731
        self.forecast = by_id_loader(db, base, forecasts.c.id, Forecast.from_row)
        self.forecasts = TopLevelPages(
            db,
            base,
            SortOrder(forecasts.c.id, forecasts.c.id, descending=True),
            Forecast.from_row,
            forecast_conditions,
        )
        self._lines: dict[ForecastGranularity, ChildPages] = {}
        self.line = DataLoader(load_fn=self._load_lines, max_batch_size=MAX_BATCH)
        self.sources = DataLoader(load_fn=self._load_sources, max_batch_size=MAX_BATCH)
        self.adjustments = DataLoader(load_fn=self._load_adjustments, max_batch_size=MAX_BATCH)
        self.totals = DataLoader(load_fn=self._load_totals, max_batch_size=MAX_BATCH)
        self.steps = steps_loader(db, DocumentType.FORECAST)
        self.history = history_loader(db, "Forecast")

    async def lines_page(
        self, forecast_id: int, granularity: ForecastGranularity, page: PageRequest, key: tuple
    ) -> Connection:
        """A page of one forecast's lines (the caller has read the forecast)."""
        if granularity not in self._lines:
            self._lines[granularity] = ChildPages(
                self._db,
                lambda: select(lines),
                lines.c.forecast_id,
                SortOrder(lines.c.period, lines.c.id),
                lambda row: self._line(row, granularity),
                line_conditions,
                prefetch=self._prefetch_products,
            )
        return await self._lines[granularity].load(forecast_id, page, key)

    async def _prefetch_products(self, rows) -> None:
        # The whole level's products in one batch, so `product` stays a plain field on each line.
        ids = list({row.product_id for row in rows} - self._products.keys())
        self._products.update(zip(ids, await self._catalogue.product.load_many(ids), strict=True))

    def _line(self, row, granularity: ForecastGranularity) -> ForecastLine:
        return ForecastLine.from_row(row, self._products[row.product_id], granularity)

    async def _load_lines(self, line_ids: list[int]) -> list[ForecastLine | None]:
        """Lines by id, for node(id:): only lines of forecasts the viewer may read."""
        rows = await self._db.rows(
            select(lines, forecasts.c.granularity.label("forecast_granularity"))
            .join(forecasts, forecasts.c.id == lines.c.forecast_id)
            .where(self._visible, lines.c.id.in_(set(line_ids)))
        )
        await self._prefetch_products(rows)
        found = {
            row.id: self._line(row, ForecastGranularity(row.forecast_granularity)) for row in rows
        }
        return [found.get(pk) for pk in line_ids]

    async def _load_sources(self, line_ids: list[int]) -> list[list[ForecastLineSource]]:
        rows = await self._db.rows(
            select(sources)
            .where(sources.c.line_id.in_(set(line_ids)))
            .order_by(sources.c.line_id, sources.c.plan_id, sources.c.plan_line_id)
        )
        found = defaultdict(list)
        for row in rows:
            found[row.line_id].append(
                ForecastLineSource(
                    plan_pk=row.plan_id,
                    plan_line_pk=row.plan_line_id,
                    quantity=row.quantity,
                    amount=row.amount,
                )
            )
        return [found.get(pk, []) for pk in line_ids]

    async def _load_adjustments(self, line_ids: list[int]) -> list[list[ForecastAdjustment]]:
        rows = await self._db.rows(
            select(adjustments)
            .where(adjustments.c.line_id.in_(set(line_ids)))
            .order_by(adjustments.c.line_id, adjustments.c.id)
        )
        found = defaultdict(list)
        for row in rows:
            found[row.line_id].append(
                ForecastAdjustment(
                    actor_pk=row.actor_id,
                    at=row.at,
                    from_quantity=row.from_quantity,
                    to_quantity=row.to_quantity,
                    reason=row.reason,
                )
            )
        return [found.get(pk, []) for pk in line_ids]

    async def _load_totals(self, forecast_ids: list[int]) -> list[tuple]:
        rows = await self._db.rows(
            select(
                lines.c.forecast_id,
                func.sum(lines.c.quantity),
                func.sum(lines.c.amount),
                func.count().filter(lines.c.implausible),
            )
            .where(lines.c.forecast_id.in_(set(forecast_ids)))
            .group_by(lines.c.forecast_id)
        )
        found = {r[0]: (r[1], r[2], r[3]) for r in rows}
        empty = (Decimal("0.000"), Decimal("0.00"), 0)
        return [found.get(pk, empty) for pk in forecast_ids]

    async def accuracy(self, forecast_id: int, engine) -> ForecastAccuracy | None:
        """The forecast's accuracy as of today (UTC); the caller has read the forecast."""
        async with create_sessionmaker(engine)() as session:
            row = await session.get(ForecastRow, forecast_id)
            report = await forecast_accuracy(session, row, datetime.now(UTC).date())
        if report is None:
            return None
        ids = list(report.by_product)
        products = dict(zip(ids, await self._catalogue.product.load_many(ids), strict=True))
        this_month = month_start(datetime.now(UTC).date())
        measured_through = min(month_start(row.period_end), add_months(this_month, -1))
        by_product = sorted(
            (
                ProductAccuracy(
                    product=products[pk],
                    forecast=AccuracyFigures.of(c.forecast),
                    baseline=AccuracyFigures.of(c.baseline),
                )
                for pk, c in report.by_product.items()
            ),
            key=lambda p: p.product.code,
        )
        return ForecastAccuracy(
            measured_through=measured_through,
            forecast=AccuracyFigures.of(report.overall.forecast),
            baseline=AccuracyFigures.of(report.overall.baseline),
            by_product=by_product,
        )
