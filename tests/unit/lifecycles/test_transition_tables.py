"""Every life cycle, pair by pair: each (status, action) is either allowed, with the status it
leads to, or refused with its code. The expected tables are written out here from PRODUCT.md's
life cycles, independently of the tables in the domain, so a changed row fails a test."""

import itertools

import pytest

from domain.errors import DomainRefusal, ErrorCode
from domain.orders.lifecycle import ORDER_LIFECYCLE, OrderAction, OrderStatus
from domain.orders.returns import RETURN_LIFECYCLE, ReturnAction, ReturnStatus
from domain.orders.shipments import SHIPMENT_LIFECYCLE, ShipmentAction, ShipmentStatus
from domain.plans.lifecycle import PLAN_LIFECYCLE, PlanAction, PlanStatus
from domain.stock.lifecycle import STOCK_IN_LIFECYCLE, StockInAction, StockInStatus

INVALID = ErrorCode.INVALID_TRANSITION
READ_ONLY = ErrorCode.READ_ONLY
P, PA = PlanStatus, PlanAction
So, OA = OrderStatus, OrderAction
Sh, ShA = ShipmentStatus, ShipmentAction
St, StA = StockInStatus, StockInAction
R, RA = ReturnStatus, ReturnAction

# action → {status it may start from: status it leads to}; every other status is refused with
# the code in REFUSED_WITH (INVALID_TRANSITION unless said otherwise).
PLAN = {
    PA.EDIT: {P.DRAFT: P.DRAFT},
    PA.SUBMIT: {P.DRAFT: P.SUBMITTED},
    PA.APPROVE_STEP: {P.SUBMITTED: P.SUBMITTED},
    PA.APPROVE: {P.SUBMITTED: P.APPROVED},
    PA.REJECT: {P.SUBMITTED: P.DRAFT},
    PA.WITHDRAW: {P.SUBMITTED: P.DRAFT},
    PA.REVISE: {P.APPROVED: P.APPROVED},
    PA.DECOMPOSE: {P.DRAFT: P.DRAFT, P.SUBMITTED: P.SUBMITTED, P.APPROVED: P.APPROVED},
    PA.SUPERSEDE: {P.APPROVED: P.SUPERSEDED},
}
ORDER = {
    OA.EDIT: {So.DRAFT: So.DRAFT},
    OA.SUBMIT: {So.DRAFT: So.IN_REVIEW},
    OA.APPROVE_STEP: {So.IN_REVIEW: So.IN_REVIEW},
    OA.REJECT: {So.IN_REVIEW: So.DRAFT},
    OA.CONFIRM: {So.IN_REVIEW: So.CONFIRMED},
    OA.START_PRODUCTION: {So.CONFIRMED: So.IN_PRODUCTION},
    OA.MARK_READY: {So.CONFIRMED: So.READY, So.IN_PRODUCTION: So.READY},
    OA.CANCEL: {
        So.DRAFT: So.CANCELLED,
        So.IN_REVIEW: So.CANCELLED,
        So.CONFIRMED: So.CANCELLED,
        So.IN_PRODUCTION: So.CANCELLED,
        So.READY: So.CANCELLED,
    },
    OA.CLOSE: {So.DELIVERED: So.CLOSED},
}
SHIPMENT = {
    ShA.DISPATCH: {Sh.PLANNED: Sh.DISPATCHED},
    ShA.TRACK: {Sh.DISPATCHED: Sh.IN_TRANSIT, Sh.IN_TRANSIT: Sh.IN_TRANSIT},
    ShA.DELIVER: {Sh.DISPATCHED: Sh.DELIVERED, Sh.IN_TRANSIT: Sh.DELIVERED},
    ShA.CONFIRM_RECEIPT: {
        Sh.DISPATCHED: Sh.DELIVERED,
        Sh.IN_TRANSIT: Sh.DELIVERED,
        Sh.DELIVERED: Sh.DELIVERED,
    },
}
STOCK_IN = {
    StA.APPROVE_STEP: {St.REQUESTED: St.REQUESTED},
    StA.APPROVE: {St.REQUESTED: St.APPROVED},
    StA.REJECT: {St.REQUESTED: St.REJECTED},
    StA.POST: {St.APPROVED: St.POSTED},
}
RETURN = {RA.RECEIVE: {R.REQUESTED: R.RECEIVED}}
REFUSED_WITH = {PA.EDIT: READ_ONLY, OA.EDIT: READ_ONLY}

