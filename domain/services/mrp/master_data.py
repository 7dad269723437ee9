"""MRP master data use cases (admins and planners): items, suppliers, supplier prices, BOM lines.

Every change is checked so that the stored master can always be planned (domain.mrp.master):
a negative quantity per is NEGATIVE_QUANTITY_PER; a line that would close a cycle is BOM_CYCLE
naming the items of the cycle, parent first; an item the engine would have no lead time for
(a MAKE item without one, a BUY item without one whose preferred supplier has none, also after
a supplier's lead time is cleared) is MISSING_LEAD_TIME naming the items. Nothing is written
when anything is refused. Each change is an event on the object's stream.
"""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, select

from domain.access import Actor
from domain.errors import DomainError, ErrorCode, refuse, refuse_if_any
from domain.mrp.access import may_edit_master_data
from domain.mrp.events import BomLineEvent, ItemEvent, SupplierEvent
from domain.mrp.master import (
    BomLineFacts,
    ItemFacts,
    ItemType,
    Procurement,
    bom_line_errors,
    cycle_message,
    find_cycle,
    item_errors,
)
from domain.mrp.model import LotRule, Strategy
from domain.services.partial_update import KEEP, Changes, required_text
from domain.services.pipeline import handles
from domain.store.tables import Product
from domain.store.tables.mrp import BomLine, Item, Supplier, SupplierPrice
from domain.store.uow import UnitOfWork

NAMED_AT_MOST = 10


@dataclass(frozen=True)
class ItemCreate:
    code: str
    name: str
    unit: str
    item_type: ItemType
    procurement: Procurement
    lot_rule: LotRule = LotRule.LOT_FOR_LOT
    lot_param: Decimal = Decimal(0)
    safety_stock: Decimal = Decimal(0)
    scrap_rate: Decimal = Decimal(0)
    strategy: Strategy = Strategy.MTS
    lead_days: int | None = None
    preferred_supplier_id: int | None = None
    product_id: int | None = None


@dataclass(frozen=True)
class ItemUpdate:
    """Only the fields given change (KEEP); None clears lead time, supplier or product."""

    item_id: int
    expected_version: int | None = None
    code: object = KEEP
    name: object = KEEP
    unit: object = KEEP
    item_type: object = KEEP
    procurement: object = KEEP
    lot_rule: object = KEEP
    lot_param: object = KEEP
    safety_stock: object = KEEP
    scrap_rate: object = KEEP
    strategy: object = KEEP
    lead_days: object = KEEP
    preferred_supplier_id: object = KEEP
    product_id: object = KEEP


@dataclass(frozen=True)
class SupplierCreate:
    code: str
    name: str
    lead_days: int | None = None
    minimum_order: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class SupplierUpdate:
    supplier_id: int
    expected_version: int | None = None
    code: object = KEEP
    name: object = KEEP
    lead_days: object = KEEP
    minimum_order: object = KEEP


@dataclass(frozen=True)
class SupplierPriceSet:
    """The supplier's price per unit of the item; None removes it."""

    supplier_id: int
    item_id: int
    unit_price: Decimal | None


@dataclass(frozen=True)
class BomLineAdd:
    parent_item_id: int
    component_item_id: int
    quantity_per: Decimal
    scrap_rate: Decimal = Decimal(0)
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True)
class BomLineUpdate:
    line_id: int
    expected_version: int | None = None
    quantity_per: object = KEEP
    scrap_rate: object = KEEP
    valid_from: object = KEEP
    valid_to: object = KEEP


@dataclass(frozen=True)
class BomLineRemove:
    line_id: int
    expected_version: int | None = None


def _may_edit(actor: Actor) -> None:
    if not may_edit_master_data(actor):
        raise refuse(ErrorCode.FORBIDDEN, "only admins and planners keep MRP master data", "input")


def _named(codes: list[str]) -> str:
    more = len(codes) - NAMED_AT_MOST
    return ", ".join(codes[:NAMED_AT_MOST]) + (f" and {more} more" if more > 0 else "")


async def _free_code(uow: UnitOfWork, model, code, own_id: int | None):
    if code is KEEP:
        return KEEP
    taken = await uow.session.scalar(select(model.id).where(model.code == code))
    if taken is not None and taken != own_id:
        raise refuse(ErrorCode.DUPLICATE, "this code is taken", "input", "code")
    return code


def _lead(value, *field: str):
    if value is KEEP or value is None:
        return value
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3650:
        raise refuse(ErrorCode.INVALID, "a lead time is 0 to 3650 days", *field)
    return value


