"""MRP master data of the demo: suppliers, items and a multi-level BOM for every demo product.

Finished goods → sub-assemblies → parts → raw materials, 4 to 6 levels deep (the gearbox:
gearbox → gear train → gear set → machined gear → forged blank → steel billet). Some parts serve
several products and several levels (bearings, bolts, the steel coupling, which is also a
product of its own), lot rules of every kind, safety stock, scrap, MTS and MTO products. Products
beyond the first ten (demo scale > 1) are built like the product they are a version of.
"""

from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.mrp.master import ItemType, Procurement
from domain.mrp.model import LotRule, Strategy
from domain.store.tables import Product
from domain.store.tables.mrp import BomLine, Item, Supplier, SupplierPrice

L4L, FIXED, MINIMUM, MULTIPLE, PERIODS = (
    LotRule.LOT_FOR_LOT,
    LotRule.FIXED,
    LotRule.MINIMUM,
    LotRule.MULTIPLE,
    LotRule.PERIODS_OF_SUPPLY,
)

SUPPLIERS = [  # code, name, lead days, minimum order value
    ("SUP-STEEL", "Anshan Steel Trading", 21, "5000.00"),
    ("SUP-BEAR", "Wuxi Bearing Co.", 14, "1000.00"),
    ("SUP-SEAL", "Ningbo Seals & Gaskets", 10, "500.00"),
    ("SUP-MOTOR", "Jiangsu Motor Works", 28, "8000.00"),
    ("SUP-ELEC", "Shanghai Electronics Supply", 35, "2000.00"),
    ("SUP-PACK", "Hangzhou Packaging", 7, "300.00"),
    ("SUP-CAST", "Taiyuan Foundry", 30, "10000.00"),
]

