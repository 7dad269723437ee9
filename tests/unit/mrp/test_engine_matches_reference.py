"""Property tests: on random BOM graphs, stock, receipts, lot rules and demand, the engine gives the
reference's numbers bucket by bucket, the same planned orders, exceptions and pegging.

`make mrp-property` runs many more examples (MRP_PROPERTY_EXAMPLES); runs are derandomized, so a
failure reproduces.
"""

import os
from datetime import date, timedelta
from itertools import pairwise

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.mrp import (
    OPEN_FROM,
    OPEN_TO,
    Bom,
    Demand,
    DemandKind,
    Horizon,
    Items,
    LotRule,
    MrpInput,
    ScheduledReceipts,
    SupplyKind,
    material_requirements,
    run,
)
from tests.unit.mrp.reference import reference_run

EXAMPLES = int(os.environ.get("MRP_PROPERTY_EXAMPLES", "200"))
PROPERTY = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def horizons(draw) -> Horizon:
    """Weekly or monthly buckets, or irregular ones (1 to 35 days)."""
    n_buckets = draw(st.integers(1, 10))
    first = date(2027, 1, 4) + timedelta(days=draw(st.integers(0, 30)))
    shape = draw(st.sampled_from(["week", "month", "irregular"]))
    if shape == "week":
        days = [7] * n_buckets
    elif shape == "month":
        first = first.replace(day=1)
        days = []
        for _ in range(n_buckets):
            start = first + timedelta(days=sum(days))
            following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
            days.append((following - start).days)
    else:
        days = draw(st.lists(st.integers(1, 35), min_size=n_buckets, max_size=n_buckets))
    starts = [first + timedelta(days=sum(days[:t])) for t in range(n_buckets)]
    return Horizon(starts, starts[-1] + timedelta(days=days[-1]))


def quantities(top: int = 40_000):
    """Milli-units, often zero, often whole units, sometimes odd thousandths."""
    return st.one_of(st.just(0), st.integers(1, 40).map(lambda u: u * 1000), st.integers(0, top))


@st.composite
def mrp_inputs(draw) -> MrpInput:
    horizon = draw(horizons())
    n_buckets = horizon.n_buckets
    n = draw(st.integers(1, 9))
    # A rank per item (at most 6 distinct); lines go from a lower rank to a higher one: a DAG.
    rank = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))
    pairs = [(p, c) for p in range(n) for c in range(n) if rank[p] < rank[c]]
    lines = draw(st.lists(st.sampled_from(pairs), max_size=14)) if pairs else []
    if draw(st.booleans()):  # a spine through every rank, for deep BOMs
        by_rank = sorted(range(n), key=lambda i: rank[i])
        lines += [(p, c) for p, c in pairwise(by_rank) if rank[p] < rank[c]]
    qty_per = st.one_of(
        st.sampled_from([0, 1_000_000, 2_000_000, 500_000, 1_020_000, 2_550_000, 333_333]),
        st.integers(1, 5_000_000),
    )
    valid_from = st.one_of(st.just(OPEN_FROM), st.integers(0, n_buckets))
    valid_to = st.one_of(st.just(OPEN_TO), st.integers(0, n_buckets))
    bom = Bom(
        parent=[p for p, _ in lines],
        component=[c for _, c in lines],
        qty_per_micro=[draw(qty_per) for _ in lines],
        valid_from_bucket=[draw(valid_from) for _ in lines],
        valid_to_bucket=[draw(valid_to) for _ in lines],
    )

    rules = draw(st.lists(st.sampled_from(list(LotRule)), min_size=n, max_size=n))
    params = [
        draw(st.integers(1, 6)) if r == LotRule.PERIODS_OF_SUPPLY else draw(st.integers(1, 30_000))
        for r in rules
    ]
    scrap = st.one_of(st.just(0), st.integers(0, 300_000))
    items = Items(
        lead_days=draw(st.lists(st.integers(0, 45), min_size=n, max_size=n)),
        lot_rule=rules,
        lot_param=params,
        safety_stock=draw(
            st.lists(st.one_of(st.just(0), quantities(20_000)), min_size=n, max_size=n)
        ),
        scrap_micro=draw(st.lists(scrap, min_size=n, max_size=n)),
        on_hand=draw(st.lists(quantities(60_000), min_size=n, max_size=n)),
        strategy=draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)),
    )

    placed = st.tuples(st.integers(0, n - 1), st.integers(0, n_buckets - 1), quantities())
    demand = draw(st.lists(st.tuples(placed, st.sampled_from(list(DemandKind)[:2]),
                                     st.integers(0, 4)), max_size=20))  # fmt: skip
    receipts = draw(st.lists(placed, max_size=6))
    return MrpInput(
        horizon=horizon,
        items=items,
        bom=bom,
        demand=Demand(
            item=[d[0][0] for d in demand],
            bucket=[d[0][1] for d in demand],
            quantity=[d[0][2] for d in demand],
            kind=[d[1] for d in demand],
            source_id=[d[2] for d in demand],
        ),
        receipts=ScheduledReceipts(
            item=[r[0] for r in receipts],
            bucket=[r[1] for r in receipts],
            quantity=[r[2] for r in receipts],
            receipt_id=[100 + k for k in range(len(receipts))],
        ),
    )


