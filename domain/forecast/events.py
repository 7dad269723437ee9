"""The events of forecasts: one class for every change on a forecast's stream ("Forecast:<id>")."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.events import ApprovalRouting, DocumentEvent, key
from domain.forecast.access import ForecastScope
from domain.forecast.lifecycle import ForecastStatus


@dataclass(frozen=True, kw_only=True)
class ForecastEvent(ApprovalRouting, DocumentEvent):
    """A forecast was requested, generated (or failed to be), adjusted, moved through its
    approval chain or superseded. `action`: REQUESTED, GENERATED, GENERATION_FAILED,
    LINE_ADJUSTED, SUBMITTED, STEP_APPROVED, APPROVED, REJECTED, WITHDRAWN, PARTLY_SUPERSEDED,
    SUPERSEDED. It carries the scope, so subscriptions filter it without reading the forecast."""

    STREAM = "Forecast"

    from_status: ForecastStatus | None = key("from", always=True)
    to_status: ForecastStatus | None = key("to", always=True)
    company_id: int
    department_id: int | None = None
    round: int | None = None  # the approval round the action belongs to
    step: str | None = None  # the step decided (STEP_APPROVED, APPROVED, REJECTED)
    amount: Decimal | None = None  # SUBMITTED: the forecast's total amount
    lines: int | None = None  # GENERATED: how many lines
    implausible: int | None = None  # GENERATED: how many of them are flagged
    line_id: int | None = None  # LINE_ADJUSTED
    product_id: int | None = None  # LINE_ADJUSTED
    period: date | None = None  # LINE_ADJUSTED
    from_quantity: Decimal | None = None  # LINE_ADJUSTED
    to_quantity: Decimal | None = None  # LINE_ADJUSTED
    superseded_by: int | None = None  # (PARTLY_)SUPERSEDED: the newer approved forecast
    periods: tuple[date, ...] | None = None  # PARTLY_SUPERSEDED: the periods taken over

    @property
    def scope(self) -> ForecastScope:
        return ForecastScope(self.company_id, self.department_id)
