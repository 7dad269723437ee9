"""approvalPolicySet: an admin replaces the approval chain of one document type."""

from dataclasses import dataclass, field

from domain.access import Actor, Role
from domain.approval import ApproverKind, Policy
from domain.errors import DomainError, DomainRefusal, ErrorCode
from domain.plans import OwnerKind
from domain.store.approvals import save_policy
from domain.store.uow import UnitOfWork

MAX_STEPS = 10
KNOWN_LEVELS = {k.value for k in OwnerKind}


@dataclass
class PolicyResult:
    policy: Policy | None = None
    errors: list[DomainError] = field(default_factory=list)


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
        if step.min_amount is not None and step.min_amount < 0:
            errors.append(
                DomainError(ErrorCode.INVALID, "minAmount must be ≥ 0", (*at, "minAmount"))
            )
        if unknown := step.levels - KNOWN_LEVELS:
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    f"unknown levels: {', '.join(sorted(unknown))}",
                    (*at, "levels"),
                )
            )
    return errors


async def set_policy(engine, actor: Actor, policy: Policy) -> PolicyResult:
    if not actor.has(Role.ADMIN):
        return PolicyResult(
            errors=[DomainError(ErrorCode.FORBIDDEN, "only an admin configures approval chains")]
        )
    errors = check_policy(policy)
    if errors:
        return PolicyResult(errors=errors)
    try:
        async with UnitOfWork(engine) as uow:
            await save_policy(uow.session, policy, actor.user_id)
            await uow.commit()
    except DomainRefusal as refusal:
        return PolicyResult(errors=refusal.errors)
    return PolicyResult(policy=policy)
