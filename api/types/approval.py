"""Approval chains: policies, the steps of a submitted document, tasks and history entries."""

from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

from api.ids import to_global_id
from api.types.documents import ApprovableDocument, load_document
from api.types.enums import described_enum
from api.types.node import Node
from api.types.organisation import RoleEnum, User
from domain.access import Role
from domain.approvals.chains import ApproverKind, DocumentType, Policy, StepState
from domain.events import decode_event

DocumentTypeEnum = described_enum(
    DocumentType,
    name="ApprovalDocumentType",
    description="Kinds of documents that need approval; each has its own approval policy.",
    values={
        DocumentType.SALES_PLAN: "A sales plan (销售计划) of any level; default chain: the VP in "
        "charge, then the general manager for company plans over 1,000,000.00.",
        DocumentType.FORECAST: "A product forecast (产品预测单); default chain: the VP in charge.",
        DocumentType.SALES_ORDER: "A sales order's special approval (销售单特批), needed only when "
        "priced under a floor or over the customer's credit; default chain: finance review, "
        "then the VP in charge.",
        DocumentType.STOCK_IN: "A finished-goods stock-in (成品入库); default chain: the VP in "
        "charge.",
        DocumentType.DELIVERY_REPORT: "A period's delivery report (交付情况汇报); default chain: "
        "the VP in charge.",
        DocumentType.PURCHASE_RELEASE: "Release of MRP purchase suggestions; default chain: a "
        "planner.",
    },
)
ApproverKindEnum = described_enum(
    ApproverKind,
    name="ApproverKind",
    description="How a step's approver is found, from the document's department when it has one.",
    values={
        ApproverKind.ROLE: "Anyone holding the step's `role`; every holder sees the task and the "
        "first to act decides.",
        ApproverKind.DEPARTMENT_MANAGER: "The manager of the document's department.",
        ApproverKind.VP_IN_CHARGE: "The VP in charge (分管副总) of the document's department, or "
        "the company's sales VP for company-level documents.",
        ApproverKind.GENERAL_MANAGER: "The company's general manager.",
    },
)
StepStateEnum = described_enum(
    StepState,
    name="ApprovalStepState",
    description="Where one step of an approval round is. Steps are decided in `position` order.",
    values={
        StepState.WAITING: "Applies, but an earlier step has not been decided yet.",
        StepState.PENDING: "The current step: its approver must approve or reject now.",
        StepState.APPROVED: "Approved by its approver (see `actedBy`, `actedAt`).",
        StepState.REJECTED: "Rejected by its approver; the document went back to its author.",
        StepState.SKIPPED: "Not asked: its approver already approved an earlier step of this "
        "round (when the policy skips repeated approvers).",
        StepState.NOT_APPLICABLE: "Its condition does not hold for this document (amount not over "
        "`minAmount`, or another level); never asked.",
        StepState.CANCELLED: "The round ended (rejected or withdrawn) before this step was "
        "decided.",
    },
)


@strawberry.type(description="One step of a document's approval round.")
class ApprovalStep(Node):
    pk: strawberry.Private[int]
    approver_pk: strawberry.Private[int | None]
    acted_by_pk: strawberry.Private[int | None]
    document_type: DocumentTypeEnum = strawberry.field(
        description="The kind of document this step belongs to."
    )
    document_pk: strawberry.Private[int]
    round: int = strawberry.field(
        description="Submission round: 1 for the first submit, +1 per resubmit."
    )
    position: int = strawberry.field(description="1-based order in the chain.")
    name: str = strawberry.field(
        description="The step's name from its policy, e.g. 'VP in charge'."
    )
    approver_kind: ApproverKindEnum = strawberry.field(description="How the approver was found.")
    role: RoleEnum | None = strawberry.field(description="For ROLE steps: the role that approves.")
    min_amount: Decimal | None = strawberry.field(
        description="The step applies only when the document's amount exceeds this."
    )
    state: StepStateEnum = strawberry.field(description="Where the step is in its round.")
    acted_at: datetime | None = strawberry.field(
        description="When it was approved, rejected or skipped; null while undecided."
    )
    comment: str | None = strawberry.field(
        description="The approver's comment or rejection reason."
    )
    pending_since: datetime | None = strawberry.field(
        description="When the step became the current one."
    )

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("ApprovalStep", self.pk))

    @classmethod
    def from_row(cls, row) -> "ApprovalStep":
        return cls(
            pk=row.id,
            approver_pk=row.approver_id,
            acted_by_pk=row.acted_by,
            document_type=DocumentType(row.document_type),
            document_pk=row.document_id,
            round=row.round,
            position=row.position,
            name=row.name,
            approver_kind=ApproverKind(row.approver_kind),
            role=Role(row.role) if row.role else None,
            min_amount=row.min_amount,
            state=StepState(row.state),
            acted_at=row.acted_at,
            comment=row.comment,
            pending_since=row.pending_since,
        )

    @strawberry.field(description="The person who must decide (null for ROLE steps).")
    async def approver(self, info: Info) -> User | None:
        if self.approver_pk is None:
            return None
        return await info.context.loaders.organisation.user.load(self.approver_pk)

    @strawberry.field(description="Who approved or rejected it.")
    async def acted_by(self, info: Info) -> User | None:
        if self.acted_by_pk is None:
            return None
        return await info.context.loaders.organisation.user.load(self.acted_by_pk)


