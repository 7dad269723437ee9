"""Money and quantities are exact on the database: stored, read back and summed in SQL."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import StatementError

from domain.plans.hierarchy import OwnerKind
from domain.plans.lifecycle import PlanStatus
from domain.plans.periods import Granularity
from domain.store.tables import AppUser, Company, Product, SalesPlan, SalesPlanLine


async def a_plan_with_products(engine, prices: list[str]) -> tuple[int, list[int]]:
    async with engine.begin() as conn:
        user = (
            await conn.execute(
                insert(AppUser).returning(AppUser.id),
                {"login": "author", "display_name": "A", "roles": "PLANNER", "active": True},
            )
        ).scalar_one()
        company = (
            await conn.execute(insert(Company).returning(Company.id), {"code": "X", "name": "X"})
        ).scalar_one()
        products = [
            (
                await conn.execute(
                    insert(Product).returning(Product.id),
                    {"code": f"P{i}", "name": f"P{i}", "unit": "pcs", "list_price": Decimal(p)},
                )
            ).scalar_one()
            for i, p in enumerate(prices)
        ]
        plan = (
            await conn.execute(
                insert(SalesPlan).returning(SalesPlan.id),
                {
                    "owner_kind": OwnerKind.COMPANY,
                    "company_id": company,
                    "title": "Money",
                    "granularity": Granularity.YEAR,
                    "period_start": date(2026, 1, 1),
                    "status": PlanStatus.DRAFT,
                    "author_id": user,
                },
            )
        ).scalar_one()
    return plan, products


async def add_lines(engine, plan: int, products: list[int], amounts: list[str], quantities=None):
    quantities = quantities or ["1"] * len(amounts)
    async with engine.begin() as conn:
        await conn.execute(
            insert(SalesPlanLine),
            [
                {
                    "plan_id": plan,
                    "product_id": product,
                    "period": date(2026, 1, 1),
                    "quantity": Decimal(q),
                    "amount": Decimal(a),
                }
                for product, a, q in zip(products, amounts, quantities, strict=True)
            ],
        )


async def test_amounts_of_ten_and_twenty_cents_sum_in_sql_to_exactly_thirty_cents(db):
    plan, products = await a_plan_with_products(db, ["1.00", "1.00"])
    await add_lines(db, plan, products, ["0.10", "0.20"])
    async with db.connect() as conn:
        total = (await conn.execute(select(func.sum(SalesPlanLine.amount)))).scalar_one()
    assert isinstance(total, Decimal)
    assert total == Decimal("0.30")
    assert str(total) == "0.30"


async def test_many_cents_sum_exactly_where_floats_would_drift(db):
    plan, products = await a_plan_with_products(db, ["1.00"] * 10)
    await add_lines(db, plan, products, ["0.10"] * 10, ["0.001"] * 10)
    async with db.connect() as conn:
        amount, quantity = (
            await conn.execute(
                select(func.sum(SalesPlanLine.amount), func.sum(SalesPlanLine.quantity))
            )
        ).one()
    assert sum([0.1] * 10) != 1.0
    assert (str(amount), str(quantity)) == ("1.00", "0.010")


async def test_large_amounts_keep_every_cent(db):
    plan, products = await a_plan_with_products(db, ["1.00", "1.00"])
    await add_lines(db, plan, products, ["9999999999999.99", "0.01"])
    async with db.connect() as conn:
        total = (await conn.execute(select(func.sum(SalesPlanLine.amount)))).scalar_one()
        stored = (
            (await conn.execute(select(SalesPlanLine.amount).order_by(SalesPlanLine.id)))
            .scalars()
            .all()
        )
    assert total == Decimal("10000000000000.00")
    assert stored == [Decimal("9999999999999.99"), Decimal("0.01")]


async def test_prices_read_back_with_exactly_two_decimals(db):
    await a_plan_with_products(db, ["310.5", "18.90", "4200"])
    async with db.connect() as conn:
        prices = (
            (await conn.execute(select(Product.list_price).order_by(Product.id))).scalars().all()
        )
    assert [str(p) for p in prices] == ["310.50", "18.90", "4200.00"]


async def test_an_amount_with_more_than_two_decimals_is_refused_before_it_reaches_the_database(db):
    plan, products = await a_plan_with_products(db, ["1.00"])
    with pytest.raises(StatementError, match="has more than 2 decimals"):
        await add_lines(db, plan, products, ["0.105"])
    async with db.connect() as conn:
        assert (
            await conn.execute(select(func.count()).select_from(SalesPlanLine))
        ).scalar_one() == 0
