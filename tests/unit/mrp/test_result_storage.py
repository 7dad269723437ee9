"""Stored results: what is written per item gives back the engine's numbers exactly."""

from unittest.mock import patch

import numpy as np
from hypothesis import given, settings

from domain.mrp import ExceptionKind, SupplyKind, material_requirements, run
from domain.store.mrp.results import (
    EXCEPTION,
    MATERIAL,
    ORDER,
    PEG,
    Identities,
    bucket_record,
    encode,
    unpack,
)
from tests.unit.mrp.builders import PER, U, item, mrp_input, order, weeks
from tests.unit.mrp.test_engine_matches_reference import PROPERTY, mrp_inputs

RECORD = ("gross", "scheduled", "projected", "net", "planned_receipt", "planned_release")


def identities(inp) -> Identities:
    """Database-like ids: items 1000 + index, BOM lines 500 + index, receipts 7 << 40 | 90 + id
    (the receipt keys are looked up by engine receipt id)."""
    largest = int(inp.receipts.receipt_id.max(initial=-1))
    return Identities(
        item_ids=1000 + np.arange(inp.n_items),
        bom_line_ids=500 + np.arange(len(inp.bom)),
        receipt_keys=(7 << 40) + 90 + np.arange(largest + 1),
    )


def assert_stored_results_give_back_the_engines(inp) -> None:
    result = run(inp)
    ids = identities(inp)
    stored = encode(inp, result, ids)
    plan = result.plan
    for i in range(inp.n_items):
        record = bucket_record(
            stored.buckets[i],
            stored.orders[i],
            int(inp.items.on_hand[i]),
            int(inp.items.safety_stock[i]),
            inp.n_buckets,
        )
        for name in RECORD:
            assert getattr(record, name).tolist() == getattr(plan.buckets, name)[i].tolist(), name
    orders = np.concatenate([unpack(b, ORDER) for b in stored.orders])
    assert orders["due"].tolist() == plan.orders.due_bucket.tolist()
    assert orders["release"].tolist() == plan.orders.release_quantity.tolist()
    assert stored.order_count.sum() == len(plan.orders)
    pegs = np.concatenate([unpack(b, PEG) for b in stored.pegging])
    assert pegs["quantity"].tolist() == result.pegging.quantity.tolist()
    scheduled = result.pegging.supply_kind == SupplyKind.SCHEDULED
    assert (
        pegs["supply_ref"][scheduled].tolist()
        == ((7 << 40) + 90 + result.pegging.supply_ref[scheduled]).tolist()
    )
    needs = material_requirements(plan.orders, inp.bom, inp.n_items)
    materials = np.concatenate([unpack(b, MATERIAL) for b in stored.materials])
    assert materials["component"].tolist() == (1000 + needs.component).tolist()
    assert materials["line"].tolist() == (500 + needs.line).tolist()
    assert materials["quantity"].tolist() == needs.quantity.tolist()
    exceptions = np.concatenate([unpack(b, EXCEPTION) for b in stored.exceptions])
    assert exceptions["kind"].tolist() == plan.exceptions.kind.tolist()
    shortage = np.zeros(inp.n_items, dtype=bool)
    shortage[plan.exceptions.item[plan.exceptions.kind == ExceptionKind.SHORTAGE]] = True
    assert stored.shortage.tolist() == shortage.tolist()


def test_a_two_level_plan_is_stored_per_item_with_order_numbers_across_the_run():
    inp = mrp_input(
        weeks(4),
        [item(lead_days=7), item(lead_days=7, on_hand=5 * U)],
        lines=[(0, 1, 2 * PER)],
        demand=[order(0, 2, 10 * U, 1), order(0, 3, 10 * U, 2)],
    )
    stored = encode(inp, run(inp), identities(inp))
    assert stored.order_count.tolist() == [2, 2]
    assert stored.first_order.tolist() == [0, 2]
    assert stored.first_due_bucket.tolist() == [2, 1]
    # the component's orders are pegged to the parent's orders by their run numbers 0 and 1
    pegs = unpack(stored.pegging[1], PEG)
    assert pegs["demand_ref"][pegs["supply_kind"] == SupplyKind.PLANNED].tolist() == [0, 1]
    assert_stored_results_give_back_the_engines(inp)


@settings(PROPERTY, max_examples=60)
@given(mrp_inputs())
def test_stored_results_give_back_the_engines_numbers_on_random_inputs(inp):
    assert_stored_results_give_back_the_engines(inp)
    # Material requirements are made a chunk of orders at a time; chunks of 2 orders (or one
    # item's orders, when it has more) give the same records.
    with patch("domain.store.mrp.results.MATERIAL_CHUNK", 2):
        assert_stored_results_give_back_the_engines(inp)
