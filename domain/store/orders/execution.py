"""Reading the facts of the execution summary: order lines with their shipped, delivered and
returned quantities, in three statements whatever the number of lines. Shared by the
orderExecutionReport query and the delivery reports, so both count the same lines alike; the
figures themselves are computed by domain.orders.execution."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from domain.orders.execution import ZERO_QTY, Delivery, LineFacts
from domain.orders.lifecycle import OrderStatus
from domain.orders.returns import ReturnStatus
from domain.orders.shipments import ShipmentStatus
from domain.store.reading import Rows
from domain.store.tables import SalesOrder as OrderRow
from domain.store.tables import SalesOrderLine as LineRow
from domain.store.tables import SalesReturn as ReturnRow
from domain.store.tables import SalesReturnLine as ReturnLineRow
from domain.store.tables import Shipment as ShipmentRow
from domain.store.tables import ShipmentLine as ShipmentLineRow

orders = OrderRow.__table__
lines = LineRow.__table__
shipments = ShipmentRow.__table__
shipment_lines = ShipmentLineRow.__table__
returns = ReturnRow.__table__
return_lines = ReturnLineRow.__table__

NOT_EXPECTING = (OrderStatus.CLOSED, OrderStatus.CANCELLED)


@dataclass(frozen=True)
class LineKeys:
    """Where a line sits, for grouping."""

    line_id: int
    order_id: int
    customer_id: int
    salesperson_id: int
    department_id: int
    period: date  # first day of the promised month
    order_status: OrderStatus


async def line_facts(rows: Rows, conditions: Sequence) -> list[tuple[LineKeys, LineFacts]]:
    """The lines of orders matching `conditions` (on sales_order and sales_order_line)."""
    base = (
        select(
            lines.c.id,
            lines.c.order_id,
            lines.c.quantity,
            lines.c.unit_price,
            lines.c.amount,
            lines.c.promised_date,
            orders.c.status,
            orders.c.customer_id,
            orders.c.salesperson_id,
            orders.c.department_id,
        )
        .join(orders, orders.c.id == lines.c.order_id)
        .where(*conditions)
    )
    found = await rows(base.order_by(lines.c.id))
    if not found:
        return []
    line_ids = select(lines.c.id).join(orders, orders.c.id == lines.c.order_id).where(*conditions)
    shipped_rows = await rows(
        select(
            shipment_lines.c.order_line_id,
            shipment_lines.c.quantity,
            shipments.c.status,
            shipments.c.delivered_at,
        )
        .join(shipments, shipments.c.id == shipment_lines.c.shipment_id)
        .where(
            shipments.c.status != ShipmentStatus.PLANNED,
            shipment_lines.c.order_line_id.in_(line_ids),
        )
    )
    returned_rows = await rows(
        select(return_lines.c.order_line_id, func.sum(return_lines.c.quantity))
        .join(returns, returns.c.id == return_lines.c.return_id)
        .where(
            returns.c.status == ReturnStatus.RECEIVED, return_lines.c.order_line_id.in_(line_ids)
        )
        .group_by(return_lines.c.order_line_id)
    )
    shipped: dict[int, list] = defaultdict(list)
    for row in shipped_rows:
        shipped[row.order_line_id].append(row)
    returned = {row[0]: row[1] for row in returned_rows}
    result = []
    for r in found:
        mine = shipped.get(r.id, [])
        status = OrderStatus(r.status)
        facts = LineFacts(
            ordered=r.quantity,
            unit_price=r.unit_price,
            amount=r.amount,
            promised_date=r.promised_date,
            shipped=sum((s.quantity for s in mine), ZERO_QTY),
            deliveries=tuple(
                Delivery(s.quantity, s.delivered_at.date())
                for s in mine
                if ShipmentStatus(s.status) is ShipmentStatus.DELIVERED
            ),
            returned=returned.get(r.id, ZERO_QTY),
            expects_shipments=status not in NOT_EXPECTING,
        )
        keys = LineKeys(
            r.id,
            r.order_id,
            r.customer_id,
            r.salesperson_id,
            r.department_id,
            r.promised_date.replace(day=1),
            status,
        )
        result.append((keys, facts))
    return result
