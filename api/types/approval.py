"""Approval chains: policies, the steps of a submitted document, tasks and history entries."""

from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

from api.ids import to_global_id
from api.types.documents import load_document
from api.types.node import Node
from api.types.organisation import RoleEnum, User
from domain.access import Role
from domain.approvals.chains import ApproverKind, DocumentType, Policy, StepState
from domain.events import decode_event

DocumentTypeEnum = strawberry.enum(
    DocumentType, name="ApprovalDocumentType", description="Kinds of documents that need approval."
)
ApproverKindEnum = strawberry.enum(
    ApproverKind,
    name="ApproverKind",
    description=(
        "How a step's approver is found: ROLE (anyone with `role`), DEPARTMENT_MANAGER, "
        "VP_IN_CHARGE (of the document's department, or the company's sales VP), GENERAL_MANAGER."
    ),
)
StepStateEnum = strawberry.enum(
    StepState,
    name="ApprovalStepState",
    description=(
        "WAITING for an earlier step; PENDING: its approver must act now; APPROVED; REJECTED; "
        "SKIPPED: its approver already approved an earlier step; NOT_APPLICABLE: its condition "
        "(amount, level) does not hold; CANCELLED: the round ended before it."
    ),
)


@strawberry.type(description="One step of a document's approval round.")
class ApprovalStep(Node):
    pk: strawberry.Private[int]
    approver_pk: strawberry.Private[int | None]
    acted_by_pk: strawberry.Private[int | None]
    document_type: DocumentTypeEnum
    document_pk: strawberry.Private[int]
    round: int = strawberry.field(
        description="Submission round: 1 for the first submit, +1 per resubmit."
    )
    position: int = strawberry.field(description="1-based order in the chain.")
    name: str
    approver_kind: ApproverKindEnum
    role: RoleEnum | None = strawberry.field(description="For ROLE steps: the role that approves.")
    min_amount: Decimal | None = strawberry.field(
        description="The step applies only when the document's amount exceeds this."
    )
    state: StepStateEnum
    acted_at: datetime | None = strawberry.field(
        description="When it was approved, rejected or skipped."
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
    async def document(self, info: Info) -> Node | None:
        return await load_document(info, self.step.document_type, self.step.document_pk)


@strawberry.type(description="One entry of a document's history: a committed change.")
class HistoryEntry:
    actor_pk: strawberry.Private[int | None]
    sequence: int = strawberry.field(description="1, 2, 3... per document, without gaps.")
    action: str = strawberry.field(
        description="CREATED, LINES_UPDATED, SUBMITTED, STEP_APPROVED, APPROVED, REJECTED, "
        "WITHDRAWN, REVISED, SUPERSEDED, DECOMPOSED."
    )
    from_status: str | None
    to_status: str | None
    comment: str | None = strawberry.field(description="Comment or rejection reason.")
    accepted_allocation_gap: bool = strawberry.field(
        description="True when the submit accepted children that do not add up."
    )
    at: datetime

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
    position: int
    name: str
    approver_kind: ApproverKindEnum
    role: RoleEnum | None
    min_amount: Decimal | None = strawberry.field(
        description="Applies only when the document's amount exceeds this; null: always."
    )
    levels: list[str] = strawberry.field(
        description="Applies only to documents at these levels (e.g. COMPANY); empty: all."
    )


@strawberry.type(description="The approval chain of one document type.")
class ApprovalPolicy:
    document_type: DocumentTypeEnum
    skip_repeated_approver: bool = strawberry.field(
        description="Skip a step whose approver already approved an earlier step of the round."
    )
    is_default: bool = strawberry.field(description="True while no admin has configured it.")
    steps: list[ApprovalPolicyStep]


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
