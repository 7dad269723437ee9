"""A synthetic MRP master in the database: the benchmark's item master (bench/mrp.py), stored as
items, BOM lines, products and an approved weekly forecast, so a real run can load it.

What the tables cannot hold yet is left out: scheduled receipts (no open production or purchase
orders exist before the next issue) and materials' stock on hand. Items with forecast demand
get a product each (their forecast lines need one); MTO items have no booked orders, so none.
"""

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access import Actor, Role
from domain.forecast.calendar import ForecastGranularity
from domain.forecast.lifecycle import ForecastStatus
from domain.mrp import DemandKind, LotRule, MrpInput, Strategy
from domain.mrp.master import ItemType, Procurement
from domain.store.db import writer
from domain.store.tables import AppUser, Company, Product
from domain.store.tables.forecasts import Forecast, ForecastLine
from domain.store.tables.jobs import JobState
from domain.store.tables.mrp import BomLine, Item

BATCH = 5_000
START = date(2027, 1, 4)  # a Monday: the synthetic horizon's first bucket


async def _insert_all(conn, table, rows: list[dict], returning: bool = False) -> list[int]:
    ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        if returning:
            ids += list((await conn.execute(insert(table).returning(table.id), chunk)).scalars())
        else:
            await conn.execute(insert(table), chunk)
    return ids


async def planner_of(engine: AsyncEngine, code: str = "SYN") -> Actor:
    """The synthetic company's planner (made on first use)."""
    async with writer(engine).begin() as conn:
        company = (await conn.execute(select(Company.id).where(Company.code == code))).scalar()
        if company is None:
            company = (
                await conn.execute(insert(Company).values(code=code, name="Synthetic Works"))
            ).inserted_primary_key[0]
        login = f"planner-{code.lower()}"
        user = (await conn.execute(select(AppUser.id).where(AppUser.login == login))).scalar()
        if user is None:
            user = (
                await conn.execute(
                    insert(AppUser).values(
                        login=login, display_name="Synthetic planner", roles="PLANNER"
                    )
                )
            ).inserted_primary_key[0]
    return Actor(user, login, frozenset({Role.PLANNER}), company_id=company)


async def store_synthetic_master(engine: AsyncEngine, inp: MrpInput, actor: Actor) -> int:
    """Store `inp`'s items, BOM and forecast; returns the approved forecast's id."""
    items = inp.items
    n = inp.n_items
    forecast_items = np.unique(inp.demand.item[inp.demand.kind == DemandKind.FORECAST])
    async with writer(engine).begin() as conn:
        taken = (await conn.execute(select(Item.id).limit(1))).scalar()
        if taken is not None:
            raise RuntimeError("store the synthetic master into a database without items")
        products = await _insert_all(
            conn,
            Product,
            [
                {
                    "code": f"SYN{k:06d}",
                    "name": f"Synthetic product {k}",
                    "unit": "pcs",
                    "list_price": Decimal("10.00"),
                }
                for k in forecast_items.tolist()
            ],
            returning=True,
        )
        product_of = dict(zip(forecast_items.tolist(), products, strict=True))
        rows = []
        for k in range(n):
            rule = LotRule(int(items.lot_rule[k]))
            param = int(items.lot_param[k])
            rows.append(
                {
                    "code": f"I{k:06d}",
                    "name": f"Synthetic item {k}",
                    "unit": "pcs",
                    "item_type": ItemType.SEMI_FINISHED,
                    "procurement": Procurement.MAKE,
                    "product_id": product_of.get(k),
                    "lead_days": int(items.lead_days[k]),
                    "lot_rule": rule,
                    "lot_param": Decimal(param)
                    if rule is LotRule.PERIODS_OF_SUPPLY
                    else Decimal(param).scaleb(-3),
                    "safety_stock": Decimal(int(items.safety_stock[k])).scaleb(-3),
                    "scrap_rate": Decimal(int(items.scrap_micro[k])).scaleb(-6),
                    "strategy": Strategy(int(items.strategy[k])),
                }
            )
        item_ids = await _insert_all(conn, Item, rows, returning=True)
        bom = inp.bom
        starts = [START + timedelta(weeks=t) for t in range(inp.n_buckets + 1)]
        await _insert_all(
            conn,
            BomLine,
            [
                {
                    "parent_item_id": item_ids[p],
                    "component_item_id": item_ids[c],
                    "quantity_per": Decimal(q).scaleb(-6),
                    "scrap_rate": Decimal(0),
                    "valid_to": starts[v] if v < len(starts) else None,
                }
                for p, c, q, v in zip(
                    bom.parent.tolist(),
                    bom.component.tolist(),
                    bom.qty_per_micro.tolist(),
                    bom.valid_to_bucket.tolist(),
                    strict=True,
                )
            ],
        )
        forecast = (
            await conn.execute(
                insert(Forecast).values(
                    company_id=actor.company_id,
                    title="Synthetic forecast",
                    granularity=ForecastGranularity.WEEK,
                    period_start=START,
                    period_end=starts[-1] - timedelta(days=1),
                    status=ForecastStatus.APPROVED,
                    threshold_percent=Decimal("30.0"),
                    author_id=actor.user_id,
                    job_state=JobState.DONE,
                )
            )
        ).inserted_primary_key[0]
        demand = inp.demand
        weekly: dict[tuple[int, int], int] = {}
        for k, t, q, kind in zip(
            demand.item.tolist(), demand.bucket.tolist(), demand.quantity.tolist(),
            demand.kind.tolist(), strict=True,
        ):  # fmt: skip
            if kind == DemandKind.FORECAST:
                weekly[(k, t)] = weekly.get((k, t), 0) + q
        await _insert_all(
            conn,
            ForecastLine,
            [
                {
                    "forecast_id": forecast,
                    "product_id": product_of[k],
                    "period": starts[t],
                    "planned_quantity": Decimal(q).scaleb(-3),
                    "planned_amount": Decimal("0.00"),
                    "quantity": Decimal(q).scaleb(-3),
                    "amount": Decimal("0.00"),
                    "model": "synthetic",
                    "plausibility_reason": "",
                }
                for (k, t), q in sorted(weekly.items())
            ],
        )
    return forecast
