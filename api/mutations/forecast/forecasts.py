"""Forecast mutations: forecastGenerate, forecastLineAdjust, forecastSubmit, forecastApprove,
forecastReject, forecastWithdraw, forecastPolicySet."""

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.ids import BadId, from_global_id, pk_of
from api.mutations.payloads import not_found, refused, run
from api.types.errors import ForecastError
from api.types.forecasts import Forecast, ForecastGranularityEnum, ForecastLine, ForecastPolicy
from domain.services.forecast.adjust import ForecastLineAdjust
from domain.services.forecast.approval import (
    ForecastApprove,
    ForecastReject,
    ForecastSubmit,
    ForecastWithdraw,
)
from domain.services.forecast.generate import ForecastGenerate
from domain.services.forecast.policy import ForecastPolicySet

INPUT = strawberry.argument(description="What to do; see the input type.")
VERSION_HELP = "Refuse with CONFLICT unless the forecast is still at this version."
FORECAST_HELP = "The forecast as committed; null when refused."
ERRORS_HELP = "Why nothing changed; empty on success."


@strawberry.input(description="Generate a forecast from the approved sales plans.")
class ForecastGenerateInput:
    scope_id: strawberry.ID = strawberry.field(
        description="Global id of the Company (a company-wide forecast) or of one Department."
    )
    period_start: date = strawberry.field(description="The first day of the first month.")
    period_end: date = strawberry.field(
        description="The last day of the last month; at most 36 months after periodStart."
    )
    granularity: ForecastGranularityEnum = strawberry.field(
        description="Lines per MONTH, or per ISO WEEK (months split by working days)."
    )
    title: str | None = strawberry.field(
        default=None, description="A name, at most 200 characters; default: periods and scope."
    )


@strawberry.input(description="Change one line's quantity in a DRAFT forecast.")
class ForecastLineAdjustInput:
    line_id: strawberry.ID = strawberry.field(description="The ForecastLine.")
    quantity: Decimal = strawberry.field(
        description="The new quantity: ≥ 0, at most 3 decimals. The amount follows at the "
        "line's planned unit price."
    )
    reason: str = strawberry.field(
        description="Required, at most 500 characters: kept in the line's adjustments."
    )
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)


@strawberry.input(description="An action on one forecast.")
class ForecastActionInput:
    id: strawberry.ID = strawberry.field(description="The forecast.")
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)
    comment: str | None = strawberry.field(
        default=None, description="Optional note, kept in the history (and the step)."
    )


@strawberry.input(description="Refuse a forecast at your approval step: it goes back to DRAFT.")
class ForecastRejectInput:
    id: strawberry.ID = strawberry.field(description="The forecast.")
    reason: str = strawberry.field(description="Required; shown to its authors in the history.")
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)


@strawberry.input(description="Set your company's plausibility threshold for forecast lines.")
class ForecastPolicySetInput:
    threshold_percent: Decimal = strawberry.field(
        description="Per cent, 0 to 1000, one decimal at most: lines deviating from their "
        "baseline by more are flagged. Applies to forecasts generated from now on."
    )
    expected_version: int | None = strawberry.field(
        default=None,
        description="Refuse with CONFLICT unless the policy is still at this version (0: the "
        "default).",
    )


