"""Sales order use cases: salesOrderCreate, salesOrderUpdateLines and the person-made transitions
(submit with contract review and special approval, approve, reject, confirm, start production,
mark ready, cancel, close).

Each transition: load the order (NOT_FOUND when out of reach), check the actor's right and the
life-cycle table, change the order, raise its version (CONFLICT when someone changed it first)
and record exactly one event on `SalesOrder:<id>`.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Actor, Role
from domain.approvals import chains
from domain.approvals.chains import DocumentFacts, DocumentType, Step
from domain.errors import ErrorCode, refuse, refuse_if_any
from domain.orders.access import (
    CustomerOwner,
    OrderOwner,
    may_author_order,
    may_read_customer,
    may_review_contract,
    may_run_operations,
)
from domain.orders.events import ActorKind, kind_of
from domain.orders.lifecycle import ORDER_LIFECYCLE, OrderAction, OrderStatus
from domain.orders.lines import OrderLineDraft, OrderLineSpec, validate_order_lines
from domain.orders.returns import ReturnStatus
from domain.orders.special_approval import PricedLine, SpecialReason, special_reasons
from domain.services.approvals import rounds
from domain.services.orders.events import order_event
from domain.services.pipeline import handles
from domain.store.approvals import load_round
from domain.store.catalogue import list_prices
from domain.store.orders.repository import (
    insert_lines,
    load_visible_order,
    open_amount,
    order_amount,
    owner_of_order,
    price_floors,
)
from domain.store.tables import (
    Customer,
    CustomerAccount,
    Department,
    SalesOrder,
    SalesOrderLine,
    Salesperson,
    SalesReturn,
    Shipment,
)
from domain.store.types import utcnow
from domain.store.uow import UnitOfWork
from domain.store.versioning import check_expected_version
from domain.text import clean_comment, clean_text

ORDER = DocumentType.SALES_ORDER
ID = ("input", "id")
MAX_REFERENCE = 100
MAX_NOTE = 2000
COMMENT = ("input", "comment")
REASON = ("input", "reason")


@dataclass(frozen=True)
class SalesOrderCreate:
    customer_id: int
    lines: Sequence[OrderLineDraft] = ()
    salesperson_id: int | None = None
    order_date: date | None = None
    customer_reference: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class SalesOrderUpdateLines:
    order_id: int
    lines: Sequence[OrderLineDraft]
    expected_version: int | None = None


@dataclass(frozen=True)
class OrderTransition:
    """The fields every order transition takes; each mutation has its own subclass."""

    order_id: int
    expected_version: int | None = None
    comment: str | None = None


class SalesOrderSubmit(OrderTransition):
    pass


class SalesOrderApprove(OrderTransition):
    pass


class SalesOrderReject(OrderTransition):
    """`comment` is the reason (required)."""


class SalesOrderConfirm(OrderTransition):
    pass


class SalesOrderStartProduction(OrderTransition):
    pass


class SalesOrderMarkReady(OrderTransition):
    pass


class SalesOrderCancel(OrderTransition):
    """`comment` is the reason (optional)."""


class SalesOrderClose(OrderTransition):
    pass


async def checked_lines(
    session: AsyncSession, drafts: Sequence[OrderLineDraft], order_date: date
) -> list[OrderLineSpec]:
    prices = await list_prices(session, {d.product_id for d in drafts})
    specs, errors = validate_order_lines(drafts, order_date, prices)
    refuse_if_any(errors)
    return specs


async def customer_owner(
    session: AsyncSession, customer_id: int, account: CustomerAccount | None
) -> CustomerOwner:
    """Who looks after the customer (see domain.orders.access.may_read_customer)."""
    if account is None or account.salesperson_id is None:
        return CustomerOwner(customer_id, None, None)
    person = await session.get(Salesperson, account.salesperson_id)
    return CustomerOwner(customer_id, person.id, person.department_id if person else None)


async def _salesperson_for(
    session: AsyncSession, actor: Actor, cmd: SalesOrderCreate, account: CustomerAccount | None
) -> Salesperson:
    """The order's salesperson: the one given, else the creating salesperson, else the account's."""
    wanted = cmd.salesperson_id
    if wanted is None and actor.salesperson_id is not None:
        wanted = actor.salesperson_id
    if wanted is None and account is not None:
        wanted = account.salesperson_id
    if wanted is None:
        raise refuse(
            ErrorCode.REQUIRED,
            "the customer has no account salesperson; name the order's salesperson",
            "input",
            "salespersonId",
        )
    person = await session.get(Salesperson, wanted)
    if person is None:
        raise refuse(ErrorCode.NOT_FOUND, "no such salesperson", "input", "salespersonId")
    return person


@handles(SalesOrderCreate)
async def create_order(cmd: SalesOrderCreate, actor: Actor, uow: UnitOfWork) -> SalesOrder:
    """A DRAFT order for a customer. Salespeople for their own customers (the account's
    salesperson), managers for their department's salespeople, planners for anyone."""
    s = uow.session
    customer = await s.get(Customer, cmd.customer_id)
    if customer is None or not actor.is_internal:
        raise refuse(ErrorCode.NOT_FOUND, "no such customer", "input", "customerId")
    account = await s.get(CustomerAccount, customer.id)
    if not may_read_customer(actor, await customer_owner(s, customer.id, account)):
        # Not-yours answers like not-found: nobody learns of customers outside their reach.
        raise refuse(ErrorCode.NOT_FOUND, "no such customer", "input", "customerId")
    person = await _salesperson_for(s, actor, cmd, account)
    department = await s.get(Department, person.department_id)
    owner = OrderOwner(department.company_id, customer.id, department.id, person.id)
    if not may_author_order(actor, owner):
        raise refuse(
            ErrorCode.FORBIDDEN,
            "you may not write orders for this salesperson",
            "input",
            "salespersonId",
        )
    own_customer = account is not None and account.salesperson_id == person.id
    if not actor.has(Role.PLANNER, Role.MANAGER) and not own_customer:
        raise refuse(
            ErrorCode.FORBIDDEN,
            "salespeople write orders only for their own customers",
            "input",
            "customerId",
        )
    today = utcnow().date()
    order_date = cmd.order_date or today
    if order_date > today:
        raise refuse(ErrorCode.INVALID, "the order date is in the future", "input", "orderDate")
    reference = clean_text(cmd.customer_reference, MAX_REFERENCE, "input", "customerReference")
    note = clean_text(cmd.note, MAX_NOTE, "input", "note")
    specs = await checked_lines(s, cmd.lines, order_date)
    order = SalesOrder(
        company_id=owner.company_id,
        customer_id=customer.id,
        salesperson_id=person.id,
        department_id=department.id,
        status=OrderStatus.DRAFT,
        order_date=order_date,
        customer_reference=reference,
        note=note,
        created_by=actor.user_id,
    )
    s.add(order)
    await s.flush()
    await insert_lines(s, order.id, specs)
    uow.record(order_event(order, "CREATED", None, kind_of(actor), lines=len(specs)), actor.user_id)
    return order


