"""Sales order use cases: create, edit lines, and the person-made transitions (submit with contract
review and special approval, approve, reject, confirm, start production, mark ready, cancel, close).

Each one runs in one unit of work: load the order (NOT_FOUND when out of reach), check the state
machine and the actor's right, change the order, raise its version (CONFLICT when someone changed
it first), write exactly one event on `SalesOrder:<id>` and commit.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain import approval
from domain.access import Actor, Role
from domain.approval import DocumentFacts, DocumentType, Step, UnresolvedApprover
from domain.errors import DomainError, DomainRefusal, ErrorCode
from domain.orders.access import (
    OrderOwner,
    may_author_order,
    may_read_order,
    may_review_contract,
    may_run_operations,
)
from domain.orders.lifecycle import (
    OPEN_STATUSES,
    OrderAction,
    OrderStatus,
    refusal_reason,
    target_of,
)
from domain.orders.lines import OrderLineDraft, OrderLineSpec, validate_order_lines
from domain.orders.special_approval import PricedLine, special_reasons
from domain.returns import ReturnStatus
from domain.services.plan_approval import clean_comment, refuse, steps_payload
from domain.store.approvals import load_policy, load_round, organisation_for, save_round
from domain.store.order_events import ActorKind, kind_of, record_order_event
from domain.store.tables import (
    Customer,
    CustomerAccount,
    Department,
    PriceFloor,
    Product,
    SalesOrder,
    SalesOrderLine,
    Salesperson,
    SalesReturn,
    Shipment,
)
from domain.store.types import utcnow
from domain.store.uow import UnitOfWork
from domain.store.versioning import bump_version, check_expected_version

ORDER = DocumentType.SALES_ORDER
ID = ("input", "id")
MAX_REFERENCE = 100
MAX_NOTE = 2000


@dataclass(frozen=True)
class OrderCreate:
    customer_id: int
    lines: Sequence[OrderLineDraft] = ()
    salesperson_id: int | None = None
    order_date: date | None = None
    customer_reference: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class OrderLinesUpdate:
    order_id: int
    lines: Sequence[OrderLineDraft]
    expected_version: int | None = None


@dataclass(frozen=True)
class OrderTransition:
    order_id: int
    expected_version: int | None = None
    comment: str | None = None


@dataclass
class OrderResult:
    """The order as committed (None when refused) and the reasons for a refusal."""

    order: SalesOrder | None = None
    errors: list[DomainError] = field(default_factory=list)


def owner_of_order(order: SalesOrder) -> OrderOwner:
    return OrderOwner(
        order.company_id, order.customer_id, order.department_id, order.salesperson_id
    )


async def load_visible_order(
    session: AsyncSession,
    actor: Actor,
    order_id: int,
    *,
    for_update: bool = False,
    field: tuple[str, ...] = ID,
) -> SalesOrder:
    """The order if the actor may read it; otherwise NOT_FOUND, exactly as if it did not exist."""
    stmt = select(SalesOrder).where(SalesOrder.id == order_id)
    if for_update:
        stmt = stmt.with_for_update()
    order = (await session.execute(stmt)).scalar_one_or_none()
    if order is None or not may_read_order(actor, owner_of_order(order)):
        raise DomainRefusal(DomainError(ErrorCode.NOT_FOUND, "no such sales order", field))
    return order


def clean_text(text: str | None, limit: int, *path: str) -> str | None:
    if text is None:
        return None
    text = text.strip()
    if len(text) > limit:
        raise refuse(ErrorCode.INVALID, f"at most {limit} characters", *path)
    return text or None


async def list_prices(session: AsyncSession, product_ids: set[int]) -> dict[int, Decimal]:
    if not product_ids:
        return {}
    rows = await session.execute(
        select(Product.id, Product.list_price).where(Product.id.in_(product_ids))
    )
    return {r.id: r.list_price for r in rows}


async def checked_lines(
    session: AsyncSession, drafts: Sequence[OrderLineDraft], order_date: date
) -> list[OrderLineSpec]:
    prices = await list_prices(session, {d.product_id for d in drafts})
    specs, errors = validate_order_lines(drafts, order_date, prices)
    if errors:
        raise DomainRefusal(*errors)
    return specs


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


async def _salesperson_for(
    session: AsyncSession, actor: Actor, cmd: OrderCreate, account: CustomerAccount | None
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


async def create_order(engine: AsyncEngine, actor: Actor, cmd: OrderCreate) -> OrderResult:
    """A DRAFT order for a customer. Salespeople for their own customers (the account's
    salesperson), managers for their department's salespeople, planners for anyone."""
    try:
        async with UnitOfWork(engine) as uow:
            s = uow.session
            customer = await s.get(Customer, cmd.customer_id)
            if customer is None or not actor.is_internal:
                raise refuse(ErrorCode.NOT_FOUND, "no such customer", "input", "customerId")
            account = await s.get(CustomerAccount, customer.id)
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
                raise refuse(
                    ErrorCode.INVALID, "the order date is in the future", "input", "orderDate"
                )
            reference = clean_text(
                cmd.customer_reference, MAX_REFERENCE, "input", "customerReference"
            )
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
            await record_order_event(
                s, order, "CREATED", None, actor.user_id, kind_of(actor), {"lines": len(specs)}
            )
            await uow.commit()
            return OrderResult(order=order)
    except DomainRefusal as refusal:
        return OrderResult(errors=refusal.errors)


