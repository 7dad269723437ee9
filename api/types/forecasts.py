"""Product forecasts (产品预测单) as GraphQL types: the forecast, its lines beside their
statistical baseline, where each line came from, its adjustments, and its accuracy."""

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from api.ids import pk_of, to_global_id
from api.pagination import After, Before, Connection, First, Last, PageLimits, PageRequest
from api.types.catalogue import Product
from api.types.documents import ApprovableDocument
from api.types.enums import described_enum
from api.types.node import Node
from domain.forecast.calendar import ForecastGranularity, Period
from domain.forecast.lifecycle import ForecastStatus
from domain.jobs import JobState
from domain.plans.periods import add_months

if TYPE_CHECKING:
    from api.types.approval import ApprovalStep, HistoryEntry
    from api.types.organisation import Company, Department, User
    from api.types.plans import SalesPlan, SalesPlanLine

ApprovalStepType = Annotated["ApprovalStep", strawberry.lazy("api.types.approval")]
HistoryEntryType = Annotated["HistoryEntry", strawberry.lazy("api.types.approval")]
UserType = Annotated["User", strawberry.lazy("api.types.organisation")]

ForecastStatusEnum = described_enum(
    ForecastStatus,
    name="ForecastStatus",
    description="GENERATING (its lines are being computed by a background job) → DRAFT | FAILED; "
    "DRAFT (adjustable) → SUBMITTED → APPROVED (read-only) → SUPERSEDED. Reject and withdraw "
    "return to DRAFT.",
    values={
        ForecastStatus.GENERATING: "Requested by forecastGenerate; `jobState` says whether its "
        "job waits (QUEUED) or runs (RUNNING). It becomes DRAFT, or FAILED.",
        ForecastStatus.FAILED: "Its generation failed (`jobError` says why); generate a new one.",
        ForecastStatus.DRAFT: "Generated: lines may be adjusted (forecastLineAdjust), then it is "
        "submitted. A rejected or withdrawn forecast is back here.",
        ForecastStatus.SUBMITTED: "In approval: read-only; `currentStep` names who decides next.",
        ForecastStatus.APPROVED: "Approved by its last applicable step: read-only and in force "
        "for its periods, except those a newer approved forecast of an overlapping scope took "
        "over (see the lines' `supersededBy`).",
        ForecastStatus.SUPERSEDED: "Was APPROVED; newer approved forecasts took over every one of "
        "its periods. Kept for history.",
    },
)
ForecastGranularityEnum = described_enum(
    ForecastGranularity,
    name="ForecastGranularity",
    description="The periods of a forecast's lines.",
    values={
        ForecastGranularity.MONTH: "Calendar months: a line per product and month (`period` is "
        "its first day).",
        ForecastGranularity.WEEK: "ISO weeks, Monday to Sunday (`period` is the Monday). Each "
        "month's plan lines are split over the weeks holding its working days (Monday to "
        "Friday, no holidays), in proportion to the month's working days in each week, rounded "
        "by largest remainder to 0.001 units and 0.01 of money so the weeks add up exactly to "
        "the month; a week spanning two months holds a part of each; the weeks at either end "
        "hold only the forecast's own months. Baselines and intervals are split the same way.",
    },
)
JobStateEnum = described_enum(
    JobState,
    name="JobState",
    description="Where a document's background job is (forecast generation, MRP runs).",
    values={
        JobState.QUEUED: "Waiting for a worker.",
        JobState.RUNNING: "A worker is running it.",
        JobState.DONE: "Finished; its results are written.",
        JobState.FAILED: "Stopped without results; `jobError` says why.",
    },
)

FORECAST_PAGES = PageLimits(default=50, maximum=100)
FORECAST_LINE_PAGES = PageLimits(default=100, maximum=500)
INTERVAL_LEVEL = 80


@strawberry.type(description="A plan line (of one plan version) a forecast line was summed from.")
class ForecastLineSource:
    plan_pk: strawberry.Private[int]
    plan_line_pk: strawberry.Private[int]
    quantity: Decimal = strawberry.field(
        description="What the plan line gave this forecast line: all of it for months, its "
        "working-day share for weeks."
    )
    amount: Decimal = strawberry.field(description="Value of that quantity, as planned.")

    @strawberry.field(
        description="The approved plan (its version: each revision is a plan of its own); null "
        "if you may not read it."
    )
    async def plan(
        self, info: Info
    ) -> Annotated["SalesPlan", strawberry.lazy("api.types.plans")] | None:
        return await info.context.loaders.plans.plan.load(self.plan_pk)

    @strawberry.field(description="The plan line; null if you may not read its plan.")
    async def plan_line(
        self, info: Info
    ) -> Annotated["SalesPlanLine", strawberry.lazy("api.types.plans")] | None:
        return await info.context.loaders.plans.line.load(self.plan_line_pk)


