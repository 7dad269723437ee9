"""MRP master data through the use cases: admins and planners keep items, suppliers, prices and
BOM lines; refusals name what is wrong and change nothing."""

from datetime import date
from decimal import Decimal

from domain.mrp.master import ItemType, Procurement
from domain.mrp.model import LotRule
from domain.services.mrp.master_data import (
    BomLineAdd,
    BomLineRemove,
    BomLineUpdate,
    ItemCreate,
    ItemUpdate,
    SupplierCreate,
    SupplierPriceSet,
    SupplierUpdate,
)
from tests.services.helpers import located


def raw(code: str = "RM-NEW", **changes) -> ItemCreate:
    values = dict(
        code=code,
        name="New material",
        unit="kg",
        item_type=ItemType.RAW,
        procurement=Procurement.BUY,
        lead_days=12,
        lot_rule=LotRule.MULTIPLE,
        lot_param=Decimal("25"),
        safety_stock=Decimal("10.5"),
    )
    values.update(changes)
    return ItemCreate(**values)


async def test_admins_and_planners_create_items_and_others_may_not(demo, services):
    item = await services.ok(raw(), "admin")
    assert (item.code, item.lot_rule, item.lot_param, item.safety_stock, item.version) == (
        "RM-NEW", LotRule.MULTIPLE, Decimal("25.000"), Decimal("10.500"), 1
    )  # fmt: skip
    made = await services.ok(
        raw("SF-NEW", item_type=ItemType.SEMI_FINISHED, procurement=Procurement.MAKE, lead_days=3),
        "planner",
    )
    assert made.procurement is Procurement.MAKE
    for login in ("sales", "manager", "vp", "partner"):
        assert await services.refused_codes(raw("RM-X"), login) == ["FORBIDDEN"]


async def test_an_item_without_any_lead_time_is_refused(demo, services):
    errors = await services.refused(raw(lead_days=None), "planner")
    assert located(errors) == [("MISSING_LEAD_TIME", ["input", "leadDays"])]
    # a BUY item may take its preferred supplier's lead time
    supplier = await services.by_code("supplier", "SUP-STEEL")
    item = await services.ok(raw(lead_days=None, preferred_supplier_id=supplier), "planner")
    assert item.lead_days is None


async def test_item_values_the_engine_cannot_plan_exactly_are_refused(demo, services):
    errors = await services.refused(
        raw(safety_stock=Decimal("-1"), scrap_rate=Decimal("1"), lot_param=Decimal("0")), "admin"
    )
    assert located(errors) == [
        ("INVALID", ["input", "safetyStock"]),
        ("INVALID", ["input", "scrapRate"]),
        ("INVALID", ["input", "lotParameter"]),
    ]
    assert await services.refused_codes(raw("RM-CI"), "admin") == ["DUPLICATE"]


async def test_an_item_update_changes_only_the_fields_given_and_checks_the_result(demo, services):
    item_id = await services.by_code("item", "SF-SHAFT")
    item = await services.ok(
        ItemUpdate(item_id, expected_version=1, lot_rule=LotRule.FIXED, lot_param=Decimal("40")),
        "planner",
    )
    assert (item.lot_rule, item.lot_param, item.lead_days, item.version) == (
        LotRule.FIXED, Decimal("40.000"), 4, 2
    )  # fmt: skip
    assert await services.refused_codes(ItemUpdate(item_id, expected_version=1), "planner") == [
        "CONFLICT"
    ]
    errors = await services.refused(ItemUpdate(item_id, lead_days=None), "planner")
    assert located(errors) == [("MISSING_LEAD_TIME", ["input", "leadDays"])]


