"""The sales plan life cycle as a transition table.

DRAFT → SUBMITTED → APPROVED (after the last applicable step of its chain; straight away when no
step applies); a rejected or withdrawn plan goes back to DRAFT (the history keeps the reason). An
approved plan is read-only: a change is a new revision (a DRAFT linked to it) that supersedes it
once approved.
"""

from enum import Enum

from domain.errors import ErrorCode
from domain.lifecycle import Lifecycle, move


class PlanStatus(Enum):
    """Life cycle: DRAFT → SUBMITTED → APPROVED, later SUPERSEDED when a revision is approved.
    A rejected or withdrawn plan goes back to DRAFT (the history keeps the reason)."""

    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    SUPERSEDED = "SUPERSEDED"


class PlanAction(Enum):
    EDIT = "EDIT"  # change the lines
    SUBMIT = "SUBMIT"
    APPROVE_STEP = "APPROVE_STEP"  # a step approves and others remain
    APPROVE = "APPROVE"  # the last applicable step approves (or none applies at submit)
    REJECT = "REJECT"
    WITHDRAW = "WITHDRAW"
    REVISE = "REVISE"  # start a DRAFT revision; the original stays APPROVED until it is approved
    DECOMPOSE = "DECOMPOSE"  # split the targets over child plans
    SUPERSEDE = "SUPERSEDE"  # by the system, when a revision is approved


P = PlanStatus


def _edit_refusal(status: PlanStatus) -> str:
    advice = {
        P.SUBMITTED: "withdraw it first",
        P.APPROVED: "revise it",
        P.SUPERSEDED: "a newer revision replaced it",
    }[status]
    return f"a {status.value} plan cannot be edited; {advice}"


NO_STEP_WAITING = "a {status} plan has no approval step waiting"

PLAN_LIFECYCLE: Lifecycle[PlanStatus, PlanAction] = Lifecycle(
    PlanStatus,
    {
        PlanAction.EDIT: move({P.DRAFT}, None, _edit_refusal, ErrorCode.READ_ONLY),
        PlanAction.SUBMIT: move({P.DRAFT}, P.SUBMITTED, "a {status} plan cannot be submitted"),
        PlanAction.APPROVE_STEP: move({P.SUBMITTED}, None, NO_STEP_WAITING),
        PlanAction.APPROVE: move({P.SUBMITTED}, P.APPROVED, NO_STEP_WAITING),
        PlanAction.REJECT: move({P.SUBMITTED}, P.DRAFT, NO_STEP_WAITING),
        PlanAction.WITHDRAW: move({P.SUBMITTED}, P.DRAFT, "a {status} plan cannot be withdrawn"),
        PlanAction.REVISE: move(
            {P.APPROVED}, None, "only an APPROVED plan can be revised, not a {status} one"
        ),
        PlanAction.DECOMPOSE: move(
            {P.DRAFT, P.SUBMITTED, P.APPROVED}, None, "a {status} plan cannot be decomposed"
        ),
        PlanAction.SUPERSEDE: move({P.APPROVED}, P.SUPERSEDED),
    },
)
