"""The events of delivery reports, on their stream "DeliveryReport:<id>"."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.events import ApprovalRouting, DocumentEvent, key
from domain.reports.lifecycle import DeliveryReportStatus


@dataclass(frozen=True, kw_only=True)
class DeliveryReportEvent(ApprovalRouting, DocumentEvent):
    """GENERATED, SUBMITTED, STEP_APPROVED, APPROVED, REJECTED or SUPERSEDED."""

    STREAM = "DeliveryReport"

    from_status: DeliveryReportStatus | None = key("from", always=True)
    to_status: DeliveryReportStatus | None = key("to", always=True)
    report_id: int
    company_id: int
    department_id: int | None = key("departmentId", always=True)  # null: the whole company
    period: date
    revision: int
    on_time_in_full_rate: Decimal | None = None  # GENERATED: the headline figure
    round: int | None = None
    step: str | None = None
    superseded_by: int | None = None  # SUPERSEDED: the newer revision's id
