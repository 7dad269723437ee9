"""forecastGenerate on the demo data: the lines equal an independent recomputation from the
approved plans (lowest approved level per branch), with their sources; weeks add up to the
months; a plan twice its history is flagged; bad requests are refused and change nothing."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import select, text

from domain.forecast.calendar import ForecastGranularity
from domain.plans.hierarchy import OwnerKind
from domain.plans.lifecycle import PlanStatus
from domain.plans.periods import Granularity
from domain.services.forecast.generate import ForecastGenerate
from domain.store.tables import ForecastLine, ForecastLineSource, SalesPlan, SalesPlanLine
from tests.services.helpers import located

MONTHS = [date(2026, m, 1) for m in range(1, 10)]


async def typed_rows(services, statement) -> list:
    async with services.engine.connect() as conn:
        return list(await conn.execute(statement))


async def forecast_lines(services, forecast_id: int) -> dict:
    """(product, period) → (the line's row, its sources as {(plan, plan line): quantity})."""
    lines = {
        (r.product_id, r.period): r
        for r in await typed_rows(
            services, select(ForecastLine).where(ForecastLine.forecast_id == forecast_id)
        )
    }
    sources = defaultdict(dict)
    for r in await typed_rows(
        services,
        select(ForecastLineSource)
        .join(ForecastLine, ForecastLine.id == ForecastLineSource.line_id)
        .where(ForecastLine.forecast_id == forecast_id),
    ):
        sources[r.line_id][(r.plan_id, r.plan_line_id)] = r.quantity
    return {key: (row, sources[row.id]) for key, row in lines.items()}


async def recompute(services) -> dict:
    """The forecast of the whole company for MONTHS, computed here from the approved monthly
    plans: per department and month, its salespeople's plans when any is approved, else the
    department's own approved plan; summed per product. → (product, month) → (quantity,
    amount, {(plan, plan line)})."""
    plans = await typed_rows(
        services,
        select(
            SalesPlan.id, SalesPlan.owner_kind, SalesPlan.department_id, SalesPlan.period_start
        ).where(
            SalesPlan.status == PlanStatus.APPROVED, SalesPlan.granularity == Granularity.MONTH
        ),
    )
    chosen = set()
    departments = {p.department_id for p in plans if p.department_id is not None}
    for month in MONTHS:
        for department in departments:
            mine = [p for p in plans if p.department_id == department and p.period_start == month]
            people = [p.id for p in mine if p.owner_kind is OwnerKind.SALESPERSON]
            own = [p.id for p in mine if p.owner_kind is OwnerKind.DEPARTMENT]
            chosen |= set(people or own)
    expected: dict = {}
    for line in await typed_rows(services, select(SalesPlanLine)):
        if line.plan_id not in chosen:
            continue
        key = (line.product_id, line.period)
        q, a, s = expected.get(key, (Decimal(0), Decimal(0), set()))
        expected[key] = (q + line.quantity, a + line.amount, s | {(line.plan_id, line.id)})
    return expected


async def test_a_company_forecast_equals_its_recomputation_from_the_lowest_approved_plans(
    demo, services
):
    # March: D002's salespeople have no approved plan, so D002's own plan counts. April: D003
    # has none at all, so it adds nothing (and the company's own plan is not used).
    async with services.engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE sales_plan SET status = 'SUBMITTED' WHERE owner_kind = 'SALESPERSON' "
                "AND period_start = '2026-03-01' AND department_id = "
                "(SELECT id FROM department WHERE code = 'D002')"
            )
        )
        await conn.execute(
            text(
                "UPDATE sales_plan SET status = 'SUBMITTED' WHERE owner_kind <> 'COMPANY' "
                "AND period_start = '2026-04-01' AND department_id = "
                "(SELECT id FROM department WHERE code = 'D003')"
            )
        )
    forecast_id = await services.generate()
    status, job_state = (
        await services.rows("SELECT status, job_state FROM forecast WHERE id = :f", f=forecast_id)
    )[0]
    assert (status, job_state) == ("DRAFT", "DONE")
    events = await services.rows(
        "SELECT type FROM event WHERE stream = :s ORDER BY sequence", s=f"Forecast:{forecast_id}"
    )
    assert events == [("REQUESTED",), ("GENERATED",)]
    lines = await forecast_lines(services, forecast_id)
    expected = await recompute(services)
    assert len(lines) == len(expected) == 90  # 10 products × 9 months
    for key, (quantity, amount, sources) in expected.items():
        row, line_sources = lines[key]
        assert (row.planned_quantity, row.quantity) == (quantity, quantity), key
        assert (row.planned_amount, row.amount) == (amount, amount), key
        assert set(line_sources) == sources, key
        assert sum(line_sources.values()) == quantity
    # The rule did change something: D002's March comes from its department plan.
    d002_march = await services.scalar(
        "SELECT p.id FROM sales_plan p JOIN department d ON d.id = p.department_id "
        "WHERE d.code = 'D002' AND p.owner_kind = 'DEPARTMENT' AND p.period_start = '2026-03-01'"
    )
    assert any(plan == d002_march for _, (row, s) in lines.items() for plan, _ in s)


