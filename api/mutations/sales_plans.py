"""Sales plan mutations: salesPlanCreate, salesPlanUpdateLines."""

from datetime import date
from decimal import Decimal

import strawberry
from strawberry.types import Info

from api.ids import BadId, from_global_id, pk_of
from api.types.errors import SalesPlanError
from api.types.plans import GranularityEnum, SalesPlan
from domain.errors import DomainError, ErrorCode
from domain.plans import LineDraft, OwnerKind
from domain.services import sales_plans as service

OWNER_KINDS = {
    "Company": OwnerKind.COMPANY,
    "Department": OwnerKind.DEPARTMENT,
    "Salesperson": OwnerKind.SALESPERSON,
}


@strawberry.input(description="A target for one product in one month.")
class SalesPlanLineInput:
    product_id: strawberry.ID = strawberry.field(description="Global id of a Product.")
    period: date = strawberry.field(description="First day of a month inside the plan's span.")
    quantity: Decimal = strawberry.field(description="Units, ≥ 0, up to 3 decimals.")
    amount: Decimal | None = strawberry.field(
        default=None,
        description="Value, ≥ 0, 2 decimals; omitted means quantity × the product's list price.",
    )


@strawberry.input(description="Names one line of a plan: its product and month.")
class SalesPlanLineKeyInput:
    product_id: strawberry.ID
    period: date


@strawberry.input(description="A new DRAFT plan for a company, department or salesperson.")
class SalesPlanCreateInput:
    owner_id: strawberry.ID = strawberry.field(
        description="Global id of the Company, Department or Salesperson the plan is for."
    )
    granularity: GranularityEnum
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
    sales_plan: SalesPlan | None = strawberry.field(description="The plan after the change.")
    errors: list[SalesPlanError]


def line_drafts(
    lines: list[SalesPlanLineInput], path: str
) -> tuple[list[LineDraft], list[DomainError]]:
    """Turn line inputs into drafts; an id that is not a Product is NOT_FOUND at its path."""
    drafts, errors = [], []
    for i, line in enumerate(lines):
        product_pk = pk_of(line.product_id, "Product")
        if product_pk is None:
            errors.append(
                DomainError(
                    ErrorCode.NOT_FOUND, "no such product", ("input", path, str(i), "productId")
                )
            )
            continue
        drafts.append(LineDraft(product_pk, line.period, line.quantity, line.amount))
    return drafts, errors


async def payload_plan(info: Info, result: service.PlanResult) -> SalesPlan | None:
    """The committed plan as the viewer now sees it."""
    if result.plan is None:
        return None
    info.context.fresh_reads()
    return await info.context.loaders.plans.plan.load(result.plan.id)


@strawberry.type
class SalesPlanMutations:
    @strawberry.mutation(
        description="Create a DRAFT sales plan. Planners for any node; managers for their department and its salespeople; salespeople for themselves."
    )
    async def sales_plan_create(
        self, info: Info, input: SalesPlanCreateInput
    ) -> SalesPlanCreatePayload:
        errors: list[DomainError] = []
        try:
            type_name, owner_pk = from_global_id(input.owner_id)
        except BadId:
            type_name, owner_pk = "", 0
        owner_kind = OWNER_KINDS.get(type_name)
        if owner_kind is None:
            errors.append(DomainError(ErrorCode.NOT_FOUND, "no such owner", ("input", "ownerId")))
        parent_pk = None
        if input.parent_plan_id is not None:
            parent_pk = pk_of(input.parent_plan_id, "SalesPlan")
            if parent_pk is None:
                errors.append(
                    DomainError(
                        ErrorCode.NOT_FOUND, "no such sales plan", ("input", "parentPlanId")
                    )
                )
        drafts, line_errors = line_drafts(input.lines, "lines")
        errors += line_errors
        if errors:
            return SalesPlanCreatePayload(
                sales_plan=None, errors=[SalesPlanError.of(e) for e in errors]
            )
        result = await service.create_plan(
            info.context.engine,
            info.context.viewer,
            service.PlanCreate(
                owner_kind=owner_kind,
                owner_id=owner_pk,
                granularity=input.granularity,
                period_start=input.period_start,
                title=input.title,
                lines=drafts,
                parent_plan_id=parent_pk,
            ),
        )
        return SalesPlanCreatePayload(
            sales_plan=await payload_plan(info, result),
            errors=[SalesPlanError.of(e) for e in result.errors],
        )

    @strawberry.mutation(
        description="Set or remove targets of a DRAFT plan (its author's side: planner, the department's manager, or the salesperson). Raises the plan's version."
    )
    async def sales_plan_update_lines(
        self, info: Info, input: SalesPlanUpdateLinesInput
    ) -> SalesPlanUpdateLinesPayload:
        plan_pk = pk_of(input.id, "SalesPlan")
        drafts, errors = line_drafts(input.upsert, "upsert")
        keys = []
        for i, key in enumerate(input.remove):
            product_pk = pk_of(key.product_id, "Product")
            if product_pk is None:
                errors.append(
                    DomainError(
                        ErrorCode.NOT_FOUND,
                        "no such product",
                        ("input", "remove", str(i), "productId"),
                    )
                )
            else:
                keys.append(service.LineKey(product_pk, key.period))
        if plan_pk is None:
            errors.insert(
                0, DomainError(ErrorCode.NOT_FOUND, "no such sales plan", ("input", "id"))
            )
        if errors:
            return SalesPlanUpdateLinesPayload(
                sales_plan=None, errors=[SalesPlanError.of(e) for e in errors]
            )
        result = await service.update_plan_lines(
            info.context.engine,
            info.context.viewer,
            service.PlanLinesUpdate(
                plan_id=plan_pk,
                upsert=drafts,
                remove=keys,
                expected_version=input.expected_version,
            ),
        )
        return SalesPlanUpdateLinesPayload(
            sales_plan=await payload_plan(info, result),
            errors=[SalesPlanError.of(e) for e in result.errors],
        )
