"""Adjust, submit, approve, reject and withdraw a forecast as plans are: typed refusals that
change nothing, CONFLICT on a stale version, one event per committed transition, the VP in
charge approves, 20 concurrent approvals give one success; a newer approved forecast takes the
place of older ones for the periods both cover."""

import asyncio
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from domain.services.forecast.adjust import ForecastLineAdjust
from domain.services.forecast.approval import (
    ForecastApprove,
    ForecastReject,
    ForecastSubmit,
    ForecastWithdraw,
)
from domain.store.tables import Forecast, ForecastAdjustment, ForecastLine
from tests.services.helpers import codes, located


async def forecast_row(services, forecast_id: int):
    async with services.engine.connect() as conn:
        return (await conn.execute(select(Forecast).where(Forecast.id == forecast_id))).one()


async def line_of(services, forecast_id: int, index: int = 0):
    async with services.engine.connect() as conn:
        return list(
            await conn.execute(
                select(ForecastLine)
                .where(ForecastLine.forecast_id == forecast_id)
                .order_by(ForecastLine.id)
            )
        )[index]


async def events_of(services, forecast_id: int) -> list[str]:
    rows = await services.rows(
        "SELECT type FROM event WHERE stream = :s ORDER BY sequence", s=f"Forecast:{forecast_id}"
    )
    return [r[0] for r in rows]


async def test_adjusting_a_draft_line_keeps_the_change_and_judges_it_again(demo, services):
    forecast_id = await services.generate(end=date(2026, 3, 31))
    line = await line_of(services, forecast_id)
    version = (await forecast_row(services, forecast_id)).version
    doubled = line.quantity * 2
    adjusted = await services.ok(
        ForecastLineAdjust(line.id, doubled, "  trade fair order  ", version), "planner"
    )
    assert (adjusted.quantity, adjusted.planned_quantity) == (doubled, line.quantity)
    assert adjusted.amount == line.amount * 2  # at the planned unit price
    assert adjusted.implausible and adjusted.deviation_percent > 60
    async with services.engine.connect() as conn:
        history = list(
            await conn.execute(
                select(ForecastAdjustment).where(ForecastAdjustment.line_id == line.id)
            )
        )
    planner = await services.user("planner")
    assert [(h.actor_id, h.from_quantity, h.to_quantity, h.reason) for h in history] == [
        (planner, line.quantity, doubled, "trade fair order")
    ]
    assert (await forecast_row(services, forecast_id)).version == version + 1
    assert await events_of(services, forecast_id) == ["REQUESTED", "GENERATED", "LINE_ADJUSTED"]
    # Back to the plan: plausible again.
    back = await services.ok(
        ForecastLineAdjust(line.id, line.quantity, "fair cancelled"), "planner"
    )
    assert back.implausible == line.implausible and back.amount == line.amount


async def test_bad_adjustments_are_refused_and_change_nothing(demo, services):
    forecast_id = await services.generate(end=date(2026, 1, 31))
    line = await line_of(services, forecast_id)
    version = (await forecast_row(services, forecast_id)).version
    cases = [
        (ForecastLineAdjust(line.id, Decimal("-1"), "why"), "planner", ("INVALID", "quantity")),
        (ForecastLineAdjust(line.id, Decimal("1.0001"), "why"), "planner", ("INVALID", "quantity")),
        (ForecastLineAdjust(line.id, Decimal("5"), "   "), "planner", ("REQUIRED", "reason")),
        (ForecastLineAdjust(line.id, Decimal("5"), "x" * 501), "planner", ("INVALID", "reason")),
        (
            ForecastLineAdjust(line.id, Decimal("5"), "why", version - 1),
            "planner",
            ("CONFLICT", "expectedVersion"),
        ),
        (ForecastLineAdjust(10**9, Decimal("5"), "why"), "planner", ("NOT_FOUND", "lineId")),
        (ForecastLineAdjust(line.id, Decimal("5"), "why"), "sales", ("NOT_FOUND", "lineId")),
        (ForecastLineAdjust(line.id, Decimal("5"), "why"), "partner", ("NOT_FOUND", "lineId")),
        (ForecastLineAdjust(line.id, Decimal("5"), "why"), "vp", ("FORBIDDEN", "lineId")),
    ]
    for command, login, (code, field) in cases:
        assert located(await services.refused(command, login)) == [(code, ["input", field])], (
            command,
            login,
        )
    await services.ok(ForecastSubmit(forecast_id), "planner")
    submitted = await services.refused(ForecastLineAdjust(line.id, Decimal("5"), "why"), "planner")
    assert located(submitted) == [("READ_ONLY", ["input", "lineId"])]
    assert submitted[0].message == "a SUBMITTED forecast cannot be adjusted; withdraw it first"


