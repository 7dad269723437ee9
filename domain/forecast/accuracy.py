"""How close a forecast, and its baseline, came to the confirmed orders: MAPE, WAPE and bias.

Over observations (one product in one past period: actual confirmed order quantity, forecast):
- MAPE = mean of |actual − forecast| / actual over the observations with actual > 0. Observations
  with a zero actual are left out (a relative error of nothing is undefined) and counted in
  `zero_actuals`, so the caller can say how many. None when no actual is above 0.
- WAPE = Σ|actual − forecast| / Σ actual, over all observations (forecasting demand that did not
  come is an error too). None when Σ actual = 0.
- bias = Σ(forecast − actual) / Σ actual: positive means over-forecast. None when Σ actual = 0.
All three are fractions, not per cents (0.125 is 12.5 %), rounded half-even to 4 decimals.
Overall figures pool every product's observations (MAPE is the mean over all of them, not of the
products' MAPEs). The baseline is measured on the observations that have one.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

FRACTION_STEP = Decimal("0.0001")


@dataclass(frozen=True)
class Observation:
    """One product in one past period: what was ordered, forecast and (if any) the baseline."""

    product_id: int
    period: date
    actual: Decimal
    forecast: Decimal
    baseline: Decimal | None = None


@dataclass(frozen=True)
class Accuracy:
    """MAPE, WAPE and bias as fractions (None where undefined), over `observations` of which
    `zero_actuals` had an actual of 0 and are not in MAPE."""

    mape: Decimal | None
    wape: Decimal | None
    bias: Decimal | None
    observations: int
    zero_actuals: int


@dataclass(frozen=True)
class Comparison:
    """The forecast's accuracy beside the baseline's."""

    forecast: Accuracy
    baseline: Accuracy


@dataclass(frozen=True)
class AccuracyReport:
    """Per product (sorted by id) and over all products."""

    by_product: dict[int, Comparison]
    overall: Comparison


def measure(pairs: Iterable[tuple[Decimal, Decimal]]) -> Accuracy:
    """MAPE, WAPE and bias of (actual, predicted) pairs."""
    count = zeros = 0
    relative_errors: list[Decimal] = []
    total_actual = total_error = total_signed = Decimal(0)
    for actual, predicted in pairs:
        if actual < 0 or predicted < 0:
            raise ValueError("actual and predicted quantities are not negative")
        count += 1
        error = abs(actual - predicted)
        total_actual += actual
        total_error += error
        total_signed += predicted - actual
        if actual == 0:
            zeros += 1
        else:
            relative_errors.append(error / actual)
    mape = sum(relative_errors, Decimal(0)) / len(relative_errors) if relative_errors else None
    wape = total_error / total_actual if total_actual else None
    bias = total_signed / total_actual if total_actual else None
    return Accuracy(_fraction(mape), _fraction(wape), _fraction(bias), count, zeros)


def accuracy_report(observations: Iterable[Observation]) -> AccuracyReport:
    """The forecast's and the baseline's accuracy per product and overall."""
    by_product: dict[int, list[Observation]] = defaultdict(list)
    for observation in observations:
        by_product[observation.product_id].append(observation)
    every = [o for product in sorted(by_product) for o in by_product[product]]
    return AccuracyReport(
        by_product={product: _compare(by_product[product]) for product in sorted(by_product)},
        overall=_compare(every),
    )


def _compare(observations: list[Observation]) -> Comparison:
    return Comparison(
        forecast=measure((o.actual, o.forecast) for o in observations),
        baseline=measure((o.actual, o.baseline) for o in observations if o.baseline is not None),
    )


def _fraction(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(FRACTION_STEP)
