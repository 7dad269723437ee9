"""The MRP engine: pure array code (numpy only), no database, no GraphQL.

    from domain.mrp import run, MrpInput, Horizon, Items, Bom, Demand, ScheduledReceipts
    result = run(MrpInput(horizon, items, bom, demand, receipts))
    result.plan.buckets.net[item, bucket], result.plan.orders, result.pegging, ...

The contract, in short (each module's docstring has its part exactly):
- Quantities are int64 milli-units; quantity-per (line scrap included) and scrap rates are int64
  millionths; results are exact integers, never floats (quantities.py).
- Buckets start at Horizon.starts; a requirement is due at its bucket's start; a planned order
  due in t is released lead days earlier, in the bucket holding that date, or in bucket 0 with
  RELEASE_PAST when that date is before the horizon (timing.py).
- Independent demand: MTS max(forecast, orders) per bucket, the orders consuming the forecast;
  MTO orders only (demand.py). Dependent demand: ⌈release × qty_per / 10^6⌉ per parent planned
  order and BOM line, in the parent's release bucket (materials.py, explosion.py).
- Netting and lot sizing per low-level code (levels.py, netting.py, lots.py); planned orders
  (orders.py); exception messages (exceptions.py); FIFO pegging (pegging.py).
- Refused inputs raise MrpInputError subclasses with a code (errors.py, validation.py).
- The same input gives the same output: no randomness, no dependence on hash order.
"""

from domain.mrp.engine import plan, run
from domain.mrp.errors import (
    BomCycle,
    HorizonTooLong,
    MrpInputError,
    NegativeQuantityPer,
    QuantityOutOfRange,
)
from domain.mrp.materials import lines_by_parent, material_requirements
from domain.mrp.model import (
    OPEN_FROM,
    OPEN_TO,
    Bom,
    BucketPlan,
    Demand,
    DemandElements,
    DemandKind,
    ExceptionKind,
    Exceptions,
    Horizon,
    Items,
    LotRule,
    MaterialRequirements,
    MrpInput,
    MrpResult,
    Pegging,
    Plan,
    PlannedOrders,
    ScheduledReceipts,
    Strategy,
    SupplyKind,
)
from domain.mrp.pegging import peg

__all__ = [
    "OPEN_FROM",
    "OPEN_TO",
    "Bom",
    "BomCycle",
    "BucketPlan",
    "Demand",
    "DemandElements",
    "DemandKind",
    "ExceptionKind",
    "Exceptions",
    "Horizon",
    "HorizonTooLong",
    "Items",
    "LotRule",
    "MaterialRequirements",
    "MrpInput",
    "MrpInputError",
    "MrpResult",
    "NegativeQuantityPer",
    "Pegging",
    "Plan",
    "PlannedOrders",
    "QuantityOutOfRange",
    "ScheduledReceipts",
    "Strategy",
    "SupplyKind",
    "lines_by_parent",
    "material_requirements",
    "peg",
    "plan",
    "run",
]
