"""salesPlanDecompose: split a plan's targets over the nodes one level down."""

from decimal import Decimal

import strawberry
from strawberry.types import Info

from api.ids import pk_of
from api.mutations.sales_plans import SalesPlanLineInput, line_drafts, payload_plan
from api.types.errors import SalesPlanError
from api.types.plans import SalesPlan
from domain.errors import DomainError, ErrorCode
from domain.plans import OwnerKind
from domain.services import plan_decomposition as service
from domain.services.sales_plans import PlanResult

CHILD_TYPE_NAMES = {OwnerKind.DEPARTMENT: "Department", OwnerKind.SALESPERSON: "Salesperson"}


@strawberry.input(description="One child node's part: `share` (a weight) or explicit `lines`.")
class SalesPlanChildInput:
    owner_id: strawberry.ID = strawberry.field(
        description="A Department (of a company plan) or Salesperson (of a department plan)."
    )
    share: Decimal | None = strawberry.field(
        default=None,
        description="Weight, ≥ 0; weights are normalised to their sum (so 30/70 and 0.3/0.7 agree).",
    )
    lines: list[SalesPlanLineInput] | None = strawberry.field(
        default=None, description="Explicit targets instead of a share."
    )


@strawberry.input(description="Split a plan's targets into DRAFT child plans.")
class SalesPlanDecomposeInput:
    id: strawberry.ID = strawberry.field(description="The parent plan.")
    children: list[SalesPlanChildInput]
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with CONFLICT unless the parent is still at this version."
    )


@strawberry.type(description="Result of salesPlanDecompose.")
class SalesPlanDecomposePayload:
    sales_plan: SalesPlan | None = strawberry.field(description="The parent plan.")
    children: list[SalesPlan] = strawberry.field(
        description="The child plans created or refreshed."
    )
    errors: list[SalesPlanError]


@strawberry.type
class PlanDecompositionMutations:
    @strawberry.mutation(
        description="Split the parent's targets by shares (largest remainder: whole units when "
        "the parent's quantity is whole, else 0.001; cents for amounts; children add up exactly) or take "
        "explicit lines, into DRAFT plans of the nodes one level down. A child that already has a "
        "DRAFT plan under this parent gets its lines replaced; a submitted or approved one is refused."
    )
    async def sales_plan_decompose(
        self, info: Info, input: SalesPlanDecomposeInput
    ) -> SalesPlanDecomposePayload:
        errors: list[DomainError] = []
        pk = pk_of(input.id, "SalesPlan")
        if pk is None:
            errors.append(DomainError(ErrorCode.NOT_FOUND, "no such sales plan", ("input", "id")))
        children = []
        for i, child in enumerate(input.children):
            owner_pk = pk_of(child.owner_id, *CHILD_TYPE_NAMES.values())
            if owner_pk is None:
                errors.append(
                    DomainError(
                        ErrorCode.NOT_FOUND,
                        "no such child node",
                        ("input", "children", str(i), "ownerId"),
                    )
                )
                continue
            drafts = None
            if child.lines is not None:
                drafts, line_errors = line_drafts(child.lines, f"children.{i}.lines")
                errors += line_errors
            children.append(
                service.ChildAllocation(owner_id=owner_pk, share=child.share, lines=drafts)
            )
        if errors:
            return SalesPlanDecomposePayload(
                sales_plan=None, children=[], errors=[SalesPlanError.of(e) for e in errors]
            )
        result = await service.decompose_plan(
            info.context.engine,
            info.context.viewer,
            service.Decomposition(
                plan_id=pk, children=children, expected_version=input.expected_version
            ),
        )
        parent = await payload_plan(info, PlanResult(plan=result.plan, errors=result.errors))
        loaded = await info.context.loaders.plans.plan.load_many([c.id for c in result.children])
        return SalesPlanDecomposePayload(
            sales_plan=parent,
            children=[c for c in loaded if c is not None],
            errors=[SalesPlanError.of(e) for e in result.errors],
        )
