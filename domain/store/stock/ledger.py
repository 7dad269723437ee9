"""Moving finished-goods stock: every change of on-hand is one ledger row in the same
transaction, and an issue that would take on-hand below zero is refused atomically."""

from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError, DomainRefusal, ErrorCode
from domain.stock.ledger import MovementKind, signed
from domain.store.tables import Product, StockBalance, StockMovement
from domain.store.types import utcnow


async def _ensure_balance(session: AsyncSession, product_id: int) -> None:
    insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    await session.execute(
        insert(StockBalance)
        .values(product_id=product_id, on_hand=Decimal("0.000"), updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["product_id"])
    )


async def on_hand(session: AsyncSession, product_id: int) -> Decimal:
    value = await session.scalar(
        select(StockBalance.on_hand).where(StockBalance.product_id == product_id)
    )
    return value if value is not None else Decimal("0.000")


async def move_stock(
    session: AsyncSession,
    product_id: int,
    kind: MovementKind,
    quantity: Decimal,
    actor_id: int | None,
    *,
    stock_in_id: int | None = None,
    shipment_id: int | None = None,
    return_id: int | None = None,
    field: tuple[str, ...] | None = None,
) -> Decimal:
    """Change on-hand by the movement and write its ledger row; the balance after it.

    An issue larger than on-hand is refused with INSUFFICIENT_STOCK (the conditional UPDATE makes
    the check and the change one step, so two concurrent issues cannot both pass it).
    """
    change = signed(kind, quantity)
    await _ensure_balance(session, product_id)
    stmt = update(StockBalance).where(StockBalance.product_id == product_id)
    if change < 0:
        stmt = stmt.where(StockBalance.on_hand >= -change)
    balance = (
        await session.execute(
            stmt.values(on_hand=StockBalance.on_hand + change, updated_at=utcnow()).returning(
                StockBalance.on_hand
            )
        )
    ).scalar_one_or_none()
    if balance is None:
        code = await session.scalar(select(Product.code).where(Product.id == product_id))
        have = await on_hand(session, product_id)
        raise DomainRefusal(
            DomainError(
                ErrorCode.INSUFFICIENT_STOCK,
                f"{code}: {-change} needed, {have} on hand",
                field,
            )
        )
    session.add(
        StockMovement(
            product_id=product_id,
            kind=kind,
            quantity=change,
            balance_after=balance,
            stock_in_id=stock_in_id,
            shipment_id=shipment_id,
            return_id=return_id,
            actor_id=actor_id,
        )
    )
    await session.flush()
    return balance


def per_product(quantities: Iterable[tuple[int, Decimal]]) -> list[tuple[int, Decimal]]:
    """Quantities summed per product, in product-id order (so concurrent movers lock rows in the
    same order and cannot deadlock)."""
    totals: dict[int, Decimal] = {}
    for product_id, quantity in quantities:
        totals[product_id] = totals.get(product_id, Decimal("0.000")) + quantity
    return sorted(totals.items())
