"""Loaders for sales plans and their lines, scoped to the plans the viewer may read."""

from datetime import date

from sqlalchemy import select

from api.loaders.catalogue import CatalogueLoaders
from api.loaders.reading import ChildPages, ReadDB, TopLevelPages, by_id_loader
from api.pagination import SortOrder
from api.types.catalogue import Product
from api.types.plans import SalesPlan, SalesPlanLine
from domain.access import Actor
from domain.plans import Granularity, OwnerKind, PlanStatus
from domain.store.scoping import plans_visible_to
from domain.store.tables import SalesPlan as PlanRow
from domain.store.tables import SalesPlanLine as LineRow

plans = PlanRow.__table__
lines = LineRow.__table__

# Which column ties a plan to its owner node, per owner kind.
OWNER_COLUMN = {
    OwnerKind.COMPANY: plans.c.company_id,
    OwnerKind.DEPARTMENT: plans.c.department_id,
    OwnerKind.SALESPERSON: plans.c.salesperson_id,
}


def plan_conditions(filter_key: tuple) -> list:
    """SQL for a SalesPlanWhereInput.key()."""
    if not filter_key:
        return []
    statuses, granularity, period_from, period_to = filter_key
    conditions = []
    if statuses:
        conditions.append(plans.c.status.in_([PlanStatus(s) for s in statuses]))
    if granularity is not None:
        conditions.append(plans.c.granularity == Granularity(granularity.value))
    if isinstance(period_from, date):
        conditions.append(plans.c.period_start >= period_from)
    if isinstance(period_to, date):
        conditions.append(plans.c.period_start <= period_to)
    return conditions


class PlanLoaders:
    def __init__(self, db: ReadDB, actor: Actor, catalogue: CatalogueLoaders) -> None:
        self._db = db
        self._catalogue = catalogue
        visible = plans_visible_to(actor)
        self._visible_plans = lambda: select(plans).where(visible)
        self.plan = by_id_loader(db, self._visible_plans, plans.c.id, SalesPlan.from_row)
        self._pages: dict[tuple, ChildPages | TopLevelPages] = {}
        self._products: dict[int, Product] = {}
        # Lines are read only through a visible plan, so they need no scoping of their own.
        self.lines_by_plan = ChildPages(
            db,
            lambda: select(lines),
            lines.c.plan_id,
            SortOrder(lines.c.period, lines.c.id),
            self._line_row,
            prefetch=self._prefetch_products,
        )

    def pages(self, owner_kind: OwnerKind | None, sort_column: str, descending: bool):
        """Plan pages of one owner kind (or of all visible plans), in one sort order."""
        key = (owner_kind, sort_column, descending)
        if key not in self._pages:
            order = SortOrder(plans.c[sort_column], plans.c.id, descending)
            if owner_kind is None:
                self._pages[key] = TopLevelPages(
                    self._db, self._visible_plans, order, SalesPlan.from_row, plan_conditions
                )
            else:
                kind_only = lambda: self._visible_plans().where(plans.c.owner_kind == owner_kind)  # noqa: E731
                self._pages[key] = ChildPages(
                    self._db,
                    kind_only,
                    OWNER_COLUMN[owner_kind],
                    order,
                    SalesPlan.from_row,
                    plan_conditions,
                )
        return self._pages[key]

    async def _prefetch_products(self, rows) -> None:
        # The whole level's products in one batch, so `product` stays a plain field on each line.
        ids = list({row.product_id for row in rows} - self._products.keys())
        self._products.update(zip(ids, await self._catalogue.product.load_many(ids), strict=True))

    def _line_row(self, row) -> SalesPlanLine:
        return SalesPlanLine(
            pk=row.id,
            plan_pk=row.plan_id,
            product=self._products[row.product_id],
            period=row.period,
            quantity=row.quantity,
            amount=row.amount,
        )
