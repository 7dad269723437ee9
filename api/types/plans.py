"""Sales plans and their lines."""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from api.ids import to_global_id
from api.loaded_pages import LOADED_PAGES, page_of, replaced_by
from api.pagination import After, Before, Connection, First, Last, PageLimits, PageRequest
from api.types.catalogue import Product
from api.types.documents import ApprovableDocument
from api.types.enums import described_enum
from api.types.node import Node
from domain.plans.hierarchy import CHILD_KIND, OwnerKind
from domain.plans.lifecycle import PlanStatus
from domain.plans.periods import Granularity, plan_end

if TYPE_CHECKING:
    from api.types.approval import ApprovalStep, HistoryEntry
    from api.types.organisation import PlanOwnerNode, User

ApprovalStepType = Annotated["ApprovalStep", strawberry.lazy("api.types.approval")]
HistoryEntryType = Annotated["HistoryEntry", strawberry.lazy("api.types.approval")]

GranularityEnum = described_enum(
    Granularity,
    name="Granularity",
    description="The span of a plan: a year, quarter or month from `periodStart`. Its lines are "
    "per month either way.",
    values={
        Granularity.YEAR: "Annual plan (年度): January 1 to December 31, twelve months.",
        Granularity.QUARTER: "Quarterly plan (季度): three months from January, April, July or "
        "October 1.",
        Granularity.MONTH: "Monthly plan (月度): one calendar month.",
    },
)
OwnerKindEnum = described_enum(
    OwnerKind,
    name="PlanOwnerKind",
    description="Which level of the hierarchy owns a plan.",
    values={
        OwnerKind.COMPANY: "The company: the top plan, split over departments.",
        OwnerKind.DEPARTMENT: "A sales department: split over its salespeople.",
        OwnerKind.SALESPERSON: "A salesperson: the lowest level, nothing below.",
    },
)
PlanStatusEnum = described_enum(
    PlanStatus,
    name="SalesPlanStatus",
    description=(
        "DRAFT (editable by its author) → SUBMITTED (in approval) → APPROVED (read-only) → "
        "SUPERSEDED (an approved revision replaced it). Reject and withdraw return to DRAFT."
    ),
    values={
        PlanStatus.DRAFT: "Being written: its author side may change lines, submit it or "
        "decompose it. A rejected or withdrawn plan is back here.",
        PlanStatus.SUBMITTED: "In approval: read-only; `currentStep` names who decides next.",
        PlanStatus.APPROVED: "Approved by its last applicable step: read-only; change it through "
        "salesPlanRevise.",
        PlanStatus.SUPERSEDED: "Was APPROVED; an approved revision replaced it. Read-only, kept "
        "for history.",
    },
)

PLAN_PAGES = PageLimits(default=50, maximum=100)
LINE_PAGES = PageLimits(default=100, maximum=500)


@strawberry.type(description="Target for one product in one month: quantity and amount.")
class SalesPlanLine(Node):
    # Plain attributes only: large reads return tens of thousands of lines (see CONVENTIONS.md).
    id: strawberry.ID = strawberry.field(description="Opaque global id.")
    pk: strawberry.Private[int]
    plan_pk: strawberry.Private[int]
    product: Product = strawberry.field(description="The product the target is for.")
    period: date = strawberry.field(description="First day of the month the target is for.")
    quantity: Decimal = strawberry.field(description="Units to sell (up to 3 decimals).")
    amount: Decimal = strawberry.field(description="Sales value, in the company currency.")


@strawberry.type(description="A quantity and amount for one product in one month (no identity).")
class PlanTarget:
    product: Product = strawberry.field(description="The product the figures are for.")
    period: date = strawberry.field(description="First day of the month.")
    quantity: Decimal = strawberry.field(
        description="Units, up to 3 decimals (negative in a gap: the children plan more)."
    )
    amount: Decimal = strawberry.field(
        description="Sales value in the company currency, 2 decimals (negative in a gap: the "
        "children plan more)."
    )


