"""mrpRunStart and mrpRunRetry (planners): a QUEUED run whose job a worker computes."""

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.mutations.inputs import INPUT
from api.mutations.payloads import InputIds, not_found, refused, run
from api.types.mrp_runs import BucketKindEnum, MrpRun, MrpRunError
from domain.services.mrp import runs

ERRORS_HELP = "Why it was refused; empty on success."
RUN_HELP = "The run as committed (QUEUED); null when refused."
MAX_REVISIONS = 100


@strawberry.input(
    description="A what-if run: submitted plan revisions instead of the plans they revise."
)
class MrpWhatIfInput:
    plan_revision_ids: list[strawberry.ID] = strawberry.field(
        description="SUBMITTED revisions (SalesPlan ids) of approved plans, 1 to 100."
    )


@strawberry.input(description="Start an MRP run of an approved forecast.")
class MrpRunStartInput:
    forecast_id: strawberry.ID = strawberry.field(description="The APPROVED forecast.")
    bucket: BucketKindEnum = strawberry.field(description="Weekly or monthly buckets.")
    horizon: int = strawberry.field(description="Number of buckets, 1 to 104 (HORIZON_TOO_LONG).")
    start: date | None = strawberry.field(
        default=None,
        description="A day in the first bucket (its Monday or first of month is used); "
        "default today.",
    )
    what_if: MrpWhatIfInput | None = strawberry.field(
        default=None, description="Make it a what-if run; it changes nothing but itself."
    )


@strawberry.input(description="Queue a FAILED run again, from scratch.")
class MrpRunRetryInput:
    id: strawberry.ID = strawberry.field(description="The run.")
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with CONFLICT unless it is still at this version."
    )


@strawberry.type(description="Result of mrpRunStart.")
class MrpRunStartPayload:
    mrp_run: MrpRun | None = strawberry.field(description=RUN_HELP)
    errors: list[MrpRunError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of mrpRunRetry.")
class MrpRunRetryPayload:
    mrp_run: MrpRun | None = strawberry.field(description=RUN_HELP)
    errors: list[MrpRunError] = strawberry.field(description=ERRORS_HELP)


def run_loader(loaders):
    return loaders.mrp.run


@strawberry.type
class MrpRunMutations:
    @strawberry.mutation(
        description="Start an MRP run, by a planner: returns it QUEUED at once; a worker "
        "computes it (follow mrpRunProgress). Refused: a forecast not APPROVED "
        "(NO_APPROVED_FORECAST) or superseded (FORECAST_SUPERSEDED), HORIZON_TOO_LONG, "
        "MISSING_LEAD_TIME, and RUN_IN_PROGRESS while a run of the forecast is QUEUED or RUNNING "
        "(refused, not queued)."
    )
    async def mrp_run_start(
        self, info: Info, input: Annotated[MrpRunStartInput, INPUT]
    ) -> MrpRunStartPayload:
        ids = InputIds()
        forecast = ids.pk(input.forecast_id, "Forecast", "forecast", "input", "forecastId")
        revisions = None
        if input.what_if is not None:
            revisions = []
            for k, plan_id in enumerate(input.what_if.plan_revision_ids[: MAX_REVISIONS + 1]):
                revisions.append(
                    ids.pk(
                        plan_id,
                        "SalesPlan",
                        "sales plan",
                        "input",
                        "whatIf",
                        "planRevisionIds",
                        str(k),
                    )
                )
        if ids.errors:
            return refused(MrpRunStartPayload, *ids.errors)
        command = runs.MrpRunStart(
            forecast_id=forecast,
            bucket=input.bucket,
            horizon=input.horizon,
            start=input.start,
            plan_revision_ids=tuple(revisions) if revisions is not None else None,
        )
        return await run(info, MrpRunStartPayload, command, run_loader)

    @strawberry.mutation(
        description="FAILED → QUEUED, by a planner; nothing of the failed attempt is kept."
    )
    async def mrp_run_retry(
        self, info: Info, input: Annotated[MrpRunRetryInput, INPUT]
    ) -> MrpRunRetryPayload:
        ids = InputIds()
        pk = ids.pk(input.id, "MrpRun", "MRP run", "input", "id")
        if ids.errors:
            return refused(MrpRunRetryPayload, not_found("MRP run", "input", "id"))
        command = runs.MrpRunRetry(run_id=pk, expected_version=input.expected_version)
        return await run(info, MrpRunRetryPayload, command, run_loader)
