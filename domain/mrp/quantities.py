"""Exact integer arithmetic on quantities: milli-units, micro quantity-per and micro scrap rates.

Every quantity is an int64 count of thousandths of a unit (0.001), so a Decimal with three places
converts to it without loss. Quantity-per and scrap rates are millionths. Nothing here uses floats.
The products below are split so that no intermediate value leaves int64 while quantities stay
under LIMIT (10^9 units) and quantity-per under 1000.
"""

import numpy as np

MILLI = 1_000  # milli-units per unit
MICRO = 1_000_000  # millionths in one (quantity-per, scrap rate)
LIMIT = 10**12  # quantities (milli-units) are exact below this: 10^9 units
QTY_PER_LIMIT = 1_000 * MICRO  # quantity-per (micro) below 1000


def ceil_div(a, b):
    """⌈a / b⌉ for integers a ≥ 0 and b > 0, elementwise."""
    return (a + (b - 1)) // b


def times_qty_per(quantity, qty_per_micro, largest_quantity: int | None = None):
    """⌈quantity × qty_per / 10^6⌉, exactly.

    In one step when the largest product fits in int64 (the usual case, and twice as fast).
    Otherwise split as q·(m div 10^6) + ⌈q·(m mod 10^6) / 10^6⌉: each product then stays below
    10^18 for q < LIMIT and m < QTY_PER_LIMIT, and the sum is equal because q·(m div 10^6) is
    whole. A caller that knows a bound on the quantities passes it as `largest_quantity`, which
    saves a pass over them.
    """
    if largest_quantity is None:
        largest_quantity = int(np.max(quantity, initial=0))
    if largest_quantity * int(np.max(qty_per_micro, initial=0)) + MICRO < 2**63:
        product = quantity * qty_per_micro
        product += MICRO - 1  # in place: these arrays are large, fresh ones cost page faults
        product //= MICRO
        return product
    whole, fraction = np.divmod(qty_per_micro, MICRO)
    return quantity * whole + ceil_div(quantity * fraction, MICRO)


def gross_up_for_scrap(receipt: np.ndarray, scrap_micro: np.ndarray) -> np.ndarray:
    """The quantity to start so that `receipt` survives a scrap rate: ⌈r × 10^6 / (10^6 − s)⌉.

    receipt is [k] or [k, buckets], scrap_micro [k]; rows without scrap are copied as they are.
    With d = 10^6 − s and r = h·d + l (0 ≤ l < d) the result is h·10^6 + ⌈l·10^6 / d⌉, whose
    products stay far inside int64 (l·10^6 < 10^12), where r × 10^6 could overflow.
    """
    started = receipt.copy()
    lossy = np.flatnonzero(scrap_micro)
    if lossy.size:
        kept = (MICRO - scrap_micro[lossy]).reshape((-1,) + (1,) * (receipt.ndim - 1))
        whole, rest = np.divmod(receipt[lossy], kept)
        started[lossy] = whole * MICRO + ceil_div(rest * MICRO, kept)
    return started
