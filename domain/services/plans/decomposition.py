"""salesPlanDecompose: split a plan's targets over the nodes one level down, as DRAFT child plans."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Actor
from domain.errors import DomainError, ErrorCode, refuse, refuse_if_any
from domain.plans.access import PlanOwner, may_author_plan
from domain.plans.allocation import Amounts, Targets, split_by_shares
from domain.plans.hierarchy import CHILD_KIND, OwnerKind
from domain.plans.lifecycle import PLAN_LIFECYCLE, PlanAction, PlanStatus
from domain.plans.lines import LineDraft, LineTarget, validate_lines
from domain.plans.periods import plan_months
from domain.services.pipeline import handles
from domain.services.plans.events import plan_event
from domain.store.catalogue import list_prices
from domain.store.plans.repository import (
    load_visible_plan,
    owner_of,
    plan_targets,
    resolve_owner,
    upsert_lines,
)
from domain.store.tables import Department, Salesperson, SalesPlan, SalesPlanLine
from domain.store.uow import UnitOfWork


@dataclass(frozen=True)
class ChildAllocation:
    """One child node's part: a share (weight) of every target, or explicit lines."""

    owner_id: int
    share: Decimal | None = None
    lines: Sequence[LineDraft] | None = None


@dataclass(frozen=True)
class SalesPlanDecompose:
    plan_id: int
    children: Sequence[ChildAllocation]
    expected_version: int | None = None


@dataclass(frozen=True)
class Decomposed:
    """The parent plan and the child plans written (in the order the children were named)."""

    plan: SalesPlan
    children: list[SalesPlan]


async def child_name(session: AsyncSession, owner: PlanOwner) -> str:
    if owner.kind is OwnerKind.DEPARTMENT:
        return (await session.get(Department, owner.department_id)).name
    return (await session.get(Salesperson, owner.salesperson_id)).name


def check_allocations(cmd: SalesPlanDecompose) -> list[DomainError]:
    """Each child gives exactly one of share and lines; shares are all-or-none, ≥ 0, not all 0."""
    errors = []
    if not cmd.children:
        errors.append(
            DomainError(ErrorCode.REQUIRED, "name at least one child", ("input", "children"))
        )
    seen = set()
    for i, child in enumerate(cmd.children):
        at = ("input", "children", str(i))
        if (child.share is None) == (child.lines is None):
            errors.append(DomainError(ErrorCode.INVALID, "give either share or lines", at))
        elif child.share is not None and child.share < 0:
            errors.append(
                DomainError(ErrorCode.INVALID, "a share must not be negative", (*at, "share"))
            )
        if child.owner_id in seen:
            errors.append(DomainError(ErrorCode.DUPLICATE, "child named twice", (*at, "ownerId")))
        seen.add(child.owner_id)
    shares = [c.share for c in cmd.children if c.share is not None]
    if shares and sum(shares) <= 0:
        errors.append(
            DomainError(
                ErrorCode.INVALID, "shares must add up to more than zero", ("input", "children")
            )
        )
    return errors


@handles(SalesPlanDecompose)
async def decompose_plan(cmd: SalesPlanDecompose, actor: Actor, uow: UnitOfWork) -> Decomposed:
    """Create (or, for children still in DRAFT, replace the lines of) the child plans."""
    s = uow.session
    parent = await load_visible_plan(s, actor, cmd.plan_id, for_update=True)
    child_kind = CHILD_KIND.get(parent.owner_kind)
    if child_kind is None:
        raise refuse(ErrorCode.INVALID, "a salesperson plan has no level below it", "input", "id")
    PLAN_LIFECYCLE.check(PlanAction.DECOMPOSE, parent.status)
    errors = check_allocations(cmd)
    refuse_if_any(errors)
    parent_owner = owner_of(parent)
    owners = []
    for i, child in enumerate(cmd.children):
        at = ("input", "children", str(i), "ownerId")
        owner = await resolve_owner(s, child_kind, child.owner_id)
        below = owner is not None and (
            owner.company_id == parent_owner.company_id
            if child_kind is OwnerKind.DEPARTMENT
            else owner.department_id == parent_owner.department_id
        )
        if not below:
            errors.append(
                DomainError(
                    ErrorCode.NOT_FOUND,
                    f"no {child_kind.value.lower()} under this plan's owner",
                    at,
                )
            )
        elif not may_author_plan(actor, owner):
            errors.append(
                DomainError(ErrorCode.FORBIDDEN, "you may not write plans for this owner", at)
            )
        owners.append(owner)
    refuse_if_any(errors)
    targets = await _child_targets(s, parent, cmd, errors)
    refuse_if_any(errors)
    children = []
    for i, (child, owner) in enumerate(zip(cmd.children, owners, strict=True)):
        plan = await _write_child(uow, actor, parent, owner, targets[child.owner_id], i)
        children.append(plan)
    await uow.change(parent, cmd.expected_version)
    event = plan_event(parent, "DECOMPOSED", parent.status, children=tuple(c.id for c in children))
    uow.record(event, actor.user_id)
    return Decomposed(plan=parent, children=children)


