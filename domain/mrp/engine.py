"""One MRP run: plan (netting, lot sizing, explosion, orders, exceptions), then pegging.

Items are planned one low-level code at a time, all items of a code together as [item, bucket]
arrays: code 0 (items no BOM uses), then their components, and so on, so each item's gross
requirement holds all of its parents' dependent demand before it is netted.
"""

import time

import numpy as np

from domain.mrp.demand import independent_demand
from domain.mrp.errors import QuantityOutOfRange
from domain.mrp.exceptions import exceptions, stock_exceptions
from domain.mrp.explosion import LevelOrders, explode, lines_by_code
from domain.mrp.levels import low_level_codes
from domain.mrp.lots import order_sizes
from domain.mrp.materials import lines_by_parent
from domain.mrp.model import BucketPlan, LotRule, MrpInput, MrpResult, Plan
from domain.mrp.netting import net_requirements
from domain.mrp.orders import planned_orders
from domain.mrp.pegging import peg
from domain.mrp.quantities import LIMIT, gross_up_for_scrap
from domain.mrp.timing import release_timing
from domain.mrp.validation import check_input


def run(inp: MrpInput) -> MrpResult:
    """Plan and peg; the same input always gives the same result (timings aside)."""
    started = time.perf_counter()
    planned = plan(inp)
    netted = time.perf_counter()
    pegging = peg(inp, planned)
    return MrpResult(planned, pegging, netted - started, time.perf_counter() - netted)


def plan(inp: MrpInput) -> Plan:
    """The time-phased plan, planned orders and exceptions (raises MrpInputError subclasses)."""
    check_input(inp)
    items, bom, n, n_buckets = inp.items, inp.bom, inp.n_items, inp.n_buckets
    codes = low_level_codes(n, bom.parent, bom.component)
    timing = release_timing(inp.horizon.starts, items.lead_days)
    lines = lines_by_parent(bom, n)
    independent_gross, independent = independent_demand(inp.demand, items.strategy, n_buckets)
    # The gross record starts as the independent demand; explosion adds each code's dependent
    # demand to its components' rows before they are netted.
    record = BucketPlan(independent_gross, *(_zeros(n, n_buckets) for _ in range(5)))
    np.add.at(record.scheduled, (inp.receipts.item, inp.receipts.bucket), inp.receipts.quantity)
    order_count, release_size = _zeros(n, n_buckets), _zeros(n, n_buckets)
    stock_exceptions_found = []

    by_code = np.argsort(codes, kind="stable")
    code_bounds = np.searchsorted(codes[by_code], np.arange(int(codes.max(initial=0)) + 2))
    for code, level_lines in enumerate(lines_by_code(bom, codes)):
        level = by_code[code_bounds[code] : code_bounds[code + 1]]
        rule, lot = items.lot_rule[level], items.lot_param[level]
        gross = record.gross[level]
        _check_range(gross, level, "gross requirement")
        netted = net_requirements(
            gross,
            record.scheduled[level],
            items.on_hand[level],
            items.safety_stock[level],
            rule,
            lot,
        )
        count, size = order_sizes(netted.receipts, rule, lot)
        released = gross_up_for_scrap(size, items.scrap_micro[level])
        _check_range(released, level, "planned order")
        orders = LevelOrders(level, count, released, rule == LotRule.FIXED)
        record.projected[level] = netted.projected
        record.net[level] = netted.net
        record.planned_receipt[level] = netted.receipts
        record.planned_release[level] = explode(
            orders, timing, bom, level_lines, lines, record.gross
        )
        order_count[level], release_size[level] = count, released
        stock_exceptions_found += stock_exceptions(
            netted.unplanned, items.safety_stock[level], level
        )

    orders = planned_orders(
        order_count, release_size, record.planned_receipt, items, timing, inp.horizon.starts
    )
    run_date = inp.horizon.starts[0]
    return Plan(
        low_level_code=codes,
        buckets=record,
        orders=orders,
        exceptions=exceptions(
            stock_exceptions_found, record.gross, items, inp.receipts, orders, run_date
        ),
        independent=independent,
    )


def _zeros(n_items: int, n_buckets: int) -> np.ndarray:
    return np.zeros((n_items, n_buckets), dtype=np.int64)


def _check_range(quantities: np.ndarray, level: np.ndarray, what: str) -> None:
    """Refuse quantities the exact arithmetic cannot carry (see quantities.LIMIT)."""
    if quantities.size and quantities.max() >= LIMIT:
        row = int(np.argwhere(quantities >= LIMIT)[0, 0])
        item = int(level[row])
        raise QuantityOutOfRange(
            f"item {item}: a {what} reaches 10^9 units or more", field="items", index=item
        )