@strawberry.type(description="One change of a line's quantity: who, when, from, to, why.")
class ForecastAdjustment:
    actor_pk: strawberry.Private[int]
    at: datetime = strawberry.field(description="When.")
    from_quantity: Decimal = strawberry.field(description="The quantity before.")
    to_quantity: Decimal = strawberry.field(description="The quantity after.")
    reason: str = strawberry.field(description="Why, as given.")

    @strawberry.field(description="Who changed it.")
    async def actor(self, info: Info) -> UserType | None:
        return await info.context.loaders.organisation.user.load(self.actor_pk)


@strawberry.type(
    description="One product in one period of a forecast: the quantity summed from the approved "
    "plans, the quantity in force (as adjusted), and beside them the statistical baseline."
)
class ForecastLine(Node):
    # Plain attributes only: forecasts have thousands of lines (see CONVENTIONS.md).
    id: strawberry.ID = strawberry.field(description="Opaque global id.")
    pk: strawberry.Private[int]
    forecast_pk: strawberry.Private[int]
    superseded_by_pk: strawberry.Private[int | None]
    product: Product = strawberry.field(description="The product.")
    period: date = strawberry.field(
        description="The period: a month's first day, or an ISO week's Monday."
    )
    label: str = strawberry.field(description='The period for people: "2026-03" or "2026-W10".')
    planned_quantity: Decimal = strawberry.field(
        description="Units summed from the approved plans (see `sources`)."
    )
    planned_amount: Decimal = strawberry.field(description="Value summed from the plans.")
    quantity: Decimal = strawberry.field(
        description="Units in force: the planned quantity, or as adjusted (see `adjustments`)."
    )
    amount: Decimal = strawberry.field(
        description="Value in force; an adjusted quantity is valued at the line's planned unit "
        "price (at the list price when nothing was planned)."
    )
    baseline: Decimal | None = strawberry.field(
        description="The statistical forecast of the period from the confirmed order history "
        "(null when there is none; `model` says why)."
    )
    baseline_lower: Decimal | None = strawberry.field(
        description="Lower end of the baseline's 80 % prediction interval (never below 0)."
    )
    baseline_upper: Decimal | None = strawberry.field(
        description="Upper end of the baseline's 80 % prediction interval."
    )
    interval_level: int = strawberry.field(
        description="The prediction interval's level, in per cent (80)."
    )
    deviation_percent: Decimal | None = strawberry.field(
        description="(quantity − baseline) / baseline × 100, to 0.1; null without a baseline or "
        "when the baseline is 0."
    )
    model: str = strawberry.field(
        description='The model fitted and the months of history it used, e.g. "ETS(A,A,A) '
        'Holt-Winters, 36 months" (24+ months: Holt-Winters with a 12-month season; 12–23: '
        "Holt; 7–11: simple exponential smoothing; 3–6: SES with α by least squares), or why "
        "there is no baseline (fewer than 3 months since the first order)."
    )
    history_periods: int = strawberry.field(
        description="Months of order history the baseline learnt from (since the first order)."
    )
    implausible: bool = strawberry.field(
        description="The quantity lies outside the baseline's interval, or deviates from it by "
        "more than the forecast's threshold: look before approving. Judged again on every "
        "adjustment."
    )
    plausibility_reason: str = strawberry.field(
        description='The verdict in words, flagged or not, e.g. "planned 820 is 112 % above the '
        'baseline 387 and outside its 80 % interval 301–472".'
    )
    superseded: bool = strawberry.field(
        description="A newer approved forecast of an overlapping scope is in force for this "
        "period instead (see `supersededBy`)."
    )

    @classmethod
    def from_row(cls, row, product: Product, granularity: ForecastGranularity) -> "ForecastLine":
        return cls(
            id=strawberry.ID(to_global_id("ForecastLine", row.id)),
            pk=row.id,
            forecast_pk=row.forecast_id,
            superseded_by_pk=row.superseded_by_id,
            product=product,
            period=row.period,
            label=Period(row.period, row.period, granularity).label,
            planned_quantity=row.planned_quantity,
            planned_amount=row.planned_amount,
            quantity=row.quantity,
            amount=row.amount,
            baseline=row.baseline,
            baseline_lower=row.baseline_lower,
            baseline_upper=row.baseline_upper,
            interval_level=INTERVAL_LEVEL,
            deviation_percent=row.deviation_percent,
            model=row.model,
            history_periods=row.history_periods,
            implausible=row.implausible,
            plausibility_reason=row.plausibility_reason,
            superseded=row.superseded_by_id is not None,
        )

    @strawberry.field(description="The forecast the line belongs to.")
    async def forecast(self, info: Info) -> "Forecast | None":
        return await info.context.loaders.forecasts.forecast.load(self.forecast_pk)

    @strawberry.field(
        description='The plan lines it was summed from, by plan and line: the answer to "why do '
        'we plan to make 400 of P0003 in March".'
    )
    async def sources(self, info: Info) -> list[ForecastLineSource]:
        return await info.context.loaders.forecasts.sources.load(self.pk)

    @strawberry.field(description="Every change of its quantity, oldest first.")
    async def adjustments(self, info: Info) -> list[ForecastAdjustment]:
        return await info.context.loaders.forecasts.adjustments.load(self.pk)

    @strawberry.field(description="The newer approved forecast in force for this period instead.")
    async def superseded_by(self, info: Info) -> "Forecast | None":
        if self.superseded_by_pk is None:
            return None
        return await info.context.loaders.forecasts.forecast.load(self.superseded_by_pk)