@strawberry.type(description="Result of forecastGenerate.")
class ForecastGeneratePayload:
    forecast: Forecast | None = strawberry.field(
        description="The new forecast, GENERATING with its job QUEUED: follow it with "
        "forecastStatusChanged (or read it again) until it is DRAFT (or FAILED); null when "
        "refused."
    )
    errors: list[ForecastError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of forecastLineAdjust.")
class ForecastLineAdjustPayload:
    line: ForecastLine | None = strawberry.field(
        description="The line as adjusted (its forecast's version is raised); null when refused."
    )
    errors: list[ForecastError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of forecastSubmit.")
class ForecastSubmitPayload:
    forecast: Forecast | None = strawberry.field(description=FORECAST_HELP)
    errors: list[ForecastError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of forecastApprove.")
class ForecastApprovePayload:
    forecast: Forecast | None = strawberry.field(description=FORECAST_HELP)
    errors: list[ForecastError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of forecastReject.")
class ForecastRejectPayload:
    forecast: Forecast | None = strawberry.field(description=FORECAST_HELP)
    errors: list[ForecastError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of forecastWithdraw.")
class ForecastWithdrawPayload:
    forecast: Forecast | None = strawberry.field(description=FORECAST_HELP)
    errors: list[ForecastError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of forecastPolicySet.")
class ForecastPolicySetPayload:
    policy: ForecastPolicy | None = strawberry.field(
        description="The policy as stored; null when refused."
    )
    errors: list[ForecastError] = strawberry.field(description=ERRORS_HELP)


def forecast_loader(loaders):
    return loaders.forecasts.forecast


def line_loader(loaders):
    return loaders.forecasts.line


def scope_pks(scope_id: str) -> tuple[int | None, int | None] | None:
    """(company pk, department pk) of a Company or Department id; None for any other id."""
    try:
        type_name, pk = from_global_id(scope_id)
    except BadId:
        return None
    if type_name == "Company":
        return pk, None
    if type_name == "Department":
        return None, pk
    return None


async def act(info: Info, payload_type, forecast_id: str, command, **fields):
    """Decode the forecast id, run one transition command, and shape its payload."""
    pk = pk_of(forecast_id, "Forecast")
    if pk is None:
        return refused(payload_type, not_found("forecast", "input", "id"))
    return await run(info, payload_type, command(forecast_id=pk, **fields), forecast_loader)


@strawberry.type
class ForecastMutations:
    @strawberry.mutation(
        description="Request a forecast of the company or one department for whole months, by "
        "whoever may plan for the scope (a planner; a manager for the department). Answers at "
        "once with the forecast GENERATING; a background job then sums its lines from the "
        "approved plans (in each branch of the hierarchy the lowest level with an approved plan "
        "for the month), computes each line's baseline, interval and plausibility, and makes it "
        "DRAFT (or FAILED, with `jobError`). Refused: periods not whole months, out of order or "
        "longer than 36 months (INVALID), a scope you may not plan for (FORBIDDEN), no approved "
        "plan in the range (NO_APPROVED_PLANS)."
    )
    async def forecast_generate(
        self, info: Info, input: Annotated[ForecastGenerateInput, INPUT]
    ) -> ForecastGeneratePayload:
        scope = scope_pks(input.scope_id)
        if scope is None:
            return refused(
                ForecastGeneratePayload, not_found("company or department", "input", "scopeId")
            )
        command = ForecastGenerate(
            period_start=input.period_start,
            period_end=input.period_end,
            granularity=input.granularity,
            company_id=scope[0],
            department_id=scope[1],
            title=input.title,
        )
        return await run(info, ForecastGeneratePayload, command, forecast_loader)

    @strawberry.mutation(
        description="Change a DRAFT forecast line's quantity, with a reason (READ_ONLY once "
        "submitted); the change is kept in the line's `adjustments` and the line is judged "
        "against its baseline again."
    )
    async def forecast_line_adjust(
        self, info: Info, input: Annotated[ForecastLineAdjustInput, INPUT]
    ) -> ForecastLineAdjustPayload:
        pk = pk_of(input.line_id, "ForecastLine")
        if pk is None:
            return refused(ForecastLineAdjustPayload, not_found("forecast line", "input", "lineId"))
        command = ForecastLineAdjust(
            line_id=pk,
            quantity=input.quantity,
            reason=input.reason,
            expected_version=input.expected_version,
        )
        return await run(info, ForecastLineAdjustPayload, command, line_loader)

    @strawberry.mutation(
        description="DRAFT → SUBMITTED, by whoever may plan for its scope: its FORECAST approval "
        "chain (default: the VP in charge of the scope) starts; APPROVED at once when no step "
        "applies."
    )
    async def forecast_submit(
        self, info: Info, input: Annotated[ForecastActionInput, INPUT]
    ) -> ForecastSubmitPayload:
        return await act(
            info,
            ForecastSubmitPayload,
            input.id,
            ForecastSubmit,
            expected_version=input.expected_version,
            comment=input.comment,
        )

    @strawberry.mutation(
        description="Approve the current step, by its approver; APPROVED (read-only) after the "
        "last one. An approved forecast takes over, from older approved forecasts of an "
        "overlapping scope (the same, or the company and one of its departments), the periods "
        "both cover: their lines there get `supersededBy`, and one with no line left in force "
        "becomes SUPERSEDED."
    )
    async def forecast_approve(
        self, info: Info, input: Annotated[ForecastActionInput, INPUT]
    ) -> ForecastApprovePayload:
        return await act(
            info,
            ForecastApprovePayload,
            input.id,
            ForecastApprove,
            expected_version=input.expected_version,
            comment=input.comment,
        )

    @strawberry.mutation(
        description="SUBMITTED → DRAFT by the current step's approver, with a reason."
    )
    async def forecast_reject(
        self, info: Info, input: Annotated[ForecastRejectInput, INPUT]
    ) -> ForecastRejectPayload:
        return await act(
            info,
            ForecastRejectPayload,
            input.id,
            ForecastReject,
            expected_version=input.expected_version,
            reason=input.reason,
        )

    @strawberry.mutation(
        description="SUBMITTED → DRAFT by whoever may plan for its scope, before any approver "
        "decided."
    )
    async def forecast_withdraw(
        self, info: Info, input: Annotated[ForecastActionInput, INPUT]
    ) -> ForecastWithdrawPayload:
        return await act(
            info,
            ForecastWithdrawPayload,
            input.id,
            ForecastWithdraw,
            expected_version=input.expected_version,
            comment=input.comment,
        )

    @strawberry.mutation(
        description="Set your company's forecast plausibility threshold (admins only)."
    )
    async def forecast_policy_set(
        self, info: Info, input: Annotated[ForecastPolicySetInput, INPUT]
    ) -> ForecastPolicySetPayload:
        command = ForecastPolicySet(
            threshold_percent=input.threshold_percent, expected_version=input.expected_version
        )
        result = await info.context.use_cases.handle(command, info.context.viewer)
        if not result.ok:
            return refused(ForecastPolicySetPayload, *result.errors)
        policy = result.value
        return ForecastPolicySetPayload(
            policy=ForecastPolicy(
                threshold_percent=policy.threshold_percent,
                version=policy.version,
                is_default=False,
            ),
            errors=[],
        )
