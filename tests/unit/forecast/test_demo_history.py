"""The demo's order history is the same for the same seed, per product, and learnable."""

import statistics
from datetime import date
from decimal import Decimal

from domain.forecast.baseline import monthly_baseline
from domain.forecast.demo_history import demand_profile, demo_order_history

START, REFERENCE = date(2023, 1, 1), date(2026, 1, 1)


def test_three_years_of_whole_non_negative_quantities_per_product():
    history = demo_order_history([1, 2], START)
    assert set(history) == {1, 2}
    months = list(history[1])
    assert (months[0], months[-1], len(months)) == (START, date(2025, 12, 1), 36)
    quantities = [q for series in history.values() for q in series.values()]
    assert all(q >= 0 and q == q.to_integral_value() for q in quantities)
    assert all(q.as_tuple().exponent == -3 for q in quantities)


def test_the_same_seed_gives_the_same_history_and_another_seed_another():
    assert demo_order_history([1, 2, 3], START) == demo_order_history([1, 2, 3], START)
    assert demo_order_history([1], START, seed=8) != demo_order_history([1], START)


def test_a_products_history_does_not_depend_on_the_other_products_listed():
    alone = demo_order_history([5], START)[5]
    assert demo_order_history([9, 5, 1], START)[5] == alone


def test_a_level_given_scales_the_history_and_keeps_its_shape():
    drawn = demand_profile(3, REFERENCE)
    doubled = demo_order_history([3], START, levels={3: Decimal(drawn.level * 2)})[3]
    plain = demo_order_history([3], START)[3]
    ratios = [doubled[m] / plain[m] for m in plain if plain[m] >= 50]
    assert all(abs(r - 2) < Decimal("0.03") for r in ratios)


def test_the_baseline_of_the_demo_history_finds_the_profile_it_was_drawn_from():
    history = demo_order_history(range(1, 21), START)
    errors = []
    for product, series in history.items():
        profile = demand_profile(product, REFERENCE)
        baseline = monthly_baseline(list(series.values()), 12)
        assert baseline.model == "ETS(A,A,A) Holt-Winters, 36 months"
        for month, point in baseline.by_month(REFERENCE).items():
            expected = profile.expected(month)
            errors.append(abs(float(point.quantity) / expected - 1))
    assert statistics.median(errors) < 0.05
    assert max(errors) < 0.20
