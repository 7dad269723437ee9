"""Sales plan mutations: salesPlanCreate, salesPlanUpdateLines."""

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.ids import BadId, from_global_id
from api.mutations.inputs import INPUT
from api.mutations.payloads import InputIds, not_found, refused, run
from api.types.errors import SalesPlanError
from api.types.plans import GranularityEnum, SalesPlan
from domain.plans.hierarchy import OwnerKind
from domain.plans.lines import LineDraft
from domain.services.plans.sales_plans import LineKey, SalesPlanCreate, SalesPlanUpdateLines

OWNER_KINDS = {
    "Company": OwnerKind.COMPANY,
    "Department": OwnerKind.DEPARTMENT,
    "Salesperson": OwnerKind.SALESPERSON,
}


@strawberry.input(description="A target for one product in one month.")
class SalesPlanLineInput:
    product_id: strawberry.ID = strawberry.field(description="Global id of a Product.")
    period: date = strawberry.field(description="First day of a month inside the plan's span.")
    quantity: Decimal = strawberry.field(
        description="Units, ≥ 0 and below 1,000,000,000, up to 3 decimals."
    )
    amount: Decimal | None = strawberry.field(
        default=None,
        description="Value, ≥ 0 and below 10,000,000,000,000, 2 decimals; omitted means "
        "quantity × the product's list price, which must then be below that bound too.",
    )


@strawberry.input(description="Names one line of a plan: its product and month.")
class SalesPlanLineKeyInput:
    product_id: strawberry.ID = strawberry.field(description="Global id of the line's Product.")
    period: date = strawberry.field(description="First day of the line's month.")


@strawberry.input(description="A new DRAFT plan for a company, department or salesperson.")
class SalesPlanCreateInput:
    owner_id: strawberry.ID = strawberry.field(
        description="Global id of the Company, Department or Salesperson the plan is for."
    )
    granularity: GranularityEnum = strawberry.field(
        description="Whether the plan spans a year, a quarter or a month."
    )
    period_start: date = strawberry.field(
        description="Jan 1 for YEAR, a quarter's first day for QUARTER, a month's first day."
    )
    title: str = strawberry.field(description="1–200 characters.")
    parent_plan_id: strawberry.ID | None = strawberry.field(
        default=None, description="The plan one level up, for the same period, that this shares."
    )
    lines: list[SalesPlanLineInput] = strawberry.field(
        default_factory=list, description="Targets; at most 5000."
    )


@strawberry.input(description="Set or remove targets of a DRAFT plan.")
class SalesPlanUpdateLinesInput:
    id: strawberry.ID = strawberry.field(description="The plan.")
    upsert: list[SalesPlanLineInput] = strawberry.field(
        default_factory=list, description="Targets to add, or to replace for the same month."
    )
    remove: list[SalesPlanLineKeyInput] = strawberry.field(
        default_factory=list, description="Targets to delete."
    )
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with CONFLICT unless the plan is still at this version."
    )


@strawberry.type(description="Result of salesPlanCreate.")
class SalesPlanCreatePayload:
    sales_plan: SalesPlan | None = strawberry.field(description="The new plan; null if refused.")
    errors: list[SalesPlanError] = strawberry.field(description="Empty on success.")


@strawberry.type(description="Result of salesPlanUpdateLines.")
class SalesPlanUpdateLinesPayload:
    sales_plan: SalesPlan | None = strawberry.field(
        description="The plan after the change; null if refused."
    )
    errors: list[SalesPlanError] = strawberry.field(
        description="Why nothing changed; empty on success."
    )


def line_drafts(ids: InputIds, lines: list[SalesPlanLineInput], path: str) -> list[LineDraft]:
    """Line inputs as drafts; a product id that is not a Product is NOT_FOUND at its path."""
    drafts = []
    for i, line in enumerate(lines):
        product = ids.pk(line.product_id, "Product", "product", "input", path, str(i), "productId")
        if product is not None:
            drafts.append(LineDraft(product, line.period, line.quantity, line.amount))
    return drafts


def plan_loader(loaders):
    return loaders.plans.plan


@strawberry.type
class SalesPlanMutations:
    @strawberry.mutation(
        description="Create a DRAFT sales plan. Planners for any node; managers for their department and its salespeople; salespeople for themselves."
    )
    async def sales_plan_create(
        self, info: Info, input: Annotated[SalesPlanCreateInput, INPUT]
    ) -> SalesPlanCreatePayload:
        ids = InputIds()
        try:
            type_name, owner_pk = from_global_id(input.owner_id)
        except BadId:
            type_name, owner_pk = "", 0
        owner_kind = OWNER_KINDS.get(type_name)
        if owner_kind is None:
            ids.errors.append(not_found("owner", "input", "ownerId"))
        parent = ids.optional(
            input.parent_plan_id, "SalesPlan", "sales plan", "input", "parentPlanId"
        )
        drafts = line_drafts(ids, input.lines, "lines")
        if ids.errors:
            return refused(SalesPlanCreatePayload, *ids.errors)
        command = SalesPlanCreate(
            owner_kind=owner_kind,
            owner_id=owner_pk,
            granularity=input.granularity,
            period_start=input.period_start,
            title=input.title,
            lines=drafts,
            parent_plan_id=parent,
        )
        return await run(info, SalesPlanCreatePayload, command, plan_loader)

    @strawberry.mutation(
        description="Set or remove targets of a DRAFT plan (its author's side: planner, the department's manager, or the salesperson). Raises the plan's version."
    )
    async def sales_plan_update_lines(
        self, info: Info, input: Annotated[SalesPlanUpdateLinesInput, INPUT]
    ) -> SalesPlanUpdateLinesPayload:
        ids = InputIds()
        plan = ids.pk(input.id, "SalesPlan", "sales plan", "input", "id")
        drafts = line_drafts(ids, input.upsert, "upsert")
        keys = []
        for i, key in enumerate(input.remove):
            product = ids.pk(
                key.product_id, "Product", "product", "input", "remove", str(i), "productId"
            )
            if product is not None:
                keys.append(LineKey(product, key.period))
        if ids.errors:
            return refused(SalesPlanUpdateLinesPayload, *ids.errors)
        command = SalesPlanUpdateLines(
            plan_id=plan, upsert=drafts, remove=keys, expected_version=input.expected_version
        )
        return await run(info, SalesPlanUpdateLinesPayload, command, plan_loader)
