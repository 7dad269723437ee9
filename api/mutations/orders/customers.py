"""Customer mutations: customerCreate, customerUpdate, priceFloorSet, priceFloorRemove."""

from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.mutations.inputs import INPUT
from api.mutations.payloads import InputIds, refused, run
from api.types.customers import Customer, CustomerError, PriceFloor
from domain.services.orders.customers import KEEP, CustomerWrite, PriceFloorWrite

ERRORS_HELP = "Why it was refused; empty on success."


@strawberry.input(description="A new customer and its sales terms.")
class CustomerCreateInput:
    code: str = strawberry.field(description="Unique code; 1–32 characters.")
    name: str = strawberry.field(description="1–200 characters.")
    contact_name: str | None = strawberry.field(default=None, description="The buyer.")
    contact_email: str | None = strawberry.field(default=None, description="The buyer's e-mail.")
    salesperson_id: strawberry.ID | None = strawberry.field(
        default=None, description="The account's salesperson (may create its orders)."
    )
    credit_limit: Decimal | None = strawberry.field(
        default=None,
        description="Open orders above this value need special approval; ≥ 0 and below "
        "10,000,000,000,000, 2 decimals; null: "
        "no limit. Only admins and finance may set it.",
    )


@strawberry.input(description="Change a customer: only the fields given change; null clears.")
class CustomerUpdateInput:
    id: strawberry.ID = strawberry.field(description="The customer.")
    code: str | None = strawberry.field(default=strawberry.UNSET, description="1–32 characters.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="1–200 characters.")
    contact_name: str | None = strawberry.field(default=strawberry.UNSET, description="The buyer.")
    contact_email: str | None = strawberry.field(
        default=strawberry.UNSET, description="The buyer's e-mail."
    )
    salesperson_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="The account's salesperson; null: none."
    )
    credit_limit: Decimal | None = strawberry.field(
        default=strawberry.UNSET,
        description="≥ 0 and below 10,000,000,000,000, 2 decimals; null: no limit. Only admins "
        "and finance may change it.",
    )


@strawberry.input(description="Set the minimum unit price of a product.")
class PriceFloorSetInput:
    product_id: strawberry.ID = strawberry.field(description="Global id of the Product.")
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only for this customer (overrides the general floor); null: all."
    )
    min_unit_price: Decimal = strawberry.field(
        description="≥ 0 and below 10,000,000,000,000, 2 decimals."
    )


@strawberry.input(description="Remove a product's floor (general, or one customer's).")
class PriceFloorRemoveInput:
    product_id: strawberry.ID = strawberry.field(description="Global id of the Product.")
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="The customer's floor; null: the general floor."
    )


@strawberry.type(description="Result of customerCreate.")
class CustomerCreatePayload:
    customer: Customer | None = strawberry.field(description="The new customer; null if refused.")
    errors: list[CustomerError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of customerUpdate.")
class CustomerUpdatePayload:
    customer: Customer | None = strawberry.field(description="The customer after the change.")
    errors: list[CustomerError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of priceFloorSet.")
class PriceFloorSetPayload:
    price_floor: PriceFloor | None = strawberry.field(description="The floor as set.")
    errors: list[CustomerError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of priceFloorRemove.")
class PriceFloorRemovePayload:
    removed: bool = strawberry.field(
        default=False, description="False when there was no such floor (or when refused)."
    )
    errors: list[CustomerError] = strawberry.field(description=ERRORS_HELP)


def given(value):
    return KEEP if value is strawberry.UNSET else value


def customer_loader(loaders):
    return loaders.orders.customer


def floor_keys(ids: InputIds, product_id: str, customer_id: str | None) -> tuple[int, int | None]:
    product = ids.pk(product_id, "Product", "product", "input", "productId")
    customer = ids.optional(customer_id, "Customer", "customer", "input", "customerId")
    return product, customer


@strawberry.type
class CustomerMutations:
    @strawberry.mutation(description="Create a customer, by an admin, finance or a planner.")
    async def customer_create(
        self, info: Info, input: Annotated[CustomerCreateInput, INPUT]
    ) -> CustomerCreatePayload:
        ids = InputIds()
        salesperson = ids.optional(
            input.salesperson_id, "Salesperson", "salesperson", "input", "salespersonId"
        )
        if ids.errors:
            return refused(CustomerCreatePayload, *ids.errors)
        command = CustomerWrite(
            code=input.code,
            name=input.name,
            contact_name=input.contact_name,
            contact_email=input.contact_email,
            salesperson_id=salesperson if input.salesperson_id is not None else KEEP,
            credit_limit=input.credit_limit if input.credit_limit is not None else KEEP,
        )
        return await run(info, CustomerCreatePayload, command, customer_loader)

    @strawberry.mutation(
        description="Change a customer's data or sales terms, by an admin, finance or a planner "
        "(credit limit: admins and finance only)."
    )
    async def customer_update(
        self, info: Info, input: Annotated[CustomerUpdateInput, INPUT]
    ) -> CustomerUpdatePayload:
        ids = InputIds()
        pk = ids.pk(input.id, "Customer", "customer", "input", "id")
        salesperson = given(input.salesperson_id)
        if salesperson not in (KEEP, None):
            salesperson = ids.pk(
                salesperson, "Salesperson", "salesperson", "input", "salespersonId"
            )
        if ids.errors:
            return refused(CustomerUpdatePayload, *ids.errors)
        command = CustomerWrite(
            customer_id=pk,
            code=given(input.code),
            name=given(input.name),
            contact_name=given(input.contact_name),
            contact_email=given(input.contact_email),
            salesperson_id=salesperson,
            credit_limit=given(input.credit_limit),
        )
        return await run(info, CustomerUpdatePayload, command, customer_loader)

    @strawberry.mutation(
        description="Set a product's price floor, for everyone or for one customer, by an admin, "
        "finance or a planner. Orders already submitted keep their review."
    )
    async def price_floor_set(
        self, info: Info, input: Annotated[PriceFloorSetInput, INPUT]
    ) -> PriceFloorSetPayload:
        ids = InputIds()
        product, customer = floor_keys(ids, input.product_id, input.customer_id)
        if ids.errors:
            return refused(PriceFloorSetPayload, *ids.errors)
        command = PriceFloorWrite(product, customer, input.min_unit_price)
        result = await info.context.use_cases.handle(command, info.context.viewer)
        if not result.ok:
            return refused(PriceFloorSetPayload, *result.errors)
        floor = PriceFloor.from_row(result.value.price_floor)
        return PriceFloorSetPayload(price_floor=floor, errors=[])

    @strawberry.mutation(description="Remove a price floor, by an admin, finance or a planner.")
    async def price_floor_remove(
        self, info: Info, input: Annotated[PriceFloorRemoveInput, INPUT]
    ) -> PriceFloorRemovePayload:
        ids = InputIds()
        product, customer = floor_keys(ids, input.product_id, input.customer_id)
        if ids.errors:
            return refused(PriceFloorRemovePayload, *ids.errors)
        result = await info.context.use_cases.handle(
            PriceFloorWrite(product, customer), info.context.viewer
        )
        if not result.ok:
            return refused(PriceFloorRemovePayload, *result.errors)
        return PriceFloorRemovePayload(removed=result.value.removed, errors=[])
