"""The forecast life cycle pair by pair, who may read and prepare forecasts, and the rules of
generation: periods, the history window, week spans, adjusted amounts, quantities."""

import itertools
from datetime import date
from decimal import Decimal

import pytest

from domain.access import Actor, Role
from domain.errors import DomainRefusal, ErrorCode
from domain.forecast.access import ForecastScope, may_prepare_forecast, may_read_forecast
from domain.forecast.baseline import BaselinePoint
from domain.forecast.calendar import ForecastGranularity
from domain.forecast.generation import (
    adjusted_amount,
    check_periods,
    check_quantity,
    history_window,
    judge,
    overlaps,
    period_span,
)
from domain.forecast.lifecycle import FORECAST_LIFECYCLE, ForecastAction, ForecastStatus

F, A = ForecastStatus, ForecastAction
# action → {status it may start from: status it leads to}, written out from PRODUCT.md.
TABLE = {
    A.GENERATED: {F.GENERATING: F.DRAFT},
    A.GENERATION_FAILED: {F.GENERATING: F.FAILED},
    A.ADJUST: {F.DRAFT: F.DRAFT},
    A.SUBMIT: {F.DRAFT: F.SUBMITTED},
    A.APPROVE_STEP: {F.SUBMITTED: F.SUBMITTED},
    A.APPROVE: {F.SUBMITTED: F.APPROVED},
    A.REJECT: {F.SUBMITTED: F.DRAFT},
    A.WITHDRAW: {F.SUBMITTED: F.DRAFT},
    A.PARTLY_SUPERSEDE: {F.APPROVED: F.APPROVED},
    A.SUPERSEDE: {F.APPROVED: F.SUPERSEDED},
}


@pytest.mark.parametrize("action,status", list(itertools.product(ForecastAction, ForecastStatus)))
def test_each_status_and_action_is_allowed_with_its_target_or_refused_with_its_code(action, status):
    expected = TABLE[action].get(status)
    if expected is not None:
        assert FORECAST_LIFECYCLE.check(action, status) is expected
        return
    with pytest.raises(DomainRefusal) as refused:
        FORECAST_LIFECYCLE.check(action, status)
    code = ErrorCode.READ_ONLY if action is A.ADJUST else ErrorCode.INVALID_TRANSITION
    assert refused.value.errors[0].code is code
    assert status.value in refused.value.errors[0].message


def actor(*roles: Role, company=1, department=None, customer=None) -> Actor:
    return Actor(1, "x", frozenset(roles), company, department, None, customer)


def test_readers_and_preparers_of_a_department_forecast():
    d1 = ForecastScope(1, 10)
    company = ForecastScope(1)
    manager = actor(Role.MANAGER, department=10)
    assert may_read_forecast(manager, d1) and may_prepare_forecast(manager, d1)
    assert not may_read_forecast(manager, company) and not may_prepare_forecast(manager, company)
    assert not may_read_forecast(actor(Role.MANAGER, department=11), d1)
    for reader in (Role.VP, Role.GENERAL_MANAGER, Role.FINANCE, Role.ADMIN, Role.REPORTING):
        assert may_read_forecast(actor(reader), d1) and not may_prepare_forecast(actor(reader), d1)
    assert may_prepare_forecast(actor(Role.PLANNER), company)
    assert not may_read_forecast(actor(Role.SALESPERSON, department=10), d1)
    assert not may_read_forecast(actor(Role.PARTNER, company=None, customer=5), d1)
    assert not may_read_forecast(actor(Role.PLANNER, company=2), d1)


def test_scopes_overlap_when_one_holds_the_other():
    assert ForecastScope(1).overlaps(ForecastScope(1, 10))
    assert ForecastScope(1, 10).overlaps(ForecastScope(1, 10))
    assert not ForecastScope(1, 10).overlaps(ForecastScope(1, 11))
    assert not ForecastScope(1).overlaps(ForecastScope(2))


def test_a_forecast_covers_whole_months_in_order_and_at_most_36():
    assert check_periods(date(2026, 1, 1), date(2026, 3, 31)) == []
    assert check_periods(date(2026, 1, 1), date(2028, 12, 31)) == []  # 36 months
    fields = lambda errors: [(e.code.value, e.field[-1]) for e in errors]  # noqa: E731
    assert fields(check_periods(date(2026, 1, 1), date(2029, 1, 31))) == [("INVALID", "periodEnd")]
    assert fields(check_periods(date(2026, 1, 2), date(2026, 2, 28))) == [
        ("INVALID", "periodStart")
    ]
    assert fields(check_periods(date(2026, 1, 1), date(2026, 2, 27))) == [("INVALID", "periodEnd")]
    assert fields(check_periods(date(2026, 3, 1), date(2026, 2, 28))) == [("INVALID", "periodEnd")]


def test_history_is_the_36_months_before_the_forecast_never_the_current_month():
    assert history_window(date(2026, 1, 1), date(2026, 12, 2)) == (
        date(2023, 1, 1),
        date(2025, 12, 1),
    )
    # A forecast of the future learns from every complete month there is.
    assert history_window(date(2027, 6, 1), date(2026, 12, 2)) == (
        date(2023, 12, 1),
        date(2026, 11, 1),
    )


def test_edge_weeks_are_cut_at_the_forecast_ends():
    week = ForecastGranularity.WEEK
    span = period_span(date(2025, 12, 29), week, date(2026, 1, 1), date(2026, 1, 31))
    assert span == (date(2026, 1, 1), date(2026, 1, 4))
    month = period_span(date(2026, 2, 1), ForecastGranularity.MONTH, date(2026, 1, 1), None)
    assert month == (date(2026, 2, 1), date(2026, 2, 28))
    assert overlaps(span, (date(2026, 1, 4), date(2026, 2, 1)))
    assert not overlaps(span, (date(2026, 1, 5), date(2026, 2, 1)))


def test_an_adjusted_amount_follows_the_planned_unit_price_or_the_list_price():
    assert adjusted_amount(Decimal("3"), Decimal("100.00"), Decimal("4"), Decimal("1")) == Decimal(
        "133.33"
    )
    assert adjusted_amount(Decimal("0"), Decimal("0.00"), Decimal("2.5"), Decimal("9.99")) == (
        Decimal("24.98")  # 24.975 half-even
    )


def test_quantities_are_not_negative_and_have_three_decimals_at_most():
    assert check_quantity(Decimal("0")) is None
    assert check_quantity(Decimal("12.125")) is None
    assert check_quantity(Decimal("-0.001")).message == "a quantity is not negative"
    assert check_quantity(Decimal("1.0001")).message == "a quantity has at most 3 decimals"
    assert check_quantity(Decimal("1e9")).code is ErrorCode.INVALID


def test_a_line_without_a_baseline_is_not_judged_and_says_why():
    verdict = judge(Decimal("5"), None, "only 2 months of history", Decimal(30))
    assert (verdict.implausible, verdict.deviation_percent) == (False, None)
    assert verdict.reason == "not checked: no baseline (only 2 months of history)"
    point = BaselinePoint(Decimal("100"), Decimal("90"), Decimal("110"))
    assert judge(Decimal("200"), point, "ETS", Decimal(30)).implausible
