"""Products."""

from decimal import Decimal

import strawberry

from api.ids import to_global_id
from api.types.node import Node


@strawberry.type(description="Something the company sells.")
class Product(Node):
    # The id is a plain attribute, made once: products repeat on every line of large reads.
    id: strawberry.ID = strawberry.field(description="Opaque global id.")
    pk: strawberry.Private[int]
    version: int = strawberry.field(
        description="Raised by every change; send it as expectedVersion to productUpdate."
    )
    code: str = strawberry.field(description="Catalogue code, unique.")
    name: str = strawberry.field(description="The product's name, e.g. 'Hydraulic pump HP-200'.")
    unit: str = strawberry.field(description="Unit of measure of quantities, e.g. pcs or kg.")
    list_price: Decimal = strawberry.field(description="Price per unit, in the company currency.")

    @classmethod
    def from_row(cls, row) -> "Product":
        return cls(
            id=strawberry.ID(to_global_id("Product", row.id)),
            pk=row.id,
            code=row.code,
            name=row.name,
            unit=row.unit,
            list_price=row.list_price,
            version=row.version,
        )
