"""forecastLineAdjust: change one line's quantity in a DRAFT forecast, with a reason; the change
is kept in the line's history and the line is judged again against its baseline."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from domain.access import Actor
from domain.errors import ErrorCode, refuse
from domain.forecast.access import may_prepare_forecast
from domain.forecast.baseline import BaselinePoint
from domain.forecast.generation import adjusted_amount, check_quantity, judge
from domain.forecast.lifecycle import FORECAST_LIFECYCLE, ForecastAction
from domain.services.forecast.events import forecast_event
from domain.services.pipeline import handles
from domain.store.forecasts.repository import load_visible_forecast, scope_of
from domain.store.tables import ForecastAdjustment, ForecastLine, Product
from domain.store.uow import UnitOfWork
from domain.store.versioning import check_expected_version
from domain.text import clean_text

LINE = ("input", "lineId")
MAX_REASON = 500


@dataclass(frozen=True)
class ForecastLineAdjust:
    line_id: int
    quantity: Decimal
    reason: str
    expected_version: int | None = None


@handles(ForecastLineAdjust)
async def adjust_line(cmd: ForecastLineAdjust, actor: Actor, uow: UnitOfWork) -> ForecastLine:
    """DRAFT only; the forecast's version rises, so a stale expectedVersion is a CONFLICT."""
    s = uow.session
    forecast_id = await s.scalar(
        select(ForecastLine.forecast_id).where(ForecastLine.id == cmd.line_id)
    )
    if forecast_id is None:
        raise refuse(ErrorCode.NOT_FOUND, "no such forecast line", *LINE)
    forecast = await load_visible_forecast(s, actor, forecast_id, for_update=True, field=LINE)
    check_expected_version(forecast, cmd.expected_version)
    if not may_prepare_forecast(actor, scope_of(forecast)):
        raise refuse(
            ErrorCode.FORBIDDEN, "only who may plan for its scope adjusts a forecast", *LINE
        )
    FORECAST_LIFECYCLE.check(ForecastAction.ADJUST, forecast.status, LINE)
    reason = clean_text(cmd.reason, MAX_REASON, "input", "reason")
    if not reason:
        raise refuse(ErrorCode.REQUIRED, "say why the quantity changes", "input", "reason")
    bad_quantity = check_quantity(cmd.quantity)
    if bad_quantity is not None:
        raise refuse(bad_quantity.code, bad_quantity.message, *bad_quantity.field)
    line = await s.get(ForecastLine, cmd.line_id, with_for_update=True)
    list_price = await s.scalar(select(Product.list_price).where(Product.id == line.product_id))
    quantity = cmd.quantity.quantize(Decimal("0.001"))
    before_quantity = line.quantity
    point = (
        BaselinePoint(line.baseline, line.baseline_lower, line.baseline_upper)
        if line.baseline is not None
        else None
    )
    verdict = judge(quantity, point, line.model, forecast.threshold_percent)
    line.quantity = quantity
    line.amount = adjusted_amount(line.planned_quantity, line.planned_amount, quantity, list_price)
    line.deviation_percent = verdict.deviation_percent
    line.implausible = verdict.implausible
    line.plausibility_reason = verdict.reason[:500]
    s.add(
        ForecastAdjustment(
            line_id=line.id,
            actor_id=actor.user_id,
            from_quantity=before_quantity,
            to_quantity=quantity,
            reason=reason,
        )
    )
    await s.flush()
    status = forecast.status
    await uow.change(forecast, cmd.expected_version)
    uow.record(
        forecast_event(
            forecast,
            "LINE_ADJUSTED",
            status,
            comment=reason,
            line_id=line.id,
            product_id=line.product_id,
            period=line.period,
            from_quantity=before_quantity,
            to_quantity=quantity,
        ),
        actor.user_id,
    )
    return line
