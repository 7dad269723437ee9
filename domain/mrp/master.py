"""Master data rules: what an item, a supplier and a BOM line may hold, checked before storing.

Pure: works on plain values and ids. The engine takes the checked data as arrays (model.py);
these rules make sure a stored master can always be planned:
- quantities and lot parameters are exact to 0.001 and within the engine's range (quantities.py);
- scrap rates are in [0, 1) with six decimals; quantity per is ≥ 0 (NEGATIVE_QUANTITY_PER);
- a MAKE item has its own lead time; a BUY item has one, or a preferred supplier that has one
  (otherwise MISSING_LEAD_TIME);
- periods of supply is a whole number of buckets, 1 to 104;
- the BOM has no cycle (BOM_CYCLE names the items, parent first).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal
from enum import Enum

import numpy as np

from domain.errors import DomainError, ErrorCode
from domain.mrp.errors import BomCycle
from domain.mrp.levels import low_level_codes
from domain.mrp.model import LotRule
from domain.mrp.quantities import LIMIT, MICRO, MILLI, QTY_PER_LIMIT
from domain.mrp.validation import MAX_BUCKETS

MAX_LEAD_DAYS = 3650  # ten years: anything longer is a typing error
QUANTITY_STEP = Decimal("0.001")
RATE_STEP = Decimal("0.000001")
MAX_QUANTITY = Decimal(LIMIT) / MILLI  # exclusive: 10^9 units
MAX_QTY_PER = Decimal(QTY_PER_LIMIT) / MICRO  # exclusive: 1000 per


class ItemType(Enum):
    """Where an item sits in the BOM."""

    FINISHED = "FINISHED"  # a product the company sells
    SEMI_FINISHED = "SEMI_FINISHED"  # a sub-assembly or made part
    RAW = "RAW"  # a bought material or part


class Procurement(Enum):
    """How an item is supplied: planned production orders, or planned purchases."""

    MAKE = "MAKE"
    BUY = "BUY"


@dataclass(frozen=True)
class ItemFacts:
    """The planning fields of an item, as given (Decimals) or stored."""

    procurement: Procurement
    lead_days: int | None
    lot_rule: LotRule
    lot_param: Decimal
    safety_stock: Decimal
    scrap_rate: Decimal
    supplier_lead_days: int | None = None  # of the preferred supplier, if any


def item_errors(facts: ItemFacts, *at: str) -> list[DomainError]:
    """Everything wrong with an item's planning fields; empty when it can be planned."""
    errors = []

    def invalid(field: str, message: str, code: ErrorCode = ErrorCode.INVALID) -> None:
        errors.append(DomainError(code, message, (*at, field)))

    if facts.lead_days is not None and not 0 <= facts.lead_days <= MAX_LEAD_DAYS:
        invalid("leadDays", f"a lead time is 0 to {MAX_LEAD_DAYS} days")
    if effective_lead_days(facts) is None:
        invalid(
            "leadDays",
            "a MAKE item needs a lead time; a BUY item needs one, or a preferred supplier with one",
            ErrorCode.MISSING_LEAD_TIME,
        )
    if not valid_quantity(facts.safety_stock):
        invalid("safetyStock", "safety stock is ≥ 0, below 10^9, with at most 3 decimals")
    if not valid_rate(facts.scrap_rate):
        invalid("scrapRate", "a scrap rate is ≥ 0 and < 1, with at most 6 decimals")
    if facts.lot_rule is LotRule.PERIODS_OF_SUPPLY:
        if facts.lot_param != facts.lot_param.to_integral_value() or not (
            1 <= facts.lot_param <= MAX_BUCKETS
        ):
            invalid(
                "lotParameter",
                f"periods of supply is a whole number of buckets, 1 to {MAX_BUCKETS}",
            )
    elif facts.lot_rule is not LotRule.LOT_FOR_LOT and (
        not valid_quantity(facts.lot_param) or facts.lot_param <= 0
    ):
        invalid("lotParameter", "a lot quantity is > 0, below 10^9, with at most 3 decimals")
    return errors


