"""Customers (the partner companies that buy), their sales terms and price floors."""

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from api.ids import to_global_id
from api.pagination import After, Before, Connection, First, Last, PageLimits, PageRequest
from api.types.catalogue import Product
from api.types.errors import UserError
from api.types.node import Node
from api.types.orders import (
    ORDERS_DESCRIPTION,
    PARTNER_NULL,
    OrderSortBy,
    OrderWhere,
    SalesOrder,
    orders_page,
)

if TYPE_CHECKING:
    from api.types.organisation import Salesperson

CUSTOMER_PAGES = PageLimits(default=50, maximum=100)


@strawberry.type(description="Why a customer or price-floor action was refused.")
class CustomerError(UserError):
    pass


@strawberry.type(
    description="The lowest unit price a product may be sold at without special approval."
)
class PriceFloor:
    customer_pk: strawberry.Private[int | None]
    product_pk: strawberry.Private[int]
    min_unit_price: Decimal = strawberry.field(description="Minimum unit price, company currency.")
    updated_at: datetime = strawberry.field(description="When the floor was last set.")

    @classmethod
    def from_row(cls, row) -> "PriceFloor":
        return cls(
            customer_pk=row.customer_id,
            product_pk=row.product_id,
            min_unit_price=row.min_unit_price,
            updated_at=row.updated_at,
        )

    @strawberry.field(description="The product.")
    async def product(self, info: Info) -> Product | None:
        return await info.context.loaders.catalogue.product.load(self.product_pk)

    @strawberry.field(
        description="The customer the floor is negotiated for; null: the floor for everyone."
    )
    async def customer(self, info: Info) -> "Customer | None":
        if self.customer_pk is None:
            return None
        return await info.context.loaders.orders.customer.load(self.customer_pk)


@strawberry.type(description="A customer (partner company); its portal users see only its orders.")
class Customer(Node):
    pk: strawberry.Private[int]
    salesperson_pk: strawberry.Private[int | None]
    internal: strawberry.Private[bool]
    code: str = strawberry.field(description="Customer code, unique.")
    name: str = strawberry.field(description="The customer's company name.")
    contact_name: str | None = strawberry.field(description="The buyer to talk to.")
    contact_email: str | None = strawberry.field(description="The buyer's e-mail address.")
    credit_limit: Decimal | None = strawberry.field(
        description="Open orders (in review up to delivered) above this value need special "
        "approval; null: no limit set, or you are a partner." + PARTNER_NULL
    )

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Customer", self.pk))

    @classmethod
    def from_row(cls, row, internal: bool) -> "Customer":
        return cls(
            pk=row.id,
            salesperson_pk=row.salesperson_id,
            internal=internal,
            code=row.code,
            name=row.name,
            contact_name=row.contact_name,
            contact_email=row.contact_email,
            credit_limit=row.credit_limit if internal else None,
        )

    @strawberry.field(description="The account's salesperson." + PARTNER_NULL)
    async def salesperson(
        self, info: Info
    ) -> Annotated["Salesperson", strawberry.lazy("api.types.organisation")] | None:
        if self.salesperson_pk is None:
            return None
        return await info.context.loaders.organisation.salesperson.load(self.salesperson_pk)

    @strawberry.field(
        description="Price floors negotiated for this customer (general floors: "
        "Query.priceFloors), at most one per product." + PARTNER_NULL
    )
    async def price_floors(self, info: Info) -> list[PriceFloor] | None:
        if not self.internal:
            return None
        return await info.context.loaders.orders.floors_by_customer.load(self.pk)

    @strawberry.field(description="The customer's orders. " + ORDERS_DESCRIPTION)
    async def sales_orders(
        self,
        info: Info,
        where: OrderWhere = None,
        sort_by: OrderSortBy = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[SalesOrder]:
        return await orders_page(info, self.pk, where, sort_by, first, after, last, before)


CUSTOMERS_DESCRIPTION = "Customers, by code. " + CUSTOMER_PAGES.describe("Customers:")


async def customer_pages(info: Info, first, after, last, before) -> Connection[Customer]:
    page = PageRequest.of(CUSTOMER_PAGES, first, after, last, before)
    return await info.context.loaders.orders.customers.load(page)
