"""Reading and writing approval policies and the steps of submitted documents."""

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Role
from domain.approvals.chains import (
    DEFAULT_POLICIES,
    DocumentType,
    Organisation,
    Policy,
    PolicyStep,
    Step,
    StepState,
)
from domain.store.tables import (
    ApprovalPolicy,
    ApprovalPolicyStep,
    ApprovalStep,
    Company,
    Department,
)
from domain.store.types import utcnow


async def load_policy(session: AsyncSession, document_type: DocumentType) -> Policy:
    """The configured policy, or the built-in default when none was set."""
    row = (
        await session.execute(
            select(ApprovalPolicy).where(ApprovalPolicy.document_type == document_type)
        )
    ).scalar_one_or_none()
    if row is None:
        return DEFAULT_POLICIES[document_type]
    steps = (
        await session.execute(
            select(ApprovalPolicyStep)
            .where(ApprovalPolicyStep.policy_id == row.id)
            .order_by(ApprovalPolicyStep.position)
        )
    ).scalars()
    return Policy(
        document_type,
        tuple(
            PolicyStep(
                name=s.name,
                approver_kind=s.approver_kind,
                role=Role(s.role) if s.role else None,
                min_amount=s.min_amount,
                levels=frozenset(s.levels.split()),
            )
            for s in steps
        ),
        skip_repeated_approver=row.skip_repeated_approver,
    )


async def save_policy(session: AsyncSession, policy: Policy, actor_id: int) -> ApprovalPolicy:
    """Replace the policy of its document type. Documents already submitted keep their steps."""
    row = (
        await session.execute(
            select(ApprovalPolicy)
            .where(ApprovalPolicy.document_type == policy.document_type)
            .with_for_update()
        )
    ).scalar_one_or_none()
    if row is None:
        row = ApprovalPolicy(document_type=policy.document_type, version=0)
        session.add(row)
    row.skip_repeated_approver = policy.skip_repeated_approver
    row.version += 1
    row.updated_by = actor_id
    row.updated_at = utcnow()
    await session.flush()
    await session.execute(delete(ApprovalPolicyStep).where(ApprovalPolicyStep.policy_id == row.id))
    for position, step in enumerate(policy.steps, start=1):
        session.add(
            ApprovalPolicyStep(
                policy_id=row.id,
                position=position,
                name=step.name,
                approver_kind=step.approver_kind,
                role=step.role.value if step.role else None,
                min_amount=step.min_amount,
                levels=" ".join(sorted(step.levels)),
            )
        )
    await session.flush()
    return row


async def organisation_for(
    session: AsyncSession, company_id: int, department_id: int | None
) -> Organisation:
    """Who fills the approver positions for a document of this department (or the company)."""
    company = await session.get(Company, company_id)
    department = await session.get(Department, department_id) if department_id else None
    return Organisation(
        department_manager_id=department.manager_user_id if department else None,
        vp_in_charge_id=department.vp_user_id if department else company.vp_user_id,
        general_manager_id=company.general_manager_user_id,
    )


def to_step(row: ApprovalStep) -> Step:
    return Step(
        position=row.position,
        name=row.name,
        approver_kind=row.approver_kind,
        role=Role(row.role) if row.role else None,
        approver_id=row.approver_id,
        min_amount=row.min_amount,
        state=row.state,
        acted_by=row.acted_by,
        comment=row.comment,
    )


async def load_round(
    session: AsyncSession, document_type: DocumentType, document_id: int, round: int
) -> list[Step]:
    rows = (
        await session.execute(
            select(ApprovalStep)
            .where(
                ApprovalStep.document_type == document_type,
                ApprovalStep.document_id == document_id,
                ApprovalStep.round == round,
            )
            .order_by(ApprovalStep.position)
        )
    ).scalars()
    return [to_step(r) for r in rows]


async def save_round(
    session: AsyncSession,
    document_type: DocumentType,
    document_id: int,
    round: int,
    steps: list[Step],
) -> None:
    """Store the round's steps: new rows for a new round, changed fields for an existing one."""
    now = utcnow()
    existing = {
        r.position: r
        for r in (
            await session.execute(
                select(ApprovalStep).where(
                    ApprovalStep.document_type == document_type,
                    ApprovalStep.document_id == document_id,
                    ApprovalStep.round == round,
                )
            )
        ).scalars()
    }
    for step in steps:
        row = existing.get(step.position)
        if row is None:
            row = ApprovalStep(
                document_type=document_type,
                document_id=document_id,
                round=round,
                position=step.position,
                name=step.name,
                approver_kind=step.approver_kind,
                role=step.role.value if step.role else None,
                approver_id=step.approver_id,
                min_amount=step.min_amount,
                state=step.state,
            )
            session.add(row)
        elif row.state is step.state:
            continue
        if step.state is StepState.PENDING:
            row.pending_since = now
        if step.state in (StepState.APPROVED, StepState.REJECTED, StepState.SKIPPED):
            row.acted_at = now
        row.state = step.state
        row.acted_by = step.acted_by
        row.comment = step.comment
    await session.flush()
