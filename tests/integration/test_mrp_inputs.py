"""What an MRP run reads from the database (domain.store.mrp.inputs), without a worker: the
engine's arrays, the ids behind them, booked orders of the forecast's scope, the digest."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select, update

from domain.mrp import DemandKind
from domain.mrp.runs import BucketKind
from domain.orders.lifecycle import OrderStatus
from domain.store.db import create_sessionmaker
from domain.store.mrp.inputs import BOOKED, load_run_input
from domain.store.tables import SalesOrder, SalesOrderLine
from domain.store.tables.forecasts import Forecast, ForecastLine
from domain.store.tables.mrp import BomLine, Item, MrpRun
from tests.services.mrp.helpers import approved_forecast

START = date(2026, 6, 29)  # a Monday


def run_of(forecast_id: int, company_id: int) -> MrpRun:
    return MrpRun(
        id=0, company_id=company_id, forecast_id=forecast_id, bucket=BucketKind.WEEK,
        horizon=26, start_date=START, started_by=1, plan_revision_ids="",
    )  # fmt: skip


async def load(engine, run: MrpRun):
    async with create_sessionmaker(engine)() as session:
        return await load_run_input(session, run)


async def booked_lines(engine, department_id: int | None = None) -> set[int]:
    """Order lines of booked orders promised before the horizon ends (all have quantity left
    in the demo unless shipped)."""
    query = (
        select(SalesOrderLine.id)
        .join(SalesOrder, SalesOrder.id == SalesOrderLine.order_id)
        .join(Item, Item.product_id == SalesOrderLine.product_id)
        .where(SalesOrder.status.in_(BOOKED), SalesOrderLine.promised_date < date(2026, 12, 28))
    )
    if department_id is not None:
        query = query.where(SalesOrder.department_id == department_id)
    async with engine.connect() as conn:
        return set((await conn.execute(query)).scalars())


async def test_a_run_reads_every_item_line_forecast_and_booked_order(demo):
    forecast = await approved_forecast(demo)
    async with demo.connect() as conn:
        company_id = (
            await conn.execute(select(Forecast.company_id).where(Forecast.id == forecast))
        ).scalar_one()
        n_items = len((await conn.execute(select(Item.id))).all())
        n_lines = len((await conn.execute(select(BomLine.id))).all())
        forecast_quantity = sum(
            (
                await conn.execute(
                    select(ForecastLine.quantity).where(ForecastLine.forecast_id == forecast)
                )
            ).scalars(),
            Decimal(0),
        )
    loaded = await load(demo, run_of(forecast, company_id))
    inp = loaded.inp
    assert (inp.n_items, len(inp.bom), inp.n_buckets) == (n_items, n_lines, 26)
    assert loaded.ids.item_ids.tolist() == sorted(loaded.ids.item_ids.tolist())
    forecast_part = inp.demand.kind == DemandKind.FORECAST
    # July to September lie wholly inside the horizon: every thousandth is spread into it
    assert int(inp.demand.quantity[forecast_part].sum()) == int(forecast_quantity * 1000)
    order_part = inp.demand.kind == DemandKind.ORDER
    assert set(inp.demand.source_id[order_part].tolist()) == await booked_lines(demo)
    assert len(loaded.digest) == 64


async def test_a_departments_forecast_plans_for_its_own_orders_and_the_digest_follows_inputs(demo):
    forecast = await approved_forecast(demo)
    async with demo.begin() as conn:
        department = (await conn.execute(select(SalesOrder.department_id).limit(1))).scalar_one()
        company_id = (
            await conn.execute(select(Forecast.company_id).where(Forecast.id == forecast))
        ).scalar_one()
        await conn.execute(
            update(Forecast).where(Forecast.id == forecast).values(department_id=department)
        )
    loaded = await load(demo, run_of(forecast, company_id))
    orders = loaded.inp.demand.kind == DemandKind.ORDER
    ours = await booked_lines(demo, department)
    assert ours and set(loaded.inp.demand.source_id[orders].tolist()) == ours
    assert (await load(demo, run_of(forecast, company_id))).digest == loaded.digest
    async with demo.begin() as conn:
        await conn.execute(
            update(BomLine)
            .where(BomLine.id == loaded.ids.bom_line_ids[0].item())
            .values(quantity_per=Decimal("3"))
        )
    assert (await load(demo, run_of(forecast, company_id))).digest != loaded.digest
    assert OrderStatus.CONFIRMED in BOOKED and OrderStatus.DRAFT not in BOOKED