async def _supplier_lead_days(uow: UnitOfWork, supplier_id: int | None) -> int | None:
    if supplier_id is None:
        return None
    supplier = await uow.session.get(Supplier, supplier_id)
    if supplier is None:
        raise refuse(ErrorCode.NOT_FOUND, "no such supplier", "input", "preferredSupplierId")
    return supplier.lead_days


async def _check_product(uow: UnitOfWork, product_id, item_id: int | None) -> None:
    if product_id is KEEP or product_id is None:
        return
    if await uow.session.get(Product, product_id) is None:
        raise refuse(ErrorCode.NOT_FOUND, "no such product", "input", "productId")
    taken = await uow.session.scalar(select(Item.id).where(Item.product_id == product_id))
    if taken is not None and taken != item_id:
        raise refuse(ErrorCode.DUPLICATE, "another item plans this product", "input", "productId")


def _facts(item: Item, supplier_lead_days: int | None) -> ItemFacts:
    return ItemFacts(
        procurement=Procurement(item.procurement),
        lead_days=item.lead_days,
        lot_rule=LotRule(item.lot_rule),
        lot_param=item.lot_param,
        safety_stock=item.safety_stock,
        scrap_rate=item.scrap_rate,
        supplier_lead_days=supplier_lead_days,
    )


def item_event(item: Item, action: str, changes=()) -> ItemEvent:
    return ItemEvent(document_id=item.id, action=action, code=item.code, changes=tuple(changes))


@handles(ItemCreate)
async def create_item(cmd: ItemCreate, actor: Actor, uow: UnitOfWork) -> Item:
    """A new item; refused when it could not be planned as given."""
    _may_edit(actor)
    code = await _free_code(uow, Item, required_text(cmd.code, 32, "input", "code"), None)
    await _check_product(uow, cmd.product_id, None)
    item = Item(
        code=code,
        name=required_text(cmd.name, 200, "input", "name"),
        unit=required_text(cmd.unit, 16, "input", "unit"),
        item_type=cmd.item_type,
        procurement=cmd.procurement,
        product_id=cmd.product_id,
        lead_days=_lead(cmd.lead_days, "input", "leadDays"),
        lot_rule=cmd.lot_rule,
        lot_param=cmd.lot_param,
        safety_stock=cmd.safety_stock,
        scrap_rate=cmd.scrap_rate,
        strategy=cmd.strategy,
        preferred_supplier_id=cmd.preferred_supplier_id,
    )
    supplier_lead = await _supplier_lead_days(uow, cmd.preferred_supplier_id)
    refuse_if_any(item_errors(_facts(item, supplier_lead), "input"))
    uow.session.add(item)
    await uow.session.flush()
    uow.record(item_event(item, "CREATED"), actor.user_id)
    return item


ITEM_FIELDS = (  # (input name, attribute)
    ("itemType", "item_type"),
    ("procurement", "procurement"),
    ("lotRule", "lot_rule"),
    ("lotParameter", "lot_param"),
    ("safetyStock", "safety_stock"),
    ("scrapRate", "scrap_rate"),
    ("strategy", "strategy"),
    ("preferredSupplierId", "preferred_supplier_id"),
    ("productId", "product_id"),
)


@handles(ItemUpdate)
async def update_item(cmd: ItemUpdate, actor: Actor, uow: UnitOfWork) -> Item:
    """Change the given fields; refused when the item could no longer be planned."""
    _may_edit(actor)
    item = await uow.session.get(Item, cmd.item_id, with_for_update=True)
    if item is None:
        raise refuse(ErrorCode.NOT_FOUND, "no such item", "input", "id")
    changes = Changes(item)
    code = required_text(cmd.code, 32, "input", "code")
    changes.set("code", "code", await _free_code(uow, Item, code, item.id))
    changes.set("name", "name", required_text(cmd.name, 200, "input", "name"))
    changes.set("unit", "unit", required_text(cmd.unit, 16, "input", "unit"))
    changes.set("leadDays", "lead_days", _lead(cmd.lead_days, "input", "leadDays"))
    for input_name, attribute in ITEM_FIELDS:
        changes.set(input_name, attribute, getattr(cmd, attribute))
    await _check_product(uow, cmd.product_id, item.id)
    merged = replace(
        _facts(item, None),
        **{
            name: changes.values[attribute]
            for name, attribute in (
                ("procurement", "procurement"),
                ("lead_days", "lead_days"),
                ("lot_rule", "lot_rule"),
                ("lot_param", "lot_param"),
                ("safety_stock", "safety_stock"),
                ("scrap_rate", "scrap_rate"),
            )
            if attribute in changes.values
        },
    )
    supplier = changes.values.get("preferred_supplier_id", item.preferred_supplier_id)
    merged = replace(merged, supplier_lead_days=await _supplier_lead_days(uow, supplier))
    refuse_if_any(item_errors(merged, "input"))
    await changes.apply(uow, cmd.expected_version)
    if changes.fields:
        uow.record(item_event(item, "UPDATED", changes.fields), actor.user_id)
    return item


