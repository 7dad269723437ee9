"""The statistical baseline beside a plan: exponential smoothing of a product's monthly history
of confirmed order quantities, fitted by statsforecast, with an 80 % prediction interval.

The model depends on how many months of history there are, counted from the first month with an
order (months before it are before the product sold at all, not months it sold nothing):
- 24 months or more (two seasons): Holt-Winters, ETS(A,A,A) with a 12-month season, not damped;
- 12 to 23 months: Holt, ETS(A,A,N);
- 7 to 11 months: simple exponential smoothing, ETS(A,N,N);
- 3 to 6 months: simple exponential smoothing with α chosen by least squares and the level started
  at the first month (statsforecast's SES), because ETS's likelihood fit refuses series that
  short (fewer observations than its parameters + 5, as R's forecast::ets does);
- fewer than 3 months, or no orders at all: no baseline, and the reason says so.
A constant history is fitted by statsforecast as ETS(A,N,N) whatever was asked; `model` names the
model actually fitted. Forecasts and interval ends are clipped at 0: demand is never negative.
Weekly baselines are the monthly ones split by the calendar's working-day rule
(`domain.forecast.calendar`), interval ends included.

statsforecast is imported on first use (about 4 s: it pulls in pandas and statsmodels), so
importing this module stays cheap; call `warm_up()` where that start-up should be paid early.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

import numpy as np

from domain.forecast.calendar import split_by_week
from domain.plans.lines import QUANTITY_STEP
from domain.plans.periods import add_months

LEVEL = 80  # per cent, of the prediction interval
SEASON_LENGTH = 12  # months
MIN_PERIODS = 3
# statsforecast's ETS fits A,N,N (2 parameters) only to series longer than 2 + 4 observations.
MIN_PERIODS_ETS = 7
MIN_PERIODS_TREND = 12
MIN_PERIODS_SEASONAL = 2 * SEASON_LENGTH

# Fitted ETS components (error, trend, season, damped) → the name shown to people.
ETS_NAMES = {
    "AAAN": "ETS(A,A,A) Holt-Winters",
    "AANN": "ETS(A,A,N) Holt",
    "ANNN": "ETS(A,N,N) simple exponential smoothing",
}
SES_NAME = "simple exponential smoothing (α by least squares)"

Quantity = Decimal | float | int
K = TypeVar("K")


@dataclass(frozen=True)
class BaselinePoint:
    """The baseline quantity of one period and its prediction interval (`level` per cent)."""

    quantity: Decimal
    lower: Decimal
    upper: Decimal
    level: int = LEVEL


@dataclass(frozen=True)
class Baseline:
    """A baseline for the `len(points)` months that follow the history, in order."""

    points: tuple[BaselinePoint, ...]
    model: str  # e.g. "ETS(A,A,A) Holt-Winters, 36 months"
    periods_used: int

    def by_month(self, first_month: date) -> dict[date, BaselinePoint]:
        """The points keyed by month, the first being `first_month` (the month after the history)."""
        return {add_months(first_month, i): point for i, point in enumerate(self.points)}

    def by_week(self, first_month: date) -> dict[date, BaselinePoint]:
        """The points split into ISO weeks (keyed by Monday) by working days, as plans are."""
        months = self.by_month(first_month)
        quantity, lower, upper = (
            split_by_week({m: getattr(p, name) for m, p in months.items()}, QUANTITY_STEP)
            for name in ("quantity", "lower", "upper")
        )
        return {w: BaselinePoint(quantity[w], lower[w], upper[w]) for w in quantity}


@dataclass(frozen=True)
class NoBaseline:
    """Why a product has no baseline."""

    reason: str
    periods_used: int


BaselineResult = Baseline | NoBaseline


def monthly_baseline(history: Sequence[Quantity], horizon: int) -> BaselineResult:
    """The baseline for the `horizon` months after `history` (confirmed order quantities per
    month, oldest first, months without orders as 0)."""
    if horizon < 1:
        raise ValueError("the horizon is at least one month")
    y = np.array([float(q) for q in history], dtype=np.float64)
    if (y < 0).any() or not np.isfinite(y).all():
        raise ValueError("history quantities are finite and not negative")
    ordered = np.flatnonzero(y)
    if not len(ordered):
        return NoBaseline(f"no confirmed orders in the {len(y)} months of history", 0)
    y = y[ordered[0] :]
    n = len(y)
    if n < MIN_PERIODS:
        return NoBaseline(
            f"only {_months(n)} of history since the first order; "
            f"a baseline needs at least {MIN_PERIODS}",
            n,
        )
    try:
        name, mean, lower, upper = _fit(y, horizon)
    except (
        Exception
    ) as exc:  # a fit that fails leaves this product without a baseline, not the batch
        return NoBaseline(f"the model could not be fitted to {_months(n)}: {exc}", n)
    if not (np.isfinite(mean).all() and np.isfinite(lower).all() and np.isfinite(upper).all()):
        return NoBaseline(f"{name} gave no finite forecast from {_months(n)}", n)
    points = tuple(
        BaselinePoint(_quantity(m), _quantity(lo), _quantity(hi))
        for m, lo, hi in zip(mean, lower, upper, strict=True)
    )
    return Baseline(points, f"{name}, {_months(n)}", n)


def monthly_baselines(
    histories: Mapping[K, Sequence[Quantity]], horizon: int
) -> dict[K, BaselineResult]:
    """`monthly_baseline` for many products at once, e.g. {product id: history}."""
    return {key: monthly_baseline(history, horizon) for key, history in histories.items()}


def warm_up() -> None:
    """Import statsforecast and fit one series, so the first real request does not pay for it."""
    months = np.arange(MIN_PERIODS_SEASONAL, dtype=np.float64)
    _fit(10 + months + np.sin(months * np.pi / 6), 1)


def _fit(y: np.ndarray, horizon: int) -> tuple[str, np.ndarray, np.ndarray, np.ndarray]:
    """The fitted model's name, and its forecast and interval ends, clipped at 0."""
    from statsforecast.models import AutoETS, SimpleExponentialSmoothingOptimized

    n = len(y)
    if n < MIN_PERIODS_ETS:
        ses = SimpleExponentialSmoothingOptimized().fit(y)
        name, forecast = SES_NAME, ses.predict(horizon, level=[LEVEL])
    else:
        if n >= MIN_PERIODS_SEASONAL:
            ets = AutoETS(season_length=SEASON_LENGTH, model="AAA", damped=False)
        elif n >= MIN_PERIODS_TREND:
            ets = AutoETS(model="AAN", damped=False)
        else:
            ets = AutoETS(model="ANN")
        ets.fit(y)
        components = ets.model_["components"]
        name = ETS_NAMES.get(components, f"ETS {components}")
        forecast = ets.predict(horizon, level=[LEVEL])
    return (
        name,
        np.maximum(forecast["mean"], 0.0),
        np.maximum(forecast[f"lo-{LEVEL}"], 0.0),
        np.maximum(forecast[f"hi-{LEVEL}"], 0.0),
    )


def _quantity(value: float) -> Decimal:
    # + 0.0 turns a clipped -0.0 into 0.0, which would otherwise print as "-0.000".
    return Decimal(f"{value + 0.0:.3f}")


def _months(n: int) -> str:
    return "1 month" if n == 1 else f"{n} months"
