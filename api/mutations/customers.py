"""Customer mutations: customerCreate, customerUpdate, priceFloorSet, priceFloorRemove."""

from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.ids import pk_of
from api.types.customers import Customer, CustomerError, PriceFloor
from domain.errors import DomainError, ErrorCode
from domain.services import customers as service

ERRORS_HELP = "Why it was refused; empty on success."


INPUT = strawberry.argument(description="What to do; see the input type.")


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
        description="Open orders above this value need special approval; ≥ 0, 2 decimals; null: "
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
        description="≥ 0, 2 decimals; null: no limit. Only admins and finance may change it.",
    )


@strawberry.input(description="Set the minimum unit price of a product.")
class PriceFloorSetInput:
    product_id: strawberry.ID = strawberry.field(description="Global id of the Product.")
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only for this customer (overrides the general floor); null: all."
    )
    min_unit_price: Decimal = strawberry.field(description="≥ 0, 2 decimals.")


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
    removed: bool = strawberry.field(description="False when there was no such floor.")
    errors: list[CustomerError] = strawberry.field(description=ERRORS_HELP)


def not_found(what: str, *field: str) -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, f"no such {what}", tuple(field))


def errors_of(errors) -> list[CustomerError]:
    return [CustomerError.of(e) for e in errors]


def given(value):
    return service.KEEP if value is strawberry.UNSET else value


async def shaped_customer(info: Info, payload_type, result: service.CustomerResult):
    customer = None
    if result.customer is not None:
        info.context.fresh_reads()
        customer = await info.context.loaders.orders.customer.load(result.customer.id)
    return payload_type(customer=customer, errors=errors_of(result.errors))


def floor_keys(product_id: str, customer_id: str | None) -> tuple[int | None, int | None, list]:
    product = pk_of(product_id, "Product")
    errors = [] if product is not None else [not_found("product", "input", "productId")]
    customer = None
    if customer_id is not None:
        customer = pk_of(customer_id, "Customer")
        if customer is None:
            errors.append(not_found("customer", "input", "customerId"))
    return product, customer, errors


@strawberry.type
class CustomerMutations:
    @strawberry.mutation(description="Create a customer, by an admin, finance or a planner.")
    async def customer_create(
        self, info: Info, input: Annotated[CustomerCreateInput, INPUT]
    ) -> CustomerCreatePayload:
        salesperson = None
        if input.salesperson_id is not None:
            salesperson = pk_of(input.salesperson_id, "Salesperson")
            if salesperson is None:
                return CustomerCreatePayload(
                    customer=None,
                    errors=errors_of([not_found("salesperson", "input", "salespersonId")]),
                )
        command = service.CustomerWrite(
            code=input.code,
            name=input.name,
            contact_name=input.contact_name,
            contact_email=input.contact_email,
            salesperson_id=salesperson if input.salesperson_id is not None else service.KEEP,
            credit_limit=input.credit_limit if input.credit_limit is not None else service.KEEP,
        )
        result = await service.write_customer(info.context.engine, info.context.viewer, command)
        return await shaped_customer(info, CustomerCreatePayload, result)

    @strawberry.mutation(
        description="Change a customer's data or sales terms, by an admin, finance or a planner "
        "(credit limit: admins and finance only)."
    )
    async def customer_update(
        self, info: Info, input: Annotated[CustomerUpdateInput, INPUT]
    ) -> CustomerUpdatePayload:
        pk = pk_of(input.id, "Customer")
        errors = [] if pk is not None else [not_found("customer", "input", "id")]
        salesperson = given(input.salesperson_id)
        if salesperson not in (service.KEEP, None):
            salesperson = pk_of(salesperson, "Salesperson")
            if salesperson is None:
                errors.append(not_found("salesperson", "input", "salespersonId"))
        if errors:
            return CustomerUpdatePayload(customer=None, errors=errors_of(errors))
        command = service.CustomerWrite(
            customer_id=pk,
            code=given(input.code),
            name=given(input.name),
            contact_name=given(input.contact_name),
            contact_email=given(input.contact_email),
            salesperson_id=salesperson,
            credit_limit=given(input.credit_limit),
        )
        result = await service.write_customer(info.context.engine, info.context.viewer, command)
        return await shaped_customer(info, CustomerUpdatePayload, result)

    @strawberry.mutation(
        description="Set a product's price floor, for everyone or for one customer, by an admin, "
        "finance or a planner. Orders already submitted keep their review."
    )
    async def price_floor_set(
        self, info: Info, input: Annotated[PriceFloorSetInput, INPUT]
    ) -> PriceFloorSetPayload:
        product, customer, errors = floor_keys(input.product_id, input.customer_id)
        if errors:
            return PriceFloorSetPayload(price_floor=None, errors=errors_of(errors))
        result = await service.write_price_floor(
            info.context.engine,
            info.context.viewer,
            service.PriceFloorWrite(product, customer, input.min_unit_price),
        )
        floor = PriceFloor.from_row(result.price_floor) if result.price_floor else None
        return PriceFloorSetPayload(price_floor=floor, errors=errors_of(result.errors))

    @strawberry.mutation(description="Remove a price floor, by an admin, finance or a planner.")
    async def price_floor_remove(
        self, info: Info, input: Annotated[PriceFloorRemoveInput, INPUT]
    ) -> PriceFloorRemovePayload:
        product, customer, errors = floor_keys(input.product_id, input.customer_id)
        if errors:
            return PriceFloorRemovePayload(removed=False, errors=errors_of(errors))
        result = await service.write_price_floor(
            info.context.engine, info.context.viewer, service.PriceFloorWrite(product, customer)
        )
        return PriceFloorRemovePayload(removed=result.removed, errors=errors_of(result.errors))