# Parts and materials: code, name, unit, type, make/buy, lead days (None: the supplier's),
# lot rule, lot parameter, safety stock, scrap rate, supplier code, unit price.
# fmt: off
PARTS = [
    # raw materials and bought parts
    ("RM-CI", "Cast iron GG25", "kg", "RAW", "BUY", None, MULTIPLE, "500", "800", "0", "SUP-STEEL", "6.80"),
    ("RM-42CR", "Steel bar 42CrMo4 Ø40", "kg", "RAW", "BUY", None, MINIMUM, "1000", "500", "0", "SUP-STEEL", "9.50"),
    ("RM-BILLET", "Steel billet 20MnCr5", "kg", "RAW", "BUY", None, MULTIPLE, "1000", "1000", "0", "SUP-STEEL", "8.20"),
    ("RM-SHEET", "Steel sheet 2 mm", "kg", "RAW", "BUY", None, PERIODS, "4", "300", "0", "SUP-STEEL", "7.10"),
    ("RM-RUBBER", "Rubber compound NBR", "kg", "RAW", "BUY", None, MINIMUM, "200", "50", "0", "SUP-SEAL", "22.00"),
    ("RM-OIL", "Base oil ISO VG 46", "l", "RAW", "BUY", None, FIXED, "1000", "500", "0", "SUP-PACK", "3.40"),
    ("RM-ADD", "Additive package AW", "kg", "RAW", "BUY", None, MULTIPLE, "25", "25", "0", "SUP-PACK", "41.00"),
    ("RM-MEDIA", "Filter media cellulose", "m2", "RAW", "BUY", None, PERIODS, "4", "200", "0", "SUP-PACK", "2.60"),
    ("RM-PCB", "Sensor PCB blank", "pcs", "RAW", "BUY", None, MULTIPLE, "100", "50", "0", "SUP-ELEC", "14.00"),
    ("RM-CHIP", "Hall sensor IC", "pcs", "RAW", "BUY", None, MULTIPLE, "250", "200", "0", "SUP-ELEC", "3.90"),
    ("RM-FABRIC", "Polyester belt fabric", "m", "RAW", "BUY", None, MINIMUM, "500", "100", "0", "SUP-SEAL", "11.50"),
    ("BP-6205", "Bearing 6205-2RS", "pcs", "RAW", "BUY", None, MULTIPLE, "100", "200", "0", "SUP-BEAR", "4.20"),
    ("BP-6308", "Bearing 6308-ZZ", "pcs", "RAW", "BUY", None, MULTIPLE, "50", "60", "0", "SUP-BEAR", "12.80"),
    ("BP-BOLT8", "Bolt M8x25 8.8", "pcs", "RAW", "BUY", None, MULTIPLE, "1000", "2000", "0", "SUP-PACK", "0.12"),
    ("BP-MOTOR", "Electric motor 2.2 kW", "pcs", "RAW", "BUY", None, L4L, "0", "10", "0", "SUP-MOTOR", "640.00"),
    ("BP-CABLE", "Sensor cable 2 m", "pcs", "RAW", "BUY", None, MULTIPLE, "100", "50", "0", "SUP-ELEC", "2.30"),
    ("BP-BOX", "Carton box", "pcs", "RAW", "BUY", None, MULTIPLE, "200", "100", "0", "SUP-PACK", "1.10"),
    ("BP-DRUM", "Oil drum 20 l", "pcs", "RAW", "BUY", None, MULTIPLE, "50", "20", "0", "SUP-PACK", "4.60"),
    ("BP-HOUSCAST", "Housing casting (bought raw)", "pcs", "RAW", "BUY", None, FIXED, "40", "10", "0", "SUP-CAST", "85.00"),
    # made parts and sub-assemblies
    ("SF-HOUSING", "Machined pump housing", "pcs", "SEMI_FINISHED", "MAKE", 5, L4L, "0", "5", "0.020", None, None),
    ("SF-SHAFT", "Gear shaft", "pcs", "SEMI_FINISHED", "MAKE", 4, MULTIPLE, "20", "10", "0.010", None, None),
    ("SF-ROTOR", "Rotor group", "pcs", "SEMI_FINISHED", "MAKE", 3, L4L, "0", "0", "0", None, None),
    ("SF-PUMPHEAD", "Pump head assembly", "pcs", "SEMI_FINISHED", "MAKE", 3, L4L, "0", "0", "0", None, None),
    ("SF-SEALKIT", "Seal kit", "set", "SEMI_FINISHED", "MAKE", 2, FIXED, "100", "20", "0.030", None, None),
    ("SF-BLANK", "Forged gear blank", "pcs", "SEMI_FINISHED", "MAKE", 6, MINIMUM, "50", "0", "0.020", None, None),
    ("SF-GEAR", "Machined gear", "pcs", "SEMI_FINISHED", "MAKE", 5, L4L, "0", "10", "0.015", None, None),
    ("SF-GEARSET", "Gear set", "set", "SEMI_FINISHED", "MAKE", 2, L4L, "0", "0", "0", None, None),
    ("SF-GEARTRAIN", "Gear train assembly", "pcs", "SEMI_FINISHED", "MAKE", 3, L4L, "0", "0", "0", None, None),
    ("SF-GBHOUSING", "Gearbox housing", "pcs", "SEMI_FINISHED", "MAKE", 7, L4L, "0", "2", "0.020", None, None),
    ("SF-VALVEBODY", "Valve body", "pcs", "SEMI_FINISHED", "MAKE", 4, MULTIPLE, "10", "5", "0.010", None, None),
    ("SF-SPOOL", "Valve spool", "pcs", "SEMI_FINISHED", "MAKE", 3, MULTIPLE, "10", "5", "0.010", None, None),
    ("SF-HUB", "Coupling hub", "pcs", "SEMI_FINISHED", "MAKE", 2, MULTIPLE, "50", "20", "0.005", None, None),
    ("SF-BEARHOUS", "Bearing housing", "pcs", "SEMI_FINISHED", "MAKE", 3, MULTIPLE, "50", "20", "0.010", None, None),
    ("SF-BELT", "Belt carcass", "m", "SEMI_FINISHED", "MAKE", 2, MINIMUM, "100", "0", "0.020", None, None),
    ("SF-ELEMENT", "Filter element", "pcs", "SEMI_FINISHED", "MAKE", 1, MULTIPLE, "100", "50", "0.010", None, None),
    ("SF-OILBLEND", "Oil blend LX-46 (bulk)", "l", "SEMI_FINISHED", "MAKE", 1, L4L, "0", "0", "0.005", None, None),
    ("SF-SENSORPCB", "Populated sensor board", "pcs", "SEMI_FINISHED", "MAKE", 4, MULTIPLE, "50", "10", "0.020", None, None),
]
# fmt: on

