"""Reads and writes of delivery reports that their use cases share: the lines a report covers
(read exactly as the execution summary reads them), finding a report within the actor's reach,
and the latest revision of a scope and month."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Actor
from domain.errors import ErrorCode, refuse
from domain.orders.lifecycle import BOOKED_STATUSES
from domain.reports.access import ReportScope, may_read_delivery_report
from domain.reports.delivery import ReportLine, month_end
from domain.store.orders.execution import line_facts, lines, orders
from domain.store.reading import Rows
from domain.store.tables import DeliveryReport


def scope_of(report: DeliveryReport) -> ReportScope:
    return ReportScope(report.company_id, report.department_id)


def report_conditions(scope: ReportScope, period: date) -> list:
    """The execution summary's conditions for the booked lines of the scope promised in the
    month (what orderExecutionReport's `where` with promisedFrom/promisedTo and departmentId
    selects for a company-wide reader)."""
    conditions = [
        orders.c.company_id == scope.company_id,
        orders.c.status.in_(list(BOOKED_STATUSES)),
        lines.c.promised_date >= period,
        lines.c.promised_date <= month_end(period),
    ]
    if scope.department_id is not None:
        conditions.append(orders.c.department_id == scope.department_id)
    return conditions


async def report_lines(rows: Rows, scope: ReportScope, period: date) -> list[ReportLine]:
    facts = await line_facts(rows, report_conditions(scope, period))
    return [ReportLine(k.order_id, k.customer_id, k.order_status, f) for k, f in facts]


async def load_visible_report(
    session: AsyncSession, actor: Actor, report_id: int, *, for_update: bool = False
) -> DeliveryReport:
    """The report if the actor may read it; otherwise NOT_FOUND, exactly as if it did not exist."""
    stmt = select(DeliveryReport).where(DeliveryReport.id == report_id)
    if for_update:
        stmt = stmt.with_for_update()
    report = (await session.execute(stmt)).scalar_one_or_none()
    if report is None or not may_read_delivery_report(actor, scope_of(report)):
        raise refuse(ErrorCode.NOT_FOUND, "no such delivery report", "input", "id")
    return report


async def latest_revision(
    session: AsyncSession, scope: ReportScope, period: date
) -> DeliveryReport | None:
    """The newest revision of the scope's report for the month, locked."""
    newest = (
        select(func.max(DeliveryReport.revision))
        .where(DeliveryReport.scope == scope.key, DeliveryReport.period == period)
        .scalar_subquery()
    )
    return (
        await session.execute(
            select(DeliveryReport)
            .where(
                DeliveryReport.scope == scope.key,
                DeliveryReport.period == period,
                DeliveryReport.revision == newest,
            )
            .with_for_update()
        )
    ).scalar_one_or_none()