def rows(*arrays) -> list[tuple]:
    """Parallel arrays as a list of tuples of Python values."""
    return [tuple(v.item() for v in values) for values in zip(*arrays, strict=True)]


@PROPERTY
@given(mrp_inputs())
def test_the_engine_gives_the_reference_numbers_and_pegs_each_order_in_full(inp):
    # One test, so that each generated input (the slow part) serves every check.
    result = run(inp)
    assert_same_as_reference(inp, result, reference_run(inp))
    assert_each_planned_order_is_pegged_for_its_receipt_quantity(result)
    assert_pegged_supply_is_due_no_later_than_its_demand(inp, result)


def assert_same_as_reference(inp, result, expected) -> None:
    plan = result.plan
    assert plan.low_level_code.tolist() == expected.codes
    for name in ("gross", "scheduled", "projected", "net", "planned_receipt", "planned_release"):
        assert getattr(plan.buckets, name).tolist() == getattr(expected, name), name
    o = plan.orders
    assert rows(
        o.item, o.due_bucket, o.release_bucket, o.release_date, o.receipt_quantity,
        o.release_quantity,
    ) == expected.orders  # fmt: skip
    d = plan.independent
    assert rows(d.item, d.bucket, d.kind, d.ref, d.quantity) == expected.independent
    m = material_requirements(plan.orders, inp.bom, inp.n_items)
    assert rows(m.order, m.line, m.component, m.bucket, m.quantity) == expected.materials
    e = plan.exceptions
    assert rows(e.kind, e.item, e.bucket, e.to_bucket, e.quantity, e.ref) == expected.exceptions
    p = result.pegging
    assert rows(
        p.item, p.supply_kind, p.supply_ref, p.demand_kind, p.demand_ref, p.demand_bucket,
        p.quantity,
    ) == expected.pegging  # fmt: skip


def assert_each_planned_order_is_pegged_for_its_receipt_quantity(result) -> None:
    orders, pegging = result.plan.orders, result.pegging
    planned = pegging.supply_kind == SupplyKind.PLANNED
    pegged = np.zeros(len(orders), dtype=np.int64)
    np.add.at(pegged, pegging.supply_ref[planned], pegging.quantity[planned])
    assert pegged.tolist() == orders.receipt_quantity.tolist()


def assert_pegged_supply_is_due_no_later_than_its_demand(inp, result) -> None:
    receipt_bucket = dict(
        zip(inp.receipts.receipt_id.tolist(), inp.receipts.bucket.tolist(), strict=True)
    )
    pegging = result.pegging
    for kind, ref, demand_bucket in rows(
        pegging.supply_kind, pegging.supply_ref, pegging.demand_bucket
    ):
        if kind == SupplyKind.ON_HAND:
            supplied = 0
        elif kind == SupplyKind.SCHEDULED:
            supplied = receipt_bucket[ref]
        else:
            supplied = result.plan.orders.due_bucket[ref]
        assert supplied <= demand_bucket
