"""Loaders for stock-ins, on-hand stock and the ledger: staff only (partners get nothing)."""

from sqlalchemy import select

from api.loaders.approval import history_loader, steps_loader
from api.loaders.reading import ChildPages, ReadDB, TopLevelPages, by_id_loader
from api.pagination import SortOrder
from api.types.stock import StockBalance, StockIn, StockMovement
from domain.access import Actor
from domain.approvals.chains import DocumentType
from domain.stock.ledger import MovementKind
from domain.stock.lifecycle import StockInStatus
from domain.store.orders.scoping import internal_only
from domain.store.tables import ApprovalStep as StepRow
from domain.store.tables import Event as EventRow
from domain.store.tables import StockBalance as BalanceRow
from domain.store.tables import StockIn as StockInRow
from domain.store.tables import StockMovement as MovementRow

stock_ins = StockInRow.__table__
balances = BalanceRow.__table__
movements = MovementRow.__table__
steps = StepRow.__table__
events = EventRow.__table__


def movement(row) -> StockMovement:
    return StockMovement(
        stock_in_pk=row.stock_in_id,
        shipment_pk=row.shipment_id,
        return_pk=row.return_id,
        kind=MovementKind(row.kind),
        quantity=row.quantity,
        balance_after=row.balance_after,
        occurred_at=row.occurred_at,
    )


def stock_in_conditions(filter_key: tuple) -> list:
    """SQL for a stock-in status filter: a tuple of status names (empty: all)."""
    if not filter_key:
        return []
    return [stock_ins.c.status.in_([StockInStatus(s) for s in filter_key])]


class StockLoaders:
    def __init__(self, db: ReadDB, actor: Actor) -> None:
        self._db = db
        staff = internal_only(actor)
        visible = lambda: select(stock_ins).where(staff)  # noqa: E731
        self.stock_in = by_id_loader(db, visible, stock_ins.c.id, StockIn.from_row)
        self.stock_ins = TopLevelPages(
            db,
            visible,
            SortOrder(stock_ins.c.id, stock_ins.c.id, descending=True),
            StockIn.from_row,
            stock_in_conditions,
        )
        self.balances = TopLevelPages(
            db,
            lambda: select(balances).where(staff),
            SortOrder(balances.c.product_id, balances.c.product_id),
            StockBalance.from_row,
        )
        self.balance = by_id_loader(
            db, lambda: select(balances).where(staff), balances.c.product_id, StockBalance.from_row
        )
        # Reached only through a balance, so already staff-only.
        self.movements = ChildPages(
            db,
            lambda: select(movements),
            movements.c.product_id,
            SortOrder(movements.c.id, movements.c.id, descending=True),
            movement,
        )
        self.steps = steps_loader(db, DocumentType.STOCK_IN)
        self.history = history_loader(db, "StockIn")
