"""Forecast transitions: forecastSubmit, forecastApprove, forecastReject, forecastWithdraw.

As for plans: load the forecast (NOT_FOUND if out of reach), check the actor's right and the
life-cycle table, change the forecast and its approval steps (policy FORECAST: the VP in charge
of the scope by default), raise its version (CONFLICT when someone changed it first) and record
one event. When a forecast is APPROVED it takes the place of the older approved forecasts of an
overlapping scope for the periods both cover (supersession).
"""

from dataclasses import dataclass

from sqlalchemy import func, select, update

from domain.access import Actor
from domain.approvals import chains
from domain.approvals.chains import DocumentFacts, DocumentType
from domain.errors import ErrorCode, refuse
from domain.forecast.access import may_prepare_forecast
from domain.forecast.generation import overlaps, period_span
from domain.forecast.lifecycle import FORECAST_LIFECYCLE, ForecastAction, ForecastStatus
from domain.services.approvals import rounds
from domain.services.forecast.events import forecast_event
from domain.services.pipeline import handles
from domain.store.approvals import load_round
from domain.store.forecasts.repository import load_visible_forecast, scope_of
from domain.store.tables import Company, Forecast, ForecastLine
from domain.store.types import utcnow
from domain.store.uow import UnitOfWork
from domain.store.versioning import check_expected_version
from domain.text import clean_comment

FORECAST = DocumentType.FORECAST
ID = ("input", "id")


@dataclass(frozen=True)
class ForecastSubmit:
    forecast_id: int
    expected_version: int | None = None
    comment: str | None = None


@dataclass(frozen=True)
class ForecastApprove:
    forecast_id: int
    expected_version: int | None = None
    comment: str | None = None


@dataclass(frozen=True)
class ForecastReject:
    forecast_id: int
    reason: str
    expected_version: int | None = None


@dataclass(frozen=True)
class ForecastWithdraw:
    forecast_id: int
    expected_version: int | None = None
    comment: str | None = None


async def _locked(uow: UnitOfWork, actor: Actor, cmd) -> Forecast:
    """The forecast, locked, at the version the client saw."""
    forecast = await load_visible_forecast(uow.session, actor, cmd.forecast_id, for_update=True)
    check_expected_version(forecast, cmd.expected_version)
    return forecast


def _preparer_only(actor: Actor, forecast: Forecast, what: str) -> None:
    if not may_prepare_forecast(actor, scope_of(forecast)):
        raise refuse(
            ErrorCode.FORBIDDEN, f"only who may plan for its scope may {what} a forecast", *ID
        )


@handles(ForecastSubmit)
async def submit_forecast(cmd: ForecastSubmit, actor: Actor, uow: UnitOfWork) -> Forecast:
    """DRAFT → SUBMITTED: a new approval round from the FORECAST policy (APPROVED at once when
    no step applies)."""
    s = uow.session
    forecast = await _locked(uow, actor, cmd)
    _preparer_only(actor, forecast, "submit")
    target = FORECAST_LIFECYCLE.check(ForecastAction.SUBMIT, forecast.status)
    comment = clean_comment(cmd.comment, "input", "comment")
    lines, amount = (
        await s.execute(
            select(
                func.count(ForecastLine.id), func.coalesce(func.sum(ForecastLine.amount), 0)
            ).where(ForecastLine.forecast_id == forecast.id)
        )
    ).one()
    if not lines:
        raise refuse(ErrorCode.INVALID, "a forecast without lines cannot be submitted", *ID)
    round_no = forecast.approval_round + 1
    level = "COMPANY" if forecast.department_id is None else "DEPARTMENT"
    facts = DocumentFacts(amount, level, forecast.department_id)
    steps = await rounds.start_round(s, FORECAST, forecast.id, round_no, facts, forecast.company_id)
    if chains.is_complete(steps):  # no applicable step: nothing to wait for
        target = FORECAST_LIFECYCLE.check(ForecastAction.APPROVE, target)
    before = forecast.status
    await uow.change(
        forecast,
        cmd.expected_version,
        status=target,
        approval_round=round_no,
        approved_at=utcnow() if target is ForecastStatus.APPROVED else None,
    )
    if forecast.status is ForecastStatus.APPROVED:
        await supersede_older(uow, actor, forecast)
    uow.record(
        forecast_event(
            forecast,
            "SUBMITTED",
            before,
            comment=comment,
            amount=amount,
            round=round_no,
            **rounds.routing(steps),
        ),
        actor.user_id,
    )
    return forecast


@handles(ForecastApprove)
async def approve_forecast(cmd: ForecastApprove, actor: Actor, uow: UnitOfWork) -> Forecast:
    """Approve the current step; the forecast is APPROVED when no applicable step is left."""
    forecast = await _locked(uow, actor, cmd)
    FORECAST_LIFECYCLE.check(ForecastAction.APPROVE_STEP, forecast.status)
    comment = clean_comment(cmd.comment, "input", "comment")
    steps, decided = await rounds.approve_step(
        uow.session, FORECAST, forecast.id, forecast.approval_round, actor, comment, "forecast"
    )
    done = chains.is_complete(steps)
    action = ForecastAction.APPROVE if done else ForecastAction.APPROVE_STEP
    before = forecast.status
    changes = {"status": FORECAST_LIFECYCLE.check(action, before)}
    if done:
        changes["approved_at"] = utcnow()
    await uow.change(forecast, cmd.expected_version, **changes)
    if done:
        await supersede_older(uow, actor, forecast)
    uow.record(
        forecast_event(
            forecast,
            "APPROVED" if done else "STEP_APPROVED",
            before,
            comment=comment,
            step=decided.name,
            round=forecast.approval_round,
            **rounds.routing(steps),
        ),
        actor.user_id,
    )
    return forecast


