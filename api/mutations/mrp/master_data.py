"""itemCreate, itemUpdate, supplierCreate, supplierUpdate, supplierPriceSet, bomLineAdd,
bomLineUpdate, bomLineRemove (admins and planners)."""

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.mutations.inputs import INPUT
from api.mutations.payloads import InputIds, refused, run
from api.types.mrp_master import (
    BomLine,
    Item,
    ItemTypeEnum,
    LotRuleEnum,
    MasterDataError,
    ProcurementEnum,
    StrategyEnum,
    Supplier,
)
from domain.mrp.model import LotRule, Strategy
from domain.services.mrp import master_data as md
from domain.services.partial_update import KEEP

ERRORS_HELP = "Why it was refused; empty on success."
VERSION_HELP = "Refuse with CONFLICT unless it is still at this version."


def given(value):
    return KEEP if value is strawberry.UNSET else value


@strawberry.input(description="A new item to plan.")
class ItemCreateInput:
    code: str = strawberry.field(description="Unique; 1–32 characters.")
    name: str = strawberry.field(description="1–200 characters.")
    unit: str = strawberry.field(description="Unit of measure, 1–16 characters.")
    item_type: ItemTypeEnum = strawberry.field(description="Finished, semi-finished or raw.")
    procurement: ProcurementEnum = strawberry.field(description="Made or bought.")
    lead_days: int | None = strawberry.field(
        default=None,
        description="0–3650 days; may be left out for a BUY item whose preferred supplier has "
        "a lead time (MISSING_LEAD_TIME otherwise).",
    )
    lot_rule: LotRuleEnum = strawberry.field(
        default=LotRule.LOT_FOR_LOT, description="How planned orders are sized."
    )
    lot_parameter: Decimal = strawberry.field(
        default=Decimal(0),
        description="The lot quantity (> 0, 3 decimals) or, for PERIODS_OF_SUPPLY, buckets "
        "(1–104); ignored by LOT_FOR_LOT.",
    )
    safety_stock: Decimal = strawberry.field(default=Decimal(0), description="≥ 0, 3 decimals.")
    scrap_rate: Decimal = strawberry.field(
        default=Decimal(0), description="Share lost in making, 0 ≤ s < 1, 6 decimals."
    )
    strategy: StrategyEnum = strawberry.field(
        default=Strategy.MTS, description="Make to stock or make to order."
    )
    preferred_supplier_id: strawberry.ID | None = strawberry.field(
        default=None, description="The Supplier it is bought from."
    )
    product_id: strawberry.ID | None = strawberry.field(
        default=None, description="The Product it is (finished goods); one item per product."
    )


@strawberry.input(description="Change an item: only the fields given change; null clears.")
class ItemUpdateInput:
    id: strawberry.ID = strawberry.field(description="The item.")
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)
    code: str | None = strawberry.field(default=strawberry.UNSET, description="1–32 characters.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="1–200 characters.")
    unit: str | None = strawberry.field(default=strawberry.UNSET, description="1–16 characters.")
    item_type: ItemTypeEnum | None = strawberry.field(
        default=strawberry.UNSET, description="Finished, semi-finished or raw."
    )
    procurement: ProcurementEnum | None = strawberry.field(
        default=strawberry.UNSET, description="Made or bought."
    )
    lead_days: int | None = strawberry.field(
        default=strawberry.UNSET, description="0–3650 days; null: take the supplier's (BUY)."
    )
    lot_rule: LotRuleEnum | None = strawberry.field(
        default=strawberry.UNSET, description="How planned orders are sized."
    )
    lot_parameter: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description="See ItemCreateInput.lotParameter."
    )
    safety_stock: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description="≥ 0, 3 decimals."
    )
    scrap_rate: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description="0 ≤ s < 1, 6 decimals."
    )
    strategy: StrategyEnum | None = strawberry.field(
        default=strawberry.UNSET, description="Make to stock or make to order."
    )
    preferred_supplier_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="The Supplier; null: none."
    )
    product_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="The Product it is; null: none."
    )