async def update_order_lines(
    engine: AsyncEngine, actor: Actor, cmd: OrderLinesUpdate
) -> OrderResult:
    """Replace the lines of a DRAFT order."""
    try:
        async with UnitOfWork(engine) as uow:
            s = uow.session
            order = await load_visible_order(s, actor, cmd.order_id, for_update=True)
            check_expected_version(order, cmd.expected_version, "order")
            if not may_author_order(actor, owner_of_order(order)):
                raise refuse(ErrorCode.FORBIDDEN, "you may not edit this order", *ID)
            if order.status is not OrderStatus.DRAFT:
                raise refuse(
                    ErrorCode.READ_ONLY,
                    f"a {order.status.value} order's lines cannot change; only a DRAFT's can",
                    *ID,
                )
            specs = await checked_lines(s, cmd.lines, order.order_date)
            await s.execute(delete(SalesOrderLine).where(SalesOrderLine.order_id == order.id))
            await insert_lines(s, order.id, specs)
            await bump_version(s, SalesOrder, order, cmd.expected_version, "order")
            await record_order_event(
                s,
                order,
                "LINES_UPDATED",
                OrderStatus.DRAFT,
                actor.user_id,
                kind_of(actor),
                {"lines": len(specs)},
            )
            await uow.commit()
            return OrderResult(order=order)
    except DomainRefusal as refusal:
        return OrderResult(errors=refusal.errors)


# act(session, order) -> (event type, event payload, column changes)
Act = Callable[[AsyncSession, SalesOrder], Awaitable[tuple[str, dict, dict]]]


async def _transition(
    engine: AsyncEngine, actor: Actor, cmd: OrderTransition, act: Act
) -> OrderResult:
    """Run one transition in a unit of work, with its version bump and its one event."""
    try:
        async with UnitOfWork(engine) as uow:
            s = uow.session
            order = await load_visible_order(s, actor, cmd.order_id, for_update=True)
            check_expected_version(order, cmd.expected_version, "order")
            before = order.status
            event_type, payload, changes = await act(s, order)
            if changes.get("status", before) is not before:
                changes["status_changed_at"] = utcnow()
            await bump_version(s, SalesOrder, order, cmd.expected_version, "order", **changes)
            await record_order_event(
                s, order, event_type, before, actor.user_id, kind_of(actor), payload
            )
            await uow.commit()
            return OrderResult(order=order)
    except DomainRefusal as refusal:
        return OrderResult(errors=refusal.errors)


def _check_action(action: OrderAction, order: SalesOrder) -> OrderStatus:
    target = target_of(action, order.status)
    if target is None:
        raise refuse(ErrorCode.INVALID_TRANSITION, refusal_reason(action, order.status), *ID)
    return target


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
    rows = await session.execute(
        select(PriceFloor.product_id, PriceFloor.customer_id, PriceFloor.min_unit_price).where(
            PriceFloor.product_id.in_(product_ids),
            (PriceFloor.customer_id == customer_id) | PriceFloor.customer_id.is_(None),
        )
    )
    return {(r.product_id, r.customer_id): r.min_unit_price for r in rows}


async def reasons_for(session: AsyncSession, order: SalesOrder) -> tuple[list, Decimal]:
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