CASES = [
    ("plan", PLAN_LIFECYCLE, PlanStatus, PLAN),
    ("order", ORDER_LIFECYCLE, OrderStatus, ORDER),
    ("shipment", SHIPMENT_LIFECYCLE, ShipmentStatus, SHIPMENT),
    ("stock-in", STOCK_IN_LIFECYCLE, StockInStatus, STOCK_IN),
    ("return", RETURN_LIFECYCLE, ReturnStatus, RETURN),
]
PAIRS = [
    pytest.param(lifecycle, status, action, expected, id=f"{name}-{status.value}-{action.value}")
    for name, lifecycle, statuses, table in CASES
    for action, status in itertools.product(table, statuses)
    for expected in [table[action].get(status, REFUSED_WITH.get(action, INVALID))]
]


@pytest.mark.parametrize(("lifecycle", "status", "action", "expected"), PAIRS)
def test_each_status_and_action_is_allowed_with_its_target_or_refused_with_its_code(
    lifecycle, status, action, expected
):
    if isinstance(expected, ErrorCode):
        assert lifecycle.target(action, status) is None
        with pytest.raises(DomainRefusal) as refused:
            lifecycle.check(action, status)
        [error] = refused.value.errors
        assert error.code is expected
        assert error.field == ("input", "id")
        assert status.value in error.message
    else:
        assert lifecycle.check(action, status) is expected


@pytest.mark.parametrize(("name", "lifecycle", "statuses", "table"), CASES)
def test_the_tables_here_cover_every_action_of_the_domain(name, lifecycle, statuses, table):
    assert set(lifecycle.moves) == set(table), name


def test_no_order_action_sets_a_status_that_shipments_derive():
    targets = {t for row in ORDER.values() for t in row.values()}
    assert not targets & {So.PARTIALLY_SHIPPED, So.SHIPPED, So.DELIVERED}
    for action, status in itertools.product(OrderAction, OrderStatus):
        assert ORDER_LIFECYCLE.target(action, status) not in {So.PARTIALLY_SHIPPED, So.SHIPPED}


def test_refusals_say_why_in_words_a_person_reads():
    assert PLAN_LIFECYCLE.refusal(PA.EDIT, P.APPROVED).message == (
        "a APPROVED plan cannot be edited; revise it"
    )
    assert ORDER_LIFECYCLE.refusal(OA.CLOSE, So.READY).message == (
        "CLOSE is allowed from DELIVERED, not from READY"
    )
    for status in (So.PARTIALLY_SHIPPED, So.SHIPPED, So.DELIVERED, So.CLOSED):
        assert "has shipped goods and cannot be cancelled" in (
            ORDER_LIFECYCLE.refusal(OA.CANCEL, status).message
        )
    assert SHIPMENT_LIFECYCLE.refusal(ShA.DISPATCH, Sh.DELIVERED).message == (
        "DISPATCH is allowed for PLANNED shipments, not for a DELIVERED one"
    )
    assert STOCK_IN_LIFECYCLE.refusal(StA.POST, St.REQUESTED).message == (
        "only an APPROVED stock-in can be posted, not a REQUESTED one"
    )


def test_closed_and_cancelled_orders_and_superseded_plans_accept_no_action():
    for action in OrderAction:
        assert ORDER_LIFECYCLE.target(action, So.CLOSED) is None
        assert ORDER_LIFECYCLE.target(action, So.CANCELLED) is None
    for action in PlanAction:
        assert PLAN_LIFECYCLE.target(action, P.SUPERSEDED) is None
