"""From the approved plans and the order history to a forecast's lines: the periods a forecast
may cover, the history its baselines learn from, and each line with its sources, baseline and
plausibility verdict. Pure: the service reads the inputs and writes the result.

Rules:
- A forecast covers whole months: `periodStart` is the first day of a month, `periodEnd` the last
  day of a month, at most 36 months (MAX_MONTHS) and not before `periodStart`.
- Its baselines learn from the 36 months (HISTORY_MONTHS) of confirmed order quantities before
  its first month, and never from the current (unfinished) month or later: a forecast of the
  future learns from every complete month there is, and forecasts the months in between too.
- WEEK forecasts split each plan line of a month over that month's ISO weeks by working days
  (domain.forecast.calendar), so a week line is the sum of its sources' parts; the monthly
  baseline and its interval are split the same way. A week at either end of the forecast holds
  only the working days of the forecast's own months.
- A line's amount follows its quantity when adjusted: at the line's planned unit price
  (planned amount / planned quantity), or at the product's list price when nothing was planned.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from domain.errors import DomainError, ErrorCode
from domain.forecast.baseline import Baseline, BaselinePoint, BaselineResult
from domain.forecast.calendar import ForecastGranularity, month_start, months_between, split_month
from domain.forecast.plausibility import check_plausibility
from domain.forecast.sources import Selection, Source
from domain.plans.lines import MONEY_STEP, QUANTITY_STEP
from domain.plans.periods import add_months

MAX_MONTHS = 36
HISTORY_MONTHS = 36
MAX_QUANTITY = Decimal("1000000000")  # per line


def check_periods(period_start: date, period_end: date) -> list[DomainError]:
    """Why these periods cannot be forecast (empty when they can)."""
    errors = []
    if period_start.day != 1:
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "periodStart must be the first day of a month",
                ("input", "periodStart"),
            )
        )
    if (period_end + timedelta(days=1)).day != 1:
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "periodEnd must be the last day of a month",
                ("input", "periodEnd"),
            )
        )
    if period_end < period_start:
        errors.append(
            DomainError(
                ErrorCode.INVALID, "periodEnd is before periodStart", ("input", "periodEnd")
            )
        )
    elif len(months_between(period_start, period_end)) > MAX_MONTHS:
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                f"a forecast covers at most {MAX_MONTHS} months",
                ("input", "periodEnd"),
            )
        )
    return errors


def history_window(first_month: date, today: date) -> tuple[date, date]:
    """(first, last) month of the history a forecast starting in `first_month` learns from."""
    last = min(add_months(first_month, -1), add_months(month_start(today), -1))
    return add_months(last, -(HISTORY_MONTHS - 1)), last


def period_span(
    period: date, granularity: ForecastGranularity, first_day: date, last_day: date
) -> tuple[date, date]:
    """The days a line's period covers inside its forecast (edge weeks are cut at its ends)."""
    if granularity is ForecastGranularity.MONTH:
        return period, add_months(period, 1) - timedelta(days=1)
    return max(period, first_day), min(period + timedelta(days=6), last_day)


