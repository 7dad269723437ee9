"""Textbook MRP cases, worked by hand: the numbers in each test were computed on paper.

Quantities are written in units times U (1000 milli-units); quantity-per in multiples of PER.
Buckets are weeks starting Monday 2027-01-04 unless a test says otherwise.
"""

from datetime import date

import numpy as np
import pytest

from domain.mrp import (
    BomCycle,
    DemandKind,
    ExceptionKind,
    Horizon,
    HorizonTooLong,
    LotRule,
    NegativeQuantityPer,
    QuantityOutOfRange,
    Strategy,
    SupplyKind,
    material_requirements,
    plan,
    run,
)
from tests.unit.mrp.builders import PER, U, forecast, item, mrp_input, order, weeks

A, B, C = 0, 1, 2


def units(values) -> list:
    """Milli-units as units, for readable comparisons (every value here is whole)."""
    return [v // U for v in np.asarray(values).tolist()]


def exception_rows(exceptions) -> list[tuple]:
    return [
        (ExceptionKind(k).name, i, b, to, q, ref)
        for k, i, b, to, q, ref in zip(
            exceptions.kind.tolist(),
            exceptions.item.tolist(),
            exceptions.bucket.tolist(),
            exceptions.to_bucket.tolist(),
            exceptions.quantity.tolist(),
            exceptions.ref.tolist(),
            strict=True,
        )
    ]


def test_a_two_level_bom_is_netted_and_offset_by_each_items_lead_time():
    # A: 20 on hand, lead 1 week. B: 2 per A, 30 on hand, 20 arriving in week 3, lead 2 weeks.
    inp = mrp_input(
        weeks(8),
        [item(lead_days=7, on_hand=20 * U), item(lead_days=14, on_hand=30 * U)],
        lines=[(A, B, 2 * PER)],
        demand=[forecast(A, 2, 30 * U, 1), forecast(A, 4, 40 * U, 2), forecast(A, 5, 25 * U, 3)],
        receipts=[(B, 3, 20 * U, 501)],
    )
    p = plan(inp)
    b = p.buckets
    assert p.low_level_code.tolist() == [0, 1]
    assert units(b.gross[A]) == [0, 0, 30, 0, 40, 25, 0, 0]
    assert units(b.projected[A]) == [20, 20, 0, 0, 0, 0, 0, 0]
    assert units(b.net[A]) == [0, 0, 10, 0, 40, 25, 0, 0]
    assert units(b.planned_receipt[A]) == [0, 0, 10, 0, 40, 25, 0, 0]
    assert units(b.planned_release[A]) == [0, 10, 0, 40, 25, 0, 0, 0]
    # B needs 2 per A, in the week A is released.
    assert units(b.gross[B]) == [0, 20, 0, 80, 50, 0, 0, 0]
    assert units(b.scheduled[B]) == [0, 0, 0, 20, 0, 0, 0, 0]
    assert units(b.projected[B]) == [30, 10, 10, 0, 0, 0, 0, 0]
    assert units(b.net[B]) == [0, 0, 0, 50, 50, 0, 0, 0]
    assert units(b.planned_release[B]) == [0, 50, 50, 0, 0, 0, 0, 0]

    o = p.orders
    assert o.item.tolist() == [A, A, A, B, B]
    assert o.due_bucket.tolist() == [2, 4, 5, 3, 4]
    assert o.release_bucket.tolist() == [1, 3, 4, 1, 2]
    assert o.due_date[0] == np.datetime64("2027-01-18")
    assert o.release_date[0] == np.datetime64("2027-01-11")
    assert o.release_date[3] == np.datetime64("2027-01-11")  # due 01-25, 14 days earlier
    assert units(o.receipt_quantity) == [10, 40, 25, 50, 50]
    assert exception_rows(p.exceptions) == [
        ("SHORTAGE", A, 2, -1, 10 * U, -1),
        ("SHORTAGE", B, 3, -1, 50 * U, -1),  # 30 − 20 + 20 − 80
    ]


def test_a_component_used_on_two_levels_is_netted_once_with_all_its_demand():
    # A uses B and C; B uses C. C's code is 2 (the longest path), so it is netted after B and
    # its 15 on hand is set against both parents' demand together.
    inp = mrp_input(
        weeks(4),
        [item(), item(), item(on_hand=15 * U)],
        lines=[(A, B, 1 * PER), (A, C, 1 * PER), (B, C, 1 * PER)],
        demand=[forecast(A, 2, 10 * U, 1)],
    )
    p = plan(inp)
    assert p.low_level_code.tolist() == [0, 1, 2]
    assert units(p.buckets.gross[C]) == [0, 0, 20, 0]
    assert units(p.buckets.net[C]) == [0, 0, 5, 0]


def test_fixed_lots_make_several_orders_of_the_lot_size_in_one_bucket():
    inp = mrp_input(
        weeks(4),
        [item(lot=LotRule.FIXED, lot_param=25 * U)],
        demand=[order(A, 1, 60 * U, 1), order(A, 2, 10 * U, 2), order(A, 3, 20 * U, 3)],
    )
    p = plan(inp)
    assert units(p.buckets.net[A]) == [0, 60, 0, 15]
    assert units(p.buckets.planned_receipt[A]) == [0, 75, 0, 25]
    assert units(p.buckets.projected[A]) == [0, 15, 5, 10]
    assert p.orders.due_bucket.tolist() == [1, 1, 1, 3]
    assert units(p.orders.receipt_quantity) == [25, 25, 25, 25]


def test_multiple_of_lots_round_each_order_up_to_the_multiple():
    inp = mrp_input(
        weeks(4),
        [item(lot=LotRule.MULTIPLE, lot_param=25 * U)],
        demand=[order(A, 1, 60 * U, 1), order(A, 2, 10 * U, 2), order(A, 3, 20 * U, 3)],
    )
    p = plan(inp)
    assert units(p.buckets.planned_receipt[A]) == [0, 75, 0, 25]
    assert p.orders.due_bucket.tolist() == [1, 3]
    assert units(p.orders.receipt_quantity) == [75, 25]


def test_minimum_lots_order_at_least_the_minimum():
    inp = mrp_input(
        weeks(4),
        [item(lot=LotRule.MINIMUM, lot_param=50 * U)],
        demand=[order(A, t, q * U, t) for t, q in enumerate([20, 20, 40, 10])],
    )
    p = plan(inp)
    assert units(p.buckets.net[A]) == [20, 0, 30, 0]
    assert units(p.buckets.planned_receipt[A]) == [50, 0, 50, 0]
    assert units(p.buckets.projected[A]) == [30, 10, 20, 10]


def test_periods_of_supply_cover_the_next_buckets_and_respect_safety_stock():
    # Three weeks per order, safety stock 5: week 0 orders 10+20+30 plus the 5 to keep.
    inp = mrp_input(
        weeks(6),
        [item(lot=LotRule.PERIODS_OF_SUPPLY, lot_param=3, safety_stock=5 * U)],
        demand=[order(A, t, q * U, t) for t, q in enumerate([10, 20, 30, 40, 50, 60])],
    )
    p = plan(inp)
    assert units(p.buckets.net[A]) == [15, 0, 0, 40, 0, 0]
    assert units(p.buckets.planned_receipt[A]) == [65, 0, 0, 150, 0, 0]
    assert units(p.buckets.projected[A]) == [55, 35, 5, 115, 65, 5]


def test_stock_below_safety_stock_is_replenished_in_bucket_zero_and_pegged_to_it():
    inp = mrp_input(
        weeks(3),
        [item(safety_stock=10 * U, on_hand=5 * U)],
        demand=[order(A, 1, 20 * U, 77)],
    )
    result = run(inp)
    p = result.plan
    assert units(p.buckets.net[A]) == [5, 20, 0]
    assert units(p.buckets.projected[A]) == [10, 10, 10]
    assert exception_rows(p.exceptions) == [
        ("SHORTAGE", A, 1, -1, 15 * U, -1),
        ("BELOW_SAFETY_STOCK", A, 0, -1, 5 * U, -1),
    ]
    pegs = result.pegging
    assert list(
        zip(
            [SupplyKind(k).name for k in pegs.supply_kind.tolist()],
            pegs.supply_ref.tolist(),
            [DemandKind(k).name for k in pegs.demand_kind.tolist()],
            pegs.demand_ref.tolist(),
            units(pegs.quantity),
            strict=True,
        )
    ) == [
        ("ON_HAND", -1, "SAFETY_STOCK", -1, 5),
        ("PLANNED", 0, "SAFETY_STOCK", -1, 5),
        ("PLANNED", 1, "ORDER", 77, 20),
    ]


def test_scheduled_receipts_are_netted_and_rescheduled_in_or_out():
    inp = mrp_input(
        weeks(8),
        [
            item(on_hand=10 * U),  # A: needs its receipt 7 in week 1, not week 3
            item(on_hand=50 * U),  # B: never needs its receipt 9
            item(),  # C: needs its receipt 10 in week 6, not week 2
            item(),  # D: needs receipt 11 when it comes, receipt 12 only in week 4
        ],
        demand=[
            order(A, 1, 30 * U, 1),
            order(B, 5, 20 * U, 2),
            order(C, 6, 30 * U, 3),
            order(3, 1, 10 * U, 4),
            order(3, 4, 10 * U, 5),
        ],
        receipts=[
            (A, 3, 40 * U, 7),
            (B, 2, 30 * U, 9),
            (C, 2, 30 * U, 10),
            (3, 2, 10 * U, 12),
            (3, 1, 10 * U, 11),
        ],
    )
    p = plan(inp)
    # A plans 20 in week 1 although 40 arrive in week 3: the receipt should come earlier.
    assert units(p.buckets.planned_receipt[A]) == [0, 20, 0, 0, 0, 0, 0, 0]
    assert units(p.buckets.projected[A]) == [10, 0, 0, 40, 40, 40, 40, 40]
    assert units(p.buckets.projected[B]) == [50, 50, 80, 80, 80, 60, 60, 60]
    assert exception_rows(p.exceptions) == [
        ("SHORTAGE", A, 1, -1, 20 * U, -1),
        ("RESCHEDULE_IN", A, 3, 1, 40 * U, 7),
        ("RESCHEDULE_OUT", B, 2, -1, 30 * U, 9),
        ("RESCHEDULE_OUT", C, 2, 6, 30 * U, 10),
        ("RESCHEDULE_OUT", 3, 2, 4, 10 * U, 12),
    ]


def test_item_scrap_grosses_up_the_release_and_line_scrap_the_component_need():
    # A loses 10 % in making: 90 good need 100 started. Its line to B is 2 per plus 5 % line
    # scrap (2.1 per, computed by the caller): 210 of B.
    inp = mrp_input(
        weeks(3),
        [item(scrap_micro=100_000), item()],
        lines=[(A, B, 2_100_000)],
        demand=[forecast(A, 1, 90 * U, 1)],
    )
    p = plan(inp)
    assert units(p.buckets.planned_receipt[A]) == [0, 90, 0]
    assert units(p.buckets.planned_release[A]) == [0, 100, 0]
    assert units(p.orders.release_quantity) == [100, 210]
    assert units(p.buckets.gross[B]) == [0, 210, 0]


def test_scrap_and_fractional_quantity_per_round_up_to_the_next_thousandth():
    # 1 unit at 30 % scrap: 1000 / 0.7 = 1428.57 → 1429 milli-units started.
    # 0.333333 per: 1429 × 0.333333 = 476.33 → 477 milli-units of B.
    inp = mrp_input(
        weeks(2),
        [item(scrap_micro=300_000), item()],
        lines=[(A, B, 333_333)],
        demand=[order(A, 0, 1 * U, 1)],
    )
    p = plan(inp)
    assert p.orders.release_quantity.tolist() == [1429, 477]
    assert p.buckets.gross[B].tolist() == [477, 0]


def test_booked_orders_consume_the_forecast_of_an_mts_item():
    inp = mrp_input(
        weeks(3),
        [item(strategy=Strategy.MTS)],
        demand=[
            forecast(A, 1, 100 * U, 900),
            order(A, 1, 30 * U, 11),
            order(A, 1, 20 * U, 12),
            forecast(A, 2, 40 * U, 901),
            order(A, 2, 70 * U, 13),
        ],
    )
    p = plan(inp)
    assert units(p.buckets.gross[A]) == [0, 100, 70]
    d = p.independent
    assert list(
        zip(
            d.bucket.tolist(),
            [DemandKind(k).name for k in d.kind.tolist()],
            d.ref.tolist(),
            units(d.quantity),
            strict=True,
        )
    ) == [
        (1, "ORDER", 11, 30),
        (1, "ORDER", 12, 20),
        (1, "FORECAST", 900, 50),
        (2, "ORDER", 13, 70),
    ]


def test_an_mto_item_plans_for_its_booked_orders_only():
    inp = mrp_input(
        weeks(3),
        [item(strategy=Strategy.MTO)],
        demand=[forecast(A, 1, 100 * U, 902), order(A, 1, 30 * U, 14)],
    )
    p = plan(inp)
    assert units(p.buckets.gross[A]) == [0, 30, 0]
    assert units(p.orders.receipt_quantity) == [30]
    assert p.independent.ref.tolist() == [14]


def test_a_release_date_before_the_run_date_is_released_in_bucket_zero_and_reported():
    # Due Monday 2027-01-04 with 10 days' lead: released on 2026-12-25, in the past. The
    # component's demand lands in bucket 0; a line valid from bucket 1 does not apply.
    inp = mrp_input(
        weeks(3),
        [item(lead_days=10), item(), item()],
        lines=[(A, B, 1 * PER), (A, C, 1 * PER, 1, 3)],
        demand=[order(A, 0, 5 * U, 1), order(A, 2, 7 * U, 2)],
    )
    p = plan(inp)
    o = p.orders
    assert o.release_bucket.tolist()[:2] == [0, 0]
    assert o.release_date[0] == np.datetime64("2026-12-25")
    assert o.release_date[1] == np.datetime64("2027-01-08")
    assert units(p.buckets.gross[B]) == [12, 0, 0]  # 2027-01-08 is in week 0 too
    assert units(p.buckets.gross[C]) == [0, 0, 0]  # valid from bucket 1 only
    assert [e for e in exception_rows(p.exceptions) if e[0] == "RELEASE_PAST" and e[1] == A] == [
        ("RELEASE_PAST", A, 0, -1, 5 * U, 0)
    ]


def test_bom_lines_apply_to_parent_releases_within_their_validity():
    # A released in weeks 1, 3 and 5 uses X until week 3 (exclusive), Y from week 3 on.
    X, Y = 1, 2
    inp = mrp_input(
        weeks(7),
        [item(lead_days=7), item(), item()],
        lines=[(A, X, 1 * PER, -1, 3), (A, Y, 1 * PER, 3, 99)],
        demand=[order(A, 2, 4 * U, 1), order(A, 4, 5 * U, 2), order(A, 6, 6 * U, 3)],
    )
    p = plan(inp)
    assert units(p.buckets.planned_release[A]) == [0, 4, 0, 5, 0, 6, 0]
    assert units(p.buckets.gross[X]) == [0, 4, 0, 0, 0, 0, 0]
    assert units(p.buckets.gross[Y]) == [0, 0, 0, 5, 0, 6, 0]
    needs = material_requirements(p.orders, inp.bom, inp.n_items)
    assert needs.order.tolist() == [0, 1, 2]
    assert needs.line.tolist() == [0, 1, 1]


def test_month_buckets_release_two_orders_in_the_same_month():
    # Due 2027-02-01 and 2027-03-01 with 30 days' lead: released 01-02 and 01-30, both January.
    months = [date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1)]
    inp = mrp_input(
        Horizon(months, date(2027, 4, 1)),
        [item(lead_days=30), item()],
        lines=[(A, B, 3 * PER)],
        demand=[order(A, 1, 2 * U, 1), order(A, 2, 1 * U, 2)],
    )
    p = plan(inp)
    assert p.orders.release_bucket.tolist()[:2] == [0, 0]
    assert units(p.buckets.planned_release[A]) == [3, 0, 0]
    assert units(p.buckets.gross[B]) == [9, 0, 0]