async def submit_order(engine: AsyncEngine, actor: Actor, cmd: OrderTransition) -> OrderResult:
    """DRAFT → IN_REVIEW (contract review). When a line is priced under its floor or the order
    would take the customer over the credit limit, the special-approval chain starts too."""

    async def act(s: AsyncSession, order: SalesOrder):
        if not may_author_order(actor, owner_of_order(order)):
            raise refuse(ErrorCode.FORBIDDEN, "only the order's author side may submit it", *ID)
        target = _check_action(OrderAction.SUBMIT, order)
        comment = clean_comment(cmd.comment, "input", "comment")
        reasons, amount = await reasons_for(s, order)
        round_no = order.approval_round
        payload: dict = {"comment": comment, "specialApproval": bool(reasons)}
        if reasons:
            policy = await load_policy(s, ORDER)
            org = await organisation_for(s, order.company_id, order.department_id)
            try:
                steps = approval.start_round(
                    policy, DocumentFacts(amount, None, order.department_id), org
                )
            except UnresolvedApprover as e:
                raise refuse(ErrorCode.INVALID, str(e), *ID) from e
            round_no += 1
            await save_round(s, ORDER, order.id, round_no, steps)
            payload.update(
                {
                    "round": round_no,
                    "specialReasons": [r.value for r in reasons],
                    **steps_payload(steps),
                }
            )
        changes = {
            "status": target,
            "approval_round": round_no,
            "special_reasons": " ".join(r.value for r in reasons),
        }
        return "SUBMITTED", payload, changes

    return await _transition(engine, actor, cmd, act)


async def _special_round(s: AsyncSession, order: SalesOrder) -> list[Step]:
    """The steps of the order's current special approval (empty when none applies)."""
    if not order.special_reasons:
        return []
    return await load_round(s, ORDER, order.id, order.approval_round)


async def approve_order(engine: AsyncEngine, actor: Actor, cmd: OrderTransition) -> OrderResult:
    """Approve the current special-approval step, by its approver. The order stays IN_REVIEW;
    once the last step approves it can be confirmed."""

    async def act(s: AsyncSession, order: SalesOrder):
        if order.status is not OrderStatus.IN_REVIEW:
            raise refuse(
                ErrorCode.INVALID_TRANSITION,
                f"a {order.status.value} order has no approval step waiting",
                *ID,
            )
        steps = await _special_round(s, order)
        current = approval.current_step(steps)
        if current is None:
            raise refuse(
                ErrorCode.INVALID_TRANSITION,
                "no special-approval step is waiting; the order awaits contract review (confirm)",
                *ID,
            )
        if not current.is_for(actor):
            if approval.already_approved_by(steps, actor):
                raise refuse(
                    ErrorCode.INVALID_TRANSITION,
                    f"you already approved this order; step '{current.name}' is waiting for "
                    "someone else",
                    *ID,
                )
            raise refuse(ErrorCode.FORBIDDEN, f"step '{current.name}' is not yours to decide", *ID)
        comment = clean_comment(cmd.comment, "input", "comment")
        policy = await load_policy(s, ORDER)
        steps = approval.approve_current(
            steps, actor, comment, skip_repeated=policy.skip_repeated_approver
        )
        await save_round(s, ORDER, order.id, order.approval_round, steps)
        event = "APPROVED" if approval.is_complete(steps) else "STEP_APPROVED"
        payload = {"comment": comment, "step": current.name, "round": order.approval_round}
        return event, {**payload, **steps_payload(steps)}, {}

    return await _transition(engine, actor, cmd, act)


async def reject_order(engine: AsyncEngine, actor: Actor, cmd: OrderTransition) -> OrderResult:
    """IN_REVIEW → DRAFT with a reason: by the current special-approval step's approver, or by
    a contract reviewer (which ends any special approval still running)."""

    async def act(s: AsyncSession, order: SalesOrder):
        reason = clean_comment(cmd.comment, "input", "reason")
        if not reason:
            raise refuse(ErrorCode.REQUIRED, "a reason is required to reject", "input", "reason")
        target = _check_action(OrderAction.REJECT, order)
        steps = await _special_round(s, order)
        current = approval.current_step(steps)
        payload: dict = {"comment": reason}
        if current is not None and current.is_for(actor):
            steps = approval.reject_current(steps, actor, reason)
            payload["step"] = current.name
        elif may_review_contract(actor, owner_of_order(order)):
            steps = approval.cancel_round(steps)
        elif current is not None:
            raise refuse(ErrorCode.FORBIDDEN, f"step '{current.name}' is not yours to decide", *ID)
        else:
            raise refuse(ErrorCode.FORBIDDEN, "only a contract reviewer may reject now", *ID)
        if steps:
            await save_round(s, ORDER, order.id, order.approval_round, steps)
        return "REJECTED", payload, {"status": target}

    return await _transition(engine, actor, cmd, act)


