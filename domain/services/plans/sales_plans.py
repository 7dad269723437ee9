"""salesPlanCreate and salesPlanUpdateLines: write a DRAFT plan and its lines (the approval
transitions are in domain.services.plans.approval)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Actor
from domain.errors import DomainError, ErrorCode, refuse, refuse_if_any
from domain.plans.access import PlanOwner, may_author_plan
from domain.plans.hierarchy import CHILD_KIND, OwnerKind
from domain.plans.lifecycle import PLAN_LIFECYCLE, PlanAction, PlanStatus
from domain.plans.lines import LineDraft, validate_lines
from domain.plans.periods import Granularity, check_period_start, plan_months
from domain.services.pipeline import handles
from domain.services.plans.events import plan_event
from domain.store.catalogue import list_prices
from domain.store.plans.repository import (
    load_visible_plan,
    owner_of,
    resolve_owner,
    upsert_lines,
)
from domain.store.tables import SalesPlan, SalesPlanLine
from domain.store.uow import UnitOfWork

MAX_TITLE = 200


@dataclass(frozen=True)
class SalesPlanCreate:
    owner_kind: OwnerKind
    owner_id: int
    granularity: Granularity
    period_start: date
    title: str
    lines: Sequence[LineDraft] = ()
    parent_plan_id: int | None = None


@dataclass(frozen=True)
class LineKey:
    product_id: int
    period: date


@dataclass(frozen=True)
class SalesPlanUpdateLines:
    plan_id: int
    upsert: Sequence[LineDraft] = ()
    remove: Sequence[LineKey] = ()
    expected_version: int | None = None


@handles(SalesPlanCreate)
async def create_plan(cmd: SalesPlanCreate, actor: Actor, uow: UnitOfWork) -> SalesPlan:
    """A DRAFT plan for a node, with its first lines."""
    s = uow.session
    owner = await resolve_owner(s, cmd.owner_kind, cmd.owner_id)
    if owner is None or not actor.is_internal:
        raise refuse(ErrorCode.NOT_FOUND, "no such owner", "input", "ownerId")
    if not may_author_plan(actor, owner):
        raise refuse(
            ErrorCode.FORBIDDEN, "you may not write plans for this owner", "input", "ownerId"
        )
    errors = []
    if not cmd.title.strip() or len(cmd.title) > MAX_TITLE:
        errors.append(
            DomainError(
                ErrorCode.INVALID, f"title must be 1–{MAX_TITLE} characters", ("input", "title")
            )
        )
    if period_error := check_period_start(cmd.granularity, cmd.period_start):
        errors.append(period_error)
    refuse_if_any(errors)
    if cmd.parent_plan_id is not None:
        parent = await load_visible_plan(s, actor, cmd.parent_plan_id)
        refuse_if_any(check_parent(parent, owner, cmd))
    months = plan_months(cmd.granularity, cmd.period_start)
    prices = await list_prices(s, {d.product_id for d in cmd.lines})
    targets, errors = validate_lines(cmd.lines, months, prices)
    refuse_if_any(errors)
    plan = SalesPlan(
        owner_kind=owner.kind,
        company_id=owner.company_id,
        department_id=owner.department_id,
        salesperson_id=owner.salesperson_id,
        title=cmd.title.strip(),
        granularity=cmd.granularity,
        period_start=cmd.period_start,
        status=PlanStatus.DRAFT,
        parent_id=cmd.parent_plan_id,
        author_id=actor.user_id,
    )
    s.add(plan)
    await s.flush()
    await upsert_lines(s, plan.id, targets)
    uow.record(plan_event(plan, "CREATED", None, lines=len(targets)), actor.user_id)
    return plan


def check_parent(parent: SalesPlan, owner: PlanOwner, cmd: SalesPlanCreate) -> list[DomainError]:
    """A parent plan is the plan of the node one level up, for the same period."""
    field = ("input", "parentPlanId")
    if CHILD_KIND.get(parent.owner_kind) is not owner.kind:
        return [DomainError(ErrorCode.INVALID, "the parent plan must be one level up", field)]
    above = owner_of(parent)
    if above.company_id != owner.company_id or (
        owner.kind is OwnerKind.SALESPERSON and above.department_id != owner.department_id
    ):
        return [DomainError(ErrorCode.INVALID, "the parent plan belongs to another node", field)]
    if parent.granularity != cmd.granularity or parent.period_start != cmd.period_start:
        return [DomainError(ErrorCode.INVALID, "the parent plan covers another period", field)]
    return []


@handles(SalesPlanUpdateLines)
async def update_plan_lines(cmd: SalesPlanUpdateLines, actor: Actor, uow: UnitOfWork) -> SalesPlan:
    """Set or remove targets of a DRAFT plan."""
    s = uow.session
    plan = await load_visible_plan(s, actor, cmd.plan_id, for_update=True)
    if not may_author_plan(actor, owner_of(plan)):
        raise refuse(ErrorCode.FORBIDDEN, "you may not edit this plan", "input", "id")
    PLAN_LIFECYCLE.check(PlanAction.EDIT, plan.status)
    months = plan_months(plan.granularity, plan.period_start)
    prices = await list_prices(s, {d.product_id for d in cmd.upsert})
    targets, errors = validate_lines(cmd.upsert, months, prices, path="upsert")
    removals = await lines_to_remove(s, plan.id, cmd.remove, errors)
    refuse_if_any(errors)
    await uow.change(plan, cmd.expected_version)
    if removals:
        await s.execute(delete(SalesPlanLine).where(SalesPlanLine.id.in_(removals)))
    await upsert_lines(s, plan.id, targets)
    event = plan_event(
        plan, "LINES_UPDATED", PlanStatus.DRAFT, upserted=len(targets), removed=len(removals)
    )
    uow.record(event, actor.user_id)
    return plan


async def lines_to_remove(
    session: AsyncSession, plan_id: int, keys: Sequence[LineKey], errors: list[DomainError]
) -> list[int]:
    """Ids of the lines named by `keys`; a key with no line is an error."""
    if not keys:
        return []
    rows = await session.execute(
        select(SalesPlanLine.id, SalesPlanLine.product_id, SalesPlanLine.period).where(
            SalesPlanLine.plan_id == plan_id
        )
    )
    existing = {(r.product_id, r.period): r.id for r in rows}
    ids = []
    for i, key in enumerate(keys):
        line_id = existing.get((key.product_id, key.period))
        if line_id is None:
            errors.append(
                DomainError(
                    ErrorCode.NOT_FOUND, "the plan has no such line", ("input", "remove", str(i))
                )
            )
        else:
            ids.append(line_id)
    return ids
