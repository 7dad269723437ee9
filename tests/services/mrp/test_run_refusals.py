"""Starting and retrying MRP runs: what is refused, with which code, and that a refusal writes
nothing (no run, no event, no job)."""

from sqlalchemy import insert, update

from domain.forecast.lifecycle import ForecastStatus
from domain.mrp.runs import BucketKind
from domain.services.mrp.runs import MrpRunRetry, MrpRunStart
from domain.store.tables.jobs import JobState
from domain.store.tables.mrp import Item, MrpRun
from tests.services.helpers import located
from tests.services.mrp.helpers import RUN_START, approved_forecast


def start(forecast_id: int, horizon: int = 13, revisions=None) -> MrpRunStart:
    return MrpRunStart(forecast_id, BucketKind.WEEK, horizon, RUN_START, revisions)


async def add_run(services, forecast_id: int, state: JobState) -> int:
    planner = await services.user("planner")
    company = await services.by_code("company", "HD")
    async with services.engine.begin() as conn:
        return (
            await conn.execute(
                insert(MrpRun).values(
                    company_id=company,
                    forecast_id=forecast_id,
                    bucket=BucketKind.WEEK,
                    horizon=13,
                    start_date=RUN_START,
                    job_state=state,
                    started_by=planner,
                )
            )
        ).inserted_primary_key[0]


async def test_only_planners_start_runs_and_a_partner_cannot_see_the_forecast(demo, services):
    forecast = await approved_forecast(demo)
    for login in ("admin", "vp", "sales", "manager", "finance"):
        assert await services.refused_codes(start(forecast), login) == ["FORBIDDEN"]
    assert await services.refused_codes(start(forecast), "partner") == ["FORBIDDEN"]
    assert await services.refused_codes(start(forecast + 1000), "planner") == ["NOT_FOUND"]


async def test_a_run_needs_an_approved_forecast_in_force(demo, services):
    draft = await approved_forecast(demo, ForecastStatus.DRAFT)
    superseded = await approved_forecast(demo, ForecastStatus.SUPERSEDED)
    errors = await services.refused(start(draft), "planner")
    assert located(errors) == [("NO_APPROVED_FORECAST", ["input", "forecastId"])]
    assert errors[0].message == "MRP runs on an APPROVED forecast; this one is DRAFT"
    errors = await services.refused(start(superseded), "planner")
    assert located(errors) == [("FORECAST_SUPERSEDED", ["input", "forecastId"])]


async def test_a_horizon_over_104_buckets_is_refused(demo, services):
    forecast = await approved_forecast(demo)
    errors = await services.refused(start(forecast, horizon=105), "planner")
    assert located(errors) == [("HORIZON_TOO_LONG", ["input", "horizon"])]
    assert await services.refused_codes(start(forecast, horizon=0), "planner") == [
        "HORIZON_TOO_LONG"
    ]


async def test_items_without_a_lead_time_are_named(demo, services):
    forecast = await approved_forecast(demo)
    async with demo.begin() as conn:  # as if written before the rule existed
        await conn.execute(
            update(Item).where(Item.code.in_(["SF-GEAR", "SF-ROTOR"])).values(lead_days=None)
        )
    errors = await services.refused(start(forecast), "planner")
    assert located(errors) == [("MISSING_LEAD_TIME", ["input"])]
    assert errors[0].message == "2 item(s) have no lead time: SF-GEAR, SF-ROTOR"


async def test_a_second_run_of_a_forecast_is_refused_while_one_is_queued_or_running(demo, services):
    forecast = await approved_forecast(demo)
    queued = await add_run(services, forecast, JobState.QUEUED)
    errors = await services.refused(start(forecast), "planner")
    assert located(errors) == [("RUN_IN_PROGRESS", ["input", "forecastId"])]
    assert errors[0].message == (
        f"run {queued} is QUEUED for this forecast; wait for it to finish (a second run is "
        "refused, not queued)"
    )
    async with demo.begin() as conn:
        await conn.execute(update(MrpRun).values(job_state=JobState.RUNNING))
    assert await services.refused_codes(start(forecast), "planner") == ["RUN_IN_PROGRESS"]


async def test_a_what_if_run_takes_submitted_revisions_only(demo, services):
    forecast = await approved_forecast(demo)
    approved_plan = await services.monthly_plan("salesperson", "S0001", 8)
    errors = await services.refused(start(forecast, revisions=(approved_plan,)), "planner")
    assert located(errors) == [("INVALID", ["input", "whatIf", "planRevisionIds", "0"])]
    assert errors[0].message.endswith("is a APPROVED plan, not a revision")
    assert await services.refused_codes(start(forecast, revisions=()), "planner") == ["REQUIRED"]
    assert await services.refused_codes(start(forecast, revisions=(10**9,)), "planner") == [
        "NOT_FOUND"
    ]


async def test_only_a_failed_run_is_retried(demo, services):
    forecast = await approved_forecast(demo)
    done = await add_run(services, forecast, JobState.DONE)
    errors = await services.refused(MrpRunRetry(done), "planner")
    assert located(errors) == [("INVALID_TRANSITION", ["input", "id"])]
    assert errors[0].message == "only a FAILED run can be retried, not a SUCCEEDED one"
    failed = await add_run(services, forecast, JobState.FAILED)
    assert await services.refused_codes(MrpRunRetry(failed), "sales") == ["FORBIDDEN"]
    assert await services.refused_codes(MrpRunRetry(failed), "partner") == ["NOT_FOUND"]
    assert await services.refused_codes(MrpRunRetry(failed, expected_version=7), "planner") == [
        "CONFLICT"
    ]