async def confirm_order(engine: AsyncEngine, actor: Actor, cmd: OrderTransition) -> OrderResult:
    """IN_REVIEW → CONFIRMED: the contract review passes, after any special approval."""

    async def act(s: AsyncSession, order: SalesOrder):
        if not may_review_contract(actor, owner_of_order(order)):
            raise refuse(ErrorCode.FORBIDDEN, "only a contract reviewer may confirm", *ID)
        target = _check_action(OrderAction.CONFIRM, order)
        steps = await _special_round(s, order)
        if steps and not approval.is_complete(steps):
            current = approval.current_step(steps)
            waiting = f"step '{current.name}'" if current else "its approval"
            raise refuse(
                ErrorCode.INVALID_TRANSITION,
                f"the order needs special approval first; waiting for {waiting}",
                *ID,
            )
        return (
            "CONFIRMED",
            {"comment": clean_comment(cmd.comment, "input", "comment")},
            {"status": target},
        )

    return await _transition(engine, actor, cmd, act)


def _operations(action: OrderAction, event_type: str):
    """A transition that only planners make and that only moves the status."""

    async def run(engine: AsyncEngine, actor: Actor, cmd: OrderTransition) -> OrderResult:
        async def act(s: AsyncSession, order: SalesOrder):
            if not may_run_operations(actor):
                raise refuse(
                    ErrorCode.FORBIDDEN, "only planners move orders through production", *ID
                )
            target = _check_action(action, order)
            comment = clean_comment(cmd.comment, "input", "comment")
            return event_type, {"comment": comment}, {"status": target}

        return await _transition(engine, actor, cmd, act)

    return run


start_production = _operations(OrderAction.START_PRODUCTION, "PRODUCTION_STARTED")
mark_ready = _operations(OrderAction.MARK_READY, "READY")


async def cancel_order(engine: AsyncEngine, actor: Actor, cmd: OrderTransition) -> OrderResult:
    """Any status before shipping → CANCELLED. Before confirmation by the author side or a
    reviewer; after it by a reviewer or planner. Refused once the order has a shipment."""

    async def act(s: AsyncSession, order: SalesOrder):
        owner = owner_of_order(order)
        confirmed = order.status not in (OrderStatus.DRAFT, OrderStatus.IN_REVIEW)
        allowed = may_review_contract(actor, owner) or may_run_operations(actor)
        if not confirmed:
            allowed = allowed or may_author_order(actor, owner)
        if not allowed:
            raise refuse(ErrorCode.FORBIDDEN, "you may not cancel this order", *ID)
        target = _check_action(OrderAction.CANCEL, order)
        shipments = await s.scalar(
            select(func.count()).select_from(Shipment).where(Shipment.order_id == order.id)
        )
        if shipments:
            raise refuse(
                ErrorCode.INVALID_TRANSITION,
                "the order has shipments planned; it can no longer be cancelled",
                *ID,
            )
        steps = await _special_round(s, order)
        if approval.current_step(steps) is not None:
            await save_round(s, ORDER, order.id, order.approval_round, approval.cancel_round(steps))
        return (
            "CANCELLED",
            {"comment": clean_comment(cmd.comment, "input", "reason")},
            {"status": target},
        )

    return await _transition(engine, actor, cmd, act)


async def close_order(engine: AsyncEngine, actor: Actor, cmd: OrderTransition) -> OrderResult:
    """DELIVERED → CLOSED, by a planner, once no return is still open."""

    async def act(s: AsyncSession, order: SalesOrder):
        if not may_run_operations(actor):
            raise refuse(ErrorCode.FORBIDDEN, "only planners close orders", *ID)
        target = _check_action(OrderAction.CLOSE, order)
        open_returns = await s.scalar(
            select(func.count())
            .select_from(SalesReturn)
            .where(SalesReturn.order_id == order.id, SalesReturn.status == ReturnStatus.REQUESTED)
        )
        if open_returns:
            raise refuse(
                ErrorCode.INVALID_TRANSITION, "receive the order's open returns first", *ID
            )
        return (
            "CLOSED",
            {"comment": clean_comment(cmd.comment, "input", "comment")},
            {"status": target},
        )

    return await _transition(engine, actor, cmd, act)


async def derive_order_status(
    s: AsyncSession, order: SalesOrder, new_status: OrderStatus, actor: Actor, cause: dict
) -> None:
    """Apply a status the system derived from shipments, with its own order event (actor kind
    SYSTEM), in the caller's transaction; nothing when the status does not change."""
    before = order.status
    if new_status is before:
        return
    await bump_version(
        s, SalesOrder, order, None, "order", status=new_status, status_changed_at=utcnow()
    )
    await record_order_event(
        s, order, new_status.value, before, actor.user_id, ActorKind.SYSTEM, cause
    )
