"""Sales return use cases: returnCreate records a return against delivered lines,
returnReceive takes it back into stock.

Receiving lowers the lines' delivered quantity (the execution summary nets it out) and writes a
ledger row per product; the order gets a RETURN_RECEIVED event (its status does not change).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select

from domain.access import Actor
from domain.errors import ErrorCode, refuse, refuse_if_any
from domain.orders.access import may_run_operations
from domain.orders.events import kind_of
from domain.orders.lifecycle import OrderStatus
from domain.orders.returns import (
    MAX_REASON,
    RETURN_LIFECYCLE,
    ReturnAction,
    ReturnLineDraft,
    ReturnStatus,
    check_return_lines,
)
from domain.services.orders.events import order_event, return_event
from domain.services.pipeline import handles
from domain.stock.ledger import MovementKind
from domain.store.orders.progress import line_states
from domain.store.orders.repository import find_visible_order, load_visible_order
from domain.store.stock.ledger import move_stock, per_product
from domain.store.tables import SalesOrderLine, SalesReturn, SalesReturnLine
from domain.store.types import utcnow
from domain.store.uow import UnitOfWork
from domain.store.versioning import check_expected_version
from domain.text import clean_text

ID = ("input", "id")
ORDER_ID = ("input", "orderId")
RETURNABLE = frozenset({OrderStatus.PARTIALLY_SHIPPED, OrderStatus.SHIPPED, OrderStatus.DELIVERED})


@dataclass(frozen=True)
class ReturnCreate:
    order_id: int
    lines: Sequence[ReturnLineDraft]
    reason: str


@dataclass(frozen=True)
class ReturnReceive:
    return_id: int
    expected_version: int | None = None


@handles(ReturnCreate)
async def create_return(cmd: ReturnCreate, actor: Actor, uow: UnitOfWork) -> SalesReturn:
    """A REQUESTED return of delivered goods: per line at most what was delivered less what is
    already on returns (EXCEEDS_DELIVERED otherwise)."""
    s = uow.session
    order = await load_visible_order(s, actor, cmd.order_id, for_update=True, field=ORDER_ID)
    if not may_run_operations(actor):
        raise refuse(ErrorCode.FORBIDDEN, "only planners record returns", *ORDER_ID)
    if order.status not in RETURNABLE:
        raise refuse(
            ErrorCode.INVALID_TRANSITION,
            f"a {order.status.value} order has no delivered goods to take back",
            *ORDER_ID,
        )
    reason = clean_text(cmd.reason, MAX_REASON, "input", "reason")
    if not reason:
        raise refuse(ErrorCode.REQUIRED, "a reason is required", "input", "reason")
    states = await line_states(s, order.id)
    refuse_if_any(check_return_lines(cmd.lines, {k: v.return_room for k, v in states.items()}))
    sales_return = SalesReturn(
        order_id=order.id,
        customer_id=order.customer_id,
        status=ReturnStatus.REQUESTED,
        reason=reason,
        created_by=actor.user_id,
    )
    s.add(sales_return)
    await s.flush()
    await s.execute(
        insert(SalesReturnLine),
        [
            {"return_id": sales_return.id, "order_line_id": d.order_line_id, "quantity": d.quantity}
            for d in cmd.lines
        ],
    )
    uow.record(return_event(sales_return, "CREATED", None, actor, reason=reason), actor.user_id)
    return sales_return


@handles(ReturnReceive)
async def receive_return(cmd: ReturnReceive, actor: Actor, uow: UnitOfWork) -> SalesReturn:
    """REQUESTED → RECEIVED: the goods go back into stock."""
    s = uow.session
    order_id = await s.scalar(select(SalesReturn.order_id).where(SalesReturn.id == cmd.return_id))
    # A return of an order out of the actor's reach is answered like one that does not exist:
    # the same code and message, so nothing tells that it exists (nor whose order it is on).
    order = None
    if order_id is not None:
        order = await find_visible_order(s, actor, order_id, for_update=True)
    if order is None:
        raise refuse(ErrorCode.NOT_FOUND, "no such return", *ID)
    sales_return = (
        await s.execute(
            select(SalesReturn).where(SalesReturn.id == cmd.return_id).with_for_update()
        )
    ).scalar_one()
    check_expected_version(sales_return, cmd.expected_version)
    if not may_run_operations(actor):
        raise refuse(ErrorCode.FORBIDDEN, "only planners receive returns", *ID)
    before = sales_return.status
    target = RETURN_LIFECYCLE.check(ReturnAction.RECEIVE, before)
    rows = await s.execute(
        select(SalesOrderLine.product_id, SalesReturnLine.quantity)
        .join(SalesOrderLine, SalesOrderLine.id == SalesReturnLine.order_line_id)
        .where(SalesReturnLine.return_id == sales_return.id)
    )
    for product_id, quantity in per_product((r.product_id, r.quantity) for r in rows):
        await move_stock(
            s, product_id, MovementKind.RETURN, quantity, actor.user_id, return_id=sales_return.id
        )
    await uow.change(sales_return, cmd.expected_version, status=target, received_at=utcnow())
    uow.record(return_event(sales_return, "RECEIVED", before, actor), actor.user_id)
    # The order's delivered quantity fell: its version moves and its stream says why.
    await uow.change(order)
    event = order_event(
        order, "RETURN_RECEIVED", order.status, kind_of(actor), return_id=sales_return.id
    )
    uow.record(event, actor.user_id)
    return sales_return