async def _child_targets(
    s: AsyncSession, parent: SalesPlan, cmd: SalesPlanDecompose, errors: list[DomainError]
) -> dict[int, Targets]:
    """Targets per child owner id: shares split the parent's targets; explicit lines are checked."""
    result: dict[int, Targets] = {}
    shares = {c.owner_id: c.share for c in cmd.children if c.share is not None}
    if shares:
        parent_targets = (await plan_targets(s, [parent.id]))[parent.id]
        result.update(split_by_shares(parent_targets, shares))
    months = plan_months(parent.granularity, parent.period_start)
    explicit = [(i, c) for i, c in enumerate(cmd.children) if c.lines is not None]
    prices = await list_prices(s, {d.product_id for _, c in explicit for d in c.lines})
    for i, child in explicit:
        lines, line_errors = validate_lines(child.lines, months, prices, path=f"children.{i}.lines")
        errors.extend(line_errors)
        result[child.owner_id] = {
            (t.product_id, t.period): Amounts(t.quantity, t.amount) for t in lines
        }
    return result


async def _write_child(
    uow: UnitOfWork, actor: Actor, parent: SalesPlan, owner: PlanOwner, targets: Targets, index: int
) -> SalesPlan:
    s = uow.session
    owner_column = (
        SalesPlan.department_id if owner.kind is OwnerKind.DEPARTMENT else SalesPlan.salesperson_id
    )
    owner_id = owner.department_id if owner.kind is OwnerKind.DEPARTMENT else owner.salesperson_id
    existing = (
        await s.execute(
            select(SalesPlan)
            .where(
                SalesPlan.parent_id == parent.id,
                SalesPlan.owner_kind == owner.kind,
                owner_column == owner_id,
                SalesPlan.status != PlanStatus.SUPERSEDED,
            )
            .with_for_update()
        )
    ).scalar_one_or_none()
    lines = [LineTarget(p, m, a.quantity, a.amount) for (p, m), a in targets.items()]
    if existing is not None:
        if not PLAN_LIFECYCLE.allows(PlanAction.EDIT, existing.status):
            raise refuse(
                ErrorCode.INVALID_TRANSITION,
                f"the child plan for this owner is {existing.status.value}; only DRAFT children are replaced",
                "input",
                "children",
                str(index),
                "ownerId",
            )
        await s.execute(delete(SalesPlanLine).where(SalesPlanLine.plan_id == existing.id))
        await upsert_lines(s, existing.id, lines)
        await uow.change(existing)
        event = plan_event(
            existing,
            "LINES_UPDATED",
            PlanStatus.DRAFT,
            decomposed_from=parent.id,
            upserted=len(lines),
        )
        uow.record(event, actor.user_id)
        return existing
    child = SalesPlan(
        owner_kind=owner.kind,
        company_id=owner.company_id,
        department_id=owner.department_id,
        salesperson_id=owner.salesperson_id,
        title=f"{parent.title} – {await child_name(s, owner)}"[:200],
        granularity=parent.granularity,
        period_start=parent.period_start,
        status=PlanStatus.DRAFT,
        parent_id=parent.id,
        author_id=actor.user_id,
    )
    s.add(child)
    await s.flush()
    await upsert_lines(s, child.id, lines)
    event = plan_event(child, "CREATED", None, decomposed_from=parent.id, lines=len(lines))
    uow.record(event, actor.user_id)
    return child
