"""salesPlanDecompose: split a plan's targets over the nodes one level down."""

from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.ids import pk_of
from api.mutations.inputs import INPUT
from api.mutations.payloads import InputIds, not_found, refused, shaped
from api.mutations.plans.sales_plans import SalesPlanLineInput, line_drafts, plan_loader
from api.types.errors import SalesPlanError
from api.types.plans import SalesPlan
from domain.plans.hierarchy import OwnerKind
from domain.services.plans.decomposition import ChildAllocation, SalesPlanDecompose

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
    children: list[SalesPlanChildInput] = strawberry.field(
        description="The child nodes' parts, each node at most once; the shares given must add "
        "up to more than 0."
    )
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with CONFLICT unless the parent is still at this version."
    )


@strawberry.type(description="Result of salesPlanDecompose.")
class SalesPlanDecomposePayload:
    sales_plan: SalesPlan | None = strawberry.field(description="The parent plan.")
    children: list[SalesPlan] = strawberry.field(
        default_factory=list, description="The child plans created or refreshed."
    )
    errors: list[SalesPlanError] = strawberry.field(
        description="Why nothing changed; empty on success."
    )


@strawberry.type
class PlanDecompositionMutations:
    @strawberry.mutation(
        description="Split the parent's targets by shares (largest remainder: whole units when "
        "the parent's quantity is whole, else 0.001; cents for amounts; children add up exactly) or take "
        "explicit lines, into DRAFT plans of the nodes one level down. A child that already has a "
        "DRAFT plan under this parent gets its lines replaced; a submitted or approved one is refused."
    )
    async def sales_plan_decompose(
        self, info: Info, input: Annotated[SalesPlanDecomposeInput, INPUT]
    ) -> SalesPlanDecomposePayload:
        ids = InputIds()
        plan = ids.pk(input.id, "SalesPlan", "sales plan", "input", "id")
        children = []
        for i, child in enumerate(input.children):
            owner_pk = pk_of(child.owner_id, *CHILD_TYPE_NAMES.values())
            if owner_pk is None:
                ids.errors.append(not_found("child node", "input", "children", str(i), "ownerId"))
                continue
            drafts = None
            if child.lines is not None:
                drafts = line_drafts(ids, child.lines, f"children.{i}.lines")
            children.append(ChildAllocation(owner_id=owner_pk, share=child.share, lines=drafts))
        if ids.errors:
            return refused(SalesPlanDecomposePayload, *ids.errors)
        command = SalesPlanDecompose(
            plan_id=plan, children=children, expected_version=input.expected_version
        )
        result = await info.context.use_cases.handle(command, info.context.viewer)
        written = []
        if result.ok:
            info.context.fresh_reads()
            loaded = await info.context.loaders.plans.plan.load_many(
                [c.id for c in result.value.children]
            )
            written = [c for c in loaded if c is not None]
        return await shaped(
            info,
            SalesPlanDecomposePayload,
            result,
            plan_loader,
            key=lambda value: value.plan.id,
            children=written,
        )
