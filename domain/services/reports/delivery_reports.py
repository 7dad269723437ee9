"""Delivery report use cases (交付情况汇报): deliveryReportGenerate, deliveryReportSubmit,
deliveryReportApprove and deliveryReportReject, through the DELIVERY_REPORT approval policy
(default: the VP in charge).

Generating snapshots the month's execution figures (domain.reports.delivery) as a new revision of
the scope's report; the revisions of one scope and month are numbered 1, 2, 3... Each action has
a version bump (CONFLICT on a stale expectedVersion) and one event on `DeliveryReport:<id>`.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError

from domain.access import Actor
from domain.approvals import chains
from domain.approvals.chains import DocumentFacts, DocumentType
from domain.errors import ErrorCode, refuse
from domain.reports.access import ReportScope, may_compile_delivery_report
from domain.reports.delivery import DeliverySnapshot, delivery_snapshot, report_day
from domain.reports.events import DeliveryReportEvent
from domain.reports.lifecycle import (
    DELIVERY_REPORT_LIFECYCLE,
    DeliveryReportAction,
    DeliveryReportStatus,
)
from domain.services.approvals import rounds
from domain.services.pipeline import handles
from domain.store.reading import session_rows
from domain.store.reports.delivery import (
    latest_revision,
    load_visible_report,
    report_lines,
    scope_of,
)
from domain.store.tables import Company, DeliveryReport, DeliveryReportLateOrder, Department
from domain.store.types import utcnow
from domain.store.uow import UnitOfWork
from domain.store.versioning import check_expected_version
from domain.text import clean_comment

REPORT = DocumentType.DELIVERY_REPORT
ID = ("input", "id")
SCOPE = ("input", "scopeId")
PERIOD = ("input", "period")
Action = DeliveryReportAction


@dataclass(frozen=True)
class DeliveryReportGenerate:
    """The report of a company (`department_id` None) or of one department, for the month
    starting on `period`."""

    company_id: int | None
    department_id: int | None
    period: date
    comment: str | None = None


@dataclass(frozen=True)
class DeliveryReportAct:
    """The fields of an action on one report; each mutation has its own subclass."""

    report_id: int
    expected_version: int | None = None
    comment: str | None = None


class DeliveryReportSubmit(DeliveryReportAct):
    pass


class DeliveryReportApprove(DeliveryReportAct):
    pass


class DeliveryReportReject(DeliveryReportAct):
    """`comment` is the reason (required)."""


def report_event(
    report: DeliveryReport, action: str, before: DeliveryReportStatus | None, **details
) -> DeliveryReportEvent:
    return DeliveryReportEvent(
        document_id=report.id,
        action=action,
        from_status=before,
        to_status=report.status,
        report_id=report.id,
        company_id=report.company_id,
        department_id=report.department_id,
        period=report.period,
        revision=report.revision,
        **details,
    )


async def _scope(uow: UnitOfWork, actor: Actor, cmd: DeliveryReportGenerate) -> ReportScope:
    """The company or department named by the input; NOT_FOUND when it does not exist or is not
    the actor's company (staff see their organisation, so other refusals are FORBIDDEN)."""
    s = uow.session
    if cmd.department_id is not None:
        department = await s.get(Department, cmd.department_id)
        scope = ReportScope(department.company_id, department.id) if department else None
    else:
        company = await s.get(Company, cmd.company_id) if cmd.company_id is not None else None
        scope = ReportScope(company.id) if company else None
    if scope is None or not actor.is_internal or actor.company_id != scope.company_id:
        raise refuse(ErrorCode.NOT_FOUND, "no such company or department", *SCOPE)
    return scope