def test_a_raw_material_purchase_is_traced_through_pegging_to_the_forecast_line():
    # Finished A (forecast line 900) ← sub-assembly B (2 per) ← raw C (3 per).
    inp = mrp_input(
        weeks(4),
        [item(lead_days=7), item(lead_days=7), item(lead_days=7)],
        lines=[(A, B, 2 * PER), (B, C, 3 * PER)],
        demand=[forecast(A, 3, 10 * U, 900)],
    )
    result = run(inp)
    orders, pegs = result.plan.orders, result.pegging
    purchase = int(np.flatnonzero(orders.item == C)[0])
    assert units(orders.receipt_quantity[[purchase]]) == [60]

    def pegged_to(order_index: int) -> list[tuple[str, int]]:
        mine = (pegs.supply_kind == SupplyKind.PLANNED) & (pegs.supply_ref == order_index)
        return [
            (DemandKind(k).name, ref)
            for k, ref in zip(
                pegs.demand_kind[mine].tolist(), pegs.demand_ref[mine].tolist(), strict=True
            )
        ]

    ((kind, parent_order),) = pegged_to(purchase)
    assert kind == "PARENT_ORDER" and orders.item[parent_order] == B
    ((kind, grandparent_order),) = pegged_to(parent_order)
    assert kind == "PARENT_ORDER" and orders.item[grandparent_order] == A
    assert pegged_to(grandparent_order) == [("FORECAST", 900)]


