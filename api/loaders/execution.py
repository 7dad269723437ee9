"""The grouped execution summary: the lines in scope (read by domain.store.orders.execution, in
three statements whatever their number), each line's figures (domain.orders.execution), summed
per group."""

from datetime import date
from functools import partial

from graphql import GraphQLError
from strawberry.types import Info

from api.ids import encode_cursor, pk_of
from api.limits.codes import FORBIDDEN
from api.limits.returned import count_returned
from api.pagination import Connection, Edge, PageInfo, PageRequest
from api.types.execution import (
    REPORT_PAGES,
    ExecutionFigures,
    ExecutionGroupBy,
    OrderExecutionReport,
    OrderExecutionRow,
    OrderExecutionWhereInput,
)
from domain.orders.execution import Figures, line_figures, total
from domain.orders.lifecycle import BOOKED_STATUSES, OrderStatus
from domain.store.orders.execution import line_facts, lines, orders
from domain.store.orders.scoping import orders_visible_to
from domain.store.types import utcnow


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
        raise GraphQLError(
            "Partners may group by ORDER_LINE, ORDER, CUSTOMER or PERIOD.",
            extensions={"code": FORBIDDEN},
        )
    page = PageRequest.of(REPORT_PAGES, first, after, None, None)
    day = as_of or utcnow().date()
    facts = await line_facts(info.context.db.rows, report_conditions(actor, where))
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
    count_returned(len(edges))

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
