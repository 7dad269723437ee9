"""The delivery report life cycle pair by pair, against a table written out from PRODUCT.md
(DRAFT → SUBMITTED → APPROVED | REJECTED) and the regeneration rule."""

import itertools

import pytest

from domain.errors import DomainRefusal, ErrorCode
from domain.reports.lifecycle import (
    DELIVERY_REPORT_LIFECYCLE,
    DeliveryReportAction,
    DeliveryReportStatus,
)

R, A = DeliveryReportStatus, DeliveryReportAction
EXPECTED = {
    A.SUBMIT: {R.DRAFT: R.SUBMITTED},
    A.APPROVE_STEP: {R.SUBMITTED: R.SUBMITTED},
    A.APPROVE: {R.SUBMITTED: R.APPROVED},
    A.REJECT: {R.SUBMITTED: R.REJECTED},
    A.REGENERATE: {
        R.DRAFT: R.DRAFT,
        R.APPROVED: R.APPROVED,
        R.REJECTED: R.REJECTED,
        R.SUPERSEDED: R.SUPERSEDED,
    },
    A.SUPERSEDE: {R.DRAFT: R.SUPERSEDED},
}


@pytest.mark.parametrize(("action", "status"), list(itertools.product(A, R)))
def test_every_status_and_action_is_allowed_or_refused_as_the_table_says(action, status):
    allowed = EXPECTED[action]
    if status in allowed:
        assert DELIVERY_REPORT_LIFECYCLE.check(action, status) is allowed[status]
    else:
        with pytest.raises(DomainRefusal) as refused:
            DELIVERY_REPORT_LIFECYCLE.check(action, status)
        [error] = refused.value.errors
        assert error.code is ErrorCode.INVALID_TRANSITION
        assert status.value in error.message


def test_an_approved_report_allows_no_change_of_its_own():
    changes = [a for a in A if a is not A.REGENERATE]
    assert not any(DELIVERY_REPORT_LIFECYCLE.allows(a, R.APPROVED) for a in changes)
