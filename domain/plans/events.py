"""The events of sales plans: one class for every change on a plan's stream ("SalesPlan:<id>")."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.events import ApprovalRouting, DocumentEvent, key
from domain.plans.access import PlanOwner
from domain.plans.hierarchy import OwnerKind
from domain.plans.lifecycle import PlanStatus


@dataclass(frozen=True, kw_only=True)
class GapEntry:
    """A product-month where a submitted plan's children did not add up (accepted at submit)."""

    product_id: int
    period: date
    quantity: Decimal
    amount: Decimal


@dataclass(frozen=True, kw_only=True)
class SalesPlanEvent(ApprovalRouting, DocumentEvent):
    """A plan was created, edited, moved through its approval chain, revised, superseded or
    decomposed. `action`: CREATED, LINES_UPDATED, SUBMITTED, STEP_APPROVED, APPROVED, REJECTED,
    WITHDRAWN, REVISED, SUPERSEDED, DECOMPOSED. It carries the plan's owner ids, so subscriptions
    scope it to its readers without reading the plan."""

    STREAM = "SalesPlan"

    from_status: PlanStatus | None = key("from", always=True)
    to_status: PlanStatus | None = key("to", always=True)
    owner_kind: OwnerKind
    company_id: int
    department_id: int | None = None
    salesperson_id: int | None = None
    amount: Decimal | None = None  # SUBMITTED: the plan's total amount
    round: int | None = None  # the approval round the action belongs to
    step: str | None = None  # the step decided (STEP_APPROVED, APPROVED, REJECTED)
    accepted_allocation_gap: tuple[GapEntry, ...] | None = None
    lines: int | None = None  # CREATED: how many lines
    upserted: int | None = None  # LINES_UPDATED
    removed: int | None = None  # LINES_UPDATED
    revision_id: int | None = None  # REVISED: the new revision
    revision_of: int | None = None  # CREATED as a revision: the plan it revises
    superseded_by: int | None = None  # SUPERSEDED: the approved revision
    children: tuple[int, ...] | None = None  # DECOMPOSED: the child plans written
    decomposed_from: int | None = None  # a child plan written by DECOMPOSED

    @property
    def owner(self) -> PlanOwner:
        return PlanOwner(self.owner_kind, self.company_id, self.department_id, self.salesperson_id)
