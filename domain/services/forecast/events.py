"""The event of a change to a forecast row, with the scope subscriptions filter by."""

from domain.forecast.events import ForecastEvent
from domain.forecast.lifecycle import ForecastStatus
from domain.store.tables import Forecast


def forecast_event(
    forecast: Forecast, action: str, before: ForecastStatus | None, **details
) -> ForecastEvent:
    """An event of `forecast` as it is now (after the change), moved from status `before`."""
    return ForecastEvent(
        document_id=forecast.id,
        action=action,
        from_status=before,
        to_status=forecast.status,
        company_id=forecast.company_id,
        department_id=forecast.department_id,
        **details,
    )
