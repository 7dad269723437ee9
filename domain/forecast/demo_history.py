"""Demo order history: monthly confirmed order quantities per product with a trend, a 12-month
season and noise, from a seed, so the demo's baselines have something to learn from.

Each product draws its own profile from (seed, product id) alone, so adding products or listing
them in another order changes no other product's history. Demand in month t is
    level × (1 + growth)^(years from the reference month) × (1 + amplitude × cos(2π (month − peak) / 12))
times (1 + noise × a standard normal draw), rounded to whole units and never below 0. The reference
month is the month after the history, so `level` is the deseasonalised demand the baseline should
forecast for it; pass the demo plans' monthly average per product to put history and plans in line.
"""

import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.plans.lines import QUANTITY_STEP
from domain.plans.periods import add_months

LEVELS = (20.0, 400.0)  # units a month, when the caller gives none
GROWTH = (-0.05, 0.20)  # per year
AMPLITUDE = (0.10, 0.30)  # of the level, either side
NOISE = 0.06  # standard deviation, relative to the expected demand


@dataclass(frozen=True)
class DemandProfile:
    """One product's expected monthly demand; `level` is the deseasonalised demand at
    `reference_month`."""

    level: float
    reference_month: date
    growth: float
    amplitude: float
    peak_month: int

    def expected(self, month: date) -> float:
        """The demand expected in `month`, before noise."""
        months_from_reference = _index(month) - _index(self.reference_month)
        trend = self.level * (1 + self.growth) ** (months_from_reference / 12)
        return trend * (
            1 + self.amplitude * math.cos(2 * math.pi * (month.month - self.peak_month) / 12)
        )


def demand_profile(
    product_id: int, reference_month: date, seed: int = 7, level: float | None = None
) -> DemandProfile:
    """The profile `product_id` draws from `seed`; `level` given overrides the drawn one."""
    rng = _rng(seed, product_id)
    drawn_level = rng.uniform(*LEVELS)
    return DemandProfile(
        level=drawn_level if level is None else float(level),
        reference_month=reference_month,
        growth=rng.uniform(*GROWTH),
        amplitude=rng.uniform(*AMPLITUDE),
        peak_month=rng.randint(1, 12),
    )


def demo_order_history(
    product_ids: Iterable[int],
    first_month: date,
    months: int = 36,
    seed: int = 7,
    levels: Mapping[int, Decimal | float] | None = None,
) -> dict[int, dict[date, Decimal]]:
    """Per product, the confirmed order quantity of each of `months` months from `first_month`
    (whole units, as Decimal with 3 decimals), oldest first."""
    calendar = [add_months(first_month, i) for i in range(months)]
    reference = add_months(first_month, months)
    history = {}
    for product_id in product_ids:
        level = None if levels is None or product_id not in levels else float(levels[product_id])
        profile = demand_profile(product_id, reference, seed, level)
        # Noise from its own stream, so overriding the level leaves the profile's other draws alone.
        noise = _rng(seed, product_id, "noise")
        history[product_id] = {
            month: _units(profile.expected(month) * (1 + NOISE * noise.gauss(0.0, 1.0)))
            for month in calendar
        }
    return history


def _rng(seed: int, product_id: int, stream: str = "profile") -> random.Random:
    # String seeds are hashed with SHA-512: the same on every run, whatever PYTHONHASHSEED says.
    return random.Random(f"{seed}:{product_id}:{stream}")


def _index(month: date) -> int:
    return month.year * 12 + month.month - 1


def _units(value: float) -> Decimal:
    return Decimal(max(0, round(value))).quantize(QUANTITY_STEP)