@strawberry.type(description="A document waiting for the viewer's decision.")
class ApprovalTask:
    step: ApprovalStep = strawberry.field(description="The step the viewer must decide.")

    @strawberry.field(description="The document to decide on (e.g. `... on SalesPlan`).")
    async def document(self, info: Info) -> ApprovableDocument | None:
        return await load_document(info, self.step.document_type, self.step.document_pk)


@strawberry.type(description="One entry of a document's history: a committed change.")
class HistoryEntry:
    actor_pk: strawberry.Private[int | None]
    sequence: int = strawberry.field(description="1, 2, 3... per document, without gaps.")
    action: str = strawberry.field(
        description="CREATED, LINES_UPDATED, SUBMITTED, STEP_APPROVED, APPROVED, REJECTED, "
        "WITHDRAWN, REVISED, SUPERSEDED, DECOMPOSED."
    )
    from_status: str | None = strawberry.field(
        description="The document's status before the change (a value of its status enum, e.g. "
        "DRAFT); null when it was created."
    )
    to_status: str | None = strawberry.field(
        description="The document's status after the change; equal to `fromStatus` for changes "
        "that keep the status (e.g. LINES_UPDATED, STEP_APPROVED)."
    )
    comment: str | None = strawberry.field(description="Comment or rejection reason.")
    accepted_allocation_gap: bool = strawberry.field(
        description="True when the submit accepted children that do not add up."
    )
    at: datetime = strawberry.field(description="When the change was committed.")

    @classmethod
    def from_row(cls, row) -> "HistoryEntry":
        event = decode_event(row.stream, row.type, row.payload)
        return cls(
            actor_pk=row.actor_id,
            sequence=row.sequence,
            action=event.action,
            from_status=event.from_status.value if event.from_status else None,
            to_status=event.to_status.value if event.to_status else None,
            comment=event.comment,
            accepted_allocation_gap=getattr(event, "accepted_allocation_gap", None) is not None,
            at=row.occurred_at,
        )

    @strawberry.field(description="Who did it.")
    async def actor(self, info: Info) -> User | None:
        if self.actor_pk is None:
            return None
        return await info.context.loaders.organisation.user.load(self.actor_pk)


@strawberry.type(description="A step of an approval policy.")
class ApprovalPolicyStep:
    position: int = strawberry.field(description="1-based order in the chain.")
    name: str = strawberry.field(description="Shown to users, e.g. 'VP in charge'.")
    approver_kind: ApproverKindEnum = strawberry.field(description="How the approver is found.")
    role: RoleEnum | None = strawberry.field(
        description="The role that approves, for ROLE steps; null for the others."
    )
    min_amount: Decimal | None = strawberry.field(
        description="Applies only when the document's amount exceeds this; null: always."
    )
    levels: list[str] = strawberry.field(
        description="Applies only to documents at these levels (e.g. COMPANY); empty: all. At "
        "most 3 (COMPANY, DEPARTMENT, SALESPERSON)."
    )


@strawberry.type(description="The approval chain of one document type.")
class ApprovalPolicy:
    document_type: DocumentTypeEnum = strawberry.field(
        description="The kind of document the chain is for."
    )
    skip_repeated_approver: bool = strawberry.field(
        description="Skip a step whose approver already approved an earlier step of the round."
    )
    is_default: bool = strawberry.field(description="True while no admin has configured it.")
    steps: list[ApprovalPolicyStep] = strawberry.field(
        description="The steps in order, at most 10. A document with no applicable step is "
        "approved on submit."
    )


def policy_type(policy: Policy, is_default: bool) -> ApprovalPolicy:
    return ApprovalPolicy(
        document_type=policy.document_type,
        skip_repeated_approver=policy.skip_repeated_approver,
        is_default=is_default,
        steps=[
            ApprovalPolicyStep(
                position=i,
                name=s.name,
                approver_kind=s.approver_kind,
                role=s.role,
                min_amount=s.min_amount,
                levels=sorted(s.levels),
            )
            for i, s in enumerate(policy.steps, start=1)
        ],
    )