@strawberry.input(description="Which lines of a forecast to list; all given conditions hold.")
class ForecastLineWhereInput:
    implausible: bool | None = strawberry.field(
        default=None, description="Only flagged lines (true) or only unflagged ones (false)."
    )
    product_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this product's lines."
    )
    superseded: bool | None = strawberry.field(
        default=None,
        description="Only lines a newer approved forecast took over (true), or only lines not "
        "taken over (false).",
    )


@strawberry.type(description="MAPE, WAPE and bias of forecasts against actual orders.")
class AccuracyFigures:
    mape: Decimal | None = strawberry.field(
        description="Mean absolute percentage error, as a fraction (0.125 is 12.5 %), over the "
        "observations whose actual is above 0 (a relative error of nothing is undefined; they "
        "are counted in `zeroActuals`); null when no actual is above 0."
    )
    wape: Decimal | None = strawberry.field(
        description="Σ|actual − forecast| / Σ actual over all observations (zero actuals "
        "included: forecasting demand that did not come is an error too); null when Σ actual is 0."
    )
    bias: Decimal | None = strawberry.field(
        description="Σ(forecast − actual) / Σ actual: positive means over-forecast; null when "
        "Σ actual is 0."
    )
    observations: int = strawberry.field(description="Product-months measured.")
    zero_actuals: int = strawberry.field(
        description="Of those, months with no confirmed orders (left out of MAPE only)."
    )

    @classmethod
    def of(cls, accuracy) -> "AccuracyFigures":
        return cls(
            mape=accuracy.mape,
            wape=accuracy.wape,
            bias=accuracy.bias,
            observations=accuracy.observations,
            zero_actuals=accuracy.zero_actuals,
        )


@strawberry.type(description="The forecast's accuracy beside its baseline's, for one product.")
class ProductAccuracy:
    product: Product = strawberry.field(description="The product.")
    forecast: AccuracyFigures = strawberry.field(description="The forecast's quantities in force.")
    baseline: AccuracyFigures = strawberry.field(
        description="The statistical baselines (lines that have one)."
    )


@strawberry.type(
    description="How close a forecast and its baseline came to the confirmed orders (imported "
    "history plus confirmed orders, in the forecast's scope) of its months that have ended, per "
    "product and month. All figures are fractions rounded half-even to 4 decimals."
)
class ForecastAccuracy:
    measured_through: date = strawberry.field(
        description="The last month measured (its first day): the forecast's last month, or the "
        "last month before the current one."
    )
    forecast: AccuracyFigures = strawberry.field(
        description="The forecast over all products (MAPE over all product-months pooled)."
    )
    baseline: AccuracyFigures = strawberry.field(description="The baseline over all products.")
    by_product: list[ProductAccuracy] = strawberry.field(description="Per product, by code.")


