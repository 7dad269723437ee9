"""The stock-in life cycle (成品合格品办理入库) as a transition table.

REQUESTED (QC passed) → APPROVED (by the last step of its chain, default the VP in charge) →
POSTED (on-hand rises); or REJECTED, which is final (a new request is needed).
"""

from enum import Enum

from domain.lifecycle import Lifecycle, move

MAX_QC_REFERENCE = 100


class StockInStatus(Enum):
    REQUESTED = "REQUESTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    POSTED = "POSTED"


class StockInAction(Enum):
    APPROVE_STEP = "APPROVE_STEP"
    APPROVE = "APPROVE"
    REJECT = "REJECT"
    POST = "POST"


R = StockInStatus
NO_STEP_WAITING = "a {status} stock-in has no approval step waiting"

STOCK_IN_LIFECYCLE: Lifecycle[StockInStatus, StockInAction] = Lifecycle(
    StockInStatus,
    {
        StockInAction.APPROVE_STEP: move({R.REQUESTED}, None, NO_STEP_WAITING),
        StockInAction.APPROVE: move({R.REQUESTED}, R.APPROVED, NO_STEP_WAITING),
        StockInAction.REJECT: move({R.REQUESTED}, R.REJECTED, NO_STEP_WAITING),
        StockInAction.POST: move(
            {R.APPROVED}, R.POSTED, "only an APPROVED stock-in can be posted, not a {status} one"
        ),
    },
)