async def _locked_order(uow: UnitOfWork, actor: Actor, order_id: int, expected: int | None):
    """The order, locked, at the version the client saw."""
    order = await load_visible_order(uow.session, actor, order_id, for_update=True)
    check_expected_version(order, expected)
    return order


@handles(SalesOrderUpdateLines)
async def update_order_lines(
    cmd: SalesOrderUpdateLines, actor: Actor, uow: UnitOfWork
) -> SalesOrder:
    """Replace the lines of a DRAFT order."""
    s = uow.session
    order = await _locked_order(uow, actor, cmd.order_id, cmd.expected_version)
    if not may_author_order(actor, owner_of_order(order)):
        raise refuse(ErrorCode.FORBIDDEN, "you may not edit this order", *ID)
    ORDER_LIFECYCLE.check(OrderAction.EDIT, order.status)
    specs = await checked_lines(s, cmd.lines, order.order_date)
    await s.execute(delete(SalesOrderLine).where(SalesOrderLine.order_id == order.id))
    await insert_lines(s, order.id, specs)
    await uow.change(order, cmd.expected_version)
    event = order_event(order, "LINES_UPDATED", OrderStatus.DRAFT, kind_of(actor), lines=len(specs))
    uow.record(event, actor.user_id)
    return order


async def _move(
    uow: UnitOfWork,
    actor: Actor,
    order: SalesOrder,
    cmd: OrderTransition,
    target: OrderStatus,
    action: str,
    changes: dict | None = None,
    **details,
) -> SalesOrder:
    """Apply a transition's status (timed when it moves) and other `changes`, raise the version
    and record the event with its `details`."""
    before = order.status
    columns = {"status": target, **(changes or {})}
    if target is not before:
        columns["status_changed_at"] = utcnow()
    await uow.change(order, cmd.expected_version, **columns)
    uow.record(order_event(order, action, before, kind_of(actor), **details), actor.user_id)
    return order