@strawberry.input(description="A new supplier.")
class SupplierCreateInput:
    code: str = strawberry.field(description="Unique; 1–32 characters.")
    name: str = strawberry.field(description="1–200 characters.")
    lead_days: int | None = strawberry.field(
        default=None, description="Purchase lead time, 0–3650 days."
    )
    minimum_order: Decimal = strawberry.field(
        default=Decimal("0.00"), description="Least value of one order, ≥ 0, 2 decimals."
    )


@strawberry.input(description="Change a supplier: only the fields given change.")
class SupplierUpdateInput:
    id: strawberry.ID = strawberry.field(description="The supplier.")
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)
    code: str | None = strawberry.field(default=strawberry.UNSET, description="1–32 characters.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="1–200 characters.")
    lead_days: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="0–3650 days; null is refused (MISSING_LEAD_TIME) while BUY items without "
        "their own lead time prefer this supplier.",
    )
    minimum_order: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description="≥ 0, 2 decimals."
    )


@strawberry.input(description="Set or remove what a supplier charges for an item.")
class SupplierPriceSetInput:
    supplier_id: strawberry.ID = strawberry.field(description="The supplier.")
    item_id: strawberry.ID = strawberry.field(description="The item.")
    unit_price: Decimal | None = strawberry.field(
        description="Per unit, ≥ 0, 4 decimals; null removes the price."
    )


@strawberry.input(description="A new BOM line.")
class BomLineAddInput:
    parent_id: strawberry.ID = strawberry.field(description="The Item made.")
    component_id: strawberry.ID = strawberry.field(description="The Item that goes into it.")
    quantity_per: Decimal = strawberry.field(
        description="Per unit of the parent, ≥ 0 (NEGATIVE_QUANTITY_PER), below 1000, 6 decimals."
    )
    scrap_rate: Decimal = strawberry.field(
        default=Decimal(0), description="Lost in assembly, 0 ≤ s < 1, 6 decimals."
    )
    valid_from: date | None = strawberry.field(default=None, description="First day it applies.")
    valid_to: date | None = strawberry.field(
        default=None, description="Day it stops applying (after validFrom)."
    )


@strawberry.input(description="Change a BOM line: only the fields given change.")
class BomLineUpdateInput:
    id: strawberry.ID = strawberry.field(description="The BOM line.")
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)
    quantity_per: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description="≥ 0, below 1000, 6 decimals."
    )
    scrap_rate: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description="0 ≤ s < 1, 6 decimals."
    )
    valid_from: date | None = strawberry.field(
        default=strawberry.UNSET, description="First day it applies; null: always."
    )
    valid_to: date | None = strawberry.field(
        default=strawberry.UNSET, description="Day it stops applying; null: never."
    )


@strawberry.input(description="Remove a BOM line.")
class BomLineRemoveInput:
    id: strawberry.ID = strawberry.field(description="The BOM line.")
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)


