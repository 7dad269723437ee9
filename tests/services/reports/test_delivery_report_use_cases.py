"""Delivery report use cases without HTTP: who may generate and act, refusals with nothing
changed, revisions, and the typed events each action records."""

from datetime import date

from sqlalchemy import select

from domain.events import decode_event
from domain.reports.events import DeliveryReportEvent
from domain.reports.lifecycle import DeliveryReportStatus
from domain.services.reports.delivery_reports import (
    DeliveryReportApprove,
    DeliveryReportGenerate,
    DeliveryReportReject,
    DeliveryReportSubmit,
)
from domain.store.tables import Event
from tests.services.helpers import located

JULY = date(2026, 7, 1)


async def company(services) -> int:
    return await services.by_code("company", "HD")


async def test_a_planner_generates_for_the_company_and_a_manager_for_the_department(demo, services):
    report = await services.ok(
        DeliveryReportGenerate(await company(services), None, JULY), "planner"
    )
    assert (report.status, report.revision, report.scope) == (
        DeliveryReportStatus.DRAFT,
        1,
        f"Company:{report.company_id}",
    )
    d001 = await services.by_code("department", "D001")
    mine = await services.ok(DeliveryReportGenerate(None, d001, JULY), "manager")
    assert (mine.department_id, mine.as_of) == (d001, date(2026, 7, 31))
    assert mine.lines <= report.lines and mine.ordered_amount <= report.ordered_amount


async def test_generation_refusals_name_the_field_and_change_nothing(demo_readonly, services):
    hd = await company(services)
    d002 = await services.by_code("department", "D002")
    cases = [
        (
            DeliveryReportGenerate(hd, None, date(2026, 7, 2)),
            "planner",
            ("INVALID", ["input", "period"]),
        ),
        (
            DeliveryReportGenerate(hd, None, date(2099, 1, 1)),
            "planner",
            ("INVALID", ["input", "period"]),
        ),
        (DeliveryReportGenerate(None, 999, JULY), "planner", ("NOT_FOUND", ["input", "scopeId"])),
        (DeliveryReportGenerate(999, None, JULY), "planner", ("NOT_FOUND", ["input", "scopeId"])),
        (DeliveryReportGenerate(None, d002, JULY), "manager", ("FORBIDDEN", ["input", "scopeId"])),
        (DeliveryReportGenerate(hd, None, JULY), "manager", ("FORBIDDEN", ["input", "scopeId"])),
        (DeliveryReportGenerate(hd, None, JULY), "sales", ("FORBIDDEN", ["input", "scopeId"])),
        (DeliveryReportGenerate(hd, None, JULY), "vp", ("FORBIDDEN", ["input", "scopeId"])),
        (DeliveryReportGenerate(hd, None, JULY), "partner", ("NOT_FOUND", ["input", "scopeId"])),
        (
            DeliveryReportGenerate(hd, None, JULY, "x" * 2001),
            "planner",
            ("INVALID", ["input", "comment"]),
        ),
    ]
    for command, login, expected in cases:
        assert located(await services.refused(command, login)) == [expected], (command, login)


async def test_each_action_records_one_typed_event_on_the_reports_stream(demo, services):
    report = await services.ok(
        DeliveryReportGenerate(await company(services), None, JULY), "planner"
    )
    await services.ok(DeliveryReportSubmit(report.id, report.version), "planner")
    approved = await services.ok(DeliveryReportApprove(report.id, report.version + 1), "vp")
    assert approved.status is DeliveryReportStatus.APPROVED
    async with services.engine.connect() as conn:
        rows = (
            await conn.execute(
                select(Event)
                .where(Event.stream == f"DeliveryReport:{report.id}")
                .order_by(Event.sequence)
            )
        ).all()
    events = [decode_event(r.stream, r.type, r.payload) for r in rows]
    assert all(isinstance(e, DeliveryReportEvent) for e in events)
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("GENERATED", None, DeliveryReportStatus.DRAFT),
        ("SUBMITTED", DeliveryReportStatus.DRAFT, DeliveryReportStatus.SUBMITTED),
        ("APPROVED", DeliveryReportStatus.SUBMITTED, DeliveryReportStatus.APPROVED),
    ]
    generated, submitted, decided = events
    assert (generated.period, generated.revision, generated.department_id) == (JULY, 1, None)
    assert generated.on_time_in_full_rate is not None
    vp = await services.user("vp")
    assert (submitted.current_step, submitted.assignees, submitted.round) == (
        "VP in charge",
        (vp,),
        1,
    )
    assert (decided.step, decided.current_step) == ("VP in charge", None)


async def test_actions_on_a_report_refuse_with_typed_errors(demo, services):
    report = await services.ok(
        DeliveryReportGenerate(await company(services), None, JULY), "planner"
    )
    cases = [
        (DeliveryReportApprove(report.id), "vp", ("INVALID_TRANSITION", ["input", "id"])),
        (
            DeliveryReportReject(report.id, comment="no"),
            "vp",
            ("INVALID_TRANSITION", ["input", "id"]),
        ),
        (DeliveryReportSubmit(report.id), "vp", ("FORBIDDEN", ["input", "id"])),
        (DeliveryReportSubmit(report.id), "manager", ("NOT_FOUND", ["input", "id"])),
        (
            DeliveryReportSubmit(report.id, expected_version=7),
            "planner",
            ("CONFLICT", ["input", "expectedVersion"]),
        ),
        (DeliveryReportSubmit(999999), "planner", ("NOT_FOUND", ["input", "id"])),
    ]
    for command, login, expected in cases:
        assert located(await services.refused(command, login)) == [expected], (command, login)
    await services.ok(DeliveryReportSubmit(report.id), "planner")
    cases = [
        (DeliveryReportApprove(report.id), "planner", ("FORBIDDEN", ["input", "id"])),
        (DeliveryReportReject(report.id), "vp", ("REQUIRED", ["input", "reason"])),
        (DeliveryReportSubmit(report.id), "planner", ("INVALID_TRANSITION", ["input", "id"])),
        (
            DeliveryReportGenerate(await company(services), None, JULY),
            "planner",
            ("INVALID_TRANSITION", ["input", "scopeId"]),
        ),
    ]
    for command, login, expected in cases:
        assert located(await services.refused(command, login)) == [expected], (command, login)
