"""Sales plan transitions: submit, approve, reject, withdraw, revise.

Each one: load the plan (NOT_FOUND if out of reach), check the state machine and the actor's
right, change the plan and its approval steps, raise the plan's version (CONFLICT when someone
changed it first), write one event (its history entry) and commit, all in one transaction.
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain import approval
from domain.access import Actor
from domain.allocation import Amounts, Targets, allocation_gap, roll_up
from domain.approval import DocumentFacts, DocumentType, Step, UnresolvedApprover
from domain.errors import DomainError, DomainRefusal, ErrorCode
from domain.plan_access import may_author_plan
from domain.plans import CHILD_KIND, PlanStatus
from domain.services.sales_plans import (
    PlanResult,
    bump_version,
    check_expected_version,
    load_visible_plan,
    owner_of,
    record_plan_event,
)
from domain.store.approvals import load_policy, load_round, organisation_for, save_round
from domain.store.tables import SalesPlan, SalesPlanLine
from domain.store.uow import UnitOfWork

PLAN = DocumentType.SALES_PLAN
MAX_COMMENT = 2000


@dataclass(frozen=True)
class Transition:
    plan_id: int
    expected_version: int | None = None
    comment: str | None = None
    accept_allocation_gap: bool = False


def refuse(code: ErrorCode, message: str, *field: str) -> DomainRefusal:
    return DomainRefusal(DomainError(code, message, tuple(field) if field else None))


async def plan_targets(session: AsyncSession, plan_ids: list[int]) -> dict[int, Targets]:
    """Lines of the given plans as {plan id: {(product, month): Amounts}}."""
    targets: dict[int, Targets] = {pid: {} for pid in plan_ids}
    if not plan_ids:
        return targets
    rows = await session.execute(
        select(
            SalesPlanLine.plan_id,
            SalesPlanLine.product_id,
            SalesPlanLine.period,
            SalesPlanLine.quantity,
            SalesPlanLine.amount,
        ).where(SalesPlanLine.plan_id.in_(plan_ids))
    )
    for r in rows:
        targets[r.plan_id][(r.product_id, r.period)] = Amounts(r.quantity, r.amount)
    return targets


async def live_children(session: AsyncSession, plan_id: int) -> list[int]:
    """Child plans that count towards the roll-up: every one not superseded."""
    rows = await session.execute(
        select(SalesPlan.id).where(
            SalesPlan.parent_id == plan_id, SalesPlan.status != PlanStatus.SUPERSEDED
        )
    )
    return list(rows.scalars())


async def gap_of(session: AsyncSession, plan: SalesPlan) -> tuple[bool, Targets]:
    """(has children, targets minus the children's roll-up)."""
    children = await live_children(session, plan.id)
    targets = await plan_targets(session, [plan.id, *children])
    return bool(children), allocation_gap(targets[plan.id], roll_up(targets[c] for c in children))


def gap_payload(gap: Targets) -> list[dict]:
    return [
        {
            "productId": product,
            "period": period.isoformat(),
            "quantity": str(a.quantity),
            "amount": str(a.amount),
        }
        for (product, period), a in gap.items()
    ]


async def plan_amount(session: AsyncSession, plan_id: int) -> Decimal:
    total = (
        await session.execute(
            select(func.sum(SalesPlanLine.amount)).where(SalesPlanLine.plan_id == plan_id)
        )
    ).scalar_one_or_none()
    return total or Decimal("0.00")


def steps_payload(steps: list[Step]) -> dict:
    current = approval.current_step(steps)
    return {
        "currentStep": current.name if current else None,
        # Who must act now: one person, or every holder of a role for ROLE steps.
        "assignees": [current.approver_id] if current and current.approver_id else [],
        "assigneeRole": current.role.value if current and current.role else None,
    }


def clean_comment(text: str | None, *field: str) -> str | None:
    if text is None:
        return None
    text = text.strip()
    if len(text) > MAX_COMMENT:
        raise refuse(ErrorCode.INVALID, f"at most {MAX_COMMENT} characters", *field)
    return text or None


async def _transition(engine: AsyncEngine, actor: Actor, cmd: Transition, act) -> PlanResult:
    """Run one transition `act(session, plan) -> event type, payload` in a unit of work."""
    try:
        async with UnitOfWork(engine) as uow:
            s = uow.session
            plan = await load_visible_plan(s, actor, cmd.plan_id, for_update=True)
            check_expected_version(plan, cmd.expected_version)
            before = plan.status
            event_type, payload, changes = await act(s, plan)
            await bump_version(s, plan, cmd.expected_version, **changes)
            await record_plan_event(
                s,
                plan,
                event_type,
                actor.user_id,
                {"from": before.value, "to": plan.status.value, **payload},
            )
            await uow.commit()
            return PlanResult(plan=plan, errors=[])
    except DomainRefusal as refusal:
        return PlanResult(errors=refusal.errors)


async def submit_plan(engine: AsyncEngine, actor: Actor, cmd: Transition) -> PlanResult:
    """DRAFT → SUBMITTED: start a new approval round from the policy."""

    async def act(s: AsyncSession, plan: SalesPlan):
        if not may_author_plan(actor, owner_of(plan)):
            raise refuse(
                ErrorCode.FORBIDDEN, "only the plan's author side may submit it", "input", "id"
            )
        if plan.status is not PlanStatus.DRAFT:
            raise refuse(
                ErrorCode.INVALID_TRANSITION,
                f"a {plan.status.value} plan cannot be submitted",
                "input",
                "id",
            )
        comment = clean_comment(cmd.comment, "input", "comment")
        amount = await plan_amount(s, plan.id)
        if not await s.scalar(select(func.count()).where(SalesPlanLine.plan_id == plan.id)):
            raise refuse(
                ErrorCode.INVALID, "a plan without targets cannot be submitted", "input", "id"
            )
        payload: dict = {"comment": comment, "amount": str(amount)}
        if plan.owner_kind in CHILD_KIND:
            has_children, gap = await gap_of(s, plan)
            if has_children and gap:
                if not cmd.accept_allocation_gap:
                    raise refuse(
                        ErrorCode.ALLOCATION_UNBALANCED,
                        f"the child plans differ from this plan's targets in {len(gap)} "
                        "product-months; fix them or submit with acceptAllocationGap",
                        "input",
                        "acceptAllocationGap",
                    )
                payload["acceptedAllocationGap"] = gap_payload(gap)
        policy = await load_policy(s, PLAN)
        org = await organisation_for(s, plan.company_id, plan.department_id)
        facts = DocumentFacts(amount, plan.owner_kind.value, plan.department_id)
        try:
            steps = approval.start_round(policy, facts, org)
        except UnresolvedApprover as e:
            raise refuse(ErrorCode.INVALID, str(e), "input", "id") from e
        round_no = plan.approval_round + 1
        await save_round(s, PLAN, plan.id, round_no, steps)
        changes = {"approval_round": round_no, "status": PlanStatus.SUBMITTED}
        if approval.is_complete(steps):  # no applicable step: nothing to wait for
            changes["status"] = PlanStatus.APPROVED
            await supersede_previous(s, actor, plan)
        return "SUBMITTED", {**payload, "round": round_no, **steps_payload(steps)}, changes

    return await _transition(engine, actor, cmd, act)


async def _current_round(s: AsyncSession, actor: Actor, plan: SalesPlan) -> tuple[list[Step], Step]:
    """The round's steps and the step the actor must be the approver of."""
    if plan.status is not PlanStatus.SUBMITTED:
        raise refuse(
            ErrorCode.INVALID_TRANSITION,
            f"a {plan.status.value} plan has no approval step waiting",
            "input",
            "id",
        )
    steps = await load_round(s, PLAN, plan.id, plan.approval_round)
    current = approval.current_step(steps)
    if current is None:
        raise refuse(ErrorCode.INVALID_TRANSITION, "no approval step is waiting", "input", "id")
    if not current.is_for(actor):
        if approval.already_approved_by(steps, actor):
            raise refuse(
                ErrorCode.INVALID_TRANSITION,
                f"you already approved this plan; step '{current.name}' is waiting for "
                "someone else",
                "input",
                "id",
            )
        raise refuse(
            ErrorCode.FORBIDDEN, f"step '{current.name}' is not yours to decide", "input", "id"
        )
    return steps, current


async def approve_plan(engine: AsyncEngine, actor: Actor, cmd: Transition) -> PlanResult:
    """Approve the current step; the plan is APPROVED when no applicable step is left."""

    async def act(s: AsyncSession, plan: SalesPlan):
        steps, current = await _current_round(s, actor, plan)
        comment = clean_comment(cmd.comment, "input", "comment")
        policy = await load_policy(s, PLAN)
        steps = approval.approve_current(
            steps, actor, comment, skip_repeated=policy.skip_repeated_approver
        )
        await save_round(s, PLAN, plan.id, plan.approval_round, steps)
        changes = {}
        if approval.is_complete(steps):
            changes["status"] = PlanStatus.APPROVED
            await supersede_previous(s, actor, plan)
        event = "APPROVED" if approval.is_complete(steps) else "STEP_APPROVED"
        payload = {"comment": comment, "step": current.name, "round": plan.approval_round}
        return event, {**payload, **steps_payload(steps)}, changes

    return await _transition(engine, actor, cmd, act)


async def reject_plan(engine: AsyncEngine, actor: Actor, cmd: Transition) -> PlanResult:
    """The current step's approver sends the plan back to DRAFT, with a reason."""

    async def act(s: AsyncSession, plan: SalesPlan):
        reason = clean_comment(cmd.comment, "input", "reason")
        if not reason:
            raise refuse(ErrorCode.REQUIRED, "a reason is required to reject", "input", "reason")
        steps, current = await _current_round(s, actor, plan)
        steps = approval.reject_current(steps, actor, reason)
        await save_round(s, PLAN, plan.id, plan.approval_round, steps)
        payload = {"comment": reason, "step": current.name, "round": plan.approval_round}
        return "REJECTED", payload, {"status": PlanStatus.DRAFT}

    return await _transition(engine, actor, cmd, act)


async def withdraw_plan(engine: AsyncEngine, actor: Actor, cmd: Transition) -> PlanResult:
    """The author side takes a submitted plan back to DRAFT before any approver decided."""

    async def act(s: AsyncSession, plan: SalesPlan):
        if not may_author_plan(actor, owner_of(plan)):
            raise refuse(
                ErrorCode.FORBIDDEN, "only the plan's author side may withdraw it", "input", "id"
            )
        if plan.status is not PlanStatus.SUBMITTED:
            raise refuse(
                ErrorCode.INVALID_TRANSITION,
                f"a {plan.status.value} plan cannot be withdrawn",
                "input",
                "id",
            )
        steps = await load_round(s, PLAN, plan.id, plan.approval_round)
        if any(st.state is approval.StepState.APPROVED for st in steps):
            raise refuse(
                ErrorCode.INVALID_TRANSITION,
                "an approver has already decided on this plan; ask them to reject it",
                "input",
                "id",
            )
        comment = clean_comment(cmd.comment, "input", "comment")
        await save_round(s, PLAN, plan.id, plan.approval_round, approval.cancel_round(steps))
        return (
            "WITHDRAWN",
            {"comment": comment, "round": plan.approval_round},
            {"status": PlanStatus.DRAFT},
        )

    return await _transition(engine, actor, cmd, act)


async def supersede_previous(s: AsyncSession, actor: Actor, plan: SalesPlan) -> None:
    """When a revision is approved, the plan it revises becomes SUPERSEDED (with its own event)."""
    if plan.revision_of_id is None:
        return
    old = await s.get(SalesPlan, plan.revision_of_id, with_for_update=True)
    if old is None or old.status is not PlanStatus.APPROVED:
        return
    await bump_version(s, old, None, status=PlanStatus.SUPERSEDED)
    await record_plan_event(
        s,
        old,
        "SUPERSEDED",
        actor.user_id,
        {"from": "APPROVED", "to": "SUPERSEDED", "supersededBy": plan.id},
    )


async def revise_plan(engine: AsyncEngine, actor: Actor, cmd: Transition) -> PlanResult:
    """A new DRAFT revision of an APPROVED plan, with a copy of its lines; the original stays
    APPROVED (and in force) until the revision is approved."""
    try:
        async with UnitOfWork(engine) as uow:
            s = uow.session
            plan = await load_visible_plan(s, actor, cmd.plan_id, for_update=True)
            if not may_author_plan(actor, owner_of(plan)):
                raise refuse(ErrorCode.FORBIDDEN, "you may not revise this plan", "input", "id")
            if plan.status is not PlanStatus.APPROVED:
                raise refuse(
                    ErrorCode.INVALID_TRANSITION,
                    f"only an APPROVED plan can be revised, not a {plan.status.value} one",
                    "input",
                    "id",
                )
            open_revision = await s.scalar(
                select(SalesPlan.id).where(
                    SalesPlan.revision_of_id == plan.id,
                    SalesPlan.status.in_([PlanStatus.DRAFT, PlanStatus.SUBMITTED]),
                )
            )
            if open_revision is not None:
                raise refuse(
                    ErrorCode.CONFLICT,
                    "this plan already has an open revision; edit that one",
                    "input",
                    "id",
                )
            comment = clean_comment(cmd.comment, "input", "comment")
            # The original only gains an event; its version moves so clients notice.
            await bump_version(s, plan, cmd.expected_version)
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
            await record_plan_event(
                s,
                plan,
                "REVISED",
                actor.user_id,
                {
                    "from": "APPROVED",
                    "to": "APPROVED",
                    "revisionId": revision.id,
                    "comment": comment,
                },
            )
            await record_plan_event(
                s,
                revision,
                "CREATED",
                actor.user_id,
                {"from": None, "to": "DRAFT", "revisionOf": plan.id, "comment": comment},
            )
            await uow.commit()
            return PlanResult(plan=revision, errors=[])
    except DomainRefusal as refusal:
        return PlanResult(errors=refusal.errors)
