"""Sales plan transitions: salesPlanSubmit, salesPlanApprove, salesPlanReject, salesPlanWithdraw,
salesPlanRevise.

Each one: load the plan (NOT_FOUND if out of reach), check the actor's right and the life-cycle
table, change the plan and its approval steps, raise its version (CONFLICT when someone changed
it first) and record one event (its history entry).
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Actor
from domain.approvals import chains
from domain.approvals.chains import DocumentFacts, DocumentType
from domain.errors import ErrorCode, refuse
from domain.plans.access import may_author_plan
from domain.plans.allocation import allocation_gap, roll_up
from domain.plans.events import GapEntry
from domain.plans.hierarchy import CHILD_KIND
from domain.plans.lifecycle import PLAN_LIFECYCLE, PlanAction, PlanStatus
from domain.services.approvals import rounds
from domain.services.pipeline import handles
from domain.services.plans.events import plan_event
from domain.store.approvals import load_round
from domain.store.plans.repository import (
    live_children,
    load_visible_plan,
    owner_of,
    plan_targets,
    plan_totals,
)
from domain.store.tables import SalesPlan, SalesPlanLine
from domain.store.uow import UnitOfWork
from domain.store.versioning import check_expected_version
from domain.text import clean_comment

PLAN = DocumentType.SALES_PLAN
ID = ("input", "id")


@dataclass(frozen=True)
class SalesPlanSubmit:
    plan_id: int
    expected_version: int | None = None
    comment: str | None = None
    accept_allocation_gap: bool = False


@dataclass(frozen=True)
class SalesPlanApprove:
    plan_id: int
    expected_version: int | None = None
    comment: str | None = None


@dataclass(frozen=True)
class SalesPlanReject:
    plan_id: int
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True)
class SalesPlanWithdraw:
    plan_id: int
    expected_version: int | None = None
    comment: str | None = None


@dataclass(frozen=True)
class SalesPlanRevise:
    plan_id: int
    expected_version: int | None = None
    comment: str | None = None


async def _locked_plan(uow: UnitOfWork, actor: Actor, cmd) -> SalesPlan:
    """The plan, locked, at the version the client saw."""
    plan = await load_visible_plan(uow.session, actor, cmd.plan_id, for_update=True)
    check_expected_version(plan, cmd.expected_version)
    return plan


def _author_side_only(actor: Actor, plan: SalesPlan, what: str) -> None:
    if not may_author_plan(actor, owner_of(plan)):
        raise refuse(ErrorCode.FORBIDDEN, f"only the plan's author side may {what} it", *ID)


async def _allocation_gap(s: AsyncSession, plan: SalesPlan) -> list[GapEntry]:
    """Where the plan's live children do not add up to its targets (empty without children)."""
    if plan.owner_kind not in CHILD_KIND:
        return []
    children = await live_children(s, plan.id)
    if not children:
        return []
    targets = await plan_targets(s, [plan.id, *children])
    gap = allocation_gap(targets[plan.id], roll_up(targets[c] for c in children))
    return [
        GapEntry(product_id=product, period=period, quantity=a.quantity, amount=a.amount)
        for (product, period), a in gap.items()
    ]


@handles(SalesPlanSubmit)
async def submit_plan(cmd: SalesPlanSubmit, actor: Actor, uow: UnitOfWork) -> SalesPlan:
    """DRAFT → SUBMITTED: start a new approval round from the policy (APPROVED at once when no
    step of the policy applies)."""
    s = uow.session
    plan = await _locked_plan(uow, actor, cmd)
    _author_side_only(actor, plan, "submit")
    target = PLAN_LIFECYCLE.check(PlanAction.SUBMIT, plan.status)
    comment = clean_comment(cmd.comment, "input", "comment")
    lines, amount = await plan_totals(s, plan.id)
    if not lines:
        raise refuse(ErrorCode.INVALID, "a plan without targets cannot be submitted", *ID)
    gap = await _allocation_gap(s, plan)
    if gap and not cmd.accept_allocation_gap:
        raise refuse(
            ErrorCode.ALLOCATION_UNBALANCED,
            f"the child plans differ from this plan's targets in {len(gap)} product-months; "
            "fix them or submit with acceptAllocationGap",
            "input",
            "acceptAllocationGap",
        )
    round_no = plan.approval_round + 1
    facts = DocumentFacts(amount, plan.owner_kind.value, plan.department_id)
    steps = await rounds.start_round(s, PLAN, plan.id, round_no, facts, plan.company_id)
    if chains.is_complete(steps):  # no applicable step: nothing to wait for
        target = PLAN_LIFECYCLE.check(PlanAction.APPROVE, target)
    before = plan.status
    await uow.change(plan, cmd.expected_version, status=target, approval_round=round_no)
    if plan.status is PlanStatus.APPROVED:
        await supersede_previous(uow, actor, plan)
    event = plan_event(
        plan,
        "SUBMITTED",
        before,
        comment=comment,
        amount=amount,
        round=round_no,
        accepted_allocation_gap=tuple(gap) or None,
        **rounds.routing(steps),
    )
    uow.record(event, actor.user_id)
    return plan


