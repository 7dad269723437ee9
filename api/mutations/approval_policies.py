"""approvalPolicySet: configure the approval chain of a document type (admin)."""

from decimal import Decimal

import strawberry
from strawberry.types import Info

from api.types.approval import (
    ApprovalPolicy,
    ApprovalPolicyStep,
    ApproverKindEnum,
    DocumentTypeEnum,
)
from api.types.errors import UserError
from api.types.organisation import RoleEnum
from domain import approval
from domain.services.approval_policies import set_policy


@strawberry.type(description="Why an approval policy change was refused.")
class ApprovalPolicyError(UserError):
    pass


@strawberry.input(description="One step of a chain.")
class ApprovalPolicyStepInput:
    name: str = strawberry.field(
        description="Shown to users, e.g. 'VP in charge'. 1–100 characters."
    )
    approver_kind: ApproverKindEnum
    role: RoleEnum | None = strawberry.field(
        default=None, description="Required for ROLE steps only."
    )
    min_amount: Decimal | None = strawberry.field(
        default=None, description="Apply only when the document's amount exceeds this."
    )
    levels: list[str] | None = strawberry.field(
        default=None,
        description="Apply only at these plan levels (COMPANY, DEPARTMENT, SALESPERSON).",
    )


@strawberry.input(description="The whole chain of one document type, replacing the current one.")
class ApprovalPolicySetInput:
    document_type: DocumentTypeEnum
    steps: list[ApprovalPolicyStepInput] = strawberry.field(description="In order; 1 to 10 steps.")
    skip_repeated_approver: bool = strawberry.field(
        default=True, description="Skip a step whose approver already approved an earlier one."
    )


@strawberry.type(description="Result of approvalPolicySet.")
class ApprovalPolicySetPayload:
    approval_policy: ApprovalPolicy | None
    errors: list[ApprovalPolicyError]


def policy_type(policy: approval.Policy, is_default: bool) -> ApprovalPolicy:
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


@strawberry.type
class ApprovalPolicyMutations:
    @strawberry.mutation(
        description="Replace a document type's approval chain (admin only). Documents already "
        "submitted finish with the steps they started with."
    )
    async def approval_policy_set(
        self, info: Info, input: ApprovalPolicySetInput
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
        result = await set_policy(info.context.engine, info.context.viewer, policy)
        errors = [ApprovalPolicyError.of(e) for e in result.errors]
        return ApprovalPolicySetPayload(
            approval_policy=policy_type(result.policy, False) if result.policy else None,
            errors=errors,
        )