def _minimum_order(value, *field: str):
    if value is KEEP:
        return KEEP
    if (
        value is None
        or not value.is_finite()
        or value < 0
        or value != value.quantize(Decimal("0.01"))
    ):
        raise refuse(
            ErrorCode.INVALID, "a minimum order value is ≥ 0 with at most 2 decimals", *field
        )
    return value


def supplier_event(supplier: Supplier, action: str, changes=(), item_id=None) -> SupplierEvent:
    return SupplierEvent(
        document_id=supplier.id,
        action=action,
        code=supplier.code,
        changes=tuple(changes),
        item_id=item_id,
    )


@handles(SupplierCreate)
async def create_supplier(cmd: SupplierCreate, actor: Actor, uow: UnitOfWork) -> Supplier:
    _may_edit(actor)
    supplier = Supplier(
        code=await _free_code(uow, Supplier, required_text(cmd.code, 32, "input", "code"), None),
        name=required_text(cmd.name, 200, "input", "name"),
        lead_days=_lead(cmd.lead_days, "input", "leadDays"),
        minimum_order=_minimum_order(cmd.minimum_order, "input", "minimumOrder"),
    )
    uow.session.add(supplier)
    await uow.session.flush()
    uow.record(supplier_event(supplier, "CREATED"), actor.user_id)
    return supplier


@handles(SupplierUpdate)
async def update_supplier(cmd: SupplierUpdate, actor: Actor, uow: UnitOfWork) -> Supplier:
    """Change the given fields; clearing the lead time is refused while a BUY item without one
    of its own prefers this supplier."""
    _may_edit(actor)
    supplier = await uow.session.get(Supplier, cmd.supplier_id, with_for_update=True)
    if supplier is None:
        raise refuse(ErrorCode.NOT_FOUND, "no such supplier", "input", "id")
    changes = Changes(supplier)
    code = required_text(cmd.code, 32, "input", "code")
    changes.set("code", "code", await _free_code(uow, Supplier, code, supplier.id))
    changes.set("name", "name", required_text(cmd.name, 200, "input", "name"))
    changes.set("leadDays", "lead_days", _lead(cmd.lead_days, "input", "leadDays"))
    minimum = _minimum_order(cmd.minimum_order, "input", "minimumOrder")
    changes.set("minimumOrder", "minimum_order", minimum)
    if changes.values.get("lead_days", supplier.lead_days) is None:
        relying = list(
            (
                await uow.session.execute(
                    select(Item.code)
                    .where(
                        Item.preferred_supplier_id == supplier.id,
                        Item.lead_days.is_(None),
                        Item.procurement == Procurement.BUY,
                    )
                    .order_by(Item.code)
                )
            ).scalars()
        )
        if relying:
            raise refuse(
                ErrorCode.MISSING_LEAD_TIME,
                "these items take their lead time from this supplier: " + _named(relying),
                "input",
                "leadDays",
            )
    await changes.apply(uow, cmd.expected_version)
    if changes.fields:
        uow.record(supplier_event(supplier, "UPDATED", changes.fields), actor.user_id)
    return supplier


@handles(SupplierPriceSet)
async def set_supplier_price(cmd: SupplierPriceSet, actor: Actor, uow: UnitOfWork) -> Supplier:
    """Set (or, with no price, remove) what the supplier charges per unit of the item."""
    _may_edit(actor)
    supplier = await uow.session.get(Supplier, cmd.supplier_id, with_for_update=True)
    if supplier is None:
        raise refuse(ErrorCode.NOT_FOUND, "no such supplier", "input", "supplierId")
    if await uow.session.get(Item, cmd.item_id) is None:
        raise refuse(ErrorCode.NOT_FOUND, "no such item", "input", "itemId")
    price = cmd.unit_price
    existing = await uow.session.get(SupplierPrice, (cmd.supplier_id, cmd.item_id))
    if price is None:
        if existing is not None:
            await uow.session.execute(
                delete(SupplierPrice).where(
                    SupplierPrice.supplier_id == cmd.supplier_id,
                    SupplierPrice.item_id == cmd.item_id,
                )
            )
        action = "PRICE_REMOVED"
    else:
        if not price.is_finite() or price < 0 or price != price.quantize(Decimal("0.0001")):
            raise refuse(
                ErrorCode.INVALID,
                "a unit price is ≥ 0 with at most 4 decimals",
                "input",
                "unitPrice",
            )
        if existing is None:
            uow.session.add(
                SupplierPrice(supplier_id=cmd.supplier_id, item_id=cmd.item_id, unit_price=price)
            )
        else:
            existing.unit_price = price
        action = "PRICE_SET"
    await uow.change(supplier, None)
    uow.record(supplier_event(supplier, action, item_id=cmd.item_id), actor.user_id)
    return supplier


