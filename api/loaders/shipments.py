"""Loaders for shipments (with lines and tracking) and returns, scoped through the orders the
viewer may read: a partner sees only its own customer's."""

from collections import defaultdict

from sqlalchemy import select
from strawberry.dataloader import DataLoader

from api.loaders.catalogue import CatalogueLoaders
from api.loaders.reading import MAX_BATCH, ReadDB, by_id_loader
from api.types.shipments import (
    SalesReturn,
    SalesReturnLine,
    Shipment,
    ShipmentLine,
    TrackingEvent,
    line_days_late,
)
from domain.access import Actor
from domain.store.orders.scoping import visible_order_ids
from domain.store.tables import SalesOrderLine as OrderLineRow
from domain.store.tables import SalesReturn as ReturnRow
from domain.store.tables import SalesReturnLine as ReturnLineRow
from domain.store.tables import Shipment as ShipmentRow
from domain.store.tables import ShipmentLine as ShipmentLineRow
from domain.store.tables import TrackingEvent as TrackingRow
from domain.store.types import utcnow

shipments = ShipmentRow.__table__
shipment_lines = ShipmentLineRow.__table__
tracking = TrackingRow.__table__
order_lines = OrderLineRow.__table__
returns = ReturnRow.__table__
return_lines = ReturnLineRow.__table__


def grouped(rows, key: str, make) -> dict[int, list]:
    found: dict[int, list] = defaultdict(list)
    for row in rows:
        found[row._mapping[key]].append(make(row))
    return found


class ShipmentLoaders:
    def __init__(self, db: ReadDB, actor: Actor, catalogue: CatalogueLoaders) -> None:
        self._db = db
        self._catalogue = catalogue
        self._today = utcnow().date()
        visible = shipments.c.order_id.in_(visible_order_ids(actor))
        self.shipment = by_id_loader(
            db, lambda: select(shipments).where(visible), shipments.c.id, Shipment.from_row
        )
        visible_returns = returns.c.order_id.in_(visible_order_ids(actor))
        self.sales_return = by_id_loader(
            db, lambda: select(returns).where(visible_returns), returns.c.id, SalesReturn.from_row
        )
        # The ones below are reached through a visible order or shipment.
        self.by_order = DataLoader(load_fn=self._load_by_order, max_batch_size=MAX_BATCH)
        self.lines = DataLoader(load_fn=self._load_lines, max_batch_size=MAX_BATCH)
        self.tracking = DataLoader(load_fn=self._load_tracking, max_batch_size=MAX_BATCH)
        self.returns_by_order = DataLoader(load_fn=self._load_returns, max_batch_size=MAX_BATCH)
        self.return_lines = DataLoader(load_fn=self._load_return_lines, max_batch_size=MAX_BATCH)

    async def _load_by_order(self, order_ids: list[int]) -> list[list[Shipment]]:
        rows = await self._db.rows(
            select(shipments).where(shipments.c.order_id.in_(order_ids)).order_by(shipments.c.id)
        )
        found = grouped(rows, "order_id", Shipment.from_row)
        return [found.get(pk, []) for pk in order_ids]

    async def _products(self, rows):
        ids = list({row.product_id for row in rows})
        return dict(zip(ids, await self._catalogue.product.load_many(ids), strict=True))

    async def _load_lines(self, shipment_ids: list[int]) -> list[list[ShipmentLine]]:
        rows = await self._db.rows(
            select(
                shipment_lines,
                order_lines.c.product_id,
                order_lines.c.promised_date,
                shipments.c.delivered_at,
            )
            .join(order_lines, order_lines.c.id == shipment_lines.c.order_line_id)
            .join(shipments, shipments.c.id == shipment_lines.c.shipment_id)
            .where(shipment_lines.c.shipment_id.in_(shipment_ids))
            .order_by(shipment_lines.c.shipment_id, order_lines.c.position)
        )
        products = await self._products(rows)
        found = grouped(
            rows,
            "shipment_id",
            lambda r: ShipmentLine(
                order_line_pk=r.order_line_id,
                product=products[r.product_id],
                quantity=r.quantity,
                promised_date=r.promised_date,
                days_late=line_days_late(r.promised_date, r.delivered_at, self._today),
            ),
        )
        return [found.get(pk, []) for pk in shipment_ids]

    async def _load_tracking(self, shipment_ids: list[int]) -> list[list[TrackingEvent]]:
        rows = await self._db.rows(
            select(tracking)
            .where(tracking.c.shipment_id.in_(shipment_ids))
            .order_by(tracking.c.shipment_id, tracking.c.occurred_at, tracking.c.id)
        )
        found = grouped(
            rows,
            "shipment_id",
            lambda r: TrackingEvent(
                occurred_at=r.occurred_at,
                location=r.location,
                note=r.note,
                recorded_at=r.recorded_at,
                pk=r.id,
            ),
        )
        return [found.get(pk, []) for pk in shipment_ids]

    async def _load_returns(self, order_ids: list[int]) -> list[list[SalesReturn]]:
        rows = await self._db.rows(
            select(returns).where(returns.c.order_id.in_(order_ids)).order_by(returns.c.id)
        )
        found = grouped(rows, "order_id", SalesReturn.from_row)
        return [found.get(pk, []) for pk in order_ids]

    async def _load_return_lines(self, return_ids: list[int]) -> list[list[SalesReturnLine]]:
        rows = await self._db.rows(
            select(return_lines, order_lines.c.product_id)
            .join(order_lines, order_lines.c.id == return_lines.c.order_line_id)
            .where(return_lines.c.return_id.in_(return_ids))
            .order_by(return_lines.c.return_id, order_lines.c.position)
        )
        products = await self._products(rows)
        found = grouped(
            rows,
            "return_id",
            lambda r: SalesReturnLine(
                order_line_pk=r.order_line_id, product=products[r.product_id], quantity=r.quantity
            ),
        )
        return [found.get(pk, []) for pk in return_ids]
