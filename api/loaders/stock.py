"""Loaders for stock-ins, on-hand stock and the ledger: staff only (partners get nothing)."""

from collections import defaultdict

from sqlalchemy import select
from strawberry.dataloader import DataLoader

from api.loaders.reading import MAX_BATCH, ChildPages, ReadDB, TopLevelPages, by_id_loader
from api.pagination import SortOrder
from api.types.approval import ApprovalStep, HistoryEntry
from api.types.stock import StockBalance, StockIn, StockMovement
from domain.access import Actor
from domain.approval import DocumentType
from domain.stock import MovementKind, StockInStatus
from domain.store.order_scoping import internal_only
from domain.store.outbox import stream_of
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
        self.steps = DataLoader(load_fn=self._load_steps, max_batch_size=MAX_BATCH)
        self.history = DataLoader(load_fn=self._load_history, max_batch_size=MAX_BATCH)

    async def _load_steps(self, keys: list[tuple[int, int]]) -> list[list[ApprovalStep]]:
        rows = await self._db.rows(
            select(steps)
            .where(
                steps.c.document_type == DocumentType.STOCK_IN,
                steps.c.document_id.in_({pk for pk, _ in keys}),
            )
            .order_by(steps.c.document_id, steps.c.round, steps.c.position)
        )
        found: dict[tuple[int, int], list[ApprovalStep]] = defaultdict(list)
        for row in rows:
            found[(row.document_id, row.round)].append(ApprovalStep.from_row(row))
        return [found.get(key, []) for key in keys]

    async def _load_history(self, ids: list[int]) -> list[list[HistoryEntry]]:
        streams = {stream_of("StockIn", pk): pk for pk in ids}
        rows = await self._db.rows(
            select(events)
            .where(events.c.stream.in_(streams))
            .order_by(events.c.stream, events.c.sequence)
        )
        found: dict[int, list[HistoryEntry]] = defaultdict(list)
        for row in rows:
            found[streams[row.stream]].append(HistoryEntry.from_row(row))
        return [found.get(pk, []) for pk in ids]
