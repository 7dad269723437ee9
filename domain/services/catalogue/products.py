"""productCreate and productUpdate (admins): what the company sells, with its unit and list
price. A new list price prices plan and order lines written from then on; lines already written
keep their amounts."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from domain.access import Actor
from domain.accounts.access import may_administer
from domain.catalogue.events import ProductEvent
from domain.errors import ErrorCode, refuse
from domain.services.partial_update import KEEP, Changes, money, required_text
from domain.services.pipeline import handles
from domain.store.tables import Product
from domain.store.uow import UnitOfWork


@dataclass(frozen=True)
class ProductCreate:
    code: str
    name: str
    unit: str
    list_price: Decimal


@dataclass(frozen=True)
class ProductUpdate:
    """Only the fields given change (KEEP)."""

    product_id: int
    expected_version: int | None = None
    code: object = KEEP
    name: object = KEEP
    unit: object = KEEP
    list_price: object = KEEP


def _only_admins(actor: Actor) -> None:
    if not may_administer(actor):
        raise refuse(ErrorCode.FORBIDDEN, "only admins administer products", "input")


async def _free_code(uow: UnitOfWork, code, product_id: int | None):
    if code is KEEP:
        return KEEP
    taken = await uow.session.scalar(select(Product.id).where(Product.code == code))
    if taken is not None and taken != product_id:
        raise refuse(ErrorCode.DUPLICATE, "this code is taken", "input", "code")
    return code


def event_of(product: Product, action: str, changes=()) -> ProductEvent:
    return ProductEvent(
        document_id=product.id, action=action, code=product.code, changes=tuple(changes)
    )


@handles(ProductCreate)
async def create_product(cmd: ProductCreate, actor: Actor, uow: UnitOfWork) -> Product:
    _only_admins(actor)
    product = Product(
        code=await _free_code(uow, required_text(cmd.code, 32, "input", "code"), None),
        name=required_text(cmd.name, 200, "input", "name"),
        unit=required_text(cmd.unit, 16, "input", "unit"),
        list_price=money(cmd.list_price, "input", "listPrice"),
    )
    uow.session.add(product)
    await uow.session.flush()
    uow.record(event_of(product, "CREATED"), actor.user_id)
    return product


@handles(ProductUpdate)
async def update_product(cmd: ProductUpdate, actor: Actor, uow: UnitOfWork) -> Product:
    _only_admins(actor)
    product = await uow.session.get(Product, cmd.product_id, with_for_update=True)
    if product is None:
        raise refuse(ErrorCode.NOT_FOUND, "no such product", "input", "id")
    changes = Changes(product)
    code = required_text(cmd.code, 32, "input", "code")
    changes.set("code", "code", await _free_code(uow, code, product.id))
    changes.set("name", "name", required_text(cmd.name, 200, "input", "name"))
    changes.set("unit", "unit", required_text(cmd.unit, 16, "input", "unit"))
    changes.set("listPrice", "list_price", money(cmd.list_price, "input", "listPrice"))
    await changes.apply(uow, cmd.expected_version)
    if changes.fields:
        uow.record(event_of(product, "UPDATED", changes.fields), actor.user_id)
    return product
