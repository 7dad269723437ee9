"""MRP master data: items (products, semi-finished parts, raw materials), suppliers with their
prices, and BOM lines. Staff read them; admins and planners change them (api/mutations/mrp)."""

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.ids import to_global_id
from api.pagination import After, Before, Connection, First, Last, PageLimits, PageRequest
from api.types.catalogue import Product
from api.types.enums import described_enum
from api.types.errors import UserError
from api.types.node import Node
from domain.mrp.master import ItemType, Procurement
from domain.mrp.model import LotRule, Strategy

MASTER_PAGES = PageLimits(default=50, maximum=100)

ItemTypeEnum = described_enum(
    ItemType,
    name="ItemType",
    description="Where an item sits in the BOM.",
    values={
        ItemType.FINISHED: "A product the company sells (`product` is set).",
        ItemType.SEMI_FINISHED: "A sub-assembly or a part made in house.",
        ItemType.RAW: "A raw material or a bought part.",
    },
)
ProcurementEnum = described_enum(
    Procurement,
    name="Procurement",
    description="How an item is supplied.",
    values={
        Procurement.MAKE: "Made in house: MRP plans production orders with material issue.",
        Procurement.BUY: "Bought: MRP plans purchases from the preferred supplier.",
    },
)
LotRuleEnum = described_enum(
    LotRule,
    name="LotRule",
    description="How a net requirement becomes planned orders; `lotParameter` is the rule's "
    "quantity (or number of buckets for PERIODS_OF_SUPPLY).",
    values={
        LotRule.LOT_FOR_LOT: "Order exactly the net requirement; the parameter is ignored.",
        LotRule.FIXED: "Orders of exactly the parameter's quantity, as many as needed.",
        LotRule.MINIMUM: "One order of the net requirement, at least the parameter's quantity.",
        LotRule.MULTIPLE: "One order of the net requirement rounded up to a multiple of the "
        "parameter.",
        LotRule.PERIODS_OF_SUPPLY: "One order covering the net requirements of the next "
        "`lotParameter` buckets (a whole number, 1 to 104).",
    },
)
StrategyEnum = described_enum(
    Strategy,
    name="PlanningStrategy",
    description="Which independent demand MRP plans an item for.",
    values={
        Strategy.MTS: "Make to stock: per bucket the larger of the forecast and booked orders.",
        Strategy.MTO: "Make to order: booked orders only.",
    },
)


@strawberry.type(description="Why an MRP master-data action was refused.")
class MasterDataError(UserError):
    pass


