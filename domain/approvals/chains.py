"""Approval chains as data: a policy per document type, resolved into steps when a document is
submitted, then moved step by step. Pure: no database, no GraphQL.

A step names who approves it (a role, or a person found from the organisation: the department's
manager, the VP in charge, the general manager) and may apply only above an amount or only at some
plan levels. The document is approved when its last applicable step approves. Steps whose
approver already approved an earlier step of the same round are skipped when the policy says so,
so one person never has to approve the same document twice.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import Enum

from domain.access import Actor, Role


class DocumentType(Enum):
    """Documents that go through approval; each has its own policy."""

    SALES_PLAN = "SALES_PLAN"
    FORECAST = "FORECAST"
    SALES_ORDER = "SALES_ORDER"  # special approval: under the price floor or over credit
    STOCK_IN = "STOCK_IN"
    DELIVERY_REPORT = "DELIVERY_REPORT"
    PURCHASE_RELEASE = "PURCHASE_RELEASE"


class ApproverKind(Enum):
    """How a step's approver is found."""

    ROLE = "ROLE"  # anyone holding `role` (use sparingly: everyone with the role sees the task)
    DEPARTMENT_MANAGER = "DEPARTMENT_MANAGER"  # the manager of the document's department
    VP_IN_CHARGE = "VP_IN_CHARGE"  # the VP in charge of the department (or of the company's sales)
    GENERAL_MANAGER = "GENERAL_MANAGER"  # the company's general manager


class StepState(Enum):
    WAITING = "WAITING"  # an earlier step has not been decided yet
    PENDING = "PENDING"  # the current step: its approver must act now
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    SKIPPED = "SKIPPED"  # its approver already approved an earlier step
    NOT_APPLICABLE = "NOT_APPLICABLE"  # its condition (amount, level) does not hold
    CANCELLED = "CANCELLED"  # the round ended (rejected or withdrawn) before this step


@dataclass(frozen=True)
class PolicyStep:
    """One step of a policy. `min_amount`: applies only when the document's amount exceeds it;
    `levels`: applies only to documents at these levels (e.g. COMPANY plans); empty means all."""

    name: str
    approver_kind: ApproverKind
    role: Role | None = None
    min_amount: Decimal | None = None
    levels: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Policy:
    document_type: DocumentType
    steps: tuple[PolicyStep, ...]
    skip_repeated_approver: bool = True


# The company plan amount above which the general manager also approves (configurable through
# approvalPolicySet).
DEFAULT_GM_LIMIT = Decimal("1000000.00")

DEFAULT_POLICIES = {
    DocumentType.SALES_PLAN: Policy(
        DocumentType.SALES_PLAN,
        (
            PolicyStep("VP in charge", ApproverKind.VP_IN_CHARGE),
            PolicyStep(
                "General manager",
                ApproverKind.GENERAL_MANAGER,
                min_amount=DEFAULT_GM_LIMIT,
                levels=frozenset({"COMPANY"}),
            ),
        ),
    ),
    DocumentType.FORECAST: Policy(
        DocumentType.FORECAST, (PolicyStep("VP in charge", ApproverKind.VP_IN_CHARGE),)
    ),
    DocumentType.SALES_ORDER: Policy(
        DocumentType.SALES_ORDER,
        (
            PolicyStep("Finance review", ApproverKind.ROLE, role=Role.FINANCE),
            PolicyStep("VP in charge", ApproverKind.VP_IN_CHARGE),
        ),
    ),
    DocumentType.STOCK_IN: Policy(
        DocumentType.STOCK_IN, (PolicyStep("VP in charge", ApproverKind.VP_IN_CHARGE),)
    ),
    DocumentType.DELIVERY_REPORT: Policy(
        DocumentType.DELIVERY_REPORT, (PolicyStep("VP in charge", ApproverKind.VP_IN_CHARGE),)
    ),
    DocumentType.PURCHASE_RELEASE: Policy(
        DocumentType.PURCHASE_RELEASE,
        (PolicyStep("Planner", ApproverKind.ROLE, role=Role.PLANNER),),
    ),
}


@dataclass(frozen=True)
class DocumentFacts:
    """What a policy's conditions and approver rules look at."""

    amount: Decimal
    level: str | None  # e.g. COMPANY / DEPARTMENT / SALESPERSON for plans
    department_id: int | None


@dataclass(frozen=True)
class Organisation:
    """The people approver rules resolve to, for one document."""

    department_manager_id: int | None
    vp_in_charge_id: int | None
    general_manager_id: int | None


