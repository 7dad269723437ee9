"""Input checks, before anything is computed: a refused input is a typed error naming what is wrong."""

import numpy as np

from domain.mrp.errors import HorizonTooLong, MrpInputError, NegativeQuantityPer, QuantityOutOfRange
from domain.mrp.model import DemandKind, LotRule, MrpInput, Strategy
from domain.mrp.quantities import LIMIT, MICRO, QTY_PER_LIMIT

MAX_BUCKETS = 104


def check_input(inp: MrpInput) -> None:
    """Raise an MrpInputError for the first problem found."""
    _check_horizon(inp)
    _check_items(inp)
    _check_bom(inp)
    _check_placed(inp, "demand", inp.demand.item, inp.demand.bucket, inp.demand.quantity)
    kinds = np.isin(inp.demand.kind, [DemandKind.ORDER, DemandKind.FORECAST])
    _refuse_where(~kinds, "demand.kind", "a demand kind is neither ORDER nor FORECAST")
    receipts = inp.receipts
    _check_placed(inp, "receipts", receipts.item, receipts.bucket, receipts.quantity)


def _refuse_where(bad: np.ndarray, field: str, message: str, error=MrpInputError) -> None:
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        raise error(f"{message} (entry {index})", field=field, index=index)


def _check_horizon(inp: MrpInput) -> None:
    starts = inp.horizon.starts
    if not 1 <= len(starts) <= MAX_BUCKETS:
        raise HorizonTooLong(
            f"the horizon has {len(starts)} buckets; 1 to {MAX_BUCKETS} are allowed",
            field="horizon.starts",
        )
    _refuse_where(
        np.diff(starts) <= np.timedelta64(0, "D"), "horizon.starts", "bucket starts must increase"
    )
    if inp.horizon.end <= starts[-1]:
        raise MrpInputError("the horizon must end after its last bucket starts", "horizon.end")


def _check_items(inp: MrpInput) -> None:
    items, n = inp.items, inp.n_items
    for name in ("lot_rule", "lot_param", "safety_stock", "scrap_micro", "on_hand", "strategy"):
        if len(getattr(items, name)) != n:
            raise MrpInputError(f"items.{name} has a length other than {n}", f"items.{name}")
    _refuse_where(items.lead_days < 0, "items.lead_days", "a lead time is negative")
    _refuse_where(~np.isin(items.lot_rule, list(LotRule)), "items.lot_rule", "unknown lot rule")
    _refuse_where(~np.isin(items.strategy, list(Strategy)), "items.strategy", "unknown strategy")
    sized = np.isin(items.lot_rule, [LotRule.FIXED, LotRule.MINIMUM, LotRule.MULTIPLE])
    _refuse_where(
        sized & ((items.lot_param <= 0) | (items.lot_param >= LIMIT)),
        "items.lot_param",
        "a lot quantity is not positive or too large",
    )
    periods = items.lot_rule == LotRule.PERIODS_OF_SUPPLY
    _refuse_where(
        periods & (items.lot_param < 1), "items.lot_param", "periods of supply must be at least 1"
    )
    _refuse_where(
        (items.scrap_micro < 0) | (items.scrap_micro >= MICRO),
        "items.scrap_micro",
        "a scrap rate is outside [0, 1)",
    )
    for name in ("safety_stock", "on_hand"):
        values = getattr(items, name)
        _refuse_where(values < 0, f"items.{name}", f"{name} is negative")
        _refuse_where(values >= LIMIT, f"items.{name}", f"{name} is too large", QuantityOutOfRange)


def _check_bom(inp: MrpInput) -> None:
    bom, n = inp.bom, inp.n_items
    for name in ("parent", "component"):
        values = getattr(bom, name)
        _refuse_where((values < 0) | (values >= n), f"bom.{name}", "a BOM line names no item")
    for name in ("component", "qty_per_micro", "valid_from_bucket", "valid_to_bucket"):
        if len(getattr(bom, name)) != len(bom):
            raise MrpInputError(f"bom.{name} has a length other than {len(bom)}", f"bom.{name}")
    _refuse_where(
        bom.qty_per_micro < 0,
        "bom.qty_per_micro",
        "a quantity per is negative",
        NegativeQuantityPer,
    )
    _refuse_where(
        bom.qty_per_micro >= QTY_PER_LIMIT,
        "bom.qty_per_micro",
        "a quantity per is 1000 or more",
        QuantityOutOfRange,
    )


def _check_placed(inp: MrpInput, what: str, item, bucket, quantity) -> None:
    if not len(item) == len(bucket) == len(quantity):
        raise MrpInputError(f"{what} arrays differ in length", what)
    _refuse_where((item < 0) | (item >= inp.n_items), f"{what}.item", "names no item")
    _refuse_where(
        (bucket < 0) | (bucket >= inp.n_buckets), f"{what}.bucket", "is outside the horizon"
    )
    _refuse_where(quantity < 0, f"{what}.quantity", "a quantity is negative")
    _refuse_where(
        quantity >= LIMIT, f"{what}.quantity", "a quantity is too large", QuantityOutOfRange
    )
