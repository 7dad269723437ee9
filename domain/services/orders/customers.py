"""Customer use cases: create a customer and set its sales terms (account salesperson, credit
limit), and set or remove price floors.

Admins, finance and planners manage customers; only admins and finance set credit limits.
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Actor
from domain.amounts import amount_problem
from domain.errors import ErrorCode, refuse
from domain.orders.access import may_manage_customers, may_set_credit_limit
from domain.services.pipeline import handles
from domain.store.tables import Customer, CustomerAccount, PriceFloor, Product, Salesperson
from domain.store.types import utcnow
from domain.store.uow import UnitOfWork

KEEP = object()  # "leave as it is" in an update


@dataclass(frozen=True)
class CustomerWrite:
    """Fields to write; KEEP leaves a field unchanged on update (None clears it)."""

    customer_id: int | None = None  # None: create
    code: str | object = KEEP
    name: str | object = KEEP
    contact_name: str | object | None = KEEP
    contact_email: str | object | None = KEEP
    salesperson_id: int | object | None = KEEP
    credit_limit: Decimal | object | None = KEEP


@dataclass(frozen=True)
class PriceFloorWrite:
    product_id: int
    customer_id: int | None = None
    min_unit_price: Decimal | None = None  # None: remove the floor


@dataclass(frozen=True)
class PriceFloorWritten:
    """The floor as set, or None with `removed` telling whether one was deleted."""

    price_floor: PriceFloor | None = None
    removed: bool = False


def _text(value, limit: int, required: bool, *path: str):
    if value is KEEP or (value is None and not required):
        return value
    text = (value or "").strip()
    if (required and not text) or len(text) > limit:
        raise refuse(ErrorCode.INVALID, f"1–{limit} characters", *path)
    return text or None


def _money(value, *path: str):
    if value is KEEP or value is None:
        return value
    if problem := amount_problem(value, path[-1]):
        raise refuse(ErrorCode.INVALID, problem, *path)
    return value


@handles(CustomerWrite)
async def write_customer(cmd: CustomerWrite, actor: Actor, uow: UnitOfWork) -> Customer:
    """Create a customer (customer_id None) or change the given fields of one."""
    s = uow.session
    if not may_manage_customers(actor):
        raise refuse(ErrorCode.FORBIDDEN, "you may not manage customers", "input")
    creating = cmd.customer_id is None
    if creating:
        customer = Customer(code="", name="")
        s.add(customer)
    else:
        customer = await s.get(Customer, cmd.customer_id, with_for_update=True)
        if customer is None:
            raise refuse(ErrorCode.NOT_FOUND, "no such customer", "input", "id")
    code = _text(cmd.code, 32, creating, "input", "code")
    name = _text(cmd.name, 200, creating, "input", "name")
    if code is not KEEP and code != customer.code:
        taken = await s.scalar(select(Customer.id).where(Customer.code == code))
        if taken is not None:
            raise refuse(ErrorCode.DUPLICATE, "this code is taken", "input", "code")
        customer.code = code
    if name is not KEEP:
        customer.name = name
    for attribute, limit in (("contact_name", 200), ("contact_email", 200)):
        value = _text(getattr(cmd, attribute), limit, False, "input", _camel(attribute))
        if value is not KEEP:
            setattr(customer, attribute, value)
    await s.flush()
    await _write_account(s, actor, customer.id, cmd)
    return customer


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


async def _write_account(s: AsyncSession, actor: Actor, customer_id: int, cmd: CustomerWrite):
    if cmd.salesperson_id is KEEP and cmd.credit_limit is KEEP:
        return
    account = await s.get(CustomerAccount, customer_id) or CustomerAccount(customer_id=customer_id)
    s.add(account)
    if cmd.salesperson_id is not KEEP:
        if cmd.salesperson_id is not None and await s.get(Salesperson, cmd.salesperson_id) is None:
            raise refuse(ErrorCode.NOT_FOUND, "no such salesperson", "input", "salespersonId")
        account.salesperson_id = cmd.salesperson_id
    if cmd.credit_limit is not KEEP:
        if not may_set_credit_limit(actor):
            raise refuse(
                ErrorCode.FORBIDDEN, "only finance sets credit limits", "input", "creditLimit"
            )
        account.credit_limit = _money(cmd.credit_limit, "input", "creditLimit")
    account.updated_by = actor.user_id
    account.updated_at = utcnow()
    await s.flush()


@handles(PriceFloorWrite)
async def write_price_floor(
    cmd: PriceFloorWrite, actor: Actor, uow: UnitOfWork
) -> PriceFloorWritten:
    """Set (or, with no price, remove) the floor of a product, for every customer or for one."""
    s = uow.session
    if not may_manage_customers(actor):
        raise refuse(ErrorCode.FORBIDDEN, "you may not manage price floors", "input")
    if await s.get(Product, cmd.product_id) is None:
        raise refuse(ErrorCode.NOT_FOUND, "no such product", "input", "productId")
    if cmd.customer_id is not None and await s.get(Customer, cmd.customer_id) is None:
        raise refuse(ErrorCode.NOT_FOUND, "no such customer", "input", "customerId")
    same = PriceFloor.customer_id.is_(None)
    if cmd.customer_id is not None:
        same = PriceFloor.customer_id == cmd.customer_id
    where = (PriceFloor.product_id == cmd.product_id, same)
    if cmd.min_unit_price is None:
        result = await s.execute(delete(PriceFloor).where(*where))
        return PriceFloorWritten(removed=result.rowcount > 0)
    price = _money(cmd.min_unit_price, "input", "minUnitPrice")
    floor = (
        await s.execute(select(PriceFloor).where(*where).with_for_update())
    ).scalar_one_or_none()
    if floor is None:
        floor = PriceFloor(product_id=cmd.product_id, customer_id=cmd.customer_id)
        s.add(floor)
    floor.min_unit_price = price
    floor.updated_by = actor.user_id
    floor.updated_at = utcnow()
    await s.flush()
    return PriceFloorWritten(price_floor=floor)
