"""Money and quantities are bounded where they are computed as well as where they are entered,
and the refusal says the bound (issue 10, finding 7)."""

from decimal import Decimal

from sqlalchemy import update

from domain.store.tables import Product
from tests.conftest import snapshot

CREATE = """mutation($input: SalesPlanCreateInput!) {
  salesPlanCreate(input: $input) { salesPlan { id } errors { code field message } } }"""


def plan(quantity: str) -> dict:
    return {
        "input": {
            "ownerId": "U2FsZXNwZXJzb246MQ==",
            "granularity": "QUARTER",
            "periodStart": "2027-01-01",
            "title": "Q1 2027",
            "lines": [{"productId": "UHJvZHVjdDox", "period": "2027-01-01", "quantity": quantity}],
        }
    }


async def test_a_quantity_over_the_bound_is_refused_and_the_message_says_the_bound(
    demo, client_for
):
    """999,999,999,999 units at list price were once stored as 1,849,999,999,998,150.00."""
    sales = await client_for("sales")
    before = await snapshot(demo)
    payload = (await sales.execute(CREATE, plan("999999999999")))["salesPlanCreate"]
    assert payload["salesPlan"] is None
    assert payload["errors"] == [
        {
            "code": "INVALID",
            "field": ["input", "lines", "0", "quantity"],
            "message": "quantity must be ≥ 0 and below 1,000,000,000 with at most 3 decimals",
        }
    ]
    assert await snapshot(demo) == before


async def test_an_amount_computed_from_the_list_price_is_bounded_too(demo, client_for):
    async with demo.begin() as conn:
        await conn.execute(
            update(Product).where(Product.code == "P0001").values(list_price=Decimal("50000.00"))
        )
    sales = await client_for("sales")
    before = await snapshot(demo)
    payload = (await sales.execute(CREATE, plan("999999999")))["salesPlanCreate"]
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("INVALID", ["input", "lines", "0", "quantity"])
    ]
    assert "below 10,000,000,000,000" in payload["errors"][0]["message"]
    assert await snapshot(demo) == before