# Finished goods, by position in domain.store.demo.PRODUCTS: lead days, lot rule and parameter,
# safety stock, strategy.
FINISHED = [
    (5, L4L, "0", "5", Strategy.MTS),  # Hydraulic pump HP-200
    (4, L4L, "0", "5", Strategy.MTS),  # Gear motor GM-75
    (3, MULTIPLE, "10", "10", Strategy.MTS),  # Control valve CV-40
    (2, MULTIPLE, "50", "40", Strategy.MTS),  # Steel coupling SC-12
    (2, MULTIPLE, "100", "50", Strategy.MTS),  # Bearing unit BU-6205
    (2, MINIMUM, "200", "0", Strategy.MTS),  # Conveyor belt CB-800
    (10, L4L, "0", "0", Strategy.MTO),  # Industrial gearbox IG-3
    (1, FIXED, "500", "100", Strategy.MTS),  # Filter cartridge FC-10
    (1, FIXED, "400", "100", Strategy.MTS),  # Lubricant LX-46
    (3, PERIODS, "2", "5", Strategy.MTS),  # Sensor kit SK-1
]

# BOM lines: parent (an item code, or "#k" for the k-th demo product), component, quantity per,
# line scrap rate.
BOM = [
    # Hydraulic pump HP-200: 5 levels (pump → pump head → housing → casting; rotor → shaft → bar)
    ("#0", "SF-PUMPHEAD", "1", "0"),
    ("#0", "BP-MOTOR", "1", "0"),
    ("#0", "#3", "1", "0"),  # the steel coupling, a product of its own
    ("#0", "BP-BOLT8", "8", "0.020"),
    ("#0", "BP-BOX", "1", "0"),
    ("SF-PUMPHEAD", "SF-HOUSING", "1", "0"),
    ("SF-PUMPHEAD", "SF-ROTOR", "1", "0"),
    ("SF-PUMPHEAD", "SF-SEALKIT", "1", "0"),
    ("SF-HOUSING", "BP-HOUSCAST", "1", "0"),
    ("SF-ROTOR", "SF-SHAFT", "2", "0"),
    ("SF-ROTOR", "BP-6205", "2", "0"),
    ("SF-SHAFT", "RM-42CR", "1.250", "0"),
    ("SF-SEALKIT", "RM-RUBBER", "0.150", "0.050"),
    # Gear motor GM-75: 5 levels
    ("#1", "SF-GEARTRAIN", "1", "0"),
    ("#1", "BP-MOTOR", "1", "0"),
    ("#1", "#4", "1", "0"),  # a bearing unit
    ("#1", "BP-BOLT8", "6", "0.020"),
    ("#1", "BP-BOX", "1", "0"),
    # Control valve CV-40: 4 levels
    ("#2", "SF-VALVEBODY", "1", "0"),
    ("#2", "SF-SPOOL", "1", "0"),
    ("#2", "SF-SEALKIT", "1", "0"),
    ("#2", "BP-BOLT8", "4", "0"),
    ("SF-VALVEBODY", "RM-CI", "3.200", "0"),
    ("SF-SPOOL", "RM-42CR", "0.450", "0"),
    # Steel coupling SC-12: 3 levels of its own, 4 inside the pump
    ("#3", "SF-HUB", "2", "0"),
    ("#3", "RM-RUBBER", "0.080", "0.050"),
    ("#3", "BP-BOLT8", "4", "0"),
    ("SF-HUB", "RM-42CR", "0.600", "0"),
    # Bearing unit BU-6205
    ("#4", "SF-BEARHOUS", "1", "0"),
    ("#4", "BP-6205", "1", "0"),
    ("SF-BEARHOUS", "RM-CI", "0.900", "0"),
    # Conveyor belt CB-800 (per metre)
    ("#5", "SF-BELT", "1", "0"),
    ("SF-BELT", "RM-FABRIC", "1.050", "0"),
    ("SF-BELT", "RM-RUBBER", "1.800", "0.030"),
    # Industrial gearbox IG-3: 6 levels (gearbox → gear train → gear set → gear → blank → billet)
    ("#6", "SF-GEARTRAIN", "2", "0"),
    ("#6", "SF-GBHOUSING", "1", "0"),
    ("#6", "BP-6308", "4", "0"),
    ("#6", "SF-SEALKIT", "2", "0"),
    ("#6", "BP-BOLT8", "16", "0.020"),
    ("SF-GEARTRAIN", "SF-GEARSET", "1", "0"),
    ("SF-GEARTRAIN", "SF-SHAFT", "1", "0"),
    ("SF-GEARTRAIN", "BP-6205", "2", "0"),
    ("SF-GEARSET", "SF-GEAR", "3", "0"),
    ("SF-GEAR", "SF-BLANK", "1", "0"),
    ("SF-BLANK", "RM-BILLET", "2.400", "0.040"),
    ("SF-GBHOUSING", "RM-CI", "42", "0"),
    # Filter cartridge FC-10
    ("#7", "SF-ELEMENT", "1", "0"),
    ("#7", "RM-SHEET", "0.350", "0.050"),
    ("SF-ELEMENT", "RM-MEDIA", "0.600", "0.020"),
    # Lubricant LX-46 (per kg)
    ("#8", "SF-OILBLEND", "1.150", "0"),
    ("#8", "BP-DRUM", "0.050", "0"),
    ("SF-OILBLEND", "RM-OIL", "0.970", "0"),
    ("SF-OILBLEND", "RM-ADD", "0.030", "0"),
    # Sensor kit SK-1
    ("#9", "SF-SENSORPCB", "2", "0"),
    ("#9", "BP-CABLE", "2", "0"),
    ("#9", "BP-BOX", "1", "0"),
    ("SF-SENSORPCB", "RM-PCB", "1", "0.020"),
    ("SF-SENSORPCB", "RM-CHIP", "3", "0.010"),
]