def effective_lead_days(facts: ItemFacts) -> int | None:
    """The lead time the engine uses: the item's own, else (BUY) its preferred supplier's."""
    if facts.lead_days is not None:
        return facts.lead_days
    if facts.procurement is Procurement.BUY:
        return facts.supplier_lead_days
    return None


def valid_quantity(value: Decimal) -> bool:
    """0 ≤ value < 10^9 with at most three decimals."""
    return (
        value.is_finite() and 0 <= value < MAX_QUANTITY and value == value.quantize(QUANTITY_STEP)
    )


def valid_rate(value: Decimal) -> bool:
    """0 ≤ value < 1 with at most six decimals (scrap rates)."""
    return value.is_finite() and 0 <= value < 1 and value == value.quantize(RATE_STEP)


@dataclass(frozen=True)
class BomLineFacts:
    parent_id: int
    component_id: int
    quantity_per: Decimal
    scrap_rate: Decimal
    valid_from: date | None
    valid_to: date | None


def bom_line_errors(line: BomLineFacts, *at: str) -> list[DomainError]:
    """Everything wrong with one BOM line on its own (cycles are checked over the whole BOM)."""
    errors = []
    q = line.quantity_per
    if q.is_finite() and q < 0:
        errors.append(
            DomainError(
                ErrorCode.NEGATIVE_QUANTITY_PER,
                f"quantity per is {q}; it must be ≥ 0",
                (*at, "quantityPer"),
            )
        )
    elif not (q.is_finite() and q < MAX_QTY_PER and q == q.quantize(RATE_STEP)):
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "quantity per is below 1000 with at most 6 decimals",
                (*at, "quantityPer"),
            )
        )
    if not valid_rate(line.scrap_rate):
        errors.append(
            DomainError(
                ErrorCode.INVALID,
                "a scrap rate is ≥ 0 and < 1, with at most 6 decimals",
                (*at, "scrapRate"),
            )
        )
    if line.parent_id == line.component_id:
        errors.append(
            DomainError(
                ErrorCode.BOM_CYCLE, "an item cannot be its own component", (*at, "componentId")
            )
        )
    if line.valid_from and line.valid_to and line.valid_to <= line.valid_from:
        errors.append(
            DomainError(ErrorCode.INVALID, "validTo must be after validFrom", (*at, "validTo"))
        )
    return errors


def line_quantity_micro(quantity_per: Decimal, scrap_rate: Decimal) -> int:
    """The engine's quantity per of a line, line scrap included: ⌈q × (1 + s) × 10^6⌉ millionths.

    q and s have six decimals, so q × (1 + s) has twelve; rounding up to millionths never plans
    less than the line needs.
    """
    exact = quantity_per * (1 + scrap_rate) * MICRO
    return int(exact.to_integral_value(rounding=ROUND_CEILING))


def find_cycle(
    edges: Iterable[tuple[int, int]],
) -> tuple[int, ...] | None:
    """The items of one BOM cycle (parent first, from its lowest id), or None: `edges` are
    (parent id, component id) pairs of any ids."""
    edges = list(edges)
    if not edges:
        return None
    ids = sorted({i for edge in edges for i in edge})
    index = {item: k for k, item in enumerate(ids)}
    parent = np.array([index[p] for p, _ in edges], dtype=np.int64)
    component = np.array([index[c] for _, c in edges], dtype=np.int64)
    try:
        low_level_codes(len(ids), parent, component)
    except BomCycle as cycle:
        return tuple(ids[i] for i in cycle.items)
    return None


def cycle_message(codes: Sequence[str]) -> str:
    """ "BOM cycle: A → B → C → A"."""
    return "BOM cycle: " + " → ".join([*codes, codes[0]])