def overlaps(a: tuple[date, date], b: tuple[date, date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


@dataclass(frozen=True)
class LineDraft:
    """A forecast line before it is stored."""

    product_id: int
    period: date
    quantity: Decimal
    amount: Decimal
    sources: tuple[Source, ...]
    baseline: BaselinePoint | None
    model: str  # the model and its history, or why there is no baseline
    history_periods: int
    deviation_percent: Decimal | None
    implausible: bool
    reason: str


@dataclass(frozen=True)
class Verdict:
    """A line's plausibility, or why it has none."""

    deviation_percent: Decimal | None
    implausible: bool
    reason: str


def judge(quantity: Decimal, point: BaselinePoint | None, model: str, threshold) -> Verdict:
    """The plausibility of `quantity` next to its baseline point (none: not judged)."""
    if point is None:
        return Verdict(None, False, f"not checked: no baseline ({model})")
    verdict = check_plausibility(quantity, point, threshold)
    return Verdict(verdict.deviation_percent, verdict.implausible, verdict.reason)


def draft_lines(
    selection: Selection,
    granularity: ForecastGranularity,
    months: list[date],
    baselines: Mapping[int, BaselineResult],
    history_end: date,
    threshold: Decimal,
) -> list[LineDraft]:
    """The forecast's lines, by product and period: the planned figures (split into weeks when
    asked), each beside its product's baseline (learnt up to `history_end`) and judged."""
    figures = _figures(selection, granularity)
    points = _baseline_points(baselines, granularity, months, history_end)
    lines = []
    for (product, period), (quantity, amount, sources) in sorted(figures.items()):
        result = baselines.get(product)
        point = points.get(product, {}).get(period)
        model = result.model if isinstance(result, Baseline) else _no_baseline(result)
        verdict = judge(quantity, point, model, threshold)
        lines.append(
            LineDraft(
                product_id=product,
                period=period,
                quantity=quantity,
                amount=amount,
                sources=sources,
                baseline=point,
                model=model,
                history_periods=result.periods_used if result is not None else 0,
                deviation_percent=verdict.deviation_percent,
                implausible=verdict.implausible,
                reason=verdict.reason,
            )
        )
    return lines


def _no_baseline(result: BaselineResult | None) -> str:
    return "no order history" if result is None else result.reason


def _figures(
    selection: Selection, granularity: ForecastGranularity
) -> dict[tuple[int, date], tuple[Decimal, Decimal, tuple[Source, ...]]]:
    """(product, period) → (quantity, amount, sources). Weeks: each source plan line is split
    by working days, and a week holds the sum of its parts."""
    if granularity is ForecastGranularity.MONTH:
        return {key: (f.quantity, f.amount, f.sources) for key, f in selection.figures.items()}
    parts: dict[tuple[int, date], list[Source]] = defaultdict(list)
    for (product, month), figure in selection.figures.items():
        for source in figure.sources:
            quantities = split_month(month, source.quantity, QUANTITY_STEP)
            amounts = split_month(month, source.amount, MONEY_STEP)
            for monday, quantity in quantities.items():
                parts[(product, monday)].append(
                    Source(source.plan_id, source.line_id, quantity, amounts[monday])
                )
    return {
        key: (
            sum((s.quantity for s in sources), Decimal("0.000")),
            sum((s.amount for s in sources), Decimal("0.00")),
            tuple(sources),
        )
        for key, sources in parts.items()
    }


def _baseline_points(
    baselines: Mapping[int, BaselineResult],
    granularity: ForecastGranularity,
    months: list[date],
    history_end: date,
) -> dict[int, dict[date, BaselinePoint]]:
    """Per product, the baseline of each forecast period."""
    first_after_history = add_months(history_end, 1)
    skip = _months_apart(first_after_history, months[0])
    points = {}
    for product, result in baselines.items():
        if not isinstance(result, Baseline):
            continue
        own = Baseline(result.points[skip : skip + len(months)], result.model, result.periods_used)
        if granularity is ForecastGranularity.MONTH:
            points[product] = own.by_month(months[0])
        else:
            points[product] = own.by_week(months[0])
    return points


def horizon(months: list[date], history_end: date) -> int:
    """How many months after the history the baselines must reach to cover the forecast."""
    return _months_apart(history_end, months[-1])


def _months_apart(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


def adjusted_amount(
    planned_quantity: Decimal,
    planned_amount: Decimal,
    quantity: Decimal,
    list_price: Decimal,
) -> Decimal:
    """A line's amount after its quantity changed (see the module's rules)."""
    unit_price = planned_amount / planned_quantity if planned_quantity > 0 else list_price
    return (quantity * unit_price).quantize(MONEY_STEP, rounding=ROUND_HALF_EVEN)


def check_quantity(quantity: Decimal) -> DomainError | None:
    """A forecast quantity: not negative, at most 3 decimals, below MAX_QUANTITY."""
    field = ("input", "quantity")
    if quantity < 0:
        return DomainError(ErrorCode.INVALID, "a quantity is not negative", field)
    if quantity != quantity.quantize(QUANTITY_STEP):
        return DomainError(ErrorCode.INVALID, "a quantity has at most 3 decimals", field)
    if quantity >= MAX_QUANTITY:
        return DomainError(ErrorCode.INVALID, f"a quantity is below {MAX_QUANTITY:,}", field)
    return None
