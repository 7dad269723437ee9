"""Sales return use cases: record a return against delivered lines, receive it back into stock.

Receiving lowers the lines' delivered quantity (the execution summary nets it out) and writes a
ledger row per product; the order gets a RETURN_RECEIVED event (its status does not change).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access import Actor
from domain.errors import DomainError, DomainRefusal, ErrorCode
from domain.orders.access import may_run_operations
from domain.orders.lifecycle import OrderStatus
from domain.returns import MAX_REASON, ReturnLineDraft, ReturnStatus, check_return_lines
from domain.services.plan_approval import refuse
from domain.services.sales_orders import clean_text, load_visible_order
from domain.stock import MovementKind
from domain.store.order_events import kind_of, record_order_event, record_return_event
from domain.store.order_progress import line_states
from domain.store.stock_ledger import move_stock, per_product
from domain.store.tables import SalesOrder, SalesOrderLine, SalesReturn, SalesReturnLine
from domain.store.types import utcnow
from domain.store.uow import UnitOfWork
from domain.store.versioning import bump_version, check_expected_version

ID = ("input", "id")
RETURNABLE = frozenset({OrderStatus.PARTIALLY_SHIPPED, OrderStatus.SHIPPED, OrderStatus.DELIVERED})


@dataclass(frozen=True)
class ReturnCreate:
    order_id: int
    lines: Sequence[ReturnLineDraft]
    reason: str


@dataclass(frozen=True)
class ReturnAct:
    return_id: int
    expected_version: int | None = None


@dataclass
class ReturnResult:
    sales_return: SalesReturn | None = None
    errors: list[DomainError] = field(default_factory=list)


async def create_return(engine: AsyncEngine, actor: Actor, cmd: ReturnCreate) -> ReturnResult:
    """A REQUESTED return of delivered goods: per line at most what was delivered less what is
    already on returns (EXCEEDS_DELIVERED otherwise)."""
    try:
        async with UnitOfWork(engine) as uow:
            s = uow.session
            order = await load_visible_order(
                s, actor, cmd.order_id, for_update=True, field=("input", "orderId")
            )
            if not may_run_operations(actor):
                raise refuse(
                    ErrorCode.FORBIDDEN, "only planners record returns", "input", "orderId"
                )
            if order.status not in RETURNABLE:
                raise refuse(
                    ErrorCode.INVALID_TRANSITION,
                    f"a {order.status.value} order has no delivered goods to take back",
                    "input",
                    "orderId",
                )
            reason = clean_text(cmd.reason, MAX_REASON, "input", "reason")
            if not reason:
                raise refuse(ErrorCode.REQUIRED, "a reason is required", "input", "reason")
            states = await line_states(s, order.id)
            errors = check_return_lines(cmd.lines, {k: v.return_room for k, v in states.items()})
            if errors:
                raise DomainRefusal(*errors)
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
                    {
                        "return_id": sales_return.id,
                        "order_line_id": d.order_line_id,
                        "quantity": d.quantity,
                    }
                    for d in cmd.lines
                ],
            )
            await record_return_event(s, sales_return, "CREATED", None, actor, {"reason": reason})
            await uow.commit()
            return ReturnResult(sales_return=sales_return)
    except DomainRefusal as refusal:
        return ReturnResult(errors=refusal.errors)


async def receive_return(engine: AsyncEngine, actor: Actor, cmd: ReturnAct) -> ReturnResult:
    """REQUESTED → RECEIVED: the goods go back into stock."""
    not_found = DomainRefusal(DomainError(ErrorCode.NOT_FOUND, "no such return", ID))
    try:
        async with UnitOfWork(engine) as uow:
            s = uow.session
            order_id = await s.scalar(
                select(SalesReturn.order_id).where(SalesReturn.id == cmd.return_id)
            )
            if order_id is None:
                raise not_found
            try:
                order = await load_visible_order(s, actor, order_id, for_update=True)
            except DomainRefusal:
                raise not_found from None
            sales_return = (
                await s.execute(
                    select(SalesReturn).where(SalesReturn.id == cmd.return_id).with_for_update()
                )
            ).scalar_one()
            check_expected_version(sales_return, cmd.expected_version, "return")
            if not may_run_operations(actor):
                raise refuse(ErrorCode.FORBIDDEN, "only planners receive returns", *ID)
            if sales_return.status is not ReturnStatus.REQUESTED:
                raise refuse(
                    ErrorCode.INVALID_TRANSITION,
                    f"a {sales_return.status.value} return cannot be received",
                    *ID,
                )
            rows = await s.execute(
                select(SalesOrderLine.product_id, SalesReturnLine.quantity)
                .join(SalesOrderLine, SalesOrderLine.id == SalesReturnLine.order_line_id)
                .where(SalesReturnLine.return_id == sales_return.id)
            )
            for product_id, quantity in per_product((r.product_id, r.quantity) for r in rows):
                await move_stock(
                    s,
                    product_id,
                    MovementKind.RETURN,
                    quantity,
                    actor.user_id,
                    return_id=sales_return.id,
                )
            await bump_version(
                s,
                SalesReturn,
                sales_return,
                cmd.expected_version,
                "return",
                status=ReturnStatus.RECEIVED,
                received_at=utcnow(),
            )
            await record_return_event(s, sales_return, "RECEIVED", ReturnStatus.REQUESTED, actor)
            await _order_saw_return(s, order, sales_return, actor)
            await uow.commit()
            return ReturnResult(sales_return=sales_return)
    except DomainRefusal as refusal:
        return ReturnResult(errors=refusal.errors)


async def _order_saw_return(s, order: SalesOrder, sales_return: SalesReturn, actor: Actor) -> None:
    """The order's delivered quantity fell: its version moves and its stream says why."""
    before = order.status
    await bump_version(s, SalesOrder, order, None, "order")
    await record_order_event(
        s,
        order,
        "RETURN_RECEIVED",
        before,
        actor.user_id,
        kind_of(actor),
        {"returnId": sales_return.id},
    )