def _figures(snapshot: DeliverySnapshot) -> dict:
    f = snapshot.figures
    return {
        "lines": f.lines,
        "lines_due": f.lines_due,
        "lines_on_time_in_full": f.lines_on_time_in_full,
        "deliveries": f.deliveries,
        "late_deliveries": f.late_deliveries,
        "days_late_total": f.days_late_total,
        "ordered_quantity": f.ordered_quantity,
        "ordered_amount": f.ordered_amount,
        "shipped_quantity": f.shipped_quantity,
        "shipped_amount": f.shipped_amount,
        "delivered_quantity": f.delivered_quantity,
        "delivered_amount": f.delivered_amount,
        "returned_quantity": f.returned_quantity,
        "returned_amount": f.returned_amount,
        "outstanding_quantity": f.outstanding_quantity,
        "outstanding_amount": f.outstanding_amount,
        "orders": snapshot.orders,
        "orders_due": snapshot.orders_due,
        "orders_on_time_in_full": snapshot.orders_on_time_in_full,
        "orders_late": snapshot.orders_late,
        "orders_outstanding": snapshot.orders_outstanding,
    }


@handles(DeliveryReportGenerate)
async def generate_report(
    cmd: DeliveryReportGenerate, actor: Actor, uow: UnitOfWork
) -> DeliveryReport:
    """A DRAFT snapshot of the month's execution figures: revision 1, or the next revision
    (a DRAFT previous revision becomes SUPERSEDED; a SUBMITTED one refuses)."""
    s = uow.session
    scope = await _scope(uow, actor, cmd)
    if not may_compile_delivery_report(actor, scope):
        raise refuse(ErrorCode.FORBIDDEN, "you may not compile this delivery report", *SCOPE)
    today = utcnow().date()
    if cmd.period.day != 1:
        raise refuse(ErrorCode.INVALID, "period must be the first day of a month", *PERIOD)
    if cmd.period > today:
        raise refuse(ErrorCode.INVALID, "the month has not started yet", *PERIOD)
    comment = clean_comment(cmd.comment, "input", "comment")
    previous = await latest_revision(s, scope, cmd.period)
    if previous is not None:
        DELIVERY_REPORT_LIFECYCLE.check(Action.REGENERATE, previous.status, SCOPE)
    as_of = report_day(cmd.period, today)
    snapshot = delivery_snapshot(await report_lines(session_rows(s), scope, cmd.period), as_of)
    report = DeliveryReport(
        company_id=scope.company_id,
        department_id=scope.department_id,
        scope=scope.key,
        period=cmd.period,
        as_of=as_of,
        revision=previous.revision + 1 if previous else 1,
        status=DeliveryReportStatus.DRAFT,
        comment=comment,
        generated_by=actor.user_id,
        **_figures(snapshot),
    )
    s.add(report)
    try:
        await s.flush()
    except IntegrityError as e:  # another revision of the same number committed meanwhile
        raise refuse(
            ErrorCode.CONFLICT, "the report was generated meanwhile; reload it", *SCOPE
        ) from e
    s.add_all(
        DeliveryReportLateOrder(
            report_id=report.id,
            rank=rank,
            order_id=late.order_id,
            customer_id=late.customer_id,
            order_status=late.order_status,
            days_late=late.days_late,
            lines_late=late.lines_late,
            undelivered_quantity=late.undelivered_quantity,
            in_transit_quantity=late.in_transit_quantity,
            outstanding_quantity=late.outstanding_quantity,
            outstanding_amount=late.outstanding_amount,
            reason=late.reason,
            detail=late.detail,
        )
        for rank, late in enumerate(snapshot.worst_late_orders, start=1)
    )
    if previous is not None and DELIVERY_REPORT_LIFECYCLE.allows(Action.SUPERSEDE, previous.status):
        before = previous.status
        await uow.change(previous, status=DELIVERY_REPORT_LIFECYCLE.check(Action.SUPERSEDE, before))
        uow.record(
            report_event(previous, "SUPERSEDED", before, superseded_by=report.id), actor.user_id
        )
    event = report_event(
        report,
        "GENERATED",
        None,
        comment=comment,
        on_time_in_full_rate=snapshot.figures.on_time_in_full_rate,
    )
    uow.record(event, actor.user_id)
    return report


