"""Reads of the product catalogue that use cases share."""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.store.tables import Product


async def list_prices(session: AsyncSession, product_ids: set[int]) -> dict[int, Decimal]:
    """{product id: list price} of the products that exist among `product_ids`."""
    if not product_ids:
        return {}
    rows = await session.execute(
        select(Product.id, Product.list_price).where(Product.id.in_(product_ids))
    )
    return {r.id: r.list_price for r in rows}