@handles(SalesPlanApprove)
async def approve_plan(cmd: SalesPlanApprove, actor: Actor, uow: UnitOfWork) -> SalesPlan:
    """Approve the current step; the plan is APPROVED when no applicable step is left."""
    plan = await _locked_plan(uow, actor, cmd)
    PLAN_LIFECYCLE.check(PlanAction.APPROVE_STEP, plan.status)
    comment = clean_comment(cmd.comment, "input", "comment")
    steps, decided = await rounds.approve_step(
        uow.session, PLAN, plan.id, plan.approval_round, actor, comment, "plan"
    )
    done = chains.is_complete(steps)
    action = PlanAction.APPROVE if done else PlanAction.APPROVE_STEP
    before = plan.status
    await uow.change(plan, cmd.expected_version, status=PLAN_LIFECYCLE.check(action, before))
    if done:
        await supersede_previous(uow, actor, plan)
    event = plan_event(
        plan,
        "APPROVED" if done else "STEP_APPROVED",
        before,
        comment=comment,
        step=decided.name,
        round=plan.approval_round,
        **rounds.routing(steps),
    )
    uow.record(event, actor.user_id)
    return plan


@handles(SalesPlanReject)
async def reject_plan(cmd: SalesPlanReject, actor: Actor, uow: UnitOfWork) -> SalesPlan:
    """The current step's approver sends the plan back to DRAFT, with a reason."""
    plan = await _locked_plan(uow, actor, cmd)
    reason = clean_comment(cmd.reason, "input", "reason")
    if not reason:
        raise refuse(ErrorCode.REQUIRED, "a reason is required to reject", "input", "reason")
    target = PLAN_LIFECYCLE.check(PlanAction.REJECT, plan.status)
    _, decided = await rounds.reject_step(
        uow.session, PLAN, plan.id, plan.approval_round, actor, reason, "plan"
    )
    before = plan.status
    await uow.change(plan, cmd.expected_version, status=target)
    event = plan_event(
        plan, "REJECTED", before, comment=reason, step=decided.name, round=plan.approval_round
    )
    uow.record(event, actor.user_id)
    return plan


@handles(SalesPlanWithdraw)
async def withdraw_plan(cmd: SalesPlanWithdraw, actor: Actor, uow: UnitOfWork) -> SalesPlan:
    """The author side takes a submitted plan back to DRAFT before any approver decided."""
    s = uow.session
    plan = await _locked_plan(uow, actor, cmd)
    _author_side_only(actor, plan, "withdraw")
    target = PLAN_LIFECYCLE.check(PlanAction.WITHDRAW, plan.status)
    steps = await load_round(s, PLAN, plan.id, plan.approval_round)
    if rounds.any_approved(steps):
        raise refuse(
            ErrorCode.INVALID_TRANSITION,
            "an approver has already decided on this plan; ask them to reject it",
            *ID,
        )
    comment = clean_comment(cmd.comment, "input", "comment")
    await rounds.cancel_round(s, PLAN, plan.id, plan.approval_round)
    before = plan.status
    await uow.change(plan, cmd.expected_version, status=target)
    event = plan_event(plan, "WITHDRAWN", before, comment=comment, round=plan.approval_round)
    uow.record(event, actor.user_id)
    return plan


async def supersede_previous(uow: UnitOfWork, actor: Actor, plan: SalesPlan) -> None:
    """When a revision is approved, the plan it revises becomes SUPERSEDED (with its own event)."""
    if plan.revision_of_id is None:
        return
    old = await uow.session.get(SalesPlan, plan.revision_of_id, with_for_update=True)
    if old is None or not PLAN_LIFECYCLE.allows(PlanAction.SUPERSEDE, old.status):
        return
    before = old.status
    await uow.change(old, status=PLAN_LIFECYCLE.check(PlanAction.SUPERSEDE, before))
    uow.record(plan_event(old, "SUPERSEDED", before, superseded_by=plan.id), actor.user_id)


@handles(SalesPlanRevise)
async def revise_plan(cmd: SalesPlanRevise, actor: Actor, uow: UnitOfWork) -> SalesPlan:
    """A new DRAFT revision of an APPROVED plan, with a copy of its lines; the original stays
    APPROVED (and in force) until the revision is approved."""
    s = uow.session
    plan = await load_visible_plan(s, actor, cmd.plan_id, for_update=True)
    if not may_author_plan(actor, owner_of(plan)):
        raise refuse(ErrorCode.FORBIDDEN, "you may not revise this plan", *ID)
    PLAN_LIFECYCLE.check(PlanAction.REVISE, plan.status)
    open_revision = await s.scalar(
        select(SalesPlan.id).where(
            SalesPlan.revision_of_id == plan.id,
            SalesPlan.status.in_([PlanStatus.DRAFT, PlanStatus.SUBMITTED]),
        )
    )
    if open_revision is not None:
        raise refuse(
            ErrorCode.CONFLICT, "this plan already has an open revision; edit that one", *ID
        )
    comment = clean_comment(cmd.comment, "input", "comment")
    # The original only gains an event; its version moves so clients notice.
    await uow.change(plan, cmd.expected_version)
    revision = SalesPlan(
        owner_kind=plan.owner_kind,
        company_id=plan.company_id,
        department_id=plan.department_id,
        salesperson_id=plan.salesperson_id,
        title=plan.title,
        granularity=plan.granularity,
        period_start=plan.period_start,
        status=PlanStatus.DRAFT,
        revision=plan.revision + 1,
        revision_of_id=plan.id,
        parent_id=plan.parent_id,
        author_id=actor.user_id,
    )
    s.add(revision)
    await s.flush()
    lines = (await plan_targets(s, [plan.id]))[plan.id]
    s.add_all(
        SalesPlanLine(
            plan_id=revision.id,
            product_id=product,
            period=period,
            quantity=a.quantity,
            amount=a.amount,
        )
        for (product, period), a in lines.items()
    )
    before = plan.status
    uow.record(
        plan_event(plan, "REVISED", before, revision_id=revision.id, comment=comment),
        actor.user_id,
    )
    uow.record(
        plan_event(revision, "CREATED", None, revision_of=plan.id, comment=comment),
        actor.user_id,
    )
    return revision
