"""productCreate and productUpdate (admins)."""

from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.mutations.inputs import INPUT, given
from api.mutations.payloads import InputIds, refused, run
from api.types.catalogue import Product
from api.types.errors import UserError
from domain.services.catalogue import products

ERRORS_HELP = "Why it was refused; empty on success."
PRODUCT_HELP = "The product as committed; null when refused."


@strawberry.type(description="Why a product action was refused.")
class ProductError(UserError):
    pass


@strawberry.input(description="A new product.")
class ProductCreateInput:
    code: str = strawberry.field(description="Unique; 1–32 characters, e.g. P0011.")
    name: str = strawberry.field(description="1–200 characters.")
    unit: str = strawberry.field(description="Unit of measure, 1–16 characters, e.g. pcs or kg.")
    list_price: Decimal = strawberry.field(description="Per unit; ≥ 0, 2 decimals.")


@strawberry.input(description="Change a product: only the fields given change.")
class ProductUpdateInput:
    id: strawberry.ID = strawberry.field(description="The product.")
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with CONFLICT unless it is still at this version."
    )
    code: str | None = strawberry.field(default=strawberry.UNSET, description="1–32 characters.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="1–200 characters.")
    unit: str | None = strawberry.field(default=strawberry.UNSET, description="1–16 characters.")
    list_price: Decimal | None = strawberry.field(
        default=strawberry.UNSET,
        description="≥ 0, 2 decimals. Prices lines written from now on; written lines keep "
        "their amounts.",
    )


@strawberry.type(description="Result of productCreate.")
class ProductCreatePayload:
    product: Product | None = strawberry.field(description=PRODUCT_HELP)
    errors: list[ProductError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of productUpdate.")
class ProductUpdatePayload:
    product: Product | None = strawberry.field(description=PRODUCT_HELP)
    errors: list[ProductError] = strawberry.field(description=ERRORS_HELP)


def product_loader(loaders):
    return loaders.catalogue.product


@strawberry.type
class ProductMutations:
    @strawberry.mutation(description="Create a product, by an admin.")
    async def product_create(
        self, info: Info, input: Annotated[ProductCreateInput, INPUT]
    ) -> ProductCreatePayload:
        command = products.ProductCreate(
            code=input.code, name=input.name, unit=input.unit, list_price=input.list_price
        )
        return await run(info, ProductCreatePayload, command, product_loader)

    @strawberry.mutation(
        description="Change a product's code, name, unit or list price, by an admin."
    )
    async def product_update(
        self, info: Info, input: Annotated[ProductUpdateInput, INPUT]
    ) -> ProductUpdatePayload:
        ids = InputIds()
        pk = ids.pk(input.id, "Product", "product", "input", "id")
        if ids.errors:
            return refused(ProductUpdatePayload, *ids.errors)
        command = products.ProductUpdate(
            product_id=pk,
            expected_version=input.expected_version,
            code=given(input.code),
            name=given(input.name),
            unit=given(input.unit),
            list_price=given(input.list_price),
        )
        return await run(info, ProductUpdatePayload, command, product_loader)