async def test_a_weekly_forecast_splits_each_plan_line_by_working_days_and_adds_up(demo, services):
    monthly = await forecast_lines(services, await services.generate(end=date(2026, 3, 31)))
    weekly_id = await services.generate(end=date(2026, 3, 31), granularity=ForecastGranularity.WEEK)
    weekly = await forecast_lines(services, weekly_id)
    # Mondays from 2025-12-29 (the week of Thursday Jan 1) to 2026-03-30 (Mar 30 and 31).
    periods = sorted({period for _, period in weekly})
    assert periods[0] == date(2025, 12, 29) and periods[-1] == date(2026, 3, 30)
    assert all(p.weekday() == 0 for p in periods) and len(periods) == 14
    for product in {p for p, _ in monthly}:
        month_total = sum(row.quantity for (p, _), (row, _) in monthly.items() if p == product)
        week_total = sum(row.quantity for (p, _), (row, _) in weekly.items() if p == product)
        assert week_total == month_total, product
    for row, sources in weekly.values():
        assert row.quantity == sum(sources.values())
    # Jan 1–2 are the only working days of January in the first week: 2 of January's 22.
    product = min(p for p, _ in monthly)
    january, _ = monthly[(product, date(2026, 1, 1))]
    first_week, _ = weekly[(product, date(2025, 12, 29))]
    assert abs(first_week.quantity - january.quantity * 2 / 22) <= Decimal("0.01")


async def test_a_plan_twice_its_history_is_flagged_and_a_plan_in_line_with_it_is_not(
    demo, services
):
    before = await forecast_lines(services, await services.generate())
    plausible = [key for key, (row, _) in before.items() if not row.implausible]
    # Most demo lines are in line with their history.
    assert len(plausible) >= 0.75 * len(before)
    product, month = plausible[0]
    row, _ = before[(product, month)]
    assert row.model == "ETS(A,A,A) Holt-Winters, 36 months"
    assert abs(row.deviation_percent) <= 30
    async with services.engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE sales_plan_line SET quantity = quantity * 2 WHERE product_id = :p "
                "AND period = :m AND plan_id IN (SELECT id FROM sales_plan "
                "WHERE owner_kind = 'SALESPERSON' AND status = 'APPROVED')"
            ),
            {"p": product, "m": month},
        )
    after = await forecast_lines(services, await services.generate())
    doubled, _ = after[(product, month)]
    assert doubled.planned_quantity == 2 * row.planned_quantity
    assert doubled.baseline == row.baseline
    assert doubled.implausible
    assert doubled.deviation_percent > 60
    assert "above the baseline" in doubled.plausibility_reason
    assert "outside its 80 % interval" in doubled.plausibility_reason
    # The other lines are as they were.
    assert [k for k, (r, _) in after.items() if r.implausible != before[k][0].implausible] == [
        (product, month)
    ]


async def test_a_department_forecast_counts_only_the_department(demo, services):
    forecast_id = await services.generate(department="D001", end=date(2026, 1, 31))
    lines = await forecast_lines(services, forecast_id)
    d001 = await services.by_code("department", "D001")
    expected = defaultdict(Decimal)
    for line in await typed_rows(
        services,
        select(SalesPlanLine)
        .join(SalesPlan, SalesPlan.id == SalesPlanLine.plan_id)
        .where(
            SalesPlan.department_id == d001,
            SalesPlan.owner_kind == OwnerKind.SALESPERSON,
            SalesPlanLine.period == date(2026, 1, 1),
        ),
    ):
        expected[line.product_id] += line.quantity
    assert {p: row.quantity for (p, _), (row, _) in lines.items()} == dict(expected)
    # Its baselines learn from D001's own share of the history, so they are plausible too.
    assert sum(row.implausible for row, _ in lines.values()) <= len(lines) // 3


async def test_bad_generation_requests_are_refused_and_change_nothing(demo_readonly, services):
    company = {"company_id": await services.by_code("company", "HD")}
    month = ForecastGranularity.MONTH
    cases = [
        (
            ForecastGenerate(date(2026, 3, 1), date(2026, 1, 31), month, **company),
            [("INVALID", ["input", "periodEnd"])],
        ),
        (
            ForecastGenerate(date(2026, 1, 15), date(2026, 2, 27), month, **company),
            [("INVALID", ["input", "periodStart"]), ("INVALID", ["input", "periodEnd"])],
        ),
        (
            ForecastGenerate(date(2026, 1, 1), date(2029, 1, 31), month, **company),
            [("INVALID", ["input", "periodEnd"])],
        ),
        (
            ForecastGenerate(date(2026, 10, 1), date(2026, 12, 31), month, **company),
            [("NO_APPROVED_PLANS", ["input", "periodStart"])],
        ),
        (
            ForecastGenerate(date(2026, 1, 1), date(2026, 1, 31), month, company_id=10**6),
            [("NOT_FOUND", ["input", "scopeId"])],
        ),
    ]
    for command, expected in cases:
        assert located(await services.refused(command, "planner")) == expected, command
    ok = ForecastGenerate(date(2026, 1, 1), date(2026, 1, 31), month, **company)
    assert located(await services.refused(ok, "sales")) == [("FORBIDDEN", ["input", "scopeId"])]
    assert located(await services.refused(ok, "vp")) == [("FORBIDDEN", ["input", "scopeId"])]
    # A manager plans for the department, not for the company; a partner sees neither.
    assert located(await services.refused(ok, "manager")) == [("FORBIDDEN", ["input", "scopeId"])]
    assert located(await services.refused(ok, "partner")) == [("NOT_FOUND", ["input", "scopeId"])]
    no_plans = await services.refused(
        ForecastGenerate(date(2026, 10, 1), date(2026, 12, 31), month, **company), "planner"
    )
    assert no_plans[0].message == (
        "no approved plan of Hengda Machinery Co. covers 2026-10 to 2026-12; approve plans first"
    )
