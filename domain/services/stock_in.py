"""Finished-goods stock-in use cases (成品合格品办理入库): request, approve and reject through the
STOCK_IN approval policy (default: the VP in charge), post into stock.

Each action runs in one unit of work with a version bump and one event on `StockIn:<id>`.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain import approval
from domain.access import Actor
from domain.approval import DocumentFacts, DocumentType, UnresolvedApprover
from domain.errors import DomainError, DomainRefusal, ErrorCode
from domain.orders.access import may_run_operations
from domain.services.plan_approval import clean_comment, refuse, steps_payload
from domain.services.sales_orders import clean_text, load_visible_order
from domain.stock import MAX_QC_REFERENCE, MovementKind, StockInStatus, valid_quantity
from domain.store.approvals import load_policy, load_round, organisation_for, save_round
from domain.store.order_events import record_stock_in_event
from domain.store.stock_ledger import move_stock
from domain.store.tables import Product, StockIn
from domain.store.types import utcnow
from domain.store.uow import UnitOfWork
from domain.store.versioning import bump_version, check_expected_version

STOCK_IN = DocumentType.STOCK_IN
ID = ("input", "id")
MAX_NOTE = 2000


@dataclass(frozen=True)
class StockInRequest:
    product_id: int
    quantity: Decimal
    qc_reference: str
    sales_order_id: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class StockInAct:
    stock_in_id: int
    expected_version: int | None = None
    comment: str | None = None


@dataclass
class StockInResult:
    stock_in: StockIn | None = None
    errors: list[DomainError] = field(default_factory=list)


async def request_stock_in(engine: AsyncEngine, actor: Actor, cmd: StockInRequest) -> StockInResult:
    """A REQUESTED stock-in of QC-passed goods, by a planner; its approval round starts at once
    (APPROVED straight away when no step of the policy applies)."""
    try:
        async with UnitOfWork(engine) as uow:
            s = uow.session
            if not may_run_operations(actor) or actor.company_id is None:
                raise refuse(ErrorCode.FORBIDDEN, "only planners request stock-ins", "input")
            product = await s.get(Product, cmd.product_id)
            if product is None:
                raise refuse(ErrorCode.NOT_FOUND, "no such product", "input", "productId")
            if not valid_quantity(cmd.quantity):
                raise refuse(
                    ErrorCode.INVALID,
                    "quantity must be > 0 with at most 3 decimals",
                    "input",
                    "quantity",
                )
            qc = clean_text(cmd.qc_reference, MAX_QC_REFERENCE, "input", "qcReference")
            if not qc:
                raise refuse(
                    ErrorCode.REQUIRED, "the QC reference is required", "input", "qcReference"
                )
            note = clean_text(cmd.note, MAX_NOTE, "input", "note")
            department_id = None
            if cmd.sales_order_id is not None:
                order = await load_visible_order(
                    s, actor, cmd.sales_order_id, field=("input", "salesOrderId")
                )
                department_id = order.department_id
            policy = await load_policy(s, STOCK_IN)
            org = await organisation_for(s, actor.company_id, department_id)
            facts = DocumentFacts(Decimal("0.00"), None, department_id)
            try:
                steps = approval.start_round(policy, facts, org)
            except UnresolvedApprover as e:
                raise refuse(ErrorCode.INVALID, str(e), "input") from e
            done = approval.is_complete(steps)
            stock_in = StockIn(
                company_id=actor.company_id,
                product_id=product.id,
                quantity=cmd.quantity,
                qc_reference=qc,
                sales_order_id=cmd.sales_order_id,
                status=StockInStatus.APPROVED if done else StockInStatus.REQUESTED,
                approval_round=1,
                note=note,
                requested_by=actor.user_id,
            )
            s.add(stock_in)
            await s.flush()
            await save_round(s, STOCK_IN, stock_in.id, 1, steps)
            await record_stock_in_event(
                s,
                stock_in,
                "REQUESTED",
                None,
                actor,
                {"qcReference": qc, "round": 1, **steps_payload(steps)},
            )
            await uow.commit()
            return StockInResult(stock_in=stock_in)
    except DomainRefusal as refusal:
        return StockInResult(errors=refusal.errors)


Act = Callable[[AsyncSession, StockIn], Awaitable[tuple[str, dict, dict]]]


async def _act(engine: AsyncEngine, actor: Actor, cmd: StockInAct, act: Act) -> StockInResult:
    try:
        async with UnitOfWork(engine) as uow:
            s = uow.session
            stock_in = (
                await s.execute(
                    select(StockIn).where(StockIn.id == cmd.stock_in_id).with_for_update()
                )
            ).scalar_one_or_none()
            if stock_in is None or not actor.is_internal or stock_in.company_id != actor.company_id:
                raise refuse(ErrorCode.NOT_FOUND, "no such stock-in", *ID)
            check_expected_version(stock_in, cmd.expected_version, "stock-in")
            before = stock_in.status
            event_type, payload, changes = await act(s, stock_in)
            await bump_version(s, StockIn, stock_in, cmd.expected_version, "stock-in", **changes)
            await record_stock_in_event(s, stock_in, event_type, before, actor, payload)
            await uow.commit()
            return StockInResult(stock_in=stock_in)
    except DomainRefusal as refusal:
        return StockInResult(errors=refusal.errors)


async def _current_round(s: AsyncSession, actor: Actor, stock_in: StockIn):
    if stock_in.status is not StockInStatus.REQUESTED:
        raise refuse(
            ErrorCode.INVALID_TRANSITION,
            f"a {stock_in.status.value} stock-in has no approval step waiting",
            *ID,
        )
    steps = await load_round(s, STOCK_IN, stock_in.id, stock_in.approval_round)
    current = approval.current_step(steps)
    if current is None:
        raise refuse(ErrorCode.INVALID_TRANSITION, "no approval step is waiting", *ID)
    if not current.is_for(actor):
        raise refuse(ErrorCode.FORBIDDEN, f"step '{current.name}' is not yours to decide", *ID)
    return steps, current


async def approve_stock_in(engine: AsyncEngine, actor: Actor, cmd: StockInAct) -> StockInResult:
    """Approve the current step; the stock-in is APPROVED when no applicable step is left."""

    async def act(s: AsyncSession, stock_in: StockIn):
        steps, current = await _current_round(s, actor, stock_in)
        comment = clean_comment(cmd.comment, "input", "comment")
        policy = await load_policy(s, STOCK_IN)
        steps = approval.approve_current(
            steps, actor, comment, skip_repeated=policy.skip_repeated_approver
        )
        await save_round(s, STOCK_IN, stock_in.id, stock_in.approval_round, steps)
        done = approval.is_complete(steps)
        payload = {"comment": comment, "step": current.name, **steps_payload(steps)}
        changes = {"status": StockInStatus.APPROVED} if done else {}
        return ("APPROVED" if done else "STEP_APPROVED"), payload, changes

    return await _act(engine, actor, cmd, act)


async def reject_stock_in(engine: AsyncEngine, actor: Actor, cmd: StockInAct) -> StockInResult:
    """The current step's approver refuses the stock-in, with a reason: REJECTED (final; a new
    request is needed)."""

    async def act(s: AsyncSession, stock_in: StockIn):
        reason = clean_comment(cmd.comment, "input", "reason")
        if not reason:
            raise refuse(ErrorCode.REQUIRED, "a reason is required to reject", "input", "reason")
        steps, current = await _current_round(s, actor, stock_in)
        steps = approval.reject_current(steps, actor, reason)
        await save_round(s, STOCK_IN, stock_in.id, stock_in.approval_round, steps)
        payload = {"comment": reason, "step": current.name}
        return "REJECTED", payload, {"status": StockInStatus.REJECTED}

    return await _act(engine, actor, cmd, act)


async def post_stock_in(engine: AsyncEngine, actor: Actor, cmd: StockInAct) -> StockInResult:
    """APPROVED → POSTED: on-hand rises by the quantity, with its ledger row."""

    async def act(s: AsyncSession, stock_in: StockIn):
        if not may_run_operations(actor):
            raise refuse(ErrorCode.FORBIDDEN, "only planners post stock-ins", *ID)
        if stock_in.status is not StockInStatus.APPROVED:
            raise refuse(
                ErrorCode.INVALID_TRANSITION,
                f"only an APPROVED stock-in can be posted, not a {stock_in.status.value} one",
                *ID,
            )
        balance = await move_stock(
            s,
            stock_in.product_id,
            MovementKind.RECEIPT,
            stock_in.quantity,
            actor.user_id,
            stock_in_id=stock_in.id,
        )
        payload = {"onHandAfter": str(balance)}
        return "POSTED", payload, {"status": StockInStatus.POSTED, "posted_at": utcnow()}

    return await _act(engine, actor, cmd, act)
