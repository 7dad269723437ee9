"""Demo demand: plans in line with an order history, so a demo forecast is mostly plausible.

Each product (numbered by its code: P0001 is 1) has a demand profile (domain.forecast.
demo_history: a level, a yearly trend, a 12-month season, noise). The demo keeps:
- its history: confirmed order quantities per month from 2023-01 to 2026-09 (45 months: three
  years before the plan year and the plan year's months so far), in `demand_history`, split over
  the departments by their salespeople's fixed shares of the product;
- its plans: the company's monthly target of a product is the profile's expected demand for the
  month, off by a plan error of a few per cent, split over the salespeople who sell the product
  by the same fixed weights (whole units); departments and the company sum them (demo.py).
So the baseline learnt from 2023–2025 forecasts about what the plans say, and the plan year's
history serves as the actuals that forecast accuracy is measured against.
"""

import random
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.forecast.demo_history import demand_profile, demo_order_history
from domain.plans.allocation import largest_remainder
from domain.plans.periods import add_months
from domain.store.tables import DemandHistory

HISTORY_START = date(2023, 1, 1)
HISTORY_MONTHS = 45  # to 2026-09
REFERENCE_MONTH = add_months(HISTORY_START, HISTORY_MONTHS)  # the profiles' level is for this
PLAN_ERROR = 0.02  # standard deviation of a plan's miss of the expected demand
WEIGHTS = (0.5, 1.5)  # a salesperson's share of a product, before normalising
UNIT = Decimal(1)


def product_level(number: int, seed: int = 7) -> float:
    """The deseasonalised monthly demand of product `number`, company-wide."""
    return 100 + 1.5 * demand_profile(number, REFERENCE_MONTH, seed).level


def salesperson_weight(salesperson: int, number: int, seed: int = 7) -> Decimal:
    """How much of product `number` salesperson number `salesperson` sells, relatively."""
    draw = random.Random(f"{seed}:{salesperson}:{number}:weight").uniform(*WEIGHTS)
    return Decimal(str(round(draw, 3)))


def company_target(number: int, month: date, seed: int = 7) -> Decimal:
    """The company's planned quantity of product `number` in `month` (whole units)."""
    profile = demand_profile(number, REFERENCE_MONTH, seed, product_level(number, seed))
    miss = random.Random(f"{seed}:{number}:{month:%Y-%m}:plan").gauss(0.0, PLAN_ERROR)
    return Decimal(max(0, round(profile.expected(month) * (1 + miss))))


def split_whole(total: Decimal, weights: Mapping[int, Decimal]) -> dict[int, Decimal]:
    """`total` whole units split by `weights` (largest remainder), adding up exactly."""
    return largest_remainder(total, weights, sum(weights.values(), Decimal(0)), UNIT)


def demo_history(numbers: Iterable[int], seed: int = 7) -> dict[int, dict[date, Decimal]]:
    """Company-wide confirmed order quantities per product number and month."""
    numbers = list(numbers)
    return demo_order_history(
        numbers,
        HISTORY_START,
        HISTORY_MONTHS,
        seed,
        levels={n: product_level(n, seed) for n in numbers},
    )


async def load_demand_history(
    s: AsyncSession,
    product_ids: Sequence[int],
    department_weights: Mapping[int, Mapping[int, Decimal]],
    seed: int = 7,
) -> int:
    """Insert the history of the products (`product_ids[i]` is number i + 1), split over
    departments by `department_weights[product id][department id]`; the rows written."""
    history = demo_history(range(1, len(product_ids) + 1), seed)
    rows = []
    for number, product_id in enumerate(product_ids, start=1):
        weights = {d: w for d, w in department_weights.get(product_id, {}).items() if w > 0}
        if not weights:
            continue
        for month, quantity in history[number].items():
            for department, part in split_whole(quantity, weights).items():
                rows.append(
                    {
                        "product_id": product_id,
                        "department_id": department,
                        "month": month,
                        "quantity": part.quantize(Decimal("0.001")),
                    }
                )
    for start in range(0, len(rows), 5000):
        await s.execute(insert(DemandHistory), rows[start : start + 5000])
    return len(rows)
