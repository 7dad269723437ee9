"""Approval rounds of any document: start one at submit, decide its current step, cancel it.

Shared by every approvable document (plans, orders' special approval, stock-ins, and the later
ones): the document's own use case checks its life cycle and records its event; these functions
resolve the policy into steps, check that the current step is the actor's, store the steps and
say who must act next (the event's routing).
"""

from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Actor
from domain.approvals import chains
from domain.approvals.chains import DocumentFacts, DocumentType, Step, StepState
from domain.errors import ErrorCode, refuse
from domain.store.approvals import load_policy, load_round, organisation_for, save_round

ID = ("input", "id")


async def start_round(
    s: AsyncSession,
    document_type: DocumentType,
    document_id: int,
    round_no: int,
    facts: DocumentFacts,
    company_id: int,
    field: tuple[str, ...] = ID,
) -> list[Step]:
    """Resolve the document type's policy into the steps of a new round and store them.
    INVALID when an applicable step has nobody to fill it (e.g. a department without a VP)."""
    policy = await load_policy(s, document_type)
    org = await organisation_for(s, company_id, facts.department_id)
    try:
        steps = chains.start_round(policy, facts, org)
    except chains.UnresolvedApprover as e:
        raise refuse(ErrorCode.INVALID, str(e), *field) from e
    await save_round(s, document_type, document_id, round_no, steps, new_round=True)
    return steps


async def step_to_decide(
    s: AsyncSession,
    document_type: DocumentType,
    document_id: int,
    round_no: int,
    actor: Actor,
    noun: str,
    nothing_waiting: str = "no approval step is waiting",
) -> tuple[list[Step], Step]:
    """The round's steps and its current step, which must be the actor's to decide."""
    steps = await load_round(s, document_type, document_id, round_no)
    current = chains.current_step(steps)
    if current is None:
        raise refuse(ErrorCode.INVALID_TRANSITION, nothing_waiting, *ID)
    if not current.is_for(actor):
        if chains.already_approved_by(steps, actor):
            raise refuse(
                ErrorCode.INVALID_TRANSITION,
                f"you already approved this {noun}; step '{current.name}' is waiting for "
                "someone else",
                *ID,
            )
        raise refuse(ErrorCode.FORBIDDEN, f"step '{current.name}' is not yours to decide", *ID)
    return steps, current


async def approve_step(
    s: AsyncSession,
    document_type: DocumentType,
    document_id: int,
    round_no: int,
    actor: Actor,
    comment: str | None,
    noun: str,
    nothing_waiting: str = "no approval step is waiting",
) -> tuple[list[Step], Step]:
    """The actor approves the current step: (the round's steps after it, the step approved)."""
    steps, current = await step_to_decide(
        s, document_type, document_id, round_no, actor, noun, nothing_waiting
    )
    policy = await load_policy(s, document_type)
    steps = chains.approve_current(
        steps, actor, comment, skip_repeated=policy.skip_repeated_approver
    )
    await save_round(s, document_type, document_id, round_no, steps)
    return steps, current


async def reject_step(
    s: AsyncSession,
    document_type: DocumentType,
    document_id: int,
    round_no: int,
    actor: Actor,
    reason: str,
    noun: str,
) -> tuple[list[Step], Step]:
    """The actor rejects the current step: the round ends (later steps CANCELLED)."""
    steps, current = await step_to_decide(s, document_type, document_id, round_no, actor, noun)
    steps = chains.reject_current(steps, actor, reason)
    await save_round(s, document_type, document_id, round_no, steps)
    return steps, current


async def cancel_round(
    s: AsyncSession, document_type: DocumentType, document_id: int, round_no: int
) -> list[Step]:
    """End a round without a decision (withdrawn, cancelled): undecided steps CANCELLED."""
    steps = await load_round(s, document_type, document_id, round_no)
    if chains.current_step(steps) is None:
        return steps
    steps = chains.cancel_round(steps)
    await save_round(s, document_type, document_id, round_no, steps)
    return steps


def any_approved(steps: list[Step]) -> bool:
    return any(st.state is StepState.APPROVED for st in steps)


def routing(steps: list[Step]) -> dict:
    """Who must act now, as the ApprovalRouting fields of the document's event: one person, or
    every holder of a role for ROLE steps; nothing once the round is decided."""
    current = chains.current_step(steps)
    if current is None:
        return {}
    return {
        "current_step": current.name,
        "assignees": (current.approver_id,) if current.approver_id else (),
        "assignee_role": current.role.value if current.role else None,
    }