@strawberry.type(description="Who items are bought from.")
class Supplier(Node):
    pk: strawberry.Private[int]
    code: str = strawberry.field(description="Supplier code, unique.")
    name: str = strawberry.field(description="Supplier name.")
    lead_days: int | None = strawberry.field(
        description="Purchase lead time in days: order date to receipt. BUY items without a "
        "lead time of their own take it."
    )
    minimum_order: Decimal = strawberry.field(
        description="Least value of one purchase order, company currency; 0: none."
    )
    version: int = strawberry.field(
        description="Raised by every change; send it as `expectedVersion` to avoid lost updates."
    )

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Supplier", self.pk))

    @classmethod
    def from_row(cls, row) -> "Supplier":
        return cls(
            pk=row.id,
            code=row.code,
            name=row.name,
            lead_days=row.lead_days,
            minimum_order=row.minimum_order,
            version=row.version,
        )

    @strawberry.field(
        description="What the supplier charges per item, by item. "
        + MASTER_PAGES.describe("Prices:")
    )
    async def prices(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection["SupplierPrice"]:
        page = PageRequest.of(MASTER_PAGES, first, after, last, before)
        return await info.context.loaders.mrp.prices.load(self.pk, page)


@strawberry.type(description="A supplier's price for one item.")
class SupplierPrice:
    item_pk: strawberry.Private[int]
    unit_price: Decimal = strawberry.field(description="Per unit of the item, 4 decimals.")

    @classmethod
    def from_row(cls, row) -> "SupplierPrice":
        return cls(item_pk=row.item_id, unit_price=row.unit_price)

    @strawberry.field(description="The item priced.")
    async def item(
        self, info: Info
    ) -> Annotated["Item", strawberry.lazy("api.types.mrp_master")] | None:
        return await info.context.loaders.mrp.item.load(self.item_pk)


@strawberry.type(
    description="Something MRP plans: a product, a semi-finished part or a raw material."
)
class Item(Node):
    pk: strawberry.Private[int]
    product_pk: strawberry.Private[int | None]
    supplier_pk: strawberry.Private[int | None]
    code: str = strawberry.field(description="Item code, unique.")
    name: str = strawberry.field(description="Item name.")
    unit: str = strawberry.field(description="Unit of measure of its quantities.")
    item_type: ItemTypeEnum = strawberry.field(description="Finished, semi-finished or raw.")
    procurement: ProcurementEnum = strawberry.field(description="Made or bought.")
    lead_days: int | None = strawberry.field(
        description="Days from release to receipt of a planned order; null for a BUY item that "
        "takes its preferred supplier's."
    )
    lot_rule: LotRuleEnum = strawberry.field(description="How planned orders are sized.")
    lot_parameter: Decimal = strawberry.field(
        description="The lot rule's quantity (3 decimals), or buckets for PERIODS_OF_SUPPLY."
    )
    safety_stock: Decimal = strawberry.field(
        description="Projected stock MRP keeps at the end of every bucket (3 decimals)."
    )
    scrap_rate: Decimal = strawberry.field(
        description="Share lost in making, 0 ≤ s < 1 (6 decimals): releases are grossed up."
    )
    strategy: StrategyEnum = strawberry.field(description="Make to stock or make to order.")
    version: int = strawberry.field(
        description="Raised by every change; send it as `expectedVersion` to avoid lost updates."
    )

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Item", self.pk))

    @classmethod
    def from_row(cls, row) -> "Item":
        return cls(
            pk=row.id,
            product_pk=row.product_id,
            supplier_pk=row.preferred_supplier_id,
            code=row.code,
            name=row.name,
            unit=row.unit,
            item_type=ItemType(row.item_type),
            procurement=Procurement(row.procurement),
            lead_days=row.lead_days,
            lot_rule=LotRule(row.lot_rule),
            lot_parameter=row.lot_param,
            safety_stock=row.safety_stock,
            scrap_rate=row.scrap_rate,
            strategy=Strategy(row.strategy),
            version=row.version,
        )

    @strawberry.field(description="The product sold, for finished goods; else null.")
    async def product(self, info: Info) -> Product | None:
        if self.product_pk is None:
            return None
        return await info.context.loaders.catalogue.product.load(self.product_pk)

    @strawberry.field(description="Who the item is bought from, if anyone.")
    async def preferred_supplier(self, info: Info) -> Supplier | None:
        if self.supplier_pk is None:
            return None
        return await info.context.loaders.mrp.supplier.load(self.supplier_pk)

    @strawberry.field(
        description="The item's BOM: what goes into one unit of it, by line. "
        + MASTER_PAGES.describe("Lines:")
    )
    async def components(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection["BomLine"]:
        page = PageRequest.of(MASTER_PAGES, first, after, last, before)
        return await info.context.loaders.mrp.components.load(self.pk, page)

    @strawberry.field(
        description="Where the item is used: the BOM lines naming it as component. "
        + MASTER_PAGES.describe("Lines:")
    )
    async def used_in(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection["BomLine"]:
        page = PageRequest.of(MASTER_PAGES, first, after, last, before)
        return await info.context.loaders.mrp.used_in.load(self.pk, page)


@strawberry.type(
    description="`quantityPer` of the component goes into one unit of the parent, plus "
    "`scrapRate` of it lost in assembly."
)
class BomLine(Node):
    pk: strawberry.Private[int]
    parent_pk: strawberry.Private[int]
    component_pk: strawberry.Private[int]
    quantity_per: Decimal = strawberry.field(description="Per unit of the parent, 6 decimals, ≥ 0.")
    scrap_rate: Decimal = strawberry.field(
        description="Share of the component lost in assembly, 0 ≤ s < 1 (6 decimals)."
    )
    valid_from: date | None = strawberry.field(
        description="First day parent orders released on it use the line; null: always."
    )
    valid_to: date | None = strawberry.field(
        description="From this day on the line no longer applies; null: never ends."
    )
    version: int = strawberry.field(
        description="Raised by every change; send it as `expectedVersion` to avoid lost updates."
    )

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("BomLine", self.pk))

    @classmethod
    def from_row(cls, row) -> "BomLine":
        return cls(
            pk=row.id,
            parent_pk=row.parent_item_id,
            component_pk=row.component_item_id,
            quantity_per=row.quantity_per,
            scrap_rate=row.scrap_rate,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            version=row.version,
        )

    @strawberry.field(description="The item made.")
    async def parent(self, info: Info) -> Item | None:
        return await info.context.loaders.mrp.item.load(self.parent_pk)

    @strawberry.field(description="The item that goes into it.")
    async def component(self, info: Info) -> Item | None:
        return await info.context.loaders.mrp.item.load(self.component_pk)


@strawberry.input(description="Which items.")
class ItemWhereInput:
    item_type: ItemTypeEnum | None = strawberry.field(
        default=None, description="Only items of this type."
    )
    procurement: ProcurementEnum | None = strawberry.field(
        default=None, description="Only made or only bought items."
    )
    code_starts_with: str | None = strawberry.field(
        default=None, description="Only items whose code starts with this text."
    )

    def key(self) -> tuple:
        return (
            self.item_type.value if self.item_type else None,
            self.procurement.value if self.procurement else None,
            self.code_starts_with,
        )