@pytest.mark.parametrize(
    ("lines", "cycle"),
    [
        ([(0, 1), (1, 2), (2, 0), (3, 0)], (0, 1, 2)),
        ([(0, 3), (3, 4), (4, 3)], (3, 4)),
        ([(1, 2), (2, 2)], (2,)),
    ],
)
def test_a_bom_cycle_is_refused_naming_its_items_in_order(lines, cycle):
    inp = mrp_input(weeks(2), [item() for _ in range(5)], lines=[(p, c, PER) for p, c in lines])
    with pytest.raises(BomCycle) as refused:
        plan(inp)
    assert refused.value.items == cycle
    assert refused.value.code == "BOM_CYCLE"
    path = " → ".join(str(i) for i in (*cycle, cycle[0]))
    assert str(refused.value) == f"BOM cycle through items {path}"


def test_a_horizon_over_104_buckets_is_refused():
    with pytest.raises(HorizonTooLong):
        plan(mrp_input(weeks(105), [item()]))


def test_a_negative_quantity_per_is_refused_naming_the_line():
    inp = mrp_input(weeks(2), [item(), item()], lines=[(A, B, PER), (A, B, -PER)])
    with pytest.raises(NegativeQuantityPer) as refused:
        plan(inp)
    assert (refused.value.field, refused.value.index) == ("bom.qty_per_micro", 1)


