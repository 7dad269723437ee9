"""Reads and writes of orders that the order, shipment and return use cases share."""

from decimal import Decimal

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Actor
from domain.errors import ErrorCode, refuse
from domain.orders.access import OrderOwner, may_read_order
from domain.orders.lifecycle import OPEN_STATUSES
from domain.orders.lines import OrderLineSpec
from domain.store.tables import PriceFloor, SalesOrder, SalesOrderLine

ID = ("input", "id")


def owner_of_order(order: SalesOrder) -> OrderOwner:
    return OrderOwner(
        order.company_id, order.customer_id, order.department_id, order.salesperson_id
    )


async def find_visible_order(
    session: AsyncSession, actor: Actor, order_id: int, *, for_update: bool = False
) -> SalesOrder | None:
    """The order if the actor may read it; None when it does not exist or is out of reach (the
    caller refuses both alike, naming what it was asked for: an order, a shipment, a return)."""
    stmt = select(SalesOrder).where(SalesOrder.id == order_id)
    if for_update:
        stmt = stmt.with_for_update()
    order = (await session.execute(stmt)).scalar_one_or_none()
    if order is None or not may_read_order(actor, owner_of_order(order)):
        return None
    return order


async def load_visible_order(
    session: AsyncSession,
    actor: Actor,
    order_id: int,
    *,
    for_update: bool = False,
    field: tuple[str, ...] = ID,
) -> SalesOrder:
    """The order if the actor may read it; otherwise NOT_FOUND, exactly as if it did not exist."""
    order = await find_visible_order(session, actor, order_id, for_update=for_update)
    if order is None:
        raise refuse(ErrorCode.NOT_FOUND, "no such sales order", *field)
    return order


async def insert_lines(session: AsyncSession, order_id: int, specs: list[OrderLineSpec]) -> None:
    if not specs:
        return
    await session.execute(
        insert(SalesOrderLine),
        [
            {
                "order_id": order_id,
                "position": s.position,
                "product_id": s.product_id,
                "quantity": s.quantity,
                "unit_price": s.unit_price,
                "amount": s.amount,
                "promised_date": s.promised_date,
            }
            for s in specs
        ],
    )


async def order_amount(session: AsyncSession, order_id: int) -> Decimal:
    total = await session.scalar(
        select(func.sum(SalesOrderLine.amount)).where(SalesOrderLine.order_id == order_id)
    )
    return total or Decimal("0.00")


async def open_amount(session: AsyncSession, customer_id: int, except_order: int) -> Decimal:
    """The value of the customer's other open orders (in review up to delivered, not closed)."""
    total = await session.scalar(
        select(func.sum(SalesOrderLine.amount))
        .join(SalesOrder, SalesOrder.id == SalesOrderLine.order_id)
        .where(
            SalesOrder.customer_id == customer_id,
            SalesOrder.id != except_order,
            SalesOrder.status.in_(OPEN_STATUSES),
        )
    )
    return total or Decimal("0.00")


async def price_floors(
    session: AsyncSession, product_ids: set[int], customer_id: int
) -> dict[tuple[int, int | None], Decimal]:
    """{(product, customer or None for the general floor): floor} for the given products."""
    rows = await session.execute(
        select(PriceFloor.product_id, PriceFloor.customer_id, PriceFloor.min_unit_price).where(
            PriceFloor.product_id.in_(product_ids),
            (PriceFloor.customer_id == customer_id) | PriceFloor.customer_id.is_(None),
        )
    )
    return {(r.product_id, r.customer_id): r.min_unit_price for r in rows}
