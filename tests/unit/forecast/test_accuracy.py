"""MAPE, WAPE and bias of a forecast and its baseline, on a case worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest

from domain.forecast.accuracy import Accuracy, Observation, accuracy_report, measure

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


def obs(product, period, actual, forecast, baseline=None):
    return Observation(
        product,
        period,
        Decimal(actual),
        Decimal(forecast),
        None if baseline is None else Decimal(baseline),
    )


OBSERVATIONS = [
    # Product 1: errors 10, 10, 5 (forecast) and 10, 10, 0 (baseline); March sold nothing.
    obs(1, JAN, "100", "110", "90"),
    obs(1, FEB, "50", "40", "60"),
    obs(1, MAR, "0", "5", "0"),
    # Product 2 sold nothing at all, and has no baseline.
    obs(2, JAN, "0", "3"),
    obs(2, FEB, "0", "0"),
    # Product 3: one month, forecast 50 short, baseline 10 over.
    obs(3, JAN, "200", "150", "210"),
]


@pytest.fixture(scope="module")
def report():
    return accuracy_report(OBSERVATIONS)


def test_a_products_figures_leave_zero_actuals_out_of_mape_only(report):
    # MAPE = (10/100 + 10/50) / 2; WAPE = (10 + 10 + 5) / 150; bias = (10 − 10 + 5) / 150.
    assert report.by_product[1].forecast == Accuracy(
        mape=Decimal("0.1500"),
        wape=Decimal("0.1667"),
        bias=Decimal("0.0333"),
        observations=3,
        zero_actuals=1,
    )
    # Baseline: MAPE (10/100 + 10/50) / 2; WAPE 20/150; bias (−10 + 10 + 0) / 150.
    assert report.by_product[1].baseline == Accuracy(
        Decimal("0.1500"), Decimal("0.1333"), Decimal("0.0000"), 3, 1
    )


def test_a_product_that_sold_nothing_has_undefined_figures_and_counts_its_zeros(report):
    assert report.by_product[2].forecast == Accuracy(None, None, None, 2, 2)
    assert report.by_product[2].baseline == Accuracy(None, None, None, 0, 0)


def test_under_forecasting_gives_a_negative_bias(report):
    assert report.by_product[3].forecast == Accuracy(
        Decimal("0.2500"), Decimal("0.2500"), Decimal("-0.2500"), 1, 0
    )
    assert report.by_product[3].baseline.bias == Decimal("0.0500")


def test_overall_figures_pool_every_observation(report):
    # MAPE over the three positive actuals: (0.10 + 0.20 + 0.25) / 3 = 0.18333.
    # WAPE: (10 + 10 + 5 + 3 + 0 + 50) / (100 + 50 + 200) = 78/350 = 0.222857.
    # Bias: (10 − 10 + 5 + 3 + 0 − 50) / 350 = −42/350 = −0.12.
    assert report.overall.forecast == Accuracy(
        Decimal("0.1833"), Decimal("0.2229"), Decimal("-0.1200"), 6, 3
    )
    # The baseline over the four observations that have one: MAPE (0.10 + 0.20 + 0.05) / 3,
    # WAPE (10 + 10 + 0 + 10) / 350, bias (−10 + 10 + 0 + 10) / 350.
    assert report.overall.baseline == Accuracy(
        Decimal("0.1167"), Decimal("0.0857"), Decimal("0.0286"), 4, 1
    )


def test_products_are_listed_in_id_order(report):
    assert list(report.by_product) == [1, 2, 3]


def test_nothing_to_measure_is_undefined_not_zero():
    assert measure([]) == Accuracy(None, None, None, 0, 0)


def test_negative_quantities_are_refused():
    with pytest.raises(ValueError):
        measure([(Decimal("-1"), Decimal("2"))])