async def reasons_for(
    session: AsyncSession, order: SalesOrder
) -> tuple[list[SpecialReason], Decimal]:
    """(special-approval reasons, order amount) of an order about to be submitted."""
    lines = (
        await session.execute(
            select(SalesOrderLine.product_id, SalesOrderLine.unit_price).where(
                SalesOrderLine.order_id == order.id
            )
        )
    ).all()
    if not lines:
        raise refuse(ErrorCode.INVALID, "an order without lines cannot be submitted", *ID)
    amount = await order_amount(session, order.id)
    floors = await price_floors(session, {r.product_id for r in lines}, order.customer_id)
    account = await session.get(CustomerAccount, order.customer_id)
    reasons = special_reasons(
        [PricedLine(r.product_id, r.unit_price) for r in lines],
        order.customer_id,
        floors,
        account.credit_limit if account else None,
        await open_amount(session, order.customer_id, order.id),
        amount,
    )
    return reasons, amount


@handles(SalesOrderSubmit)
async def submit_order(cmd: SalesOrderSubmit, actor: Actor, uow: UnitOfWork) -> SalesOrder:
    """DRAFT → IN_REVIEW (contract review). When a line is priced under its floor or the order
    would take the customer over the credit limit, the special-approval chain starts too."""
    s = uow.session
    order = await _locked_order(uow, actor, cmd.order_id, cmd.expected_version)
    if not may_author_order(actor, owner_of_order(order)):
        raise refuse(ErrorCode.FORBIDDEN, "only the order's author side may submit it", *ID)
    target = ORDER_LIFECYCLE.check(OrderAction.SUBMIT, order.status)
    comment = clean_comment(cmd.comment, *COMMENT)
    reasons, amount = await reasons_for(s, order)
    round_no = order.approval_round
    details: dict = {"comment": comment, "special_approval": bool(reasons)}
    if reasons:
        round_no += 1
        facts = DocumentFacts(amount, None, order.department_id)
        steps = await rounds.start_round(s, ORDER, order.id, round_no, facts, order.company_id)
        details.update(
            round=round_no,
            special_reasons=tuple(r.value for r in reasons),
            **rounds.routing(steps),
        )
    changes = {
        "approval_round": round_no,
        "special_reasons": " ".join(r.value for r in reasons),
    }
    return await _move(uow, actor, order, cmd, target, "SUBMITTED", changes=changes, **details)


async def _special_round(s: AsyncSession, order: SalesOrder) -> list[Step]:
    """The steps of the order's current special approval (empty when none applies)."""
    if not order.special_reasons:
        return []
    return await load_round(s, ORDER, order.id, order.approval_round)


