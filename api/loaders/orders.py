"""Loaders for customers, price floors, sales orders, their lines, totals, execution figures,
approval steps and history, scoped to what the viewer may read (domain.store.orders.scoping)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from strawberry.dataloader import DataLoader

from api.loaders.approval import history_loader, steps_loader
from api.loaders.catalogue import CatalogueLoaders
from api.loaders.reading import MAX_BATCH, ChildPages, ReadDB, TopLevelPages, by_id_loader
from api.pagination import SortOrder
from api.types.catalogue import Product
from api.types.customers import Customer, PriceFloor
from api.types.orders import SalesOrder, SalesOrderLine
from domain.access import Actor
from domain.approvals.chains import DocumentType
from domain.orders.execution import ZERO_MONEY, ZERO_QTY, Figures, line_figures, total
from domain.orders.lifecycle import OrderStatus
from domain.orders.lines import money
from domain.orders.special_approval import applicable_floor
from domain.store.orders.execution import line_facts
from domain.store.orders.scoping import customers_visible_to, internal_only, orders_visible_to
from domain.store.tables import ApprovalStep as StepRow
from domain.store.tables import Customer as CustomerRow
from domain.store.tables import CustomerAccount as AccountRow
from domain.store.tables import Event as EventRow
from domain.store.tables import PriceFloor as FloorRow
from domain.store.tables import SalesOrder as OrderRow
from domain.store.tables import SalesOrderLine as LineRow

orders = OrderRow.__table__
lines = LineRow.__table__
customers = CustomerRow.__table__
accounts = AccountRow.__table__
floors = FloorRow.__table__
steps = StepRow.__table__
events = EventRow.__table__


@dataclass(frozen=True)
class OrderExecution:
    """An order's figures and each of its lines' figures, as of one day."""

    order: Figures
    lines: dict[int, Figures]


def order_conditions(filter_key: tuple) -> list:
    """SQL for a SalesOrderWhereInput key (see api.types.orders.where_key)."""
    if not filter_key:
        return []
    statuses, customer, salesperson, department, date_from, date_to = filter_key
    conditions = []
    if statuses:
        conditions.append(orders.c.status.in_([OrderStatus(s) for s in statuses]))
    if customer is not None:
        conditions.append(orders.c.customer_id == customer)
    if salesperson is not None:
        conditions.append(orders.c.salesperson_id == salesperson)
    if department is not None:
        conditions.append(orders.c.department_id == department)
    if isinstance(date_from, date):
        conditions.append(orders.c.order_date >= date_from)
    if isinstance(date_to, date):
        conditions.append(orders.c.order_date <= date_to)
    return conditions


class OrderLoaders:
    def __init__(self, db: ReadDB, actor: Actor, catalogue: CatalogueLoaders) -> None:
        self._db = db
        self._catalogue = catalogue
        self._internal = actor.is_internal
        self._products: dict[int, Product] = {}
        self._floors: dict[tuple[int, int | None], Decimal] = {}
        self._floor_products: set[int] = set()
        visible = orders_visible_to(actor)
        self._visible_orders = lambda: select(orders).where(visible)
        self.order = by_id_loader(db, self._visible_orders, orders.c.id, self._order)
        self._pages: dict[tuple, ChildPages | TopLevelPages] = {}

        visible_customers = customers_visible_to(actor)
        self._customers = lambda: (
            select(customers, accounts.c.salesperson_id, accounts.c.credit_limit)
            .select_from(customers.outerjoin(accounts, accounts.c.customer_id == customers.c.id))
            .where(visible_customers)
        )
        make_customer = lambda row: Customer.from_row(row, self._internal)  # noqa: E731
        self.customer = by_id_loader(db, self._customers, customers.c.id, make_customer)
        self.customers = TopLevelPages(
            db, self._customers, SortOrder(customers.c.code, customers.c.id), make_customer
        )
        staff = internal_only(actor)
        self.floors = TopLevelPages(
            db,
            lambda: select(floors).where(staff),
            SortOrder(floors.c.id, floors.c.id),
            PriceFloor.from_row,
        )
        self.floors_by_customer = DataLoader(load_fn=self._load_customer_floors)

        # Lines are read through a visible order (or checked against one, by id).
        with_customer = lambda: select(lines, orders.c.customer_id).join(  # noqa: E731
            orders, orders.c.id == lines.c.order_id
        )
        self.lines_by_order = ChildPages(
            db,
            with_customer,
            lines.c.order_id,
            SortOrder(lines.c.position, lines.c.id),
            self._line,
            prefetch=self._prefetch_lines,
        )
        self._visible_lines = lambda: with_customer().where(visible)
        self.line = DataLoader(load_fn=self._load_lines, max_batch_size=MAX_BATCH)
        self.totals = DataLoader(load_fn=self._load_totals, max_batch_size=MAX_BATCH)
        self.execution = DataLoader(load_fn=self._load_execution, max_batch_size=MAX_BATCH)
        self.steps = steps_loader(db, DocumentType.SALES_ORDER)
        self.history = history_loader(db, "SalesOrder")

    def _order(self, row) -> SalesOrder:
        return SalesOrder.from_row(row, self._internal)

    def pages(self, by_customer: bool, sort_column: str, descending: bool):
        """Order pages of one customer (or of all visible orders), in one sort order."""
        key = (by_customer, sort_column, descending)
        if key not in self._pages:
            order = SortOrder(orders.c[sort_column], orders.c.id, descending)
            if by_customer:
                self._pages[key] = ChildPages(
                    self._db,
                    self._visible_orders,
                    orders.c.customer_id,
                    order,
                    self._order,
                    order_conditions,
                )
            else:
                self._pages[key] = TopLevelPages(
                    self._db, self._visible_orders, order, self._order, order_conditions
                )
        return self._pages[key]

    async def _prefetch_lines(self, rows) -> None:
        """The level's products and (for staff) price floors, so line fields stay plain."""
        ids = list({row.product_id for row in rows} - self._products.keys())
        self._products.update(zip(ids, await self._catalogue.product.load_many(ids), strict=True))
        if not self._internal:
            return
        wanted = {row.product_id for row in rows} - self._floor_products
        if wanted:
            found = await self._db.rows(select(floors).where(floors.c.product_id.in_(wanted)))
            self._floors.update({(r.product_id, r.customer_id): r.min_unit_price for r in found})
            self._floor_products |= wanted

    def _line(self, row) -> SalesOrderLine:
        floor = None
        if self._internal:
            floor = applicable_floor(row.product_id, row.customer_id, self._floors)
        return SalesOrderLine(
            pk=row.id,
            order_pk=row.order_id,
            position=row.position,
            product=self._products[row.product_id],
            quantity=row.quantity,
            unit_price=row.unit_price,
            amount=row.amount,
            promised_date=row.promised_date,
            price_floor=floor,
            below_price_floor=None if floor is None else row.unit_price < floor,
            margin_over_floor=(
                None if floor is None else money((row.unit_price - floor) * row.quantity)
            ),
        )

    async def _load_lines(self, ids: list[int]) -> list[SalesOrderLine | None]:
        rows = await self._db.rows(self._visible_lines().where(lines.c.id.in_(set(ids))))
        await self._prefetch_lines(rows)
        found = {row.id: self._line(row) for row in rows}
        return [found.get(i) for i in ids]

    async def _load_customer_floors(self, customer_ids: list[int]) -> list[list[PriceFloor]]:
        rows = await self._db.rows(
            select(floors).where(floors.c.customer_id.in_(customer_ids)).order_by(floors.c.id)
        )
        found: dict[int, list[PriceFloor]] = defaultdict(list)
        for row in rows:
            found[row.customer_id].append(PriceFloor.from_row(row))
        return [found.get(c, []) for c in customer_ids]

    async def _load_totals(self, order_ids: list[int]) -> list[tuple[Decimal, Decimal]]:
        rows = await self._db.rows(
            select(lines.c.order_id, func.sum(lines.c.quantity), func.sum(lines.c.amount))
            .where(lines.c.order_id.in_(order_ids))
            .group_by(lines.c.order_id)
        )
        totals = {r[0]: (r[1], r[2]) for r in rows}
        return [totals.get(pk, (ZERO_QTY, ZERO_MONEY)) for pk in order_ids]

    async def _load_execution(self, keys: list[tuple[int, date]]) -> list[OrderExecution]:
        """Figures per (order id, as-of day): three statements for the whole batch."""
        facts = await line_facts(self._db.rows, [lines.c.order_id.in_({pk for pk, _ in keys})])
        by_order: dict[int, list] = defaultdict(list)
        for line_keys, line in facts:
            by_order[line_keys.order_id].append((line_keys.line_id, line))
        result = []
        for pk, day in keys:
            per_line = {line_id: line_figures(line, day) for line_id, line in by_order[pk]}
            result.append(OrderExecution(total(per_line.values()), per_line))
        return result
