"""Sales plan transitions: salesPlanSubmit, salesPlanApprove, salesPlanReject, salesPlanWithdraw,
salesPlanRevise. One mutation per transition, each with its own input and payload."""

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.ids import pk_of
from api.mutations.inputs import INPUT
from api.mutations.payloads import not_found, refused, run
from api.mutations.plans.sales_plans import plan_loader
from api.types.errors import SalesPlanError
from api.types.plans import SalesPlan
from domain.services.plans.approval import (
    SalesPlanApprove,
    SalesPlanReject,
    SalesPlanRevise,
    SalesPlanSubmit,
    SalesPlanWithdraw,
)

ID_HELP = "The plan."
VERSION_HELP = "Refuse with CONFLICT unless the plan is still at this version."
ERRORS_HELP = "Why nothing changed; empty on success."


@strawberry.input(description="Send a DRAFT plan into its approval chain.")
class SalesPlanSubmitInput:
    id: strawberry.ID = strawberry.field(description=ID_HELP)
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)
    comment: str | None = strawberry.field(default=None, description="Note for the approvers.")
    accept_allocation_gap: bool = strawberry.field(
        default=False,
        description="Submit although the child plans do not add up to this plan's targets; "
        "the accepted gap is recorded in the history.",
    )


@strawberry.input(description="Approve the plan's current step (yours).")
class SalesPlanApproveInput:
    id: strawberry.ID = strawberry.field(description=ID_HELP)
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)
    comment: str | None = strawberry.field(
        default=None, description="Optional note, kept in the step and the history."
    )


@strawberry.input(description="Reject the plan at your step: it goes back to DRAFT.")
class SalesPlanRejectInput:
    id: strawberry.ID = strawberry.field(description=ID_HELP)
    reason: str = strawberry.field(description="Required; shown to the author in the history.")
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)


@strawberry.input(description="Take a SUBMITTED plan back to DRAFT before any approver decided.")
class SalesPlanWithdrawInput:
    id: strawberry.ID = strawberry.field(description=ID_HELP)
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)
    comment: str | None = strawberry.field(
        default=None, description="Optional note (why), kept in the history."
    )


@strawberry.input(description="Start a new DRAFT revision of an APPROVED plan.")
class SalesPlanReviseInput:
    id: strawberry.ID = strawberry.field(description=ID_HELP)
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)
    comment: str | None = strawberry.field(default=None, description="Why it is revised.")


@strawberry.type(description="Result of salesPlanSubmit.")
class SalesPlanSubmitPayload:
    sales_plan: SalesPlan | None = strawberry.field(
        description="The plan, SUBMITTED (or APPROVED); null if refused."
    )
    errors: list[SalesPlanError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of salesPlanApprove.")
class SalesPlanApprovePayload:
    sales_plan: SalesPlan | None = strawberry.field(
        description="The plan after the approval; null if refused."
    )
    errors: list[SalesPlanError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of salesPlanReject.")
class SalesPlanRejectPayload:
    sales_plan: SalesPlan | None = strawberry.field(
        description="The plan, back in DRAFT; null if refused."
    )
    errors: list[SalesPlanError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of salesPlanWithdraw.")
class SalesPlanWithdrawPayload:
    sales_plan: SalesPlan | None = strawberry.field(
        description="The plan, back in DRAFT; null if refused."
    )
    errors: list[SalesPlanError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of salesPlanRevise: `salesPlan` is the new revision.")
class SalesPlanRevisePayload:
    sales_plan: SalesPlan | None = strawberry.field(
        description="The new DRAFT revision; null if refused."
    )
    errors: list[SalesPlanError] = strawberry.field(description=ERRORS_HELP)


async def transition(info: Info, payload_type, plan_id: str, command, **fields):
    """Decode the plan id, run one transition command, and shape its payload: the plan as
    committed (the command found it within the viewer's reach, and a transition never moves a
    plan out of it), without reading it again."""
    pk = pk_of(plan_id, "SalesPlan")
    if pk is None:
        return refused(payload_type, not_found("sales plan", "input", "id"))
    command = command(plan_id=pk, **fields)
    return await run(info, payload_type, command, plan_loader, committed=SalesPlan.from_row)


@strawberry.type
class PlanApprovalMutations:
    @strawberry.mutation(
        description="DRAFT → SUBMITTED (or straight to APPROVED when no step applies). By the "
        "plan's author side. Refused with ALLOCATION_UNBALANCED when its child plans do not add up, "
        "unless acceptAllocationGap."
    )
    async def sales_plan_submit(
        self, info: Info, input: Annotated[SalesPlanSubmitInput, INPUT]
    ) -> SalesPlanSubmitPayload:
        return await transition(
            info,
            SalesPlanSubmitPayload,
            input.id,
            SalesPlanSubmit,
            expected_version=input.expected_version,
            comment=input.comment,
            accept_allocation_gap=input.accept_allocation_gap,
        )

    @strawberry.mutation(
        description="Approve the current step, by its approver. SUBMITTED stays SUBMITTED while "
        "steps remain (currentStep names the next approver); APPROVED after the last applicable "
        "step. An approved revision supersedes the plan it revises."
    )
    async def sales_plan_approve(
        self, info: Info, input: Annotated[SalesPlanApproveInput, INPUT]
    ) -> SalesPlanApprovePayload:
        return await transition(
            info,
            SalesPlanApprovePayload,
            input.id,
            SalesPlanApprove,
            expected_version=input.expected_version,
            comment=input.comment,
        )

    @strawberry.mutation(
        description="SUBMITTED → DRAFT, by the current step's approver, with a reason."
    )
    async def sales_plan_reject(
        self, info: Info, input: Annotated[SalesPlanRejectInput, INPUT]
    ) -> SalesPlanRejectPayload:
        return await transition(
            info,
            SalesPlanRejectPayload,
            input.id,
            SalesPlanReject,
            expected_version=input.expected_version,
            reason=input.reason,
        )

    @strawberry.mutation(
        description="SUBMITTED → DRAFT, by the author side, before any approver decided."
    )
    async def sales_plan_withdraw(
        self, info: Info, input: Annotated[SalesPlanWithdrawInput, INPUT]
    ) -> SalesPlanWithdrawPayload:
        return await transition(
            info,
            SalesPlanWithdrawPayload,
            input.id,
            SalesPlanWithdraw,
            expected_version=input.expected_version,
            comment=input.comment,
        )

    @strawberry.mutation(
        description="A new DRAFT revision (revision + 1) of an APPROVED plan, with its lines. The "
        "original stays APPROVED until the revision is approved, then becomes SUPERSEDED."
    )
    async def sales_plan_revise(
        self, info: Info, input: Annotated[SalesPlanReviseInput, INPUT]
    ) -> SalesPlanRevisePayload:
        return await transition(
            info,
            SalesPlanRevisePayload,
            input.id,
            SalesPlanRevise,
            expected_version=input.expected_version,
            comment=input.comment,
        )