@handles(SalesOrderApprove)
async def approve_order(cmd: SalesOrderApprove, actor: Actor, uow: UnitOfWork) -> SalesOrder:
    """Approve the current special-approval step, by its approver. The order stays IN_REVIEW;
    once the last step approves it can be confirmed."""
    order = await _locked_order(uow, actor, cmd.order_id, cmd.expected_version)
    target = ORDER_LIFECYCLE.check(OrderAction.APPROVE_STEP, order.status)
    nothing_waiting = (
        "no special-approval step is waiting; the order awaits contract review (confirm)"
    )
    if not order.special_reasons:
        raise refuse(ErrorCode.INVALID_TRANSITION, nothing_waiting, *ID)
    comment = clean_comment(cmd.comment, *COMMENT)
    steps, decided = await rounds.approve_step(
        uow.session, ORDER, order.id, order.approval_round, actor, comment, "order", nothing_waiting
    )
    action = "APPROVED" if chains.is_complete(steps) else "STEP_APPROVED"
    details = {"comment": comment, "step": decided.name, "round": order.approval_round}
    return await _move(uow, actor, order, cmd, target, action, **details, **rounds.routing(steps))


@handles(SalesOrderReject)
async def reject_order(cmd: SalesOrderReject, actor: Actor, uow: UnitOfWork) -> SalesOrder:
    """IN_REVIEW → DRAFT with a reason: by the current special-approval step's approver, or by
    a contract reviewer (which ends any special approval still running)."""
    s = uow.session
    order = await _locked_order(uow, actor, cmd.order_id, cmd.expected_version)
    reason = clean_comment(cmd.comment, *REASON)
    if not reason:
        raise refuse(ErrorCode.REQUIRED, "a reason is required to reject", *REASON)
    target = ORDER_LIFECYCLE.check(OrderAction.REJECT, order.status)
    steps = await _special_round(s, order)
    current = chains.current_step(steps)
    details: dict = {"comment": reason}
    if current is not None and current.is_for(actor):
        _, decided = await rounds.reject_step(
            s, ORDER, order.id, order.approval_round, actor, reason, "order"
        )
        details["step"] = decided.name
    elif may_review_contract(actor, owner_of_order(order)):
        if steps:
            await rounds.cancel_round(s, ORDER, order.id, order.approval_round)
    elif current is not None:
        raise refuse(ErrorCode.FORBIDDEN, f"step '{current.name}' is not yours to decide", *ID)
    else:
        raise refuse(ErrorCode.FORBIDDEN, "only a contract reviewer may reject now", *ID)
    return await _move(uow, actor, order, cmd, target, "REJECTED", **details)


@handles(SalesOrderConfirm)
async def confirm_order(cmd: SalesOrderConfirm, actor: Actor, uow: UnitOfWork) -> SalesOrder:
    """IN_REVIEW → CONFIRMED: the contract review passes, after any special approval."""
    order = await _locked_order(uow, actor, cmd.order_id, cmd.expected_version)
    if not may_review_contract(actor, owner_of_order(order)):
        raise refuse(ErrorCode.FORBIDDEN, "only a contract reviewer may confirm", *ID)
    target = ORDER_LIFECYCLE.check(OrderAction.CONFIRM, order.status)
    steps = await _special_round(uow.session, order)
    if steps and not chains.is_complete(steps):
        current = chains.current_step(steps)
        waiting = f"step '{current.name}'" if current else "its approval"
        raise refuse(
            ErrorCode.INVALID_TRANSITION,
            f"the order needs special approval first; waiting for {waiting}",
            *ID,
        )
    comment = clean_comment(cmd.comment, *COMMENT)
    return await _move(uow, actor, order, cmd, target, "CONFIRMED", comment=comment)


async def _operations_move(
    cmd: OrderTransition, actor: Actor, uow: UnitOfWork, action: OrderAction, event: str
) -> SalesOrder:
    """A transition that only planners make and that only moves the status."""
    order = await _locked_order(uow, actor, cmd.order_id, cmd.expected_version)
    if not may_run_operations(actor):
        raise refuse(ErrorCode.FORBIDDEN, "only planners move orders through production", *ID)
    target = ORDER_LIFECYCLE.check(action, order.status)
    comment = clean_comment(cmd.comment, *COMMENT)
    return await _move(uow, actor, order, cmd, target, event, comment=comment)


