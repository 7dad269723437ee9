"""Reading the facts of the execution summary: order lines with their shipped, delivered and
returned quantities, in three statements whatever the number of lines; and the grouped report.
The figures themselves are computed by domain.orders.execution."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

from graphql import GraphQLError
from sqlalchemy import func, select
from strawberry.types import Info

from api.ids import encode_cursor, pk_of
from api.loaders.reading import ReadDB
from api.pagination import Connection, Edge, PageInfo, PageRequest
from api.types.execution import (
    REPORT_PAGES,
    ExecutionFigures,
    ExecutionGroupBy,
    OrderExecutionReport,
    OrderExecutionRow,
    OrderExecutionWhereInput,
)
from domain.orders.execution import ZERO_QTY, Delivery, Figures, LineFacts, line_figures, total
from domain.orders.lifecycle import BOOKED_STATUSES, OrderStatus
from domain.orders.returns import ReturnStatus
from domain.orders.shipments import ShipmentStatus
from domain.store.orders.scoping import orders_visible_to
from domain.store.tables import SalesOrder as OrderRow
from domain.store.tables import SalesOrderLine as LineRow
from domain.store.tables import SalesReturn as ReturnRow
from domain.store.tables import SalesReturnLine as ReturnLineRow
from domain.store.tables import Shipment as ShipmentRow
from domain.store.tables import ShipmentLine as ShipmentLineRow
from domain.store.types import utcnow

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


async def line_facts(db: ReadDB, conditions: Sequence) -> list[tuple[LineKeys, LineFacts]]:
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
    rows = await db.rows(base.order_by(lines.c.id))
    if not rows:
        return []
    line_ids = select(lines.c.id).join(orders, orders.c.id == lines.c.order_id).where(*conditions)
    shipped_rows = await db.rows(
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
    returned_rows = await db.rows(
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
    for r in rows:
        mine = shipped.get(r.id, [])
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
            expects_shipments=OrderStatus(r.status) not in NOT_EXPECTING,
        )
        keys = LineKeys(
            r.id,
            r.order_id,
            r.customer_id,
            r.salesperson_id,
            r.department_id,
            r.promised_date.replace(day=1),
        )
        result.append((keys, facts))
    return result


def report_conditions(actor, where: OrderExecutionWhereInput | None) -> list:
    """SQL conditions on sales_order / sales_order_line for the report's filters and scope."""
    where = where or OrderExecutionWhereInput()
    statuses = (
        [OrderStatus(s.value) for s in where.status_in] if where.status_in else BOOKED_STATUSES
    )
    conditions = [orders_visible_to(actor), orders.c.status.in_(list(statuses))]
    for value, type_name, column in (
        (where.customer_id, "Customer", orders.c.customer_id),
        (where.salesperson_id, "Salesperson", orders.c.salesperson_id),
        (where.department_id, "Department", orders.c.department_id),
        (where.product_id, "Product", lines.c.product_id),
        (where.order_id, "SalesOrder", orders.c.id),
    ):
        if value is not None:
            pk = pk_of(value, type_name)
            conditions.append(column == (-1 if pk is None else pk))
    if where.promised_from is not None:
        conditions.append(lines.c.promised_date >= where.promised_from)
    if where.promised_to is not None:
        conditions.append(lines.c.promised_date <= where.promised_to)
    return conditions


GROUP_KEY = {
    ExecutionGroupBy.ORDER_LINE: lambda k: k.line_id,
    ExecutionGroupBy.ORDER: lambda k: k.order_id,
    ExecutionGroupBy.CUSTOMER: lambda k: k.customer_id,
    ExecutionGroupBy.SALESPERSON: lambda k: k.salesperson_id,
    ExecutionGroupBy.DEPARTMENT: lambda k: k.department_id,
    ExecutionGroupBy.PERIOD: lambda k: k.period,
}
STAFF_GROUPINGS = frozenset({ExecutionGroupBy.SALESPERSON, ExecutionGroupBy.DEPARTMENT})


async def execution_report(
    info: Info,
    group_by: ExecutionGroupBy,
    where: OrderExecutionWhereInput | None,
    as_of: date | None,
    first: int | None,
    after: str | None,
) -> OrderExecutionReport:
    """Load the lines in scope (three statements), compute each line's figures, sum per group."""
    actor = info.context.viewer
    if group_by in STAFF_GROUPINGS and not actor.is_internal:
        raise GraphQLError("Partners may group by ORDER_LINE, ORDER, CUSTOMER or PERIOD.")
    page = PageRequest.of(REPORT_PAGES, first, after, None, None)
    day = as_of or utcnow().date()
    facts = await line_facts(info.context.db, report_conditions(actor, where))
    groups: dict = {}
    for keys, line in facts:
        key = GROUP_KEY[group_by](keys)
        groups[key] = groups.get(key, Figures()) + line_figures(line, day)
    ordered = sorted(groups.items())
    if page.after is not None:
        start = page.after[0]
        if ordered and type(start) is not type(_cursor_value(ordered[0][0])):
            raise GraphQLError("not a valid cursor for this report")
        ordered = [(k, f) for k, f in ordered if _cursor_value(k) > start]
    shown = ordered[: page.size]
    edges = [
        Edge(
            cursor_from=partial(encode_cursor, [_cursor_value(key), 0]),
            node=OrderExecutionRow(
                group_pk=None if group_by is ExecutionGroupBy.PERIOD else key,
                group_by=group_by,
                period=key if group_by is ExecutionGroupBy.PERIOD else None,
                figures=ExecutionFigures(figures=figures, as_of=day),
            ),
        )
        for key, figures in shown
    ]
    count = len(groups)

    async def total_count() -> int:
        return count

    rows = Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(ordered) > page.size,
            has_previous_page=page.after is not None,
            start_cursor=edges[0].cursor() if edges else None,
            end_cursor=edges[-1].cursor() if edges else None,
        ),
        count=total_count,
    )
    everything = ExecutionFigures(figures=total(groups.values()), as_of=day)
    return OrderExecutionReport(group_by=group_by, as_of=day, total=everything, rows=rows)


def _cursor_value(key):
    """Group keys as cursor values: ids, or ISO dates (which sort like the dates)."""
    return key.isoformat() if isinstance(key, date) else key