@strawberry.input(description="Which plans to list; all given conditions must hold.")
class SalesPlanWhereInput:
    status_in: list[PlanStatusEnum] | None = strawberry.field(
        default=None, description="Only plans in one of these statuses."
    )
    granularity: GranularityEnum | None = strawberry.field(
        default=None, description="Only YEAR, QUARTER or MONTH plans."
    )
    period_from: date | None = strawberry.field(
        default=None, description="Only plans starting on or after this day."
    )
    period_to: date | None = strawberry.field(
        default=None, description="Only plans starting on or before this day."
    )

    def key(self) -> tuple:
        """A hashable form, used as part of loader keys."""
        statuses = tuple(sorted(s.value for s in self.status_in)) if self.status_in else None
        return (statuses, self.granularity, self.period_from, self.period_to)


@strawberry.enum(description="Fields plans can be sorted by; the id always breaks ties.")
class SalesPlanSortField(Enum):
    PERIOD_START = strawberry.enum_value(
        "period_start", description="The first day of the plan's span."
    )
    CREATED_AT = strawberry.enum_value("created_at", description="When the plan was created.")
    ID = strawberry.enum_value("id", description="Creation order (the id alone).")


@strawberry.input(description="Sort order of a plan list. Default: PERIOD_START ascending.")
class SalesPlanSortingInput:
    field: SalesPlanSortField = strawberry.field(description="The field to sort by.")
    descending: bool = strawberry.field(
        default=False, description="Latest or largest first; the id tie-breaker follows."
    )