@handles(SalesOrderStartProduction)
async def start_production(
    cmd: SalesOrderStartProduction, actor: Actor, uow: UnitOfWork
) -> SalesOrder:
    """CONFIRMED → IN_PRODUCTION, by a planner."""
    return await _operations_move(
        cmd, actor, uow, OrderAction.START_PRODUCTION, "PRODUCTION_STARTED"
    )


@handles(SalesOrderMarkReady)
async def mark_ready(cmd: SalesOrderMarkReady, actor: Actor, uow: UnitOfWork) -> SalesOrder:
    """CONFIRMED or IN_PRODUCTION → READY, by a planner."""
    return await _operations_move(cmd, actor, uow, OrderAction.MARK_READY, "READY")


@handles(SalesOrderCancel)
async def cancel_order(cmd: SalesOrderCancel, actor: Actor, uow: UnitOfWork) -> SalesOrder:
    """Any status before shipping → CANCELLED. Before confirmation by the author side or a
    reviewer; after it by a reviewer or planner. Refused once the order has a shipment."""
    s = uow.session
    order = await _locked_order(uow, actor, cmd.order_id, cmd.expected_version)
    owner = owner_of_order(order)
    confirmed = order.status not in (OrderStatus.DRAFT, OrderStatus.IN_REVIEW)
    allowed = may_review_contract(actor, owner) or may_run_operations(actor)
    if not confirmed:
        allowed = allowed or may_author_order(actor, owner)
    if not allowed:
        raise refuse(ErrorCode.FORBIDDEN, "you may not cancel this order", *ID)
    target = ORDER_LIFECYCLE.check(OrderAction.CANCEL, order.status)
    shipments = await s.scalar(
        select(func.count()).select_from(Shipment).where(Shipment.order_id == order.id)
    )
    if shipments:
        raise refuse(
            ErrorCode.INVALID_TRANSITION,
            "the order has shipments planned; it can no longer be cancelled",
            *ID,
        )
    if order.special_reasons:
        await rounds.cancel_round(s, ORDER, order.id, order.approval_round)
    comment = clean_comment(cmd.comment, *REASON)
    return await _move(uow, actor, order, cmd, target, "CANCELLED", comment=comment)


@handles(SalesOrderClose)
async def close_order(cmd: SalesOrderClose, actor: Actor, uow: UnitOfWork) -> SalesOrder:
    """DELIVERED → CLOSED, by a planner, once no return is still open."""
    s = uow.session
    order = await _locked_order(uow, actor, cmd.order_id, cmd.expected_version)
    if not may_run_operations(actor):
        raise refuse(ErrorCode.FORBIDDEN, "only planners close orders", *ID)
    target = ORDER_LIFECYCLE.check(OrderAction.CLOSE, order.status)
    open_returns = await s.scalar(
        select(func.count())
        .select_from(SalesReturn)
        .where(SalesReturn.order_id == order.id, SalesReturn.status == ReturnStatus.REQUESTED)
    )
    if open_returns:
        raise refuse(ErrorCode.INVALID_TRANSITION, "receive the order's open returns first", *ID)
    comment = clean_comment(cmd.comment, *COMMENT)
    return await _move(uow, actor, order, cmd, target, "CLOSED", comment=comment)


async def derive_order_status(
    uow: UnitOfWork, order: SalesOrder, new_status: OrderStatus, actor: Actor, **cause
) -> None:
    """Apply a status the system derived from shipments, with its own order event (actor kind
    SYSTEM), in the caller's transaction; nothing when the status does not change."""
    before = order.status
    if new_status is before:
        return
    await uow.change(order, status=new_status, status_changed_at=utcnow())
    event = order_event(order, new_status.value, before, ActorKind.SYSTEM, **cause)
    uow.record(event, actor.user_id)