@strawberry.type(description="Result of itemCreate.")
class ItemCreatePayload:
    item: Item | None = strawberry.field(description="The item as committed; null when refused.")
    errors: list[MasterDataError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of itemUpdate.")
class ItemUpdatePayload:
    item: Item | None = strawberry.field(description="The item as committed; null when refused.")
    errors: list[MasterDataError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of supplierCreate.")
class SupplierCreatePayload:
    supplier: Supplier | None = strawberry.field(description="As committed; null when refused.")
    errors: list[MasterDataError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of supplierUpdate.")
class SupplierUpdatePayload:
    supplier: Supplier | None = strawberry.field(description="As committed; null when refused.")
    errors: list[MasterDataError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of supplierPriceSet.")
class SupplierPriceSetPayload:
    supplier: Supplier | None = strawberry.field(description="The supplier; null when refused.")
    errors: list[MasterDataError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of bomLineAdd.")
class BomLineAddPayload:
    bom_line: BomLine | None = strawberry.field(description="As committed; null when refused.")
    errors: list[MasterDataError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of bomLineUpdate.")
class BomLineUpdatePayload:
    bom_line: BomLine | None = strawberry.field(description="As committed; null when refused.")
    errors: list[MasterDataError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of bomLineRemove.")
class BomLineRemovePayload:
    removed_id: strawberry.ID | None = strawberry.field(
        description="The id of the removed line; null when refused."
    )
    errors: list[MasterDataError] = strawberry.field(description=ERRORS_HELP)


def items(loaders):
    return loaders.mrp.item


def suppliers(loaders):
    return loaders.mrp.supplier


def bom_lines(loaders):
    return loaders.mrp.bom_line


@strawberry.type
class MasterDataMutations:
    @strawberry.mutation(description="Create an item, by an admin or planner.")
    async def item_create(
        self, info: Info, input: Annotated[ItemCreateInput, INPUT]
    ) -> ItemCreatePayload:
        ids = InputIds()
        supplier = ids.optional(
            input.preferred_supplier_id, "Supplier", "supplier", "input", "preferredSupplierId"
        )
        product = ids.optional(input.product_id, "Product", "product", "input", "productId")
        if ids.errors:
            return refused(ItemCreatePayload, *ids.errors)
        command = md.ItemCreate(
            code=input.code,
            name=input.name,
            unit=input.unit,
            item_type=input.item_type,
            procurement=input.procurement,
            lead_days=input.lead_days,
            lot_rule=input.lot_rule,
            lot_param=input.lot_parameter,
            safety_stock=input.safety_stock,
            scrap_rate=input.scrap_rate,
            strategy=input.strategy,
            preferred_supplier_id=supplier,
            product_id=product,
        )
        return await run(info, ItemCreatePayload, command, items)

    @strawberry.mutation(
        description="Change an item, by an admin or planner; refused when it could no longer "
        "be planned (e.g. MISSING_LEAD_TIME)."
    )
    async def item_update(
        self, info: Info, input: Annotated[ItemUpdateInput, INPUT]
    ) -> ItemUpdatePayload:
        ids = InputIds()
        pk = ids.pk(input.id, "Item", "item", "input", "id")
        supplier = product = KEEP
        if input.preferred_supplier_id is not strawberry.UNSET:
            supplier = ids.optional(
                input.preferred_supplier_id, "Supplier", "supplier", "input", "preferredSupplierId"
            )
        if input.product_id is not strawberry.UNSET:
            product = ids.optional(input.product_id, "Product", "product", "input", "productId")
        if ids.errors:
            return refused(ItemUpdatePayload, *ids.errors)
        command = md.ItemUpdate(
            item_id=pk,
            expected_version=input.expected_version,
            code=given(input.code),
            name=given(input.name),
            unit=given(input.unit),
            item_type=given(input.item_type),
            procurement=given(input.procurement),
            lead_days=given(input.lead_days),
            lot_rule=given(input.lot_rule),
            lot_param=given(input.lot_parameter),
            safety_stock=given(input.safety_stock),
            scrap_rate=given(input.scrap_rate),
            strategy=given(input.strategy),
            preferred_supplier_id=supplier,
            product_id=product,
        )
        return await run(info, ItemUpdatePayload, command, items)

    @strawberry.mutation(description="Create a supplier, by an admin or planner.")
    async def supplier_create(
        self, info: Info, input: Annotated[SupplierCreateInput, INPUT]
    ) -> SupplierCreatePayload:
        command = md.SupplierCreate(
            code=input.code,
            name=input.name,
            lead_days=input.lead_days,
            minimum_order=input.minimum_order,
        )
        return await run(info, SupplierCreatePayload, command, suppliers)

    @strawberry.mutation(description="Change a supplier, by an admin or planner.")
    async def supplier_update(
        self, info: Info, input: Annotated[SupplierUpdateInput, INPUT]
    ) -> SupplierUpdatePayload:
        ids = InputIds()
        pk = ids.pk(input.id, "Supplier", "supplier", "input", "id")
        if ids.errors:
            return refused(SupplierUpdatePayload, *ids.errors)
        command = md.SupplierUpdate(
            supplier_id=pk,
            expected_version=input.expected_version,
            code=given(input.code),
            name=given(input.name),
            lead_days=given(input.lead_days),
            minimum_order=given(input.minimum_order),
        )
        return await run(info, SupplierUpdatePayload, command, suppliers)

    @strawberry.mutation(
        description="Set (or with a null price remove) a supplier's price for an item, by an "
        "admin or planner; raises the supplier's version."
    )
    async def supplier_price_set(
        self, info: Info, input: Annotated[SupplierPriceSetInput, INPUT]
    ) -> SupplierPriceSetPayload:
        ids = InputIds()
        supplier = ids.pk(input.supplier_id, "Supplier", "supplier", "input", "supplierId")
        item = ids.pk(input.item_id, "Item", "item", "input", "itemId")
        if ids.errors:
            return refused(SupplierPriceSetPayload, *ids.errors)
        command = md.SupplierPriceSet(supplier, item, input.unit_price)
        return await run(info, SupplierPriceSetPayload, command, suppliers)

    @strawberry.mutation(
        description="Add a BOM line, by an admin or planner; refused with BOM_CYCLE (naming the "
        "items) when the component already contains the parent."
    )
    async def bom_line_add(
        self, info: Info, input: Annotated[BomLineAddInput, INPUT]
    ) -> BomLineAddPayload:
        ids = InputIds()
        parent = ids.pk(input.parent_id, "Item", "item", "input", "parentId")
        component = ids.pk(input.component_id, "Item", "item", "input", "componentId")
        if ids.errors:
            return refused(BomLineAddPayload, *ids.errors)
        command = md.BomLineAdd(
            parent_item_id=parent,
            component_item_id=component,
            quantity_per=input.quantity_per,
            scrap_rate=input.scrap_rate,
            valid_from=input.valid_from,
            valid_to=input.valid_to,
        )
        return await run(info, BomLineAddPayload, command, bom_lines)

    @strawberry.mutation(description="Change a BOM line's quantity, scrap or validity.")
    async def bom_line_update(
        self, info: Info, input: Annotated[BomLineUpdateInput, INPUT]
    ) -> BomLineUpdatePayload:
        ids = InputIds()
        pk = ids.pk(input.id, "BomLine", "BOM line", "input", "id")
        if ids.errors:
            return refused(BomLineUpdatePayload, *ids.errors)
        command = md.BomLineUpdate(
            line_id=pk,
            expected_version=input.expected_version,
            quantity_per=given(input.quantity_per),
            scrap_rate=given(input.scrap_rate),
            valid_from=given(input.valid_from),
            valid_to=given(input.valid_to),
        )
        return await run(info, BomLineUpdatePayload, command, bom_lines)

    @strawberry.mutation(description="Remove a BOM line (runs made keep what it meant).")
    async def bom_line_remove(
        self, info: Info, input: Annotated[BomLineRemoveInput, INPUT]
    ) -> BomLineRemovePayload:
        ids = InputIds()
        pk = ids.pk(input.id, "BomLine", "BOM line", "input", "id")
        if ids.errors:
            return refused(BomLineRemovePayload, *ids.errors)
        command = md.BomLineRemove(line_id=pk, expected_version=input.expected_version)
        result = await info.context.use_cases.handle(command, info.context.viewer)
        if not result.ok:
            return refused(BomLineRemovePayload, *result.errors)
        return BomLineRemovePayload(removed_id=input.id, errors=[])
