"""Supply an MRP run nets against: stock on hand and scheduled receipts, from pluggable sources.

On hand: finished goods from the stock ledger (stock_balance, through item.product_id), plus
every registered on-hand source (materials' stock arrives with material issue and purchase
receipts, in a later issue). Scheduled receipts: every registered receipt source, e.g. open
production orders and purchase orders (their tables arrive in a later issue); a source is an
async function of the session returning (item id, due date, open quantity, line id) rows, and
registers itself with `@receipt_source(kind, name)`:

    @receipt_source(2, "purchase order line")
    async def open_purchase_lines(session):
        return (await session.execute(select(...))).all()

Each receipt gets a key, kind × 2^40 + line id, so pegging and reschedule messages name the
document line without a lookup table: `receipt_of(key)` → (source name, line id).
"""

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.store.tables import StockBalance
from domain.store.tables.mrp import Item

KIND_SHIFT = 40  # line ids stay below 2^40; kinds 1 to 8191 keep keys within int64

ReceiptRows = Iterable[tuple[int, date, Decimal, int]]
OnHandRows = Iterable[tuple[int, Decimal]]


@dataclass(frozen=True)
class ReceiptSource:
    kind: int
    name: str
    load: Callable[[AsyncSession], Awaitable[ReceiptRows]]


RECEIPT_SOURCES: dict[int, ReceiptSource] = {}
ON_HAND_SOURCES: list[Callable[[AsyncSession], Awaitable[OnHandRows]]] = []


def receipt_source(kind: int, name: str):
    """Register an async function(session) → (item id, due date, open quantity, line id) rows."""

    def register(load):
        if kind in RECEIPT_SOURCES and RECEIPT_SOURCES[kind].load is not load:
            raise RuntimeError(
                f"receipt source kind {kind} is taken by {RECEIPT_SOURCES[kind].name}"
            )
        if not 1 <= kind < 2 ** (63 - KIND_SHIFT):
            raise ValueError(f"a receipt source kind is 1 to {2 ** (63 - KIND_SHIFT) - 1}")
        RECEIPT_SOURCES[kind] = ReceiptSource(kind, name, load)
        return load

    return register


def on_hand_source(load):
    """Register an async function(session) → (item id, quantity on hand) rows."""
    if load not in ON_HAND_SOURCES:
        ON_HAND_SOURCES.append(load)
    return load


def receipt_key(kind: int, line_id: int) -> int:
    return (kind << KIND_SHIFT) | line_id


def receipt_of(key: int) -> tuple[str, int]:
    """(source name, document line id) of a receipt key."""
    kind, line_id = key >> KIND_SHIFT, key & ((1 << KIND_SHIFT) - 1)
    source = RECEIPT_SOURCES.get(kind)
    return (source.name if source else f"source {kind}", line_id)


@dataclass(frozen=True)
class Receipt:
    item_id: int
    due: date
    quantity: Decimal
    key: int


async def on_hand(session: AsyncSession) -> dict[int, Decimal]:
    """Quantity on hand per item id (items without stock are absent)."""
    rows = await session.execute(
        select(Item.id, StockBalance.on_hand).join(
            StockBalance, StockBalance.product_id == Item.product_id
        )
    )
    found: dict[int, Decimal] = {}
    for item_id, quantity in rows:
        found[item_id] = found.get(item_id, Decimal(0)) + quantity
    for load in ON_HAND_SOURCES:
        for item_id, quantity in await load(session):
            found[item_id] = found.get(item_id, Decimal(0)) + quantity
    return found


async def scheduled_receipts(session: AsyncSession) -> list[Receipt]:
    """Every open receipt of every source, by key."""
    receipts = []
    for kind in sorted(RECEIPT_SOURCES):
        source = RECEIPT_SOURCES[kind]
        for item_id, due, quantity, line_id in await source.load(session):
            receipts.append(Receipt(item_id, due, quantity, receipt_key(kind, line_id)))
    return sorted(receipts, key=lambda r: r.key)
