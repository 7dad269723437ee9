"""Reads and writes of sales plans that the plan use cases share."""

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Actor
from domain.errors import ErrorCode, refuse
from domain.plans.access import PlanOwner, may_read_plan
from domain.plans.allocation import Amounts, Targets
from domain.plans.hierarchy import OwnerKind
from domain.plans.lifecycle import PlanStatus
from domain.plans.lines import LineTarget
from domain.store.tables import Company, Department, Salesperson, SalesPlan, SalesPlanLine


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
    session: AsyncSession,
    actor: Actor,
    plan_id: int,
    *,
    for_update: bool = False,
    field: tuple[str, ...] = ("input", "id"),
) -> SalesPlan:
    """The plan if the actor may read it; otherwise NOT_FOUND, exactly as if it did not exist."""
    stmt = select(SalesPlan).where(SalesPlan.id == plan_id)
    if for_update:
        stmt = stmt.with_for_update()
    plan = (await session.execute(stmt)).scalar_one_or_none()
    if plan is None or not may_read_plan(actor, owner_of(plan)):
        raise refuse(ErrorCode.NOT_FOUND, "no such sales plan", *field)
    return plan


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


async def plan_totals(session: AsyncSession, plan_id: int) -> tuple[int, Decimal]:
    """(number of lines, total amount) of a plan."""
    count, total = (
        await session.execute(
            select(func.count(), func.sum(SalesPlanLine.amount)).where(
                SalesPlanLine.plan_id == plan_id
            )
        )
    ).one()
    return count, total or Decimal("0.00")


async def upsert_lines(session: AsyncSession, plan_id: int, targets: Sequence[LineTarget]) -> None:
    """Insert the targets, replacing a line of the same product and month."""
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