@strawberry.type(
    description="A product forecast (产品预测单): demand per product and period for the company "
    "or one department, summed from the approved sales plans (in each branch of the hierarchy "
    "the lowest level with an approved plan for the month), checked against a statistical "
    "baseline, adjusted, and approved by the VP in charge. The approved forecast is what MRP "
    "plans from."
)
class Forecast(ApprovableDocument):
    pk: strawberry.Private[int]
    company_pk: strawberry.Private[int]
    department_pk: strawberry.Private[int | None]
    author_pk: strawberry.Private[int]
    approval_round: strawberry.Private[int]
    title: str = strawberry.field(description="A name for people.")
    granularity: ForecastGranularityEnum = strawberry.field(
        description="Whether its lines are per month or per ISO week."
    )
    period_start: date = strawberry.field(description="First day of its first month.")
    period_end: date = strawberry.field(description="Last day of its last month.")
    status: ForecastStatusEnum = strawberry.field(
        description="Where it is in its life cycle; each change is a mutation (or its job) and "
        "an event."
    )
    job_state: JobStateEnum = strawberry.field(
        description="Its generation job: QUEUED or RUNNING while GENERATING, then DONE or FAILED."
    )
    job_error: str | None = strawberry.field(description="Why the generation failed, if it did.")
    threshold_percent: Decimal = strawberry.field(
        description="Lines deviating from their baseline by more than this (per cent) are "
        "flagged; the forecast policy's when it was generated (default 30)."
    )
    history_end: date | None = strawberry.field(
        description="The last month (its first day) of the order history its baselines learnt "
        "from: the 36 months before its first month, never the current month or later."
    )
    version: int = strawberry.field(
        description="Raised by every change; send it as `expectedVersion` to avoid lost updates."
    )
    approved_at: datetime | None = strawberry.field(description="When it was approved.")
    created_at: datetime = strawberry.field(description="When it was requested.")
    updated_at: datetime = strawberry.field(description="When it last changed.")

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Forecast", self.pk))

    @classmethod
    def from_row(cls, row) -> "Forecast":
        return cls(
            pk=row.id,
            company_pk=row.company_id,
            department_pk=row.department_id,
            author_pk=row.author_id,
            approval_round=row.approval_round,
            title=row.title,
            granularity=ForecastGranularity(row.granularity),
            period_start=row.period_start,
            period_end=row.period_end,
            status=ForecastStatus(row.status),
            job_state=JobState(row.job_state),
            job_error=row.job_error,
            threshold_percent=row.threshold_percent,
            history_end=row.history_end,
            version=row.version,
            approved_at=row.approved_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )

    @strawberry.field(description="The company (for a department's forecast: its company).")
    async def company(
        self, info: Info
    ) -> Annotated["Company", strawberry.lazy("api.types.organisation")] | None:
        return await info.context.loaders.organisation.company.load(self.company_pk)

    @strawberry.field(description="The department forecast; null for a company-wide forecast.")
    async def department(
        self, info: Info
    ) -> Annotated["Department", strawberry.lazy("api.types.organisation")] | None:
        if self.department_pk is None:
            return None
        return await info.context.loaders.organisation.department.load(self.department_pk)

    @strawberry.field(description="Who requested it.")
    async def author(self, info: Info) -> UserType | None:
        return await info.context.loaders.organisation.user.load(self.author_pk)

    @strawberry.field(description="The first days of its months, in order.")
    def months(self) -> list[date]:
        months, month = [], self.period_start
        while month <= self.period_end:
            months.append(month)
            month = add_months(month, 1)
        return months

    @strawberry.field(description="Sum of the lines' quantities in force.")
    async def total_quantity(self, info: Info) -> Decimal:
        return (await info.context.loaders.forecasts.totals.load(self.pk))[0]

    @strawberry.field(description="Sum of the lines' amounts in force: what approval limits see.")
    async def total_amount(self, info: Info) -> Decimal:
        return (await info.context.loaders.forecasts.totals.load(self.pk))[1]

    @strawberry.field(description="How many lines are flagged implausible.")
    async def implausible_lines(self, info: Info) -> int:
        return (await info.context.loaders.forecasts.totals.load(self.pk))[2]

    @strawberry.field(
        description="Lines by period, then product code. " + FORECAST_LINE_PAGES.describe("Lines:")
    )
    async def lines(
        self,
        info: Info,
        where: Annotated[
            ForecastLineWhereInput | None,
            strawberry.argument(description="Only lines meeting every given condition."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ForecastLine]:
        page = PageRequest.of(FORECAST_LINE_PAGES, first, after, last, before)
        loaders = info.context.loaders.forecasts
        return await loaders.lines_page(self.pk, self.granularity, page, line_filter(where))

    @strawberry.field(
        description="The approval step waiting for a decision now; null unless SUBMITTED."
    )
    async def current_step(self, info: Info) -> ApprovalStepType | None:
        if self.status is not ForecastStatus.SUBMITTED:
            return None
        steps = await info.context.loaders.forecasts.steps.load((self.pk, self.approval_round))
        return next((s for s in steps if s.state.value == "PENDING"), None)

    @strawberry.field(
        description="The whole chain of the latest submission, each step with its state."
    )
    async def steps(self, info: Info) -> list[ApprovalStepType]:
        if self.approval_round == 0:
            return []
        return await info.context.loaders.forecasts.steps.load((self.pk, self.approval_round))

    @strawberry.field(
        description="Every committed change, oldest first (REQUESTED, GENERATED, LINE_ADJUSTED, "
        "SUBMITTED, ...): actor (none for the generation job), action, from, to, comment, time."
    )
    async def history(self, info: Info) -> list[HistoryEntryType]:
        return await info.context.loaders.forecasts.history.load(self.pk)

    @strawberry.field(
        description="Its accuracy against the confirmed orders of its months that have ended; "
        "null for weekly forecasts (order history is kept by month) and before its first month "
        "has ended."
    )
    async def accuracy(self, info: Info) -> ForecastAccuracy | None:
        return await info.context.loaders.forecasts.accuracy(self.pk, info.context.engine)


def line_filter(where: ForecastLineWhereInput | None) -> tuple:
    """A hashable key of a ForecastLineWhereInput: (implausible, product id, superseded); a
    product id of another type matches nothing (-1)."""
    if where is None:
        return (None, None, None)
    product = None
    if where.product_id is not None:
        product = pk_of(where.product_id, "Product") or -1
    return (where.implausible, product, where.superseded)


@strawberry.input(description="Which forecasts to list; all given conditions must hold.")
class ForecastWhereInput:
    scope_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Only forecasts of this Company (company-wide ones) or this Department.",
    )
    status_in: list[ForecastStatusEnum] | None = strawberry.field(
        default=None, description="Only forecasts in one of these statuses."
    )
    period: date | None = strawberry.field(
        default=None, description="Only forecasts whose months include this day."
    )
    active: bool | None = strawberry.field(
        default=None,
        description="true: only the forecasts in force, i.e. APPROVED ones with at least one "
        "line no newer approved forecast took over (per product and period, the lines with "
        "`superseded: false`); false: only the others.",
    )


@strawberry.type(description="A company's rule for flagging forecast lines.")
class ForecastPolicy:
    threshold_percent: Decimal = strawberry.field(
        description="Lines deviating from their baseline by more than this many per cent are "
        "flagged (besides lines outside the 80 % interval)."
    )
    version: int = strawberry.field(
        description="Raised by every change; 0 while the default applies. Send it as "
        "`expectedVersion`."
    )
    is_default: bool = strawberry.field(description="True while no admin has set it.")


@strawberry.type(description="A forecast changed status.")
class ForecastStatusChange:
    actor_pk: strawberry.Private[int | None]
    forecast_pk: strawberry.Private[int]
    cursor: str = strawberry.field(description="Pass as `after` to resume after this event.")
    sequence: int = strawberry.field(
        description="The event's number within this forecast: 1, 2, 3..."
    )
    action: str = strawberry.field(
        description="REQUESTED, GENERATED, GENERATION_FAILED, SUBMITTED, APPROVED, REJECTED, "
        "WITHDRAWN, SUPERSEDED."
    )
    from_status: ForecastStatusEnum | None = strawberry.field(
        description="The status before; null when the forecast was just requested."
    )
    to_status: ForecastStatusEnum = strawberry.field(description="The status now.")
    comment: str | None = strawberry.field(
        description="The comment or reason given (for GENERATION_FAILED: why)."
    )
    occurred_at: datetime = strawberry.field(description="When the change was committed.")

    @classmethod
    def of(cls, record) -> "ForecastStatusChange":
        event = record.event
        return cls(
            actor_pk=record.actor_id,
            forecast_pk=record.document_id,
            cursor=str(record.position),
            sequence=record.sequence,
            action=event.action,
            from_status=event.from_status,
            to_status=event.to_status,
            comment=event.comment,
            occurred_at=record.occurred_at,
        )

    @strawberry.field(description="The forecast as it is now.")
    async def forecast(self, info: Info) -> Forecast | None:
        return await info.context.loaders.forecasts.forecast.load(self.forecast_pk)

    @strawberry.field(description="Who made the change (null: its generation job).")
    async def actor(self, info: Info) -> UserType | None:
        if self.actor_pk is None:
            return None
        return await info.context.loaders.organisation.user.load(self.actor_pk)
