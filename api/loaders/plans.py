"""Loaders for sales plans and their lines, scoped to the plans the viewer may read."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

import strawberry
from sqlalchemy import func, select
from strawberry.dataloader import DataLoader

from api.ids import to_global_id
from api.loaders.approval import history_loader, steps_loader
from api.loaders.catalogue import CatalogueLoaders
from api.loaders.reading import MAX_BATCH, ChildPages, ReadDB, TopLevelPages, by_id_loader
from api.pagination import SortOrder
from api.types.catalogue import Product
from api.types.plans import PlanTarget, SalesPlan, SalesPlanLine
from domain.access import Actor
from domain.approvals.chains import DocumentType
from domain.plans.allocation import ZERO_MONEY, ZERO_QTY, Amounts, allocation_gap
from domain.plans.hierarchy import OwnerKind
from domain.plans.lifecycle import PlanStatus
from domain.plans.periods import Granularity
from domain.store.plans.scoping import plans_visible_to
from domain.store.tables import ApprovalStep as StepRow
from domain.store.tables import Event as EventRow
from domain.store.tables import Product as ProductRow
from domain.store.tables import SalesPlan as PlanRow
from domain.store.tables import SalesPlanLine as LineRow

plans = PlanRow.__table__
lines = LineRow.__table__
products = ProductRow.__table__
# A line's product, read with the line (labels apart from the line's own columns).
LINE_PRODUCT = [
    products.c[name].label(f"catalogue_{name}")
    for name in ("code", "name", "unit", "list_price", "version")
]
steps = StepRow.__table__
events = EventRow.__table__

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
        # Lines are read only through a visible plan, so they need no scoping of their own. Each
        # comes with its product's columns: no statement per level for the products, so the
        # read costs the same statements whichever products a level brings first.
        self.lines_by_plan = ChildPages(
            db,
            lambda: select(lines, *LINE_PRODUCT).join(
                products, products.c.id == lines.c.product_id
            ),
            lines.c.plan_id,
            SortOrder(lines.c.period, lines.c.id),
            self._line_row,
        )

        self.children = ChildPages(
            db,
            self._visible_plans,
            plans.c.parent_id,
            SortOrder(plans.c.id, plans.c.id),
            SalesPlan.from_row,
        )
        self._visible = visible
        self.line = DataLoader(load_fn=self._load_lines, max_batch_size=MAX_BATCH)
        self.totals = DataLoader(load_fn=self._load_totals, max_batch_size=MAX_BATCH)
        self.steps = steps_loader(db, DocumentType.SALES_PLAN)
        self.history = history_loader(db, "SalesPlan")
        self.allocation = DataLoader(load_fn=self._load_allocation, max_batch_size=MAX_BATCH)

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
        product = self._products.get(row.product_id)
        if product is None:  # made once per product from the columns read with the line
            product = self._products[row.product_id] = Product(
                id=strawberry.ID(to_global_id("Product", row.product_id)),
                pk=row.product_id,
                code=row.catalogue_code,
                name=row.catalogue_name,
                unit=row.catalogue_unit,
                list_price=row.catalogue_list_price,
                version=row.catalogue_version,
            )
        return SalesPlanLine(
            id=strawberry.ID(to_global_id("SalesPlanLine", row.id)),
            pk=row.id,
            plan_pk=row.plan_id,
            product=product,
            period=row.period,
            quantity=row.quantity,
            amount=row.amount,
        )

    async def _products_of(self, product_ids) -> None:
        ids = list(set(product_ids) - self._products.keys())
        self._products.update(zip(ids, await self._catalogue.product.load_many(ids), strict=True))

    async def _load_lines(self, line_ids: list[int]) -> list[SalesPlanLine | None]:
        """Lines by id, for node(id:): only lines of plans the viewer may read."""
        rows = await self._db.rows(
            select(lines)
            .join(plans, plans.c.id == lines.c.plan_id)
            .where(self._visible, lines.c.id.in_(line_ids))
        )
        await self._prefetch_products(rows)
        found = {row.id: self._line_row(row) for row in rows}
        return [found.get(pk) for pk in line_ids]

    async def _load_totals(self, plan_ids: list[int]) -> list[tuple[Decimal, Decimal]]:
        rows = await self._db.rows(
            select(lines.c.plan_id, func.sum(lines.c.quantity), func.sum(lines.c.amount))
            .where(lines.c.plan_id.in_(plan_ids))
            .group_by(lines.c.plan_id)
        )
        totals = {r[0]: (r[1], r[2]) for r in rows}
        return [totals.get(pid, (ZERO_QTY, ZERO_MONEY)) for pid in plan_ids]

    async def _load_allocation(self, keys: list[tuple[int, bool]]) -> list[tuple[list, list]]:
        """(roll-up, gap) per (plan id, whether its level has a level below): two statements."""
        plan_ids = [pk for pk, _ in keys]
        own_rows = await self._db.rows(
            select(
                lines.c.plan_id,
                lines.c.product_id,
                lines.c.period,
                lines.c.quantity,
                lines.c.amount,
            ).where(lines.c.plan_id.in_(plan_ids))
        )
        child_rows = await self._db.rows(
            select(
                plans.c.parent_id,
                lines.c.product_id,
                lines.c.period,
                func.sum(lines.c.quantity),
                func.sum(lines.c.amount),
            )
            .join(plans, plans.c.id == lines.c.plan_id)
            .where(plans.c.parent_id.in_(plan_ids), plans.c.status != PlanStatus.SUPERSEDED)
            .group_by(plans.c.parent_id, lines.c.product_id, lines.c.period)
        )
        own: dict[int, dict] = defaultdict(dict)
        for r in own_rows:
            own[r[0]][(r[1], r[2])] = Amounts(r[3], r[4])
        rolled: dict[int, dict] = defaultdict(dict)
        for r in child_rows:
            rolled[r[0]][(r[1], r[2])] = Amounts(r[3], r[4])
        await self._products_of({key[0] for t in (*own.values(), *rolled.values()) for key in t})
        result = []
        for pk, has_lower_level in keys:
            rollup = dict(sorted(rolled[pk].items()))
            gap = allocation_gap(own[pk], rollup) if has_lower_level else {}
            result.append((self._targets(rollup), self._targets(gap)))
        return result

    def _targets(self, targets: dict) -> list[PlanTarget]:
        return [
            PlanTarget(
                product=self._products[product], period=period, quantity=a.quantity, amount=a.amount
            )
            for (product, period), a in targets.items()
        ]