@strawberry.type(description="A node's sales targets for one period, through its approval life.")
class SalesPlan(ApprovableDocument):
    pk: strawberry.Private[int]
    company_pk: strawberry.Private[int]
    department_pk: strawberry.Private[int | None]
    salesperson_pk: strawberry.Private[int | None]
    parent_pk: strawberry.Private[int | None]
    revision_of_pk: strawberry.Private[int | None]
    author_pk: strawberry.Private[int]
    approval_round: strawberry.Private[int]
    title: str = strawberry.field(description="A name for people, 1–200 characters.")
    owner_kind: OwnerKindEnum = strawberry.field(description="Level of the owner node.")
    granularity: GranularityEnum = strawberry.field(
        description="Whether the plan spans a year, a quarter or a month."
    )
    period_start: date = strawberry.field(description="First day of the plan's span.")
    status: PlanStatusEnum = strawberry.field(
        description="Where the plan is in its life cycle; each change is a mutation and an event."
    )
    revision: int = strawberry.field(description="1 for an original plan, +1 per revision.")
    version: int = strawberry.field(
        description="Raised by every change; send it as `expectedVersion` to avoid lost updates."
    )
    created_at: datetime = strawberry.field(description="When the plan was created.")
    updated_at: datetime = strawberry.field(
        description="When the plan last changed (lines, status or approval)."
    )

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("SalesPlan", self.pk))

    @classmethod
    def from_row(cls, row) -> "SalesPlan":
        return cls(
            pk=row.id,
            company_pk=row.company_id,
            department_pk=row.department_id,
            salesperson_pk=row.salesperson_id,
            parent_pk=row.parent_id,
            revision_of_pk=row.revision_of_id,
            author_pk=row.author_id,
            approval_round=row.approval_round,
            title=row.title,
            owner_kind=OwnerKind(row.owner_kind),
            granularity=Granularity(row.granularity),
            period_start=row.period_start,
            status=PlanStatus(row.status),
            revision=row.revision,
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @strawberry.field(description="Last day of the plan's span.")
    def period_end(self) -> date:
        return plan_end(self.granularity, self.period_start)

    @strawberry.field(description="The company, department or salesperson the plan is for.")
    async def owner(
        self, info: Info
    ) -> Annotated["PlanOwnerNode", strawberry.lazy("api.types.organisation")]:
        org = info.context.loaders.organisation
        if self.owner_kind is OwnerKind.COMPANY:
            return await org.company.load(self.company_pk)
        if self.owner_kind is OwnerKind.DEPARTMENT:
            return await org.department.load(self.department_pk)
        return await org.salesperson.load(self.salesperson_pk)

    @strawberry.field(description="The plan one level up whose targets this plan shares.")
    async def parent(self, info: Info) -> "SalesPlan | None":
        if self.parent_pk is None:
            return None
        return await info.context.loaders.plans.plan.load(self.parent_pk)

    @strawberry.field(description="The approved plan this revision will supersede.")
    async def revision_of(self, info: Info) -> "SalesPlan | None":
        if self.revision_of_pk is None:
            return None
        return await info.context.loaders.plans.plan.load(self.revision_of_pk)

    @strawberry.field(description="Who created the plan.")
    async def author(
        self, info: Info
    ) -> Annotated["User", strawberry.lazy("api.types.organisation")] | None:
        return await info.context.loaders.organisation.user.load(self.author_pk)

    @strawberry.field(description="Sum of the lines' amounts: what approval limits compare.")
    async def total_amount(self, info: Info) -> Decimal:
        return (await info.context.loaders.plans.totals.load(self.pk))[1]

    @strawberry.field(description="Sum of the lines' quantities.")
    async def total_quantity(self, info: Info) -> Decimal:
        return (await info.context.loaders.plans.totals.load(self.pk))[0]

    @strawberry.field(
        description="The approval step waiting for a decision now; null unless SUBMITTED."
    )
    async def current_step(self, info: Info) -> ApprovalStepType | None:
        if self.status is not PlanStatus.SUBMITTED:
            return None
        steps = await info.context.loaders.plans.steps.load((self.pk, self.approval_round))
        return next((s for s in steps if s.state.value == "PENDING"), None)

    @strawberry.field(
        description="The whole chain of the latest submission, each step with its state (a "
        "policy has at most 10 steps)."
    )
    async def steps(self, info: Info) -> list[ApprovalStepType]:
        if self.approval_round == 0:
            return []
        return await info.context.loaders.plans.steps.load((self.pk, self.approval_round))

    @strawberry.field(
        description="Every committed change, oldest first: actor, action, from, to, comment, time.",
        deprecation_reason=replaced_by("historyConnection"),
    )
    async def history(self, info: Info) -> list[HistoryEntryType]:
        return await info.context.loaders.plans.history.load(self.pk)

    @strawberry.field(
        description="Every committed change, oldest first: actor, action, from, to, comment, time. "
        + LOADED_PAGES.describe("Entries:")
    )
    async def history_connection(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[HistoryEntryType]:
        entries = await info.context.loaders.plans.history.load(self.pk)
        return page_of(
            entries, (first, after, last, before), lambda entry: (entry.sequence, entry.sequence)
        )

    @strawberry.field(
        description="Sum of the child plans' targets (all but superseded ones) per product and "
        "month: at most one entry per product and month of the plan's period."
    )
    async def rollup(self, info: Info) -> list[PlanTarget]:
        return (await info.context.loaders.plans.allocation.load(self._allocation_key))[0]

    @property
    def _allocation_key(self) -> tuple[int, bool]:
        return (self.pk, self.owner_kind in CHILD_KIND)

    @strawberry.field(
        description="This plan's targets minus the roll-up, per product and month where they differ (negative: the children plan more). Empty when the children add up exactly, and always for salesperson plans (no level below). Submitting a plan that has children refuses a non-empty gap unless acceptAllocationGap is given. At most one entry per product and month of the plan's period."
    )
    async def allocation_gap(self, info: Info) -> list[PlanTarget]:
        return (await info.context.loaders.plans.allocation.load(self._allocation_key))[1]

    @strawberry.field(
        description="Plans one level down that share this plan's targets. "
        + PLAN_PAGES.describe("Plans:")
    )
    async def children(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection["SalesPlan"]:
        page = PageRequest.of(PLAN_PAGES, first, after, last, before)
        return await info.context.loaders.plans.children.load(self.pk, page)

    @strawberry.field(description="Targets per product and month. " + LINE_PAGES.describe("Lines:"))
    async def lines(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[SalesPlanLine]:
        page = PageRequest.of(LINE_PAGES, first, after, last, before)
        return await info.context.loaders.plans.lines_by_plan.load(self.pk, page)


async def plans_of(
    info: Info,
    owner_kind: OwnerKind | None,
    owner_pk: int | None,
    where: SalesPlanWhereInput | None,
    sort_by: SalesPlanSortingInput | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[SalesPlan]:
    """A node's own plans (owner_kind given) or every plan the viewer may read (None)."""
    page = PageRequest.of(PLAN_PAGES, first, after, last, before)
    sort = sort_by or SalesPlanSortingInput(field=SalesPlanSortField.PERIOD_START)
    filter_key = where.key() if where else ()
    pages = info.context.loaders.plans.pages(owner_kind, sort.field.value, sort.descending)
    if owner_kind is None:
        return await pages.load(page, filter_key)
    return await pages.load(owner_pk, page, filter_key)


PLANS_DESCRIPTION = "Sales plans, filtered and sorted. " + PLAN_PAGES.describe("Plans:")
