"""Sales plan use cases: create a plan and edit its lines (approval transitions: plan_approval)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.access import Actor
from domain.errors import DomainError, DomainRefusal, ErrorCode
from domain.plan_access import PlanOwner, may_author_plan, may_read_plan
from domain.plans import (
    CHILD_KIND,
    Granularity,
    LineDraft,
    LineTarget,
    OwnerKind,
    PlanStatus,
    check_period_start,
    plan_months,
    validate_lines,
)
from domain.store.outbox import record_event, stream_of
from domain.store.tables import (
    Company,
    Department,
    Product,
    Salesperson,
    SalesPlan,
    SalesPlanLine,
)
from domain.store.types import utcnow
from domain.store.uow import UnitOfWork


@dataclass(frozen=True)
class PlanCreate:
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
class PlanLinesUpdate:
    plan_id: int
    upsert: Sequence[LineDraft] = ()
    remove: Sequence[LineKey] = ()
    expected_version: int | None = None


@dataclass
class PlanResult:
    """The plan as committed (None when refused) and the reasons for a refusal."""

    plan: SalesPlan | None = None
    errors: list[DomainError] | None = None


def owner_of(plan: SalesPlan) -> PlanOwner:
    return PlanOwner(plan.owner_kind, plan.company_id, plan.department_id, plan.salesperson_id)


async def resolve_owner(session: AsyncSession, kind: OwnerKind, node_id: int) -> PlanOwner | None:
    """The owner node with the ids above it, or None when it does not exist."""
    if kind is OwnerKind.COMPANY:
        company = await session.get(Company, node_id)
        return PlanOwner(kind, company.id) if company else None
    if kind is OwnerKind.DEPARTMENT:
        dept = await session.get(Department, node_id)
        return PlanOwner(kind, dept.company_id, dept.id) if dept else None
    row = (
        await session.execute(
            select(Salesperson.id, Salesperson.department_id, Department.company_id)
            .join(Department, Department.id == Salesperson.department_id)
            .where(Salesperson.id == node_id)
        )
    ).one_or_none()
    return PlanOwner(kind, row.company_id, row.department_id, row.id) if row else None


async def load_visible_plan(
    session: AsyncSession, actor: Actor, plan_id: int, *, for_update: bool = False
) -> SalesPlan:
    """The plan if the actor may read it; otherwise NOT_FOUND, exactly as if it did not exist."""
    stmt = select(SalesPlan).where(SalesPlan.id == plan_id)
    if for_update:
        stmt = stmt.with_for_update()
    plan = (await session.execute(stmt)).scalar_one_or_none()
    if plan is None or not may_read_plan(actor, owner_of(plan)):
        raise DomainRefusal(DomainError(ErrorCode.NOT_FOUND, "no such sales plan", ("input", "id")))
    return plan


async def list_prices(session: AsyncSession, product_ids: set[int]) -> dict[int, Decimal]:
    if not product_ids:
        return {}
    rows = await session.execute(
        select(Product.id, Product.list_price).where(Product.id.in_(product_ids))
    )
    return {r.id: r.list_price for r in rows}


def check_expected_version(plan: SalesPlan, expected_version: int | None) -> None:
    """CONFLICT when the client saw another version than the one stored."""
    if expected_version is not None and expected_version != plan.version:
        raise DomainRefusal(
            DomainError(
                ErrorCode.CONFLICT,
                f"the plan is at version {plan.version}, not {expected_version}; reload it",
                ("input", "expectedVersion"),
            )
        )


async def bump_version(
    session: AsyncSession, plan: SalesPlan, expected_version: int | None, **changes
) -> None:
    """Apply `changes` only if nobody changed the plan since `expected_version` (or since we read it)."""
    check_expected_version(plan, expected_version)
    result = await session.execute(
        update(SalesPlan)
        .where(SalesPlan.id == plan.id, SalesPlan.version == plan.version)
        .values(version=SalesPlan.version + 1, updated_at=utcnow(), **changes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise DomainRefusal(
            DomainError(ErrorCode.CONFLICT, "the plan was changed meanwhile; reload it", None)
        )
    await session.refresh(plan)


async def upsert_lines(session: AsyncSession, plan_id: int, targets: Sequence[LineTarget]) -> None:
    if not targets:
        return
    insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(SalesPlanLine).values(
        [
            {
                "plan_id": plan_id,
                "product_id": t.product_id,
                "period": t.period,
                "quantity": t.quantity,
                "amount": t.amount,
            }
            for t in targets
        ]
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["plan_id", "product_id", "period"],
        set_={"quantity": stmt.excluded.quantity, "amount": stmt.excluded.amount},
    )
    await session.execute(stmt)


async def record_plan_event(
    session: AsyncSession, plan: SalesPlan, type: str, actor_id: int, payload: dict
) -> None:
    """An event on the plan's stream; it also carries the plan's owner ids, so subscriptions can
    scope it to its readers without reading the plan."""
    scope = {
        "ownerKind": plan.owner_kind.value,
        "companyId": plan.company_id,
        "departmentId": plan.department_id,
        "salespersonId": plan.salesperson_id,
    }
    await record_event(
        session, stream_of("SalesPlan", plan.id), type, actor_id, {**payload, **scope}
    )


def refuse_if_any(errors: Sequence[DomainError]) -> None:
    if errors:
        raise DomainRefusal(*errors)


async def create_plan(engine: AsyncEngine, actor: Actor, cmd: PlanCreate) -> PlanResult:
    """Create a DRAFT plan for a node, with its first lines."""
    try:
        async with UnitOfWork(engine) as uow:
            s = uow.session
            owner = await resolve_owner(s, cmd.owner_kind, cmd.owner_id)
            if owner is None or not actor.is_internal:
                raise DomainRefusal(
                    DomainError(ErrorCode.NOT_FOUND, "no such owner", ("input", "ownerId"))
                )
            if not may_author_plan(actor, owner):
                raise DomainRefusal(
                    DomainError(
                        ErrorCode.FORBIDDEN,
                        "you may not write plans for this owner",
                        ("input", "ownerId"),
                    )
                )
            errors = []
            if not cmd.title.strip() or len(cmd.title) > 200:
                errors.append(
                    DomainError(
                        ErrorCode.INVALID, "title must be 1–200 characters", ("input", "title")
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
            await record_plan_event(
                s,
                plan,
                "CREATED",
                actor.user_id,
                {"from": None, "to": "DRAFT", "lines": len(targets)},
            )
            await uow.commit()
            return PlanResult(plan=plan, errors=[])
    except DomainRefusal as refusal:
        return PlanResult(errors=refusal.errors)


def check_parent(parent: SalesPlan, owner: PlanOwner, cmd: PlanCreate) -> list[DomainError]:
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


async def update_plan_lines(engine: AsyncEngine, actor: Actor, cmd: PlanLinesUpdate) -> PlanResult:
    """Set or remove targets of a DRAFT plan."""
    try:
        async with UnitOfWork(engine) as uow:
            s = uow.session
            plan = await load_visible_plan(s, actor, cmd.plan_id, for_update=True)
            if not may_author_plan(actor, owner_of(plan)):
                raise DomainRefusal(
                    DomainError(ErrorCode.FORBIDDEN, "you may not edit this plan", ("input", "id"))
                )
            if plan.status is not PlanStatus.DRAFT:
                raise DomainRefusal(
                    DomainError(
                        ErrorCode.READ_ONLY,
                        f"a {plan.status.value} plan cannot be edited; "
                        + (
                            "revise it"
                            if plan.status is PlanStatus.APPROVED
                            else "withdraw it first"
                        ),
                        ("input", "id"),
                    )
                )
            months = plan_months(plan.granularity, plan.period_start)
            prices = await list_prices(s, {d.product_id for d in cmd.upsert})
            targets, errors = validate_lines(cmd.upsert, months, prices, path="upsert")
            removals = await lines_to_remove(s, plan.id, cmd.remove, errors)
            refuse_if_any(errors)
            await bump_version(s, plan, cmd.expected_version)
            if removals:
                await s.execute(delete(SalesPlanLine).where(SalesPlanLine.id.in_(removals)))
            await upsert_lines(s, plan.id, targets)
            await record_plan_event(
                s,
                plan,
                "LINES_UPDATED",
                actor.user_id,
                {
                    "from": "DRAFT",
                    "to": "DRAFT",
                    "upserted": len(targets),
                    "removed": len(removals),
                },
            )
            await uow.commit()
            return PlanResult(plan=plan, errors=[])
    except DomainRefusal as refusal:
        return PlanResult(errors=refusal.errors)


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
