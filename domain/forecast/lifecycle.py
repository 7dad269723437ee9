"""The product forecast life cycle as a transition table.

GENERATING (its lines and baselines are computed by a background job) → DRAFT, or FAILED when the
job could not finish (the reason is on the forecast; generate again). A DRAFT is adjusted line by
line, then SUBMITTED → APPROVED (after the last applicable step of its chain); a rejected or
withdrawn forecast goes back to DRAFT (the history keeps the reason). An approved forecast is
read-only. A newer approved forecast for an overlapping scope and period takes its place for the
periods both cover; once none of its periods is left in force it is SUPERSEDED.
"""

from enum import Enum

from domain.errors import ErrorCode
from domain.lifecycle import Lifecycle, move


class ForecastStatus(Enum):
    """GENERATING → DRAFT | FAILED; DRAFT → SUBMITTED → APPROVED (→ SUPERSEDED); a rejected or
    withdrawn forecast goes back to DRAFT."""

    GENERATING = "GENERATING"
    FAILED = "FAILED"
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    SUPERSEDED = "SUPERSEDED"


class ForecastAction(Enum):
    GENERATED = "GENERATED"  # by the job: lines and baselines written
    GENERATION_FAILED = "GENERATION_FAILED"  # by the job
    ADJUST = "ADJUST"  # change a line's quantity
    SUBMIT = "SUBMIT"
    APPROVE_STEP = "APPROVE_STEP"  # a step approves and others remain
    APPROVE = "APPROVE"  # the last applicable step approves (or none applies at submit)
    REJECT = "REJECT"
    WITHDRAW = "WITHDRAW"
    PARTLY_SUPERSEDE = "PARTLY_SUPERSEDE"  # by the system: some periods taken over by a newer one
    SUPERSEDE = "SUPERSEDE"  # by the system: every period taken over


F = ForecastStatus


def _adjust_refusal(status: ForecastStatus) -> str:
    advice = {
        F.GENERATING: "wait until its generation has finished",
        F.FAILED: "its generation failed; generate a new one",
        F.SUBMITTED: "withdraw it first",
        F.APPROVED: "an approved forecast is read-only; generate a new one",
        F.SUPERSEDED: "a newer forecast replaced it",
    }[status]
    return f"a {status.value} forecast cannot be adjusted; {advice}"


NO_STEP_WAITING = "a {status} forecast has no approval step waiting"

FORECAST_LIFECYCLE: Lifecycle[ForecastStatus, ForecastAction] = Lifecycle(
    ForecastStatus,
    {
        ForecastAction.GENERATED: move({F.GENERATING}, F.DRAFT),
        ForecastAction.GENERATION_FAILED: move({F.GENERATING}, F.FAILED),
        ForecastAction.ADJUST: move({F.DRAFT}, None, _adjust_refusal, ErrorCode.READ_ONLY),
        ForecastAction.SUBMIT: move(
            {F.DRAFT}, F.SUBMITTED, "a {status} forecast cannot be submitted"
        ),
        ForecastAction.APPROVE_STEP: move({F.SUBMITTED}, None, NO_STEP_WAITING),
        ForecastAction.APPROVE: move({F.SUBMITTED}, F.APPROVED, NO_STEP_WAITING),
        ForecastAction.REJECT: move({F.SUBMITTED}, F.DRAFT, NO_STEP_WAITING),
        ForecastAction.WITHDRAW: move(
            {F.SUBMITTED}, F.DRAFT, "a {status} forecast cannot be withdrawn"
        ),
        ForecastAction.PARTLY_SUPERSEDE: move({F.APPROVED}, None),
        ForecastAction.SUPERSEDE: move({F.APPROVED}, F.SUPERSEDED),
    },
)
