"""Delivery report mutations: deliveryReportGenerate, deliveryReportSubmit, deliveryReportApprove,
deliveryReportReject."""

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.ids import BadId, from_global_id, pk_of
from api.mutations.payloads import not_found, refused, run
from api.types.delivery_reports import DeliveryReport, DeliveryReportError
from domain.services.reports import delivery_reports as reports

VERSION_HELP = "Refuse with CONFLICT unless the report is still at this version."
REPORT_HELP = "The report as committed; null when refused."
ERRORS_HELP = "Why it was refused; empty on success."

INPUT = strawberry.argument(description="What to do; see the input type.")


@strawberry.input(description="Snapshot a month's order execution as a delivery report.")
class DeliveryReportGenerateInput:
    period: date = strawberry.field(
        description="The month (its first day); it must have started. Lines promised in it are "
        "reported, judged due against its last day (or today while it runs)."
    )
    scope_id: strawberry.ID = strawberry.field(
        description="Global id of the Company (a company-wide report) or of one Department."
    )
    comment: str | None = strawberry.field(
        default=None,
        description="The compiler's summary for the approver; at most 2000 characters.",
    )


@strawberry.input(description="An action on one delivery report.")
class DeliveryReportActionInput:
    id: strawberry.ID = strawberry.field(description="The delivery report.")
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)
    comment: str | None = strawberry.field(default=None, description="Kept in the history.")


@strawberry.input(description="Refuse a delivery report at your approval step.")
class DeliveryReportRejectInput:
    id: strawberry.ID = strawberry.field(description="The delivery report.")
    reason: str = strawberry.field(description="Required; kept in the history.")
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)


@strawberry.type(description="Result of deliveryReportGenerate.")
class DeliveryReportGeneratePayload:
    delivery_report: DeliveryReport | None = strawberry.field(description=REPORT_HELP)
    errors: list[DeliveryReportError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of deliveryReportSubmit.")
class DeliveryReportSubmitPayload:
    delivery_report: DeliveryReport | None = strawberry.field(description=REPORT_HELP)
    errors: list[DeliveryReportError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of deliveryReportApprove.")
class DeliveryReportApprovePayload:
    delivery_report: DeliveryReport | None = strawberry.field(description=REPORT_HELP)
    errors: list[DeliveryReportError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of deliveryReportReject.")
class DeliveryReportRejectPayload:
    delivery_report: DeliveryReport | None = strawberry.field(description=REPORT_HELP)
    errors: list[DeliveryReportError] = strawberry.field(description=ERRORS_HELP)


def report_loader(loaders):
    return loaders.reports.report


def scope_pks(scope_id: str) -> tuple[int | None, int | None] | None:
    """(company pk, department pk) of a Company or Department id; None for any other id."""
    try:
        type_name, pk = from_global_id(scope_id)
    except BadId:
        return None
    if type_name == "Company":
        return pk, None
    if type_name == "Department":
        return None, pk
    return None


async def act(info: Info, payload_type, report_id: str, command, **fields):
    """Decode the report id, run one action command, and shape its payload."""
    pk = pk_of(report_id, "DeliveryReport")
    if pk is None:
        return refused(payload_type, not_found("delivery report", "input", "id"))
    return await run(info, payload_type, command(report_id=pk, **fields), report_loader)


@strawberry.type
class DeliveryReportMutations:
    @strawberry.mutation(
        description="A DRAFT delivery report of a month for the company or one department, by "
        "a planner (any scope) or the department's manager: the execution figures of the booked "
        "order lines promised in the month and the worst late orders with their reasons. A "
        "report already made for the scope and month gets a new revision (a DRAFT one becomes "
        "SUPERSEDED; while one is SUBMITTED this is refused with INVALID_TRANSITION)."
    )
    async def delivery_report_generate(
        self, info: Info, input: Annotated[DeliveryReportGenerateInput, INPUT]
    ) -> DeliveryReportGeneratePayload:
        scope = scope_pks(input.scope_id)
        if scope is None:
            return refused(
                DeliveryReportGeneratePayload,
                not_found("company or department", "input", "scopeId"),
            )
        command = reports.DeliveryReportGenerate(
            company_id=scope[0], department_id=scope[1], period=input.period, comment=input.comment
        )
        return await run(info, DeliveryReportGeneratePayload, command, report_loader)

    @strawberry.mutation(
        description="DRAFT → SUBMITTED, by its compilers: its DELIVERY_REPORT approval chain "
        "(default: the VP in charge) starts; APPROVED at once when no step applies."
    )
    async def delivery_report_submit(
        self, info: Info, input: Annotated[DeliveryReportActionInput, INPUT]
    ) -> DeliveryReportSubmitPayload:
        return await act(
            info,
            DeliveryReportSubmitPayload,
            input.id,
            reports.DeliveryReportSubmit,
            expected_version=input.expected_version,
            comment=input.comment,
        )

    @strawberry.mutation(
        description="Approve the current step, by its approver; APPROVED (read-only from then "
        "on) after the last one."
    )
    async def delivery_report_approve(
        self, info: Info, input: Annotated[DeliveryReportActionInput, INPUT]
    ) -> DeliveryReportApprovePayload:
        return await act(
            info,
            DeliveryReportApprovePayload,
            input.id,
            reports.DeliveryReportApprove,
            expected_version=input.expected_version,
            comment=input.comment,
        )

    @strawberry.mutation(
        description="SUBMITTED → REJECTED (final; generate again for a corrected revision), by "
        "the current step's approver."
    )
    async def delivery_report_reject(
        self, info: Info, input: Annotated[DeliveryReportRejectInput, INPUT]
    ) -> DeliveryReportRejectPayload:
        return await act(
            info,
            DeliveryReportRejectPayload,
            input.id,
            reports.DeliveryReportReject,
            expected_version=input.expected_version,
            comment=input.reason,
        )
