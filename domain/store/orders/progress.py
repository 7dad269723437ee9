"""Per-line progress of an order, read from its shipments and returns: what the services check
(outstanding, returnable quantities) and derive the order's status from."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.orders.lifecycle import LineProgress, OrderStatus, derived_status
from domain.orders.returns import ReturnRoom, ReturnStatus
from domain.orders.shipments import LEFT_WAREHOUSE, LineRoom, ShipmentStatus
from domain.store.tables import (
    SalesOrderLine,
    SalesReturn,
    SalesReturnLine,
    Shipment,
    ShipmentLine,
)

ZERO = Decimal("0.000")


@dataclass
class LineState:
    line_id: int
    product_id: int
    ordered: Decimal
    promised_date: date
    on_shipments: Decimal = ZERO  # on any shipment, planned or gone
    shipped: Decimal = ZERO  # left the warehouse
    delivered: Decimal = ZERO  # on delivered shipments, before returns
    on_returns: Decimal = ZERO  # on any return
    returned: Decimal = ZERO  # on received returns

    @property
    def progress(self) -> LineProgress:
        return LineProgress(self.ordered, self.shipped, self.delivered)

    @property
    def room(self) -> LineRoom:
        return LineRoom(self.ordered, self.on_shipments)

    @property
    def return_room(self) -> ReturnRoom:
        return ReturnRoom(self.delivered, self.on_returns)


async def line_states(session: AsyncSession, order_id: int) -> dict[int, LineState]:
    """Every line of the order with its shipped, delivered and returned quantities."""
    await session.flush()
    lines = await session.execute(
        select(
            SalesOrderLine.id,
            SalesOrderLine.product_id,
            SalesOrderLine.quantity,
            SalesOrderLine.promised_date,
        )
        .where(SalesOrderLine.order_id == order_id)
        .order_by(SalesOrderLine.position)
    )
    states = {r.id: LineState(r.id, r.product_id, r.quantity, r.promised_date) for r in lines}
    shipped = await session.execute(
        select(ShipmentLine.order_line_id, Shipment.status, func.sum(ShipmentLine.quantity))
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .where(Shipment.order_id == order_id)
        .group_by(ShipmentLine.order_line_id, Shipment.status)
    )
    for line_id, status, quantity in shipped:
        state = states[line_id]
        state.on_shipments += quantity
        if ShipmentStatus(status) in LEFT_WAREHOUSE:
            state.shipped += quantity
        if ShipmentStatus(status) is ShipmentStatus.DELIVERED:
            state.delivered += quantity
    returned = await session.execute(
        select(
            SalesReturnLine.order_line_id, SalesReturn.status, func.sum(SalesReturnLine.quantity)
        )
        .join(SalesReturn, SalesReturn.id == SalesReturnLine.return_id)
        .where(SalesReturn.order_id == order_id)
        .group_by(SalesReturnLine.order_line_id, SalesReturn.status)
    )
    for line_id, status, quantity in returned:
        state = states[line_id]
        state.on_returns += quantity
        if ReturnStatus(status) is ReturnStatus.RECEIVED:
            state.returned += quantity
    return states


async def status_from_shipments(
    session: AsyncSession, order_id: int, current: OrderStatus
) -> OrderStatus:
    states = await line_states(session, order_id)
    return derived_status(current, (s.progress for s in states.values()))
