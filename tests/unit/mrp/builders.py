"""Short ways to write an MRP input in a test: weekly buckets, items with defaults, tuples."""

from datetime import date, timedelta

from domain.mrp import (
    Bom,
    Demand,
    DemandKind,
    Horizon,
    Items,
    LotRule,
    MrpInput,
    ScheduledReceipts,
    Strategy,
)
from domain.mrp.model import OPEN_FROM, OPEN_TO

U = 1000  # one unit in milli-units: 25 * U is 25 units
PER = 1_000_000  # a quantity-per of one: 2 * PER is "2 per"
MONDAY = date(2027, 1, 4)


def weeks(n: int, first: date = MONDAY) -> Horizon:
    starts = [first + timedelta(weeks=t) for t in range(n)]
    return Horizon(starts, first + timedelta(weeks=n))


def item(
    lead_days: int = 0,
    lot: LotRule = LotRule.LOT_FOR_LOT,
    lot_param: int = 0,
    safety_stock: int = 0,
    scrap_micro: int = 0,
    on_hand: int = 0,
    strategy: Strategy = Strategy.MTS,
) -> dict:
    return dict(
        lead_days=lead_days,
        lot_rule=lot,
        lot_param=lot_param,
        safety_stock=safety_stock,
        scrap_micro=scrap_micro,
        on_hand=on_hand,
        strategy=strategy,
    )


def order(item: int, bucket: int, quantity: int, line_id: int) -> tuple:
    return (item, bucket, quantity, DemandKind.ORDER, line_id)


def forecast(item: int, bucket: int, quantity: int, line_id: int) -> tuple:
    return (item, bucket, quantity, DemandKind.FORECAST, line_id)


def mrp_input(
    horizon: Horizon,
    items: list[dict],
    lines: list[tuple] = (),  # (parent, component, qty_per_micro[, valid_from, valid_to])
    demand: list[tuple] = (),  # order(...) / forecast(...)
    receipts: list[tuple] = (),  # (item, bucket, quantity, receipt id)
) -> MrpInput:
    lines = [(*line, *(OPEN_FROM, OPEN_TO)[len(line) - 3 :]) for line in lines]
    return MrpInput(
        horizon=horizon,
        items=Items(**{name: [i[name] for i in items] for name in items[0]}),
        bom=Bom(*(list(column) for column in zip(*lines, strict=True)))
        if lines
        else Bom([], [], []),
        demand=Demand(*(list(c) for c in zip(*demand, strict=True)))
        if demand
        else Demand([], [], [], [], []),
        receipts=ScheduledReceipts(*(list(c) for c in zip(*receipts, strict=True)))
        if receipts
        else ScheduledReceipts([], [], [], []),
    )
