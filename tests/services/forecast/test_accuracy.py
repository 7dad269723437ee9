"""forecast.accuracy on a hand-made case: the figures equal those worked out by hand below, the
live confirmed orders count with the imported history, and zero actuals are left out of MAPE
only."""

from datetime import date
from decimal import Decimal

from domain.forecast.calendar import ForecastGranularity
from domain.forecast.lifecycle import ForecastStatus
from domain.jobs import JobState
from domain.orders.lifecycle import OrderStatus
from domain.store.db import create_sessionmaker
from domain.store.forecasts.accuracy import forecast_accuracy
from domain.store.tables import (
    DemandHistory,
    Forecast,
    ForecastLine,
    Product,
    SalesOrder,
    SalesOrderLine,
)
from domain.store.uow import UnitOfWork

# (month, actual from history, actual from a live order, forecast, baseline)
CASE = [
    (date(2024, 1, 1), "100", None, "110", "90"),
    (date(2024, 2, 1), "0", None, "10", "5"),
    (date(2024, 3, 1), "50", "10", "40", "66"),
]


async def hand_made_forecast(services) -> int:
    d001 = await services.by_code("department", "D001")
    async with UnitOfWork(services.engine) as uow:
        s = uow.session
        product = Product(code="P9999", name="Test valve", unit="pcs", list_price=Decimal("1"))
        s.add(product)
        await s.flush()
        forecast = Forecast(
            company_id=await services.by_code("company", "HD"),
            department_id=d001,
            title="Q1 2024, hand-made",
            granularity=ForecastGranularity.MONTH,
            period_start=date(2024, 1, 1),
            period_end=date(2024, 3, 31),
            status=ForecastStatus.APPROVED,
            threshold_percent=Decimal("30"),
            author_id=await services.user("planner"),
            job_state=JobState.DONE,
        )
        s.add(forecast)
        await s.flush()
        for month, history, _, quantity, baseline in CASE:
            s.add(
                DemandHistory(
                    product_id=product.id,
                    department_id=d001,
                    month=month,
                    quantity=Decimal(history),
                )
            )
            s.add(
                ForecastLine(
                    forecast_id=forecast.id,
                    product_id=product.id,
                    period=month,
                    planned_quantity=Decimal(quantity),
                    planned_amount=Decimal(quantity),
                    quantity=Decimal(quantity),
                    amount=Decimal(quantity),
                    baseline=Decimal(baseline),
                    baseline_lower=Decimal(baseline),
                    baseline_upper=Decimal(baseline),
                    model="hand-made",
                    plausibility_reason="hand-made",
                )
            )
        # A confirmed order of 10 in March 2024 counts; a cancelled one of 1000 does not.
        for status, quantity in ((OrderStatus.CONFIRMED, "10"), (OrderStatus.CANCELLED, "1000")):
            order = SalesOrder(
                company_id=forecast.company_id,
                customer_id=await services.by_code("customer", "C0001"),
                salesperson_id=await services.by_code("salesperson", "S0001"),
                department_id=d001,
                status=status,
                order_date=date(2024, 3, 20),
                created_by=await services.user("sales"),
            )
            s.add(order)
            await s.flush()
            s.add(
                SalesOrderLine(
                    order_id=order.id,
                    position=1,
                    product_id=product.id,
                    quantity=Decimal(quantity),
                    unit_price=Decimal("1"),
                    amount=Decimal(quantity),
                    promised_date=date(2024, 4, 1),
                )
            )
        await uow.commit()
        return forecast.id


async def test_accuracy_of_a_hand_made_case_matches_the_figures_worked_out_by_hand(demo, services):
    forecast_id = await hand_made_forecast(services)
    async with create_sessionmaker(services.engine)() as s:
        forecast = await s.get(Forecast, forecast_id)
        report = await forecast_accuracy(s, forecast, today=date(2026, 12, 2))
        # Before its first month has ended there is nothing to measure.
        assert await forecast_accuracy(s, forecast, today=date(2024, 1, 31)) is None
        after_january = await forecast_accuracy(s, forecast, today=date(2024, 2, 1))
    # Actuals 100, 0, 60 (50 imported + 10 ordered); forecast 110, 10, 40; baseline 90, 5, 66.
    # Forecast: MAPE = (10/100 + 20/60) / 2 = 0.21666… (February's zero actual is left out);
    # WAPE = (10 + 10 + 20) / 160 = 0.25; bias = (10 + 10 − 20) / 160 = 0.
    # Baseline: MAPE = (10/100 + 6/60) / 2 = 0.1; WAPE = (10 + 5 + 6) / 160 = 0.13125 → 0.1312
    # (half-even); bias = (−10 + 5 + 6) / 160 = 0.00625 → 0.0062.
    overall = report.overall
    assert (overall.forecast.mape, overall.forecast.wape, overall.forecast.bias) == (
        Decimal("0.2167"),
        Decimal("0.2500"),
        Decimal("0.0000"),
    )
    assert (overall.forecast.observations, overall.forecast.zero_actuals) == (3, 1)
    assert (overall.baseline.mape, overall.baseline.wape, overall.baseline.bias) == (
        Decimal("0.1000"),
        Decimal("0.1312"),
        Decimal("0.0062"),
    )
    assert list(report.by_product.values()) == [overall]  # one product
    # After January only: forecast 110 for 100 ordered.
    assert after_january.overall.forecast.mape == Decimal("0.1000")
    assert after_january.overall.forecast.bias == Decimal("0.1000")
    assert after_january.overall.forecast.observations == 1
