"""The delivery report life cycle (交付情况汇报) as a transition table.

deliveryReportGenerate makes a DRAFT (revision 1, or the next revision of the same scope and
month) → SUBMITTED (deliveryReportSubmit: its DELIVERY_REPORT approval round starts, by default
the VP in charge) → APPROVED (the last step approves) | REJECTED (final: generate again to make a
corrected revision). An APPROVED report never changes. Generating again while the latest revision
is a DRAFT makes that draft SUPERSEDED; while it is SUBMITTED, generating is refused until it is
decided.
"""

from enum import Enum

from domain.lifecycle import Lifecycle, move


class DeliveryReportStatus(Enum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    SUPERSEDED = "SUPERSEDED"


class DeliveryReportAction(Enum):
    SUBMIT = "SUBMIT"
    APPROVE_STEP = "APPROVE_STEP"  # a step approves and others remain
    APPROVE = "APPROVE"  # the last applicable step approves (or none applies at submit)
    REJECT = "REJECT"
    REGENERATE = "REGENERATE"  # a newer revision of the same scope and month is generated
    SUPERSEDE = "SUPERSEDE"  # by the system: a newer revision replaces this draft


R = DeliveryReportStatus
NO_STEP_WAITING = "a {status} delivery report has no approval step waiting"

DELIVERY_REPORT_LIFECYCLE: Lifecycle[DeliveryReportStatus, DeliveryReportAction] = Lifecycle(
    DeliveryReportStatus,
    {
        DeliveryReportAction.SUBMIT: move(
            {R.DRAFT}, R.SUBMITTED, "a {status} delivery report cannot be submitted"
        ),
        DeliveryReportAction.APPROVE_STEP: move({R.SUBMITTED}, None, NO_STEP_WAITING),
        DeliveryReportAction.APPROVE: move({R.SUBMITTED}, R.APPROVED, NO_STEP_WAITING),
        DeliveryReportAction.REJECT: move({R.SUBMITTED}, R.REJECTED, NO_STEP_WAITING),
        DeliveryReportAction.REGENERATE: move(
            {R.DRAFT, R.APPROVED, R.REJECTED, R.SUPERSEDED},
            None,
            "the latest revision is {status}: wait for its approval to be decided",
        ),
        DeliveryReportAction.SUPERSEDE: move({R.DRAFT}, R.SUPERSEDED),
    },
)