@dataclass(frozen=True)
class Step:
    """A step of one submission round of one document."""

    position: int
    name: str
    approver_kind: ApproverKind
    role: Role | None
    approver_id: int | None  # resolved person; None for ROLE steps
    min_amount: Decimal | None
    state: StepState
    acted_by: int | None = None
    comment: str | None = None

    def is_for(self, actor: Actor) -> bool:
        """Whether `actor` is this step's approver."""
        if self.approver_kind is ApproverKind.ROLE:
            return self.role is not None and actor.has(self.role)
        return self.approver_id == actor.user_id


class UnresolvedApprover(Exception):
    """A step applies but nobody fills the approver's position (e.g. a department without a VP)."""

    def __init__(self, step: PolicyStep) -> None:
        super().__init__(
            f"step '{step.name}' has no {step.approver_kind.value.lower()} to approve it"
        )
        self.step = step


def applies(step: PolicyStep, facts: DocumentFacts) -> bool:
    if step.levels and facts.level not in step.levels:
        return False
    return step.min_amount is None or facts.amount > step.min_amount


def resolve_approver(step: PolicyStep, org: Organisation) -> int | None:
    return {
        ApproverKind.ROLE: None,
        ApproverKind.DEPARTMENT_MANAGER: org.department_manager_id,
        ApproverKind.VP_IN_CHARGE: org.vp_in_charge_id,
        ApproverKind.GENERAL_MANAGER: org.general_manager_id,
    }[step.approver_kind]


def start_round(policy: Policy, facts: DocumentFacts, org: Organisation) -> list[Step]:
    """The steps of a new submission: applicable ones WAITING (the first PENDING), others
    NOT_APPLICABLE. Raises UnresolvedApprover when an applicable step has nobody to act."""
    steps = []
    for position, rule in enumerate(policy.steps, start=1):
        is_applicable = applies(rule, facts)
        approver = resolve_approver(rule, org)
        if is_applicable and rule.approver_kind is not ApproverKind.ROLE and approver is None:
            raise UnresolvedApprover(rule)
        steps.append(
            Step(
                position=position,
                name=rule.name,
                approver_kind=rule.approver_kind,
                role=rule.role,
                approver_id=approver,
                min_amount=rule.min_amount,
                state=StepState.WAITING if is_applicable else StepState.NOT_APPLICABLE,
            )
        )
    return _advance(steps, skip_repeated=policy.skip_repeated_approver)


def current_step(steps: Sequence[Step]) -> Step | None:
    return next((s for s in steps if s.state is StepState.PENDING), None)


def is_complete(steps: Sequence[Step]) -> bool:
    """Every applicable step is approved or skipped."""
    return all(
        s.state in (StepState.APPROVED, StepState.SKIPPED, StepState.NOT_APPLICABLE) for s in steps
    )


def approve_current(
    steps: Sequence[Step], actor: Actor, comment: str | None, *, skip_repeated: bool
) -> list[Step]:
    """The steps after `actor` approves the current one (the caller checked it is theirs)."""
    current = current_step(steps)
    assert current is not None and current.is_for(actor)
    approved = [
        replace(s, state=StepState.APPROVED, acted_by=actor.user_id, comment=comment)
        if s.position == current.position
        else s
        for s in steps
    ]
    return _advance(approved, skip_repeated=skip_repeated)


def reject_current(steps: Sequence[Step], actor: Actor, reason: str) -> list[Step]:
    """The steps after a rejection: the current one REJECTED, the later ones CANCELLED."""
    return [
        replace(s, state=StepState.REJECTED, acted_by=actor.user_id, comment=reason)
        if s.state is StepState.PENDING
        else replace(s, state=StepState.CANCELLED)
        if s.state is StepState.WAITING
        else s
        for s in steps
    ]


def cancel_round(steps: Sequence[Step]) -> list[Step]:
    """The steps after the author withdraws: every undecided step CANCELLED."""
    return [
        replace(s, state=StepState.CANCELLED)
        if s.state in (StepState.PENDING, StepState.WAITING)
        else s
        for s in steps
    ]


def already_approved_by(steps: Sequence[Step], actor: Actor) -> bool:
    return any(s.state is StepState.APPROVED and s.acted_by == actor.user_id for s in steps)


def _advance(steps: list[Step], *, skip_repeated: bool) -> list[Step]:
    """Make the first WAITING step PENDING, skipping steps whose person already approved."""
    approvers = {s.acted_by for s in steps if s.state is StepState.APPROVED}
    result = []
    pending_found = any(s.state is StepState.PENDING for s in steps)
    for s in steps:
        if s.state is StepState.WAITING and not pending_found:
            if skip_repeated and s.approver_id is not None and s.approver_id in approvers:
                s = replace(s, state=StepState.SKIPPED, acted_by=s.approver_id)
            else:
                s = replace(s, state=StepState.PENDING)
                pending_found = True
        result.append(s)
    return result