async def _insert(session: AsyncSession, table, rows: list[dict]) -> list[int]:
    if not rows:
        return []
    result = await session.execute(insert(table).returning(table.id), rows)
    return list(result.scalars())


async def load_demo_mrp(session: AsyncSession) -> int:
    """Add the demo's suppliers, items, prices and BOM to the demo products; returns the number
    of BOM lines."""
    products = (
        await session.execute(
            select(Product.id, Product.code, Product.name, Product.unit).order_by(Product.id)
        )
    ).all()
    supplier_ids = dict(
        zip(
            [s[0] for s in SUPPLIERS],
            await _insert(
                session,
                Supplier,
                [
                    {"code": c, "name": n, "lead_days": d, "minimum_order": Decimal(m)}
                    for c, n, d, m in SUPPLIERS
                ],
            ),
            strict=True,
        )
    )
    part_rows = [
        {
            "code": code,
            "name": name,
            "unit": unit,
            "item_type": ItemType(kind),
            "procurement": Procurement(how),
            "lead_days": lead,
            "lot_rule": rule,
            "lot_param": Decimal(param),
            "safety_stock": Decimal(safety),
            "scrap_rate": Decimal(scrap),
            "strategy": Strategy.MTS,
            "preferred_supplier_id": supplier_ids[supplier] if supplier else None,
        }
        for code, name, unit, kind, how, lead, rule, param, safety, scrap, supplier, _ in PARTS
    ]
    finished_rows = []
    for k, product in enumerate(products):
        lead, rule, param, safety, strategy = FINISHED[k % len(FINISHED)]
        finished_rows.append(
            {
                "code": f"FG-{product.code}",
                "name": product.name,
                "unit": product.unit,
                "item_type": ItemType.FINISHED,
                "procurement": Procurement.MAKE,
                "product_id": product.id,
                "lead_days": lead,
                "lot_rule": rule,
                "lot_param": Decimal(param),
                "safety_stock": Decimal(safety),
                "scrap_rate": Decimal("0"),
                "strategy": strategy,
                "preferred_supplier_id": None,
            }
        )
    item_of = dict(
        zip([r["code"] for r in part_rows], await _insert(session, Item, part_rows), strict=True)
    )
    finished = await _insert(session, Item, finished_rows)
    prices = [
        {
            "supplier_id": supplier_ids[supplier],
            "item_id": item_of[code],
            "unit_price": Decimal(price),
        }
        for code, *_, supplier, price in PARTS
        if supplier
    ]
    await session.execute(insert(SupplierPrice), prices)

    def item(ref: str, version: int) -> int:
        if not ref.startswith("#"):
            return item_of[ref]
        k = int(ref[1:]) + version * len(FINISHED)
        return finished[k] if k < len(finished) else finished[int(ref[1:])]

    lines = []
    for version in range((len(finished) + len(FINISHED) - 1) // len(FINISHED)):
        for parent, component, quantity, scrap in BOM:
            k = int(parent[1:]) + version * len(FINISHED) if parent.startswith("#") else None
            if version and (k is None or k >= len(finished)):
                continue  # parts' own lines once; later versions add only their products' lines
            lines.append(
                {
                    "parent_item_id": item(parent, version),
                    "component_item_id": item(component, version),
                    "quantity_per": Decimal(quantity),
                    "scrap_rate": Decimal(scrap),
                }
            )
    await _insert(session, BomLine, lines)
    return len(lines)
