"""Is a planned quantity believable next to its statistical baseline?

A line is implausible when the planned quantity lies outside the baseline's prediction interval
(80 %), or deviates from the baseline by more than the threshold (per cent; the forecast policy's,
30 by default). The deviation in per cent is (planned − baseline) / baseline × 100. It is undefined
when the baseline is 0: such a line is implausible exactly when planned > 0 and outside the
interval. Every result carries a reason a person can read, flagged or not, e.g. "planned 820 is
112 % above the baseline 387 and outside its 80 % interval 301–472". In the reason, baselines and
interval ends are shown in whole units (to 0.1 below 10) and per cents whole.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from domain.forecast.baseline import BaselinePoint

DEFAULT_THRESHOLD_PERCENT = Decimal(30)
PERCENT_STEP = Decimal("0.1")


@dataclass(frozen=True)
class Plausibility:
    """The verdict on one planned quantity. `deviation_percent` is rounded to 0.1, and None when
    the baseline is 0."""

    implausible: bool
    deviation_percent: Decimal | None
    outside_interval: bool
    beyond_threshold: bool
    reason: str


def check_plausibility(
    planned: Decimal,
    baseline: BaselinePoint,
    threshold_percent: Decimal | int = DEFAULT_THRESHOLD_PERCENT,
) -> Plausibility:
    """The verdict on `planned` against `baseline`, by the rule above."""
    threshold = Decimal(threshold_percent)
    if planned < 0:
        raise ValueError("a planned quantity is not negative")
    if threshold < 0:
        raise ValueError("the threshold is not negative")
    outside = planned < baseline.lower or planned > baseline.upper
    interval = (
        f"its {baseline.level} % interval {_estimate(baseline.lower)}–{_estimate(baseline.upper)}"
    )
    shown = _plain(planned)
    if baseline.quantity == 0:
        implausible = planned > 0 and outside
        if planned == 0:
            reason = "planned 0, as the baseline"
        else:
            where = "outside" if outside else "inside"
            reason = (
                f"the baseline is 0, so there is no deviation in per cent; "
                f"planned {shown} is {where} {interval}"
            )
        return Plausibility(implausible, None, outside, False, reason)

    deviation = (planned - baseline.quantity) / baseline.quantity * 100
    beyond = abs(deviation) > threshold
    said = f"planned {shown} is {_direction(deviation)} the baseline {_estimate(baseline.quantity)}"
    allowed = f"the {_plain(threshold)} % allowed"
    if beyond and outside:
        reason = f"{said} and outside {interval}"
    elif beyond:
        reason = f"{said}, more than {allowed}, though inside {interval}"
    elif outside:
        reason = f"{said}, within {allowed} but outside {interval}"
    else:
        reason = f"{said}, within {allowed} and inside {interval}"
    return Plausibility(
        beyond or outside, deviation.quantize(PERCENT_STEP), outside, beyond, reason
    )


def _direction(deviation: Decimal) -> str:
    if deviation == 0:
        return "equal to"
    shown = _percent(abs(deviation))
    if shown == "0":
        return "within 1 % of"
    return f"{shown} % {'above' if deviation > 0 else 'below'}"


def _percent(value: Decimal) -> str:
    return str(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _plain(value: Decimal) -> str:
    """As entered, without trailing zeros: 820.000 → "820", 12.500 → "12.5"."""
    return f"{value.normalize():f}"


def _estimate(value: Decimal) -> str:
    """A statistical estimate, without false precision: whole units, or 0.1 below 10."""
    step = Decimal(1) if value >= 10 else Decimal("0.1")
    return _plain(value.quantize(step, rounding=ROUND_HALF_UP))
