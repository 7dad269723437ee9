"""MRP run use cases: mrpRunStart (a QUEUED run, computed by the `mrp.run` job) and mrpRunRetry.

Refused before anything is written: a forecast that is not APPROVED (NO_APPROVED_FORECAST) or
was superseded (FORECAST_SUPERSEDED), a horizon of more than 104 buckets (HORIZON_TOO_LONG), an
item without a lead time (MISSING_LEAD_TIME, naming the items), and a second run of a forecast
while one is QUEUED or RUNNING (RUN_IN_PROGRESS: refused, not queued, so a planner never waits
on a run they did not see; the partial unique index on mrp_run makes this hold for two starts
at the same moment too). A BOM cycle cannot be stored (master data refuses it); should one
appear anyway, the run FAILS naming its items.

A what-if run names submitted plan revisions; it computes with them in place of the approved
plans they revise, writes nothing but its own run, and remembers the latest SUCCEEDED run of
the same forecast as its base for mrpRunCompare.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from domain.access import Actor
from domain.errors import DomainError, ErrorCode, refuse, refuse_if_any
from domain.forecast.lifecycle import ForecastStatus
from domain.mrp.access import may_run_mrp
from domain.mrp.runs import MRP_RUN_LIFECYCLE, BucketKind, MrpRunAction, first_bucket_start
from domain.mrp.validation import MAX_BUCKETS
from domain.plans.lifecycle import PlanStatus
from domain.services.pipeline import handles
from domain.store.mrp.runs import active_run, items_without_lead_time, run_event, status_of
from domain.store.tables import SalesPlan
from domain.store.tables.forecasts import Forecast
from domain.store.tables.jobs import JobState
from domain.store.tables.mrp import MrpRun
from domain.store.uow import UnitOfWork

JOB = "mrp.run"
MAX_REVISIONS = 100
NAMED_AT_MOST = 10


@dataclass(frozen=True)
class MrpRunStart:
    forecast_id: int
    bucket: BucketKind
    horizon: int
    start: date | None = None  # default: today (UTC)
    plan_revision_ids: tuple[int, ...] | None = None  # set: a what-if run


@dataclass(frozen=True)
class MrpRunRetry:
    run_id: int
    expected_version: int | None = None


def _forbidden() -> None:
    raise refuse(ErrorCode.FORBIDDEN, "only planners run MRP", "input")


async def _approved_forecast(uow: UnitOfWork, actor: Actor, forecast_id: int, *field: str):
    forecast = await uow.session.get(Forecast, forecast_id)
    if forecast is None or forecast.company_id != actor.company_id:
        raise refuse(ErrorCode.NOT_FOUND, "no such forecast", *field)
    status = ForecastStatus(forecast.status)
    if status is ForecastStatus.SUPERSEDED:
        raise refuse(
            ErrorCode.FORECAST_SUPERSEDED,
            "this forecast was superseded by a newer approved one; run MRP on that",
            *field,
        )
    if status is not ForecastStatus.APPROVED:
        raise refuse(
            ErrorCode.NO_APPROVED_FORECAST,
            f"MRP runs on an APPROVED forecast; this one is {status.value}",
            *field,
        )
    return forecast


async def _check_lead_times(uow: UnitOfWork) -> None:
    missing = await items_without_lead_time(uow.session)
    if missing:
        named = ", ".join(missing[:NAMED_AT_MOST])
        more = f" and {len(missing) - NAMED_AT_MOST} more" if len(missing) > NAMED_AT_MOST else ""
        raise refuse(
            ErrorCode.MISSING_LEAD_TIME,
            f"{len(missing)} item(s) have no lead time: {named}{more}",
            "input",
        )


async def _refuse_if_running(uow: UnitOfWork, forecast_id: int, *field: str) -> None:
    running = await active_run(uow.session, forecast_id)
    if running is not None:
        raise _in_progress(running.id, status_of(running).value, *field)


def _in_progress(run_id: int | None, status: str, *field: str):
    which = f"run {run_id} is {status}" if run_id else "another run is queued or running"
    return refuse(
        ErrorCode.RUN_IN_PROGRESS,
        f"{which} for this forecast; wait for it to finish (a second run is refused, not queued)",
        *field,
    )


async def _revisions(uow: UnitOfWork, actor: Actor, ids: tuple[int, ...]) -> list[int]:
    field = ("input", "whatIf", "planRevisionIds")
    if not ids:
        raise refuse(ErrorCode.REQUIRED, "a what-if run names at least one plan revision", *field)
    if len(ids) > MAX_REVISIONS:
        raise refuse(ErrorCode.INVALID, f"at most {MAX_REVISIONS} plan revisions", *field)
    plans = {
        p.id: p
        for p in (
            await uow.session.execute(select(SalesPlan).where(SalesPlan.id.in_(set(ids))))
        ).scalars()
    }
    errors = []
    for k, plan_id in enumerate(ids):
        plan = plans.get(plan_id)
        at = (*field, str(k))
        if plan is None or plan.company_id != actor.company_id:
            errors.append(DomainError(ErrorCode.NOT_FOUND, "no such sales plan", at))
        elif PlanStatus(plan.status) is not PlanStatus.SUBMITTED or plan.revision_of_id is None:
            errors.append(
                DomainError(
                    ErrorCode.INVALID,
                    "a what-if run uses SUBMITTED revisions of approved plans; plan "
                    f"{plan_id} is a {PlanStatus(plan.status).value} "
                    + ("revision" if plan.revision_of_id else "plan, not a revision"),
                    at,
                )
            )
    refuse_if_any(errors)
    return sorted(set(ids))


@handles(MrpRunStart)
async def start_run(cmd: MrpRunStart, actor: Actor, uow: UnitOfWork) -> MrpRun:
    """A QUEUED run of an approved forecast; the job is deferred once it is committed."""
    if not may_run_mrp(actor):
        _forbidden()
    if not 1 <= cmd.horizon <= MAX_BUCKETS:
        raise refuse(
            ErrorCode.HORIZON_TOO_LONG,
            f"a horizon is 1 to {MAX_BUCKETS} buckets, not {cmd.horizon}",
            "input",
            "horizon",
        )
    forecast = await _approved_forecast(uow, actor, cmd.forecast_id, "input", "forecastId")
    revisions = None
    if cmd.plan_revision_ids is not None:
        revisions = await _revisions(uow, actor, cmd.plan_revision_ids)
    await _check_lead_times(uow)
    await _refuse_if_running(uow, forecast.id, "input", "forecastId")
    base = None
    if revisions is not None:
        base = (
            await uow.session.execute(
                select(MrpRun.id)
                .where(
                    MrpRun.forecast_id == forecast.id,
                    MrpRun.what_if.is_(False),
                    MrpRun.job_state == JobState.DONE,
                )
                .order_by(MrpRun.id.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
    start = cmd.start or datetime.now(UTC).date()
    run = MrpRun(
        company_id=forecast.company_id,
        forecast_id=forecast.id,
        bucket=cmd.bucket,
        horizon=cmd.horizon,
        start_date=first_bucket_start(start, cmd.bucket),
        what_if=revisions is not None,
        plan_revision_ids=" ".join(str(i) for i in revisions or ()),
        base_run_id=base,
        job_state=JobState.QUEUED,
        started_by=actor.user_id,
    )
    uow.session.add(run)
    try:
        await uow.session.flush()
    except IntegrityError:  # another start of this forecast committed first
        raise _in_progress(None, "", "input", "forecastId") from None
    uow.record(run_event(run, "QUEUED", None), actor.user_id)
    uow.defer(JOB, run_id=run.id)
    return run


@handles(MrpRunRetry)
async def retry_run(cmd: MrpRunRetry, actor: Actor, uow: UnitOfWork) -> MrpRun:
    """FAILED → QUEUED, from scratch (nothing of the failed attempt was kept)."""
    run = (
        await uow.session.execute(select(MrpRun).where(MrpRun.id == cmd.run_id).with_for_update())
    ).scalar_one_or_none()
    if run is None or not actor.is_internal or run.company_id != actor.company_id:
        raise refuse(ErrorCode.NOT_FOUND, "no such MRP run", "input", "id")
    if not may_run_mrp(actor):
        _forbidden()
    before = status_of(run)
    MRP_RUN_LIFECYCLE.check(MrpRunAction.RETRY, before)
    await _approved_forecast(uow, actor, run.forecast_id, "input", "id")
    await _check_lead_times(uow)
    await _refuse_if_running(uow, run.forecast_id, "input", "id")
    try:
        await uow.change(
            run,
            cmd.expected_version,
            job_state=JobState.QUEUED,
            job_error=None,
            job_worker=None,
            job_started_at=None,
            job_finished_at=None,
            progress=0,
            stage=None,
        )
    except IntegrityError:
        raise _in_progress(None, "", "input", "id") from None
    uow.record(run_event(run, "RETRIED", before), actor.user_id)
    uow.defer(JOB, run_id=run.id)
    return run
