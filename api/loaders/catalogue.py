"""Loaders for products (the catalogue is visible to every authenticated user)."""

from sqlalchemy import select

from api.loaders.reading import ReadDB, TopLevelPages, by_id_loader
from api.pagination import SortOrder
from api.types.catalogue import Product
from domain.access import Actor
from domain.store.tables import Product as ProductRow


class CatalogueLoaders:
    def __init__(self, db: ReadDB, actor: Actor) -> None:
        products = ProductRow.__table__
        self.product = by_id_loader(db, lambda: select(products), products.c.id, Product.from_row)
        self.products = TopLevelPages(
            db,
            lambda: select(products),
            SortOrder(products.c.code, products.c.id),
            Product.from_row,
        )