def test_quantities_the_exact_arithmetic_cannot_carry_are_refused():
    # 600 million units per parent × 2 per: 1.2 billion units of B in one bucket.
    inp = mrp_input(
        weeks(2),
        [item(), item()],
        lines=[(A, B, 2 * PER)],
        demand=[order(A, 0, 600_000_000 * U, 1)],
    )
    with pytest.raises(QuantityOutOfRange) as refused:
        plan(inp)
    assert refused.value.index == B


def test_the_same_input_gives_the_same_output_whatever_the_order_of_its_elements():
    rng = np.random.default_rng(7)
    demand = [forecast(t % 3, t % 5, (t + 1) * 3 * U, 100 + t) for t in range(15)]
    demand += [order(t % 3, t % 4, (t + 2) * U, 200 + t) for t in range(9)]
    receipts = [(t % 4, t % 5, 4 * U, 300 + t) for t in range(6)]
    items = [
        item(lead_days=9, lot=LotRule.FIXED, lot_param=7 * U, safety_stock=2 * U),
        item(lead_days=3, lot=LotRule.PERIODS_OF_SUPPLY, lot_param=2),
        item(lead_days=12, lot=LotRule.MINIMUM, lot_param=11 * U, scrap_micro=50_000),
        item(lead_days=5, lot=LotRule.MULTIPLE, lot_param=3 * U, on_hand=4 * U),
    ]
    lines = [(0, 1, 1_500_000), (0, 3, 2 * PER), (1, 3, 333_333), (2, 3, PER)]

    def outputs(demand, receipts) -> list:
        result = run(mrp_input(weeks(5), items, lines, demand, receipts))
        parts = [result.plan.buckets, result.plan.orders, result.plan.exceptions, result.pegging]
        return [a.tolist() for part in parts for a in vars(part).values()]

    first = outputs(demand, receipts)
    assert outputs(demand, receipts) == first
    shuffled = outputs(
        [demand[k] for k in rng.permutation(len(demand))],
        [receipts[k] for k in rng.permutation(len(receipts))],
    )
    assert shuffled == first
