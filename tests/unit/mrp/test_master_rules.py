"""Master data rules: what makes an item, a BOM line or a BOM unplannable, checked before storing."""

from datetime import date
from decimal import Decimal

import pytest

from domain.errors import ErrorCode
from domain.mrp.master import (
    BomLineFacts,
    ItemFacts,
    Procurement,
    bom_line_errors,
    cycle_message,
    effective_lead_days,
    find_cycle,
    item_errors,
    line_quantity_micro,
)
from domain.mrp.model import LotRule


def facts(**changes) -> ItemFacts:
    values = dict(
        procurement=Procurement.MAKE,
        lead_days=5,
        lot_rule=LotRule.LOT_FOR_LOT,
        lot_param=Decimal(0),
        safety_stock=Decimal(0),
        scrap_rate=Decimal(0),
        supplier_lead_days=None,
    )
    values.update(changes)
    return ItemFacts(**values)


def located(errors) -> list[tuple[str, tuple]]:
    return [(e.code.value, e.field) for e in errors]


def test_a_make_item_needs_its_own_lead_time_and_a_buy_item_may_take_its_suppliers():
    assert located(item_errors(facts(lead_days=None), "input")) == [
        ("MISSING_LEAD_TIME", ("input", "leadDays"))
    ]
    bought = facts(procurement=Procurement.BUY, lead_days=None, supplier_lead_days=14)
    assert item_errors(bought) == []
    assert effective_lead_days(bought) == 14
    assert (
        effective_lead_days(facts(procurement=Procurement.BUY, lead_days=3, supplier_lead_days=14))
        == 3
    )
    assert [e.code for e in item_errors(facts(procurement=Procurement.BUY, lead_days=None))] == [
        ErrorCode.MISSING_LEAD_TIME
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"lead_days": -1}, "leadDays"),
        ({"safety_stock": Decimal("-1")}, "safetyStock"),
        ({"safety_stock": Decimal("0.0005")}, "safetyStock"),
        ({"scrap_rate": Decimal("1")}, "scrapRate"),
        ({"scrap_rate": Decimal("0.0000001")}, "scrapRate"),
        ({"lot_rule": LotRule.FIXED, "lot_param": Decimal(0)}, "lotParameter"),
        ({"lot_rule": LotRule.MULTIPLE, "lot_param": Decimal("1e9")}, "lotParameter"),
        ({"lot_rule": LotRule.PERIODS_OF_SUPPLY, "lot_param": Decimal("1.5")}, "lotParameter"),
        ({"lot_rule": LotRule.PERIODS_OF_SUPPLY, "lot_param": Decimal("105")}, "lotParameter"),
    ],
)
def test_fields_outside_what_the_engine_plans_exactly_are_invalid(changes, field):
    assert located(item_errors(facts(**changes), "input")) == [("INVALID", ("input", field))]


def test_valid_lot_rules_pass():
    assert item_errors(facts(lot_rule=LotRule.MINIMUM, lot_param=Decimal("12.5"))) == []
    assert item_errors(facts(lot_rule=LotRule.PERIODS_OF_SUPPLY, lot_param=Decimal(4))) == []


def line(quantity: str, scrap: str = "0", parent: int = 1, component: int = 2, **dates):
    return BomLineFacts(
        parent,
        component,
        Decimal(quantity),
        Decimal(scrap),
        dates.get("valid_from"),
        dates.get("valid_to"),
    )


def test_a_negative_quantity_per_has_its_own_code():
    assert located(bom_line_errors(line("-0.5"), "input")) == [
        ("NEGATIVE_QUANTITY_PER", ("input", "quantityPer"))
    ]


def test_bom_line_values_are_checked():
    assert bom_line_errors(line("2.5", "0.02")) == []
    assert located(bom_line_errors(line("1000"), "input")) == [
        ("INVALID", ("input", "quantityPer"))
    ]
    assert located(bom_line_errors(line("1", "1"), "input")) == [
        ("INVALID", ("input", "scrapRate"))
    ]
    assert located(bom_line_errors(line("1", parent=3, component=3), "input")) == [
        ("BOM_CYCLE", ("input", "componentId"))
    ]
    later = line("1", valid_from=date(2027, 3, 1), valid_to=date(2027, 3, 1))
    assert located(bom_line_errors(later, "input")) == [("INVALID", ("input", "validTo"))]


def test_a_lines_quantity_per_includes_its_scrap_rounded_up_to_millionths():
    assert line_quantity_micro(Decimal("2"), Decimal("0.05")) == 2_100_000
    assert line_quantity_micro(Decimal("1.25"), Decimal("0")) == 1_250_000
    # 0.333333 × 1.000001 = 0.333333333333: rounded up, never down
    assert line_quantity_micro(Decimal("0.333333"), Decimal("0.000001")) == 333_334


def test_a_cycle_is_named_parent_first_from_its_lowest_item():
    assert find_cycle([(10, 20), (20, 30), (30, 40)]) is None
    assert find_cycle([]) is None
    assert find_cycle([(10, 20), (30, 10), (20, 30), (30, 40)]) == (10, 20, 30)
    assert find_cycle([(7, 5), (5, 7)]) == (5, 7)
    assert cycle_message(["PUMP", "ROTOR", "SHAFT"]) == "BOM cycle: PUMP → ROTOR → SHAFT → PUMP"
