"""A plan is implausible outside the baseline's interval or beyond the deviation threshold, and
the reason says which."""

from decimal import Decimal

import pytest

from domain.forecast.baseline import BaselinePoint
from domain.forecast.plausibility import check_plausibility

BASELINE = BaselinePoint(Decimal("387.214"), Decimal("301.450"), Decimal("472.020"))


def test_a_plan_far_above_the_baseline_and_its_interval_is_flagged_with_both_reasons():
    verdict = check_plausibility(Decimal("820.000"), BASELINE)
    assert verdict.implausible
    assert verdict.deviation_percent == Decimal("111.8")  # (820 − 387.214) / 387.214 = 1.1177
    assert verdict.outside_interval and verdict.beyond_threshold
    assert verdict.reason == (
        "planned 820 is 112 % above the baseline 387 and outside its 80 % interval 301–472"
    )


def test_a_plan_close_to_the_baseline_and_inside_the_interval_is_plausible():
    verdict = check_plausibility(Decimal("400"), BASELINE)
    assert not verdict.implausible
    assert verdict.deviation_percent == Decimal("3.3")
    assert verdict.reason == (
        "planned 400 is 3 % above the baseline 387, within the 30 % allowed"
        " and inside its 80 % interval 301–472"
    )


def test_a_deviation_beyond_the_policy_threshold_is_flagged_even_inside_the_interval():
    wide = BaselinePoint(Decimal("100"), Decimal("40"), Decimal("160"))
    verdict = check_plausibility(Decimal("65.5"), wide, threshold_percent=Decimal(30))
    assert verdict.implausible and verdict.beyond_threshold and not verdict.outside_interval
    assert verdict.deviation_percent == Decimal("-34.5")
    assert verdict.reason == (
        "planned 65.5 is 35 % below the baseline 100, more than the 30 % allowed,"
        " though inside its 80 % interval 40–160"
    )
    assert not check_plausibility(Decimal("65.5"), wide, threshold_percent=40).implausible


def test_a_plan_outside_a_narrow_interval_is_flagged_even_within_the_threshold():
    narrow = BaselinePoint(Decimal("100"), Decimal("95"), Decimal("105"))
    verdict = check_plausibility(Decimal("110"), narrow)
    assert verdict.implausible and verdict.outside_interval and not verdict.beyond_threshold
    assert verdict.reason == (
        "planned 110 is 10 % above the baseline 100, within the 30 % allowed"
        " but outside its 80 % interval 95–105"
    )


def test_a_plan_at_exactly_the_threshold_is_not_beyond_it():
    wide = BaselinePoint(Decimal("100"), Decimal("0"), Decimal("200"))
    assert not check_plausibility(Decimal("130"), wide).implausible
    assert check_plausibility(Decimal("130.001"), wide).implausible


def test_with_a_zero_baseline_only_a_positive_plan_outside_the_interval_is_flagged():
    zero = BaselinePoint(Decimal("0"), Decimal("0"), Decimal("2.5"))
    outside = check_plausibility(Decimal("5"), zero)
    assert outside.implausible and outside.deviation_percent is None
    assert outside.reason == (
        "the baseline is 0, so there is no deviation in per cent;"
        " planned 5 is outside its 80 % interval 0–2.5"
    )
    inside = check_plausibility(Decimal("2"), zero)
    assert not inside.implausible and inside.deviation_percent is None
    nothing = check_plausibility(Decimal("0"), zero)
    assert not nothing.implausible
    assert nothing.reason == "planned 0, as the baseline"


def test_small_deviations_and_equal_plans_read_naturally():
    assert check_plausibility(Decimal("387.5"), BASELINE).reason.startswith(
        "planned 387.5 is within 1 % of the baseline 387,"
    )
    exact = BaselinePoint(Decimal("50"), Decimal("40"), Decimal("60"))
    assert check_plausibility(Decimal("50"), exact).reason.startswith(
        "planned 50 is equal to the baseline 50,"
    )


def test_negative_plans_and_thresholds_are_refused():
    with pytest.raises(ValueError):
        check_plausibility(Decimal("-1"), BASELINE)
    with pytest.raises(ValueError):
        check_plausibility(Decimal("1"), BASELINE, threshold_percent=Decimal("-5"))
