"""forecastGenerate: check what was asked, create the forecast GENERATING, and queue the job
that sums its lines from the approved plans and computes their baselines (jobs.py)."""

from dataclasses import dataclass
from datetime import date

from domain.access import Actor
from domain.errors import ErrorCode, refuse, refuse_if_any
from domain.forecast.access import ForecastScope, may_prepare_forecast
from domain.forecast.calendar import ForecastGranularity, months_between
from domain.forecast.generation import check_periods
from domain.forecast.lifecycle import ForecastStatus
from domain.jobs import JobState
from domain.services.forecast.events import forecast_event
from domain.services.pipeline import handles
from domain.store.forecasts.repository import any_approved_plan, threshold_percent
from domain.store.tables import Company, Department, Forecast
from domain.store.uow import UnitOfWork
from domain.text import clean_text

GENERATE_JOB = "forecast.generate"
SCOPE = ("input", "scopeId")


@dataclass(frozen=True)
class ForecastGenerate:
    """A forecast of a company (company_id) or of one department (department_id)."""

    period_start: date
    period_end: date
    granularity: ForecastGranularity
    company_id: int | None = None
    department_id: int | None = None
    title: str | None = None


async def _scope(uow: UnitOfWork, actor: Actor, cmd: ForecastGenerate) -> tuple[ForecastScope, str]:
    """The scope asked for and its name; NOT_FOUND outside the actor's company."""
    s = uow.session
    if cmd.department_id is not None:
        department = await s.get(Department, cmd.department_id)
        if department is not None and department.company_id == actor.company_id:
            return ForecastScope(department.company_id, department.id), department.name
    elif cmd.company_id is not None:
        company = await s.get(Company, cmd.company_id)
        if company is not None and company.id == actor.company_id:
            return ForecastScope(company.id), company.name
    raise refuse(ErrorCode.NOT_FOUND, "no such company or department", *SCOPE)


@handles(ForecastGenerate)
async def generate_forecast(cmd: ForecastGenerate, actor: Actor, uow: UnitOfWork) -> Forecast:
    """A new forecast, GENERATING, with its generation job queued after commit."""
    scope, scope_name = await _scope(uow, actor, cmd)
    if not may_prepare_forecast(actor, scope):
        raise refuse(ErrorCode.FORBIDDEN, f"you may not plan for {scope_name}", *SCOPE)
    refuse_if_any(check_periods(cmd.period_start, cmd.period_end))
    title = clean_text(cmd.title, 200, "input", "title")
    months = months_between(cmd.period_start, cmd.period_end)
    if not await any_approved_plan(uow.session, scope, months):
        raise refuse(
            ErrorCode.NO_APPROVED_PLANS,
            f"no approved plan of {scope_name} covers {months[0]:%Y-%m} to {months[-1]:%Y-%m}; "
            "approve plans first",
            "input",
            "periodStart",
        )
    forecast = Forecast(
        company_id=scope.company_id,
        department_id=scope.department_id,
        title=title or f"Forecast {months[0]:%Y-%m} to {months[-1]:%Y-%m}, {scope_name}",
        granularity=cmd.granularity,
        period_start=cmd.period_start,
        period_end=cmd.period_end,
        status=ForecastStatus.GENERATING,
        threshold_percent=await threshold_percent(uow.session, scope.company_id),
        author_id=actor.user_id,
        job_state=JobState.QUEUED,
    )
    uow.session.add(forecast)
    await uow.session.flush()
    uow.record(forecast_event(forecast, "REQUESTED", None), actor.user_id)
    uow.defer(GENERATE_JOB, forecast_id=forecast.id)
    return forecast