async def test_a_supplier_keeps_its_lead_time_while_items_rely_on_it(demo, services):
    supplier = await services.by_code("supplier", "SUP-BEAR")
    errors = await services.refused(SupplierUpdate(supplier, lead_days=None), "admin")
    assert located(errors) == [("MISSING_LEAD_TIME", ["input", "leadDays"])]
    assert errors[0].message == (
        "these items take their lead time from this supplier: BP-6205, BP-6308"
    )
    updated = await services.ok(SupplierUpdate(supplier, lead_days=10), "admin")
    assert (updated.lead_days, updated.version) == (10, 2)


async def test_suppliers_are_created_and_price_items(demo, services):
    supplier = await services.ok(
        SupplierCreate("SUP-NEW", "New Metals Ltd", lead_days=9, minimum_order=Decimal("250.00")),
        "planner",
    )
    item_id = await services.by_code("item", "RM-CI")
    await services.ok(SupplierPriceSet(supplier.id, item_id, Decimal("6.1234")), "planner")
    prices = await services.rows(
        "SELECT unit_price FROM supplier_price WHERE supplier_id = :s", s=supplier.id
    )
    assert len(prices) == 1
    assert await services.refused_codes(
        SupplierPriceSet(supplier.id, item_id, Decimal("1.00001")), "planner"
    ) == ["INVALID"]
    await services.ok(SupplierPriceSet(supplier.id, item_id, None), "planner")
    assert (
        await services.rows(
            "SELECT unit_price FROM supplier_price WHERE supplier_id = :s", s=supplier.id
        )
        == []
    )
    assert await services.refused_codes(SupplierCreate("SUP-STEEL", "Again"), "admin") == [
        "DUPLICATE"
    ]


async def test_a_bom_line_closing_a_cycle_is_refused_naming_the_items_parent_first(demo, services):
    shaft = await services.by_code("item", "SF-SHAFT")
    pump_head = await services.by_code("item", "SF-PUMPHEAD")
    errors = await services.refused(BomLineAdd(shaft, pump_head, Decimal("1")), "planner")
    assert located(errors) == [("BOM_CYCLE", ["input", "componentId"])]
    # pump head → rotor → shaft already; shaft → pump head would close the loop
    assert errors[0].message == "BOM cycle: SF-SHAFT → SF-PUMPHEAD → SF-ROTOR → SF-SHAFT"


async def test_a_negative_quantity_per_is_refused_with_its_own_code(demo, services):
    shaft = await services.by_code("item", "SF-SHAFT")
    bar = await services.by_code("item", "RM-BILLET")
    errors = await services.refused(BomLineAdd(shaft, bar, Decimal("-0.5")), "admin")
    assert located(errors) == [("NEGATIVE_QUANTITY_PER", ["input", "quantityPer"])]


async def test_bom_lines_are_added_updated_and_removed(demo, services):
    shaft = await services.by_code("item", "SF-SHAFT")
    billet = await services.by_code("item", "RM-BILLET")
    line = await services.ok(
        BomLineAdd(shaft, billet, Decimal("0.25"), Decimal("0.02"), valid_from=date(2026, 8, 1)),
        "planner",
    )
    assert (line.quantity_per, line.scrap_rate, line.valid_from, line.valid_to) == (
        Decimal("0.250000"), Decimal("0.020000"), date(2026, 8, 1), None
    )  # fmt: skip
    errors = await services.refused(BomLineUpdate(line.id, valid_to=date(2026, 7, 1)), "planner")
    assert located(errors) == [("INVALID", ["input", "validTo"])]
    updated = await services.ok(BomLineUpdate(line.id, quantity_per=Decimal("0.3")), "planner")
    assert (updated.quantity_per, updated.version) == (Decimal("0.300000"), 2)
    assert await services.refused_codes(BomLineRemove(line.id, expected_version=1), "planner") == [
        "CONFLICT"
    ]
    await services.ok(BomLineRemove(line.id, expected_version=2), "planner")
    assert await services.rows("SELECT id FROM bom_line WHERE id = :i", i=line.id) == []
    assert await services.refused_codes(BomLineRemove(line.id), "planner") == ["NOT_FOUND"]