async def _locked_report(uow: UnitOfWork, actor: Actor, cmd: DeliveryReportAct) -> DeliveryReport:
    """The report, locked, at the version the client saw."""
    report = await load_visible_report(uow.session, actor, cmd.report_id, for_update=True)
    check_expected_version(report, cmd.expected_version)
    return report


@handles(DeliveryReportSubmit)
async def submit_report(cmd: DeliveryReportSubmit, actor: Actor, uow: UnitOfWork) -> DeliveryReport:
    """DRAFT → SUBMITTED: start a new approval round (APPROVED at once when no step applies)."""
    s = uow.session
    report = await _locked_report(uow, actor, cmd)
    if not may_compile_delivery_report(actor, scope_of(report)):
        raise refuse(ErrorCode.FORBIDDEN, "only the report's compilers may submit it", *ID)
    target = DELIVERY_REPORT_LIFECYCLE.check(Action.SUBMIT, report.status)
    comment = clean_comment(cmd.comment, "input", "comment")
    round_no = report.approval_round + 1
    scope = scope_of(report)
    facts = DocumentFacts(report.ordered_amount, scope.kind.value, scope.department_id)
    steps = await rounds.start_round(s, REPORT, report.id, round_no, facts, report.company_id)
    if chains.is_complete(steps):  # no applicable step: nothing to wait for
        target = DELIVERY_REPORT_LIFECYCLE.check(Action.APPROVE, target)
    before = report.status
    await uow.change(report, cmd.expected_version, status=target, approval_round=round_no)
    event = report_event(
        report, "SUBMITTED", before, comment=comment, round=round_no, **rounds.routing(steps)
    )
    uow.record(event, actor.user_id)
    return report


@handles(DeliveryReportApprove)
async def approve_report(
    cmd: DeliveryReportApprove, actor: Actor, uow: UnitOfWork
) -> DeliveryReport:
    """Approve the current step; the report is APPROVED (and never changes again) when no
    applicable step is left."""
    report = await _locked_report(uow, actor, cmd)
    DELIVERY_REPORT_LIFECYCLE.check(Action.APPROVE_STEP, report.status)
    comment = clean_comment(cmd.comment, "input", "comment")
    steps, decided = await rounds.approve_step(
        uow.session, REPORT, report.id, report.approval_round, actor, comment, "delivery report"
    )
    done = chains.is_complete(steps)
    action = Action.APPROVE if done else Action.APPROVE_STEP
    before = report.status
    target = DELIVERY_REPORT_LIFECYCLE.check(action, before)
    await uow.change(report, cmd.expected_version, status=target)
    event = report_event(
        report,
        "APPROVED" if done else "STEP_APPROVED",
        before,
        comment=comment,
        step=decided.name,
        round=report.approval_round,
        **rounds.routing(steps),
    )
    uow.record(event, actor.user_id)
    return report


@handles(DeliveryReportReject)
async def reject_report(cmd: DeliveryReportReject, actor: Actor, uow: UnitOfWork) -> DeliveryReport:
    """The current step's approver refuses the report, with a reason: REJECTED (final; generate
    a new revision)."""
    report = await _locked_report(uow, actor, cmd)
    reason = clean_comment(cmd.comment, "input", "reason")
    if not reason:
        raise refuse(ErrorCode.REQUIRED, "a reason is required to reject", "input", "reason")
    before = report.status
    target = DELIVERY_REPORT_LIFECYCLE.check(Action.REJECT, before)
    _, decided = await rounds.reject_step(
        uow.session, REPORT, report.id, report.approval_round, actor, reason, "delivery report"
    )
    await uow.change(report, cmd.expected_version, status=target)
    event = report_event(
        report, "REJECTED", before, comment=reason, step=decided.name, round=report.approval_round
    )
    uow.record(event, actor.user_id)
    return report