async def _check_no_cycle(uow: UnitOfWork, parent_id: int, component_id: int) -> None:
    edges = (
        await uow.session.execute(select(BomLine.parent_item_id, BomLine.component_item_id))
    ).all()
    cycle = find_cycle([*map(tuple, edges), (parent_id, component_id)])
    if cycle is None:
        return
    codes = dict(
        (await uow.session.execute(select(Item.id, Item.code).where(Item.id.in_(cycle)))).all()
    )
    raise refuse(
        ErrorCode.BOM_CYCLE, cycle_message([codes[i] for i in cycle]), "input", "componentId"
    )


def line_event(line: BomLine, action: str, changes=()) -> BomLineEvent:
    return BomLineEvent(
        document_id=line.id,
        action=action,
        parent_item_id=line.parent_item_id,
        component_item_id=line.component_item_id,
        changes=tuple(changes),
    )


def _line_errors(facts: BomLineFacts) -> list[DomainError]:
    return bom_line_errors(facts, "input")


@handles(BomLineAdd)
async def add_bom_line(cmd: BomLineAdd, actor: Actor, uow: UnitOfWork) -> BomLine:
    """`quantity_per` of the component into each unit of the parent; refused if negative, or
    if the component is (through other lines) already a parent of the parent."""
    _may_edit(actor)
    for item_id, field in (
        (cmd.parent_item_id, "parentItemId"),
        (cmd.component_item_id, "componentItemId"),
    ):
        if await uow.session.get(Item, item_id) is None:
            raise refuse(ErrorCode.NOT_FOUND, "no such item", "input", field)
    facts = BomLineFacts(
        cmd.parent_item_id,
        cmd.component_item_id,
        cmd.quantity_per,
        cmd.scrap_rate,
        cmd.valid_from,
        cmd.valid_to,
    )
    refuse_if_any(_line_errors(facts))
    await _check_no_cycle(uow, cmd.parent_item_id, cmd.component_item_id)
    line = BomLine(
        parent_item_id=cmd.parent_item_id,
        component_item_id=cmd.component_item_id,
        quantity_per=cmd.quantity_per,
        scrap_rate=cmd.scrap_rate,
        valid_from=cmd.valid_from,
        valid_to=cmd.valid_to,
    )
    uow.session.add(line)
    await uow.session.flush()
    uow.record(line_event(line, "ADDED"), actor.user_id)
    return line


async def _locked_line(uow: UnitOfWork, line_id: int) -> BomLine:
    line = await uow.session.get(BomLine, line_id, with_for_update=True)
    if line is None:
        raise refuse(ErrorCode.NOT_FOUND, "no such BOM line", "input", "id")
    return line


@handles(BomLineUpdate)
async def update_bom_line(cmd: BomLineUpdate, actor: Actor, uow: UnitOfWork) -> BomLine:
    _may_edit(actor)
    line = await _locked_line(uow, cmd.line_id)
    changes = Changes(line)
    for input_name, attribute in (
        ("quantityPer", "quantity_per"),
        ("scrapRate", "scrap_rate"),
        ("validFrom", "valid_from"),
        ("validTo", "valid_to"),
    ):
        changes.set(input_name, attribute, getattr(cmd, attribute))
    merged = BomLineFacts(
        line.parent_item_id,
        line.component_item_id,
        changes.values.get("quantity_per", line.quantity_per),
        changes.values.get("scrap_rate", line.scrap_rate),
        changes.values.get("valid_from", line.valid_from),
        changes.values.get("valid_to", line.valid_to),
    )
    refuse_if_any(_line_errors(merged))
    await changes.apply(uow, cmd.expected_version)
    if changes.fields:
        uow.record(line_event(line, "UPDATED", changes.fields), actor.user_id)
    return line


@handles(BomLineRemove)
async def remove_bom_line(cmd: BomLineRemove, actor: Actor, uow: UnitOfWork) -> BomLine:
    """Delete the line (runs already made keep their own copy of what it meant)."""
    _may_edit(actor)
    line = await _locked_line(uow, cmd.line_id)
    await uow.change(line, cmd.expected_version)  # CONFLICT on a stale version
    uow.record(line_event(line, "REMOVED"), actor.user_id)
    await uow.session.delete(line)
    await uow.session.flush()
    return line
