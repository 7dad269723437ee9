"""approvalPolicySet: an admin replaces the approval chain of one document type."""

from dataclasses import dataclass

from domain.access import Actor, Role
from domain.amounts import amount_problem
from domain.approvals.chains import ApproverKind, Policy
from domain.errors import DomainError, ErrorCode, refuse, refuse_if_any
from domain.plans.hierarchy import OwnerKind
from domain.services.pipeline import handles
from domain.store.approvals import save_policy
from domain.store.uow import UnitOfWork

MAX_STEPS = 10
KNOWN_LEVELS = {k.value for k in OwnerKind}


@dataclass(frozen=True)
class ApprovalPolicySet:
    policy: Policy


def check_policy(policy: Policy) -> list[DomainError]:
    errors = []
    if not policy.steps:
        errors.append(
            DomainError(ErrorCode.REQUIRED, "a policy needs at least one step", ("input", "steps"))
        )
    if len(policy.steps) > MAX_STEPS:
        errors.append(
            DomainError(ErrorCode.INVALID, f"at most {MAX_STEPS} steps", ("input", "steps"))
        )
    for i, step in enumerate(policy.steps):
        at = ("input", "steps", str(i))
        if not step.name.strip() or len(step.name) > 100:
            errors.append(
                DomainError(ErrorCode.INVALID, "name must be 1–100 characters", (*at, "name"))
            )
        if (step.approver_kind is ApproverKind.ROLE) != (step.role is not None):
            errors.append(
                DomainError(ErrorCode.INVALID, "give a role exactly for ROLE steps", (*at, "role"))
            )
        if step.min_amount is not None and (
            problem := amount_problem(step.min_amount, "minAmount")
        ):
            errors.append(DomainError(ErrorCode.INVALID, problem, (*at, "minAmount")))
        if unknown := step.levels - KNOWN_LEVELS:
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    f"unknown levels: {', '.join(sorted(unknown))}",
                    (*at, "levels"),
                )
            )
    return errors


@handles(ApprovalPolicySet)
async def set_policy(cmd: ApprovalPolicySet, actor: Actor, uow: UnitOfWork) -> Policy:
    """Replace the chain of the policy's document type; documents already submitted keep theirs."""
    if not actor.has(Role.ADMIN):
        raise refuse(ErrorCode.FORBIDDEN, "only an admin configures approval chains")
    refuse_if_any(check_policy(cmd.policy))
    await save_policy(uow.session, cmd.policy, actor.user_id)
    return cmd.policy
