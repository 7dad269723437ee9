"""Target decomposition and roll-up: split a parent's targets over its children, sum them back,
and show the gap. Pure functions on {(product_id, month): Amounts}.

Splits use the largest-remainder method, so the children's targets add up to the parent's
exactly: in whole units where the parent's quantity is whole (else to 0.001), and to the cent.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal

from domain.plans.lines import MONEY_STEP, QUANTITY_STEP

ZERO_QTY = Decimal("0.000")
ZERO_MONEY = Decimal("0.00")


@dataclass(frozen=True)
class Amounts:
    quantity: Decimal
    amount: Decimal

    def __add__(self, other: "Amounts") -> "Amounts":
        return Amounts(self.quantity + other.quantity, self.amount + other.amount)

    def __sub__(self, other: "Amounts") -> "Amounts":
        return Amounts(self.quantity - other.quantity, self.amount - other.amount)

    @property
    def is_zero(self) -> bool:
        return self.quantity == 0 and self.amount == 0


Key = tuple[int, date]  # (product id, month)
Targets = dict[Key, Amounts]
NOTHING = Amounts(ZERO_QTY, ZERO_MONEY)


def roll_up(children: Iterable[Mapping[Key, Amounts]]) -> Targets:
    """The sum of the children's targets per product and month."""
    total: Targets = {}
    for child in children:
        for key, amounts in child.items():
            total[key] = total.get(key, NOTHING) + amounts
    return total


def allocation_gap(parent: Mapping[Key, Amounts], rollup: Mapping[Key, Amounts]) -> Targets:
    """Parent minus roll-up, only where they differ (negative: children plan more)."""
    gap = {}
    for key in parent.keys() | rollup.keys():
        difference = parent.get(key, NOTHING) - rollup.get(key, NOTHING)
        if not difference.is_zero:
            gap[key] = difference
    return dict(sorted(gap.items()))


def split_by_shares(
    parent: Mapping[Key, Amounts], shares: Mapping[int, Decimal]
) -> dict[int, Targets]:
    """Each child's targets: the parent's, in proportion to its share (weights, normalised).

    Raises ValueError for negative shares or shares that sum to zero.
    """
    if any(s < 0 for s in shares.values()):
        raise ValueError("shares must not be negative")
    total_share = sum(shares.values(), Decimal(0))
    if total_share <= 0:
        raise ValueError("shares must add up to more than zero")
    result: dict[int, Targets] = {child: {} for child in shares}
    for key, amounts in sorted(parent.items()):
        whole_units = amounts.quantity == amounts.quantity.to_integral_value()
        quantity_step = Decimal(1) if whole_units else QUANTITY_STEP
        quantities = largest_remainder(amounts.quantity, shares, total_share, quantity_step)
        money = largest_remainder(amounts.amount, shares, total_share, MONEY_STEP)
        for child in shares:
            share = Amounts(
                quantities[child].quantize(QUANTITY_STEP), money[child].quantize(MONEY_STEP)
            )
            if not share.is_zero:
                result[child][key] = share
    return result


def largest_remainder(
    total: Decimal, shares: Mapping[int, Decimal], total_share: Decimal, step: Decimal
) -> dict[int, Decimal]:
    """Split `total` (a multiple of `step`) by shares into multiples of `step` that sum to it."""
    units = int((total / step).to_integral_value())
    raw = {child: Decimal(units) * share / total_share for child, share in shares.items()}
    floors = {
        child: int(value.to_integral_value(rounding=ROUND_FLOOR)) for child, value in raw.items()
    }
    left = units - sum(floors.values())
    # Ties go to the child listed first, so the same input always gives the same split.
    order = sorted(
        shares, key=lambda child: (-(raw[child] - floors[child]), list(shares).index(child))
    )
    for child in order[:left]:
        floors[child] += 1
    return {child: Decimal(n) * step for child, n in floors.items()}
