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
    """Who fills the approver positions for a document of this department (or the company):
    one statement for both rows."""
    row = (
        await session.execute(
            select(
                Company.vp_user_id,
                Company.general_manager_user_id,
                Department.id.label("department_id"),
                Department.manager_user_id,
                Department.vp_user_id.label("department_vp_user_id"),
            )
            .select_from(Company)
            .outerjoin(Department, Department.id == (department_id or 0))
            .where(Company.id == company_id)
        )
    ).one()
    department = row.department_id is not None
    return Organisation(
        department_manager_id=row.manager_user_id if department else None,
        vp_in_charge_id=row.department_vp_user_id if department else row.vp_user_id,
        general_manager_id=row.general_manager_user_id,
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


def _round_key(document_type: DocumentType, document_id: int, round: int) -> tuple:
    return ("approval_round", document_type, document_id, round)


async def _round_rows(
    session: AsyncSession, document_type: DocumentType, document_id: int, round: int
) -> dict[int, ApprovalStep]:
    """The round's step rows by position, read once per transaction: the session keeps them
    (session.info) so that deciding a step and saving it cost one read, not three."""
    key = _round_key(document_type, document_id, round)
    rows = session.info.get(key)
    if rows is None:
        rows = {
            r.position: r
            for r in (
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
        }
        session.info[key] = rows
    return rows


async def load_round(
    session: AsyncSession, document_type: DocumentType, document_id: int, round: int
) -> list[Step]:
    rows = await _round_rows(session, document_type, document_id, round)
    return [to_step(rows[position]) for position in sorted(rows)]


async def save_round(
    session: AsyncSession,
    document_type: DocumentType,
    document_id: int,
    round: int,
    steps: list[Step],
    *,
    new_round: bool = False,
) -> None:
    """Store the round's steps: new rows for a new round (`new_round`: the caller numbered it
    past every stored one, so nothing is read), changed fields for an existing one."""
    now = utcnow()
    if new_round:
        existing: dict[int, ApprovalStep] = {}
        session.info[_round_key(document_type, document_id, round)] = existing
    else:
        existing = await _round_rows(session, document_type, document_id, round)
    for step in steps:
        row = existing.get(step.position)
        if row is None:
            # Every new row sets the same columns, so the flush inserts them in one statement.
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
                pending_since=None,
                acted_at=None,
            )
            session.add(row)
            existing[step.position] = row
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