async def test_submit_then_the_vp_in_charge_approves_with_one_event_each(demo, services):
    forecast_id = await services.generate(end=date(2026, 2, 28))
    submitted = await services.ok(ForecastSubmit(forecast_id, comment="for March MRP"), "planner")
    assert submitted.status.value == "SUBMITTED" and submitted.approval_round == 1
    steps = await services.rows(
        "SELECT name, state, approver_id FROM approval_step WHERE document_type = 'FORECAST' "
        "AND document_id = :f",
        f=forecast_id,
    )
    assert steps == [("VP in charge", "PENDING", await services.user("vp"))]
    # Only the VP in charge decides; the author cannot approve their own forecast.
    assert await services.refused_codes(ForecastApprove(forecast_id), "planner") == ["FORBIDDEN"]
    assert await services.refused_codes(ForecastApprove(forecast_id), "gm") == ["FORBIDDEN"]
    approved = await services.ok(ForecastApprove(forecast_id, submitted.version), "vp")
    assert approved.status.value == "APPROVED" and approved.approved_at is not None
    assert await events_of(services, forecast_id) == [
        "REQUESTED",
        "GENERATED",
        "SUBMITTED",
        "APPROVED",
    ]
    # Read-only now; every transition is refused with its code.
    line = await line_of(services, forecast_id)
    assert await services.refused_codes(
        ForecastLineAdjust(line.id, Decimal("1"), "late change"), "planner"
    ) == ["READ_ONLY"]
    for command, login in [
        (ForecastSubmit(forecast_id), "planner"),
        (ForecastWithdraw(forecast_id), "planner"),
        (ForecastApprove(forecast_id), "vp"),
        (ForecastReject(forecast_id, "no"), "vp"),
    ]:
        assert await services.refused_codes(command, login) == ["INVALID_TRANSITION"], command


async def test_reject_and_withdraw_send_the_forecast_back_to_draft(demo, services):
    forecast_id = await services.generate(end=date(2026, 1, 31))
    await services.ok(ForecastSubmit(forecast_id), "planner")
    assert located(await services.refused(ForecastReject(forecast_id, " "), "vp")) == [
        ("REQUIRED", ["input", "reason"])
    ]
    rejected = await services.ok(ForecastReject(forecast_id, "pumps too optimistic"), "vp")
    assert rejected.status.value == "DRAFT"
    resubmitted = await services.ok(ForecastSubmit(forecast_id), "planner")
    assert resubmitted.approval_round == 2
    # Only the author's side withdraws; then it is a DRAFT again.
    assert await services.refused_codes(ForecastWithdraw(forecast_id), "vp") == ["FORBIDDEN"]
    withdrawn = await services.ok(ForecastWithdraw(forecast_id, comment="one more look"), "planner")
    assert withdrawn.status.value == "DRAFT"
    assert await services.refused_codes(ForecastWithdraw(forecast_id), "planner") == [
        "INVALID_TRANSITION"
    ]
    assert await services.refused_codes(ForecastApprove(forecast_id), "vp") == [
        "INVALID_TRANSITION"
    ]
    history = await services.rows(
        "SELECT type, payload FROM event WHERE stream = :s ORDER BY sequence",
        s=f"Forecast:{forecast_id}",
    )
    assert [t for t, _ in history] == [
        "REQUESTED",
        "GENERATED",
        "SUBMITTED",
        "REJECTED",
        "SUBMITTED",
        "WITHDRAWN",
    ]
    stale = await services.refused(ForecastSubmit(forecast_id, expected_version=1), "planner")
    assert located(stale) == [("CONFLICT", ["input", "expectedVersion"])]


async def test_twenty_concurrent_approvals_give_one_success(demo, services):
    forecast_id = await services.generate(end=date(2026, 1, 31))
    submitted = await services.ok(ForecastSubmit(forecast_id), "planner")
    results = await asyncio.gather(
        *(services.handle(ForecastApprove(forecast_id, submitted.version), "vp") for _ in range(20))
    )
    assert sum(r.ok for r in results) == 1
    assert {c for r in results if not r.ok for c in codes(r.errors)} <= {
        "CONFLICT",
        "INVALID_TRANSITION",
    }
    assert (await events_of(services, forecast_id)).count("APPROVED") == 1


async def approve(services, forecast_id: int) -> None:
    await services.ok(ForecastSubmit(forecast_id), "planner")
    await services.ok(ForecastApprove(forecast_id), "vp")


async def in_force(services, forecast_id: int) -> list[date]:
    rows = await services.rows(
        "SELECT DISTINCT period FROM forecast_line WHERE forecast_id = :f "
        "AND superseded_by_id IS NULL ORDER BY period",
        f=forecast_id,
    )
    return [date.fromisoformat(str(r[0])[:10]) for r in rows]


async def test_a_newer_approved_forecast_takes_over_the_periods_both_cover(demo, services):
    first = await services.generate(end=date(2026, 6, 30))
    await approve(services, first)
    second = await services.generate(start=date(2026, 4, 1), end=date(2026, 9, 30))
    await approve(services, second)
    first_row = await forecast_row(services, first)
    assert first_row.status.value == "APPROVED"  # January to March are still its own
    assert await in_force(services, first) == [date(2026, m, 1) for m in (1, 2, 3)]
    assert await events_of(services, first) == [
        "REQUESTED",
        "GENERATED",
        "SUBMITTED",
        "APPROVED",
        "PARTLY_SUPERSEDED",
    ]
    # A department forecast of January to March takes them over for its department's scope.
    department = await services.generate(department="D001", end=date(2026, 3, 31))
    await services.ok(ForecastSubmit(department), "manager")
    await services.ok(ForecastApprove(department), "vp")
    assert (await forecast_row(services, first)).status.value == "SUPERSEDED"
    assert await in_force(services, first) == []
    assert (await events_of(services, first))[-1] == "SUPERSEDED"
    assert len(await in_force(services, second)) == 6  # April to September: not overlapping
    superseded_by = await services.rows(
        "SELECT DISTINCT superseded_by_id FROM forecast_line WHERE forecast_id = :f",
        f=first,
    )
    assert sorted(r[0] for r in superseded_by) == [second, department]
