"""approvalPolicySet: configure the approval chain of a document type (admin)."""

from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.mutations.inputs import INPUT
from api.mutations.payloads import refused
from api.types.approval import (
    ApprovalPolicy,
    ApproverKindEnum,
    DocumentTypeEnum,
    policy_type,
)
from api.types.errors import UserError
from api.types.organisation import RoleEnum
from domain.approvals import chains as approval
from domain.services.approvals.policies import ApprovalPolicySet


@strawberry.type(description="Why an approval policy change was refused.")
class ApprovalPolicyError(UserError):
    pass


@strawberry.input(description="One step of a chain.")
class ApprovalPolicyStepInput:
    name: str = strawberry.field(
        description="Shown to users, e.g. 'VP in charge'. 1–100 characters."
    )
    approver_kind: ApproverKindEnum = strawberry.field(
        description="How the step's approver is found."
    )
    role: RoleEnum | None = strawberry.field(
        default=None, description="Required for ROLE steps only."
    )
    min_amount: Decimal | None = strawberry.field(
        default=None,
        description="Apply only when the document's amount exceeds this; ≥ 0 and below "
        "10,000,000,000,000, 2 decimals.",
    )
    levels: list[str] | None = strawberry.field(
        default=None,
        description="Apply only at these plan levels (COMPANY, DEPARTMENT, SALESPERSON).",
    )


@strawberry.input(description="The whole chain of one document type, replacing the current one.")
class ApprovalPolicySetInput:
    document_type: DocumentTypeEnum = strawberry.field(
        description="The kind of document whose chain is replaced."
    )
    steps: list[ApprovalPolicyStepInput] = strawberry.field(description="In order; 1 to 10 steps.")
    skip_repeated_approver: bool = strawberry.field(
        default=True, description="Skip a step whose approver already approved an earlier one."
    )


@strawberry.type(description="Result of approvalPolicySet.")
class ApprovalPolicySetPayload:
    approval_policy: ApprovalPolicy | None = strawberry.field(
        description="The chain now in force; null if refused."
    )
    errors: list[ApprovalPolicyError] = strawberry.field(
        description="Why nothing changed; empty on success."
    )


@strawberry.type
class ApprovalPolicyMutations:
    @strawberry.mutation(
        description="Replace a document type's approval chain (admin only). Documents already "
        "submitted finish with the steps they started with."
    )
    async def approval_policy_set(
        self, info: Info, input: Annotated[ApprovalPolicySetInput, INPUT]
    ) -> ApprovalPolicySetPayload:
        policy = approval.Policy(
            document_type=input.document_type,
            skip_repeated_approver=input.skip_repeated_approver,
            steps=tuple(
                approval.PolicyStep(
                    name=s.name.strip(),
                    approver_kind=s.approver_kind,
                    role=s.role,
                    min_amount=s.min_amount,
                    levels=frozenset(s.levels or ()),
                )
                for s in input.steps
            ),
        )
        result = await info.context.use_cases.handle(ApprovalPolicySet(policy), info.context.viewer)
        if not result.ok:
            return refused(ApprovalPolicySetPayload, *result.errors)
        return ApprovalPolicySetPayload(approval_policy=policy_type(result.value, False), errors=[])