@handles(ForecastReject)
async def reject_forecast(cmd: ForecastReject, actor: Actor, uow: UnitOfWork) -> Forecast:
    """The current step's approver sends the forecast back to DRAFT, with a reason."""
    forecast = await _locked(uow, actor, cmd)
    reason = clean_comment(cmd.reason, "input", "reason")
    if not reason:
        raise refuse(ErrorCode.REQUIRED, "a reason is required to reject", "input", "reason")
    target = FORECAST_LIFECYCLE.check(ForecastAction.REJECT, forecast.status)
    _, decided = await rounds.reject_step(
        uow.session, FORECAST, forecast.id, forecast.approval_round, actor, reason, "forecast"
    )
    before = forecast.status
    await uow.change(forecast, cmd.expected_version, status=target)
    uow.record(
        forecast_event(
            forecast,
            "REJECTED",
            before,
            comment=reason,
            step=decided.name,
            round=forecast.approval_round,
        ),
        actor.user_id,
    )
    return forecast


@handles(ForecastWithdraw)
async def withdraw_forecast(cmd: ForecastWithdraw, actor: Actor, uow: UnitOfWork) -> Forecast:
    """Who prepared it takes a submitted forecast back to DRAFT before any approver decided."""
    s = uow.session
    forecast = await _locked(uow, actor, cmd)
    _preparer_only(actor, forecast, "withdraw")
    target = FORECAST_LIFECYCLE.check(ForecastAction.WITHDRAW, forecast.status)
    steps = await load_round(s, FORECAST, forecast.id, forecast.approval_round)
    if rounds.any_approved(steps):
        raise refuse(
            ErrorCode.INVALID_TRANSITION,
            "an approver has already decided on this forecast; ask them to reject it",
            *ID,
        )
    comment = clean_comment(cmd.comment, "input", "comment")
    await rounds.cancel_round(s, FORECAST, forecast.id, forecast.approval_round)
    before = forecast.status
    await uow.change(forecast, cmd.expected_version, status=target)
    uow.record(
        forecast_event(
            forecast, "WITHDRAWN", before, comment=comment, round=forecast.approval_round
        ),
        actor.user_id,
    )
    return forecast


async def supersede_older(uow: UnitOfWork, actor: Actor, newer: Forecast) -> None:
    """The approved forecasts of an overlapping scope lose to `newer` the periods both cover:
    their lines there point at it; a forecast with no line left in force is SUPERSEDED."""
    s = uow.session
    # One approval at a time per company, so two forecasts approved at once cannot both stay in
    # force for the same periods.
    await s.execute(select(Company.id).where(Company.id == newer.company_id).with_for_update())
    newer_scope = scope_of(newer)
    newer_span = (newer.period_start, newer.period_end)
    older = (
        await s.execute(
            select(Forecast)
            .where(
                Forecast.company_id == newer.company_id,
                Forecast.status == ForecastStatus.APPROVED,
                Forecast.id != newer.id,
                Forecast.period_start <= newer.period_end,
                Forecast.period_end >= newer.period_start,
            )
            .order_by(Forecast.id)
            .with_for_update()
        )
    ).scalars()
    for forecast in list(older):
        if not newer_scope.overlaps(scope_of(forecast)):
            continue
        in_force = (
            await s.execute(
                select(ForecastLine.id, ForecastLine.period).where(
                    ForecastLine.forecast_id == forecast.id,
                    ForecastLine.superseded_by_id.is_(None),
                )
            )
        ).all()
        taken = [
            (line_id, period)
            for line_id, period in in_force
            if overlaps(
                period_span(
                    period, forecast.granularity, forecast.period_start, forecast.period_end
                ),
                newer_span,
            )
        ]
        if not taken:
            continue
        await s.execute(
            update(ForecastLine)
            .where(ForecastLine.id.in_([line_id for line_id, _ in taken]))
            .values(superseded_by_id=newer.id)
            .execution_options(synchronize_session=False)
        )
        before = forecast.status
        if len(taken) == len(in_force):
            await uow.change(
                forecast, status=FORECAST_LIFECYCLE.check(ForecastAction.SUPERSEDE, before)
            )
            event = forecast_event(forecast, "SUPERSEDED", before, superseded_by=newer.id)
        else:
            FORECAST_LIFECYCLE.check(ForecastAction.PARTLY_SUPERSEDE, before)
            await uow.change(forecast)
            periods = tuple(sorted({period for _, period in taken}))
            event = forecast_event(
                forecast, "PARTLY_SUPERSEDED", before, superseded_by=newer.id, periods=periods
            )
        uow.record(event, actor.user_id)
