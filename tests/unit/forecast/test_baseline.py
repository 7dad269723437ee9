"""The statistical baseline follows trend and season, picks its model by history length and
flags plans that history does not support."""

from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from domain.forecast.baseline import (
    Baseline,
    NoBaseline,
    monthly_baseline,
    monthly_baselines,
)
from domain.forecast.plausibility import check_plausibility

# Four years of an additive trend (2 units a month) and season (±60, peak in July), with noise:
# the first three are the history, the fourth is what the baseline should find.
MONTHS = np.arange(48)
TRUE = 200 + 2 * MONTHS + 60 * np.cos(2 * np.pi * (MONTHS - 6) / 12)
OBSERVED = np.round(TRUE + 6 * np.random.default_rng(0).standard_normal(48))
HISTORY = [Decimal(int(q)) for q in OBSERVED[:36]]
NEXT_YEAR = TRUE[36:]


@pytest.fixture(scope="module")
def seasonal() -> Baseline:
    result = monthly_baseline(HISTORY, 12)
    assert isinstance(result, Baseline)
    return result


def test_two_seasons_of_history_get_holt_winters(seasonal):
    assert seasonal.model == "ETS(A,A,A) Holt-Winters, 36 months"
    assert seasonal.periods_used == 36


def test_the_baseline_peaks_in_the_month_the_history_peaks(seasonal):
    forecast = [float(p.quantity) for p in seasonal.points]
    history_peak = int(np.argmax(OBSERVED[24:36]))
    assert history_peak == 6  # July
    assert int(np.argmax(forecast)) == history_peak
    assert int(np.argmin(forecast)) == int(np.argmin(OBSERVED[24:36])) == 0  # January


def test_the_baseline_is_within_ten_percent_of_the_true_next_year(seasonal):
    for point, true in zip(seasonal.points, NEXT_YEAR, strict=True):
        assert float(point.quantity) == pytest.approx(true, rel=0.10)
        assert point.lower <= point.quantity <= point.upper
        assert point.quantity.as_tuple().exponent == -3


def test_a_plan_in_line_with_history_is_not_flagged(seasonal):
    for point, true in zip(seasonal.points, NEXT_YEAR, strict=True):
        verdict = check_plausibility(Decimal(round(true)), point)
        assert not verdict.implausible, verdict.reason


def test_a_plan_twice_the_history_is_flagged(seasonal):
    for point, true in zip(seasonal.points, NEXT_YEAR, strict=True):
        verdict = check_plausibility(Decimal(round(2 * true)), point)
        assert verdict.implausible
        assert verdict.outside_interval and verdict.beyond_threshold
        assert verdict.deviation_percent > 80


@pytest.mark.parametrize(
    ("months", "model"),
    [
        (36, "ETS(A,A,A) Holt-Winters, 36 months"),
        (24, "ETS(A,A,A) Holt-Winters, 24 months"),
        (23, "ETS(A,A,N) Holt, 23 months"),
        (12, "ETS(A,A,N) Holt, 12 months"),
        (11, "ETS(A,N,N) simple exponential smoothing, 11 months"),
        (7, "ETS(A,N,N) simple exponential smoothing, 7 months"),
        (6, "simple exponential smoothing (α by least squares), 6 months"),
        (3, "simple exponential smoothing (α by least squares), 3 months"),
    ],
)
def test_the_model_depends_on_the_months_of_history(months, model):
    result = monthly_baseline(HISTORY[-months:], 3)
    assert isinstance(result, Baseline)
    assert (result.model, result.periods_used, len(result.points)) == (model, months, 3)


def test_fewer_than_three_months_give_no_baseline_and_say_why():
    assert monthly_baseline([Decimal(5), Decimal(7)], 3) == NoBaseline(
        "only 2 months of history since the first order; a baseline needs at least 3", 2
    )


def test_a_history_without_orders_gives_no_baseline():
    assert monthly_baseline([0] * 36, 3) == NoBaseline(
        "no confirmed orders in the 36 months of history", 0
    )


def test_months_before_the_first_order_do_not_count_as_history():
    result = monthly_baseline([0] * 20 + HISTORY[-16:], 2)
    assert result.model == "ETS(A,A,N) Holt, 16 months"
    assert monthly_baseline([0] * 30 + [4, 0], 2).periods_used == 2


def test_a_falling_history_is_never_forecast_below_zero():
    falling = [120 - 10 * i for i in range(12)]  # 120 down to 10: Holt's trend goes below 0
    result = monthly_baseline(falling, 6)
    assert [p.quantity for p in result.points][-1] == Decimal("0.000")
    assert all(p.lower >= 0 and p.quantity >= 0 and p.upper >= 0 for p in result.points)


def test_a_constant_history_is_named_by_the_model_actually_fitted():
    result = monthly_baseline([7] * 30, 2)
    assert result.model == "ETS(A,N,N) simple exponential smoothing, 30 months"
    assert result.points[0].quantity == Decimal("7.000")


def test_a_batch_returns_a_result_for_every_product():
    results = monthly_baselines({1: HISTORY, 2: HISTORY[-8:], 3: [0, 0, 1]}, 4)
    assert results[1].model.startswith("ETS(A,A,A)")
    assert results[2].model.startswith("ETS(A,N,N)")
    assert isinstance(results[3], NoBaseline)


def test_points_are_keyed_by_month_and_split_into_weeks_that_add_up(seasonal):
    months = seasonal.by_month(date(2027, 1, 1))
    assert list(months)[:2] == [date(2027, 1, 1), date(2027, 2, 1)]
    assert len(months) == 12
    weeks = seasonal.by_week(date(2027, 1, 1))
    total = sum(p.quantity for p in seasonal.points)
    assert sum(p.quantity for p in weeks.values()) == total
    assert sum(p.upper for p in weeks.values()) == sum(p.upper for p in seasonal.points)
    assert min(weeks) == date(2026, 12, 28)  # the ISO week holding Friday, January 1


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        monthly_baseline(HISTORY, 0)
    with pytest.raises(ValueError):
        monthly_baseline([5, -1, 3], 1)
