"""Finished-goods stock-in use cases (成品合格品办理入库): stockInRequest, stockInApprove and
stockInReject through the STOCK_IN approval policy (default: the VP in charge), stockInPost.

Each action has a version bump and one event on `StockIn:<id>`.
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from domain.access import Actor
from domain.amounts import quantity_problem
from domain.approvals import chains
from domain.approvals.chains import DocumentFacts, DocumentType
from domain.errors import ErrorCode, refuse
from domain.orders.access import may_run_operations
from domain.orders.events import kind_of
from domain.services.approvals import rounds
from domain.services.pipeline import handles
from domain.stock.events import StockInEvent
from domain.stock.ledger import MovementKind
from domain.stock.lifecycle import (
    MAX_QC_REFERENCE,
    STOCK_IN_LIFECYCLE,
    StockInAction,
    StockInStatus,
)
from domain.store.orders.repository import load_visible_order
from domain.store.stock.ledger import move_stock
from domain.store.tables import Product, StockIn
from domain.store.types import utcnow
from domain.store.uow import UnitOfWork
from domain.store.versioning import check_expected_version
from domain.text import clean_comment, clean_text

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
    """The fields of an action on one stock-in; each mutation has its own subclass."""

    stock_in_id: int
    expected_version: int | None = None
    comment: str | None = None


class StockInApprove(StockInAct):
    pass


class StockInReject(StockInAct):
    """`comment` is the reason (required)."""


class StockInPost(StockInAct):
    pass


def stock_in_event(
    stock_in: StockIn, action: str, before: StockInStatus | None, actor: Actor, **details
) -> StockInEvent:
    return StockInEvent(
        document_id=stock_in.id,
        action=action,
        from_status=before,
        to_status=stock_in.status,
        stock_in_id=stock_in.id,
        product_id=stock_in.product_id,
        quantity=stock_in.quantity,
        order_id=stock_in.sales_order_id,
        actor_kind=kind_of(actor),
        **details,
    )


@handles(StockInRequest)
async def request_stock_in(cmd: StockInRequest, actor: Actor, uow: UnitOfWork) -> StockIn:
    """A REQUESTED stock-in of QC-passed goods, by a planner; its approval round starts at once
    (APPROVED straight away when no step of the policy applies)."""
    s = uow.session
    if not may_run_operations(actor) or actor.company_id is None:
        raise refuse(ErrorCode.FORBIDDEN, "only planners request stock-ins", "input")
    product = await s.get(Product, cmd.product_id)
    if product is None:
        raise refuse(ErrorCode.NOT_FOUND, "no such product", "input", "productId")
    if problem := quantity_problem(cmd.quantity, zero_allowed=False):
        raise refuse(ErrorCode.INVALID, problem, "input", "quantity")
    qc = clean_text(cmd.qc_reference, MAX_QC_REFERENCE, "input", "qcReference")
    if not qc:
        raise refuse(ErrorCode.REQUIRED, "the QC reference is required", "input", "qcReference")
    note = clean_text(cmd.note, MAX_NOTE, "input", "note")
    department_id = None
    if cmd.sales_order_id is not None:
        order = await load_visible_order(
            s, actor, cmd.sales_order_id, field=("input", "salesOrderId")
        )
        department_id = order.department_id
    stock_in = StockIn(
        company_id=actor.company_id,
        product_id=product.id,
        quantity=cmd.quantity,
        qc_reference=qc,
        sales_order_id=cmd.sales_order_id,
        status=StockInStatus.REQUESTED,
        approval_round=1,
        note=note,
        requested_by=actor.user_id,
    )
    s.add(stock_in)
    await s.flush()
    facts = DocumentFacts(Decimal("0.00"), None, department_id)
    steps = await rounds.start_round(
        s, STOCK_IN, stock_in.id, 1, facts, actor.company_id, ("input",)
    )
    if chains.is_complete(steps):  # no step applies: approved as it is written
        stock_in.status = STOCK_IN_LIFECYCLE.check(StockInAction.APPROVE, stock_in.status)
        await s.flush()
    event = stock_in_event(
        stock_in, "REQUESTED", None, actor, qc_reference=qc, round=1, **rounds.routing(steps)
    )
    uow.record(event, actor.user_id)
    return stock_in


async def _locked_stock_in(uow: UnitOfWork, actor: Actor, cmd: StockInAct) -> StockIn:
    """The stock-in, locked, at the version the client saw; NOT_FOUND for partners and other
    companies."""
    stock_in = (
        await uow.session.execute(
            select(StockIn).where(StockIn.id == cmd.stock_in_id).with_for_update()
        )
    ).scalar_one_or_none()
    if stock_in is None or not actor.is_internal or stock_in.company_id != actor.company_id:
        raise refuse(ErrorCode.NOT_FOUND, "no such stock-in", *ID)
    check_expected_version(stock_in, cmd.expected_version)
    return stock_in


@handles(StockInApprove)
async def approve_stock_in(cmd: StockInApprove, actor: Actor, uow: UnitOfWork) -> StockIn:
    """Approve the current step; the stock-in is APPROVED when no applicable step is left."""
    stock_in = await _locked_stock_in(uow, actor, cmd)
    STOCK_IN_LIFECYCLE.check(StockInAction.APPROVE_STEP, stock_in.status)
    comment = clean_comment(cmd.comment, "input", "comment")
    steps, decided = await rounds.approve_step(
        uow.session, STOCK_IN, stock_in.id, stock_in.approval_round, actor, comment, "stock-in"
    )
    done = chains.is_complete(steps)
    action = StockInAction.APPROVE if done else StockInAction.APPROVE_STEP
    before = stock_in.status
    target = STOCK_IN_LIFECYCLE.check(action, before)
    await uow.change(stock_in, cmd.expected_version, status=target)
    event = stock_in_event(
        stock_in,
        "APPROVED" if done else "STEP_APPROVED",
        before,
        actor,
        comment=comment,
        step=decided.name,
        **rounds.routing(steps),
    )
    uow.record(event, actor.user_id)
    return stock_in


@handles(StockInReject)
async def reject_stock_in(cmd: StockInReject, actor: Actor, uow: UnitOfWork) -> StockIn:
    """The current step's approver refuses the stock-in, with a reason: REJECTED (final; a new
    request is needed)."""
    stock_in = await _locked_stock_in(uow, actor, cmd)
    reason = clean_comment(cmd.comment, "input", "reason")
    if not reason:
        raise refuse(ErrorCode.REQUIRED, "a reason is required to reject", "input", "reason")
    before = stock_in.status
    target = STOCK_IN_LIFECYCLE.check(StockInAction.REJECT, before)
    _, decided = await rounds.reject_step(
        uow.session, STOCK_IN, stock_in.id, stock_in.approval_round, actor, reason, "stock-in"
    )
    await uow.change(stock_in, cmd.expected_version, status=target)
    event = stock_in_event(stock_in, "REJECTED", before, actor, comment=reason, step=decided.name)
    uow.record(event, actor.user_id)
    return stock_in


@handles(StockInPost)
async def post_stock_in(cmd: StockInPost, actor: Actor, uow: UnitOfWork) -> StockIn:
    """APPROVED → POSTED: on-hand rises by the quantity, with its ledger row."""
    stock_in = await _locked_stock_in(uow, actor, cmd)
    if not may_run_operations(actor):
        raise refuse(ErrorCode.FORBIDDEN, "only planners post stock-ins", *ID)
    before = stock_in.status
    target = STOCK_IN_LIFECYCLE.check(StockInAction.POST, before)
    balance = await move_stock(
        uow.session,
        stock_in.product_id,
        MovementKind.RECEIPT,
        stock_in.quantity,
        actor.user_id,
        stock_in_id=stock_in.id,
    )
    await uow.change(stock_in, cmd.expected_version, status=target, posted_at=utcnow())
    event = stock_in_event(
        stock_in, "POSTED", before, actor, comment=cmd.comment, on_hand_after=balance
    )
    uow.record(event, actor.user_id)
    return stock_in
