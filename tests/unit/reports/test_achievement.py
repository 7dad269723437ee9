"""Plan vs actual rules on hand-made inputs: credit, roll-up, targets in force, rates, ranking."""

from datetime import date
from decimal import Decimal

from domain.forecast.sources import ApprovedPlan
from domain.plans.hierarchy import OwnerKind
from domain.plans.periods import Granularity
from domain.reports.achievement import (
    Achievement,
    ActualRow,
    NodeTargets,
    OrgDepartment,
    Scope,
    TargetLine,
    build_tree,
    months_between,
    node_targets,
    plans_in_force,
    ranking,
)

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
D = Decimal
CO, DEPT, SP = OwnerKind.COMPANY, OwnerKind.DEPARTMENT, OwnerKind.SALESPERSON


def actual(dept, sp, product, month, qty, amount, ret_qty="0", ret_amount="0"):
    return ActualRow(dept, sp, product, month, D(qty), D(amount), D(ret_qty), D(ret_amount))


def targets(months, **lines):
    """NodeTargets from keyword lines p<product>_<month number>=(qty, amount)."""
    found = {}
    for name, (qty, amount) in lines.items():
        product, month = name[1:].split("_")
        found[(int(product), date(2026, int(month), 1))] = (D(qty), D(amount))
    return NodeTargets(frozenset(months), found)


ORG = [OrgDepartment(10, (1, 2)), OrgDepartment(20, (3,))]


def test_months_between_counts_both_ends_and_crosses_years():
    assert months_between(date(2025, 11, 1), date(2026, 2, 1)) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
    assert months_between(FEB, JAN) == []


def test_actual_is_ordered_less_returned_and_rates_are_against_the_nodes_own_target():
    rows = [actual(10, 1, 100, JAN, "10", "1000.00", "2", "200.00")]
    plan = {(SP, 1): targets([JAN], p100_1=("16", "1600.00"))}
    tree = build_tree(1, ORG, rows, plan, [JAN], Scope(CO, 1))
    person = tree.children[0].children[0]
    f = person.total
    assert (f.actual_quantity, f.actual_amount) == (D("8"), D("800.00"))
    assert f.achievement_rate == D("0.5000")
    assert f.quantity_achievement_rate == D("0.5000")
    assert (f.variance_amount, f.variance_quantity) == (D("-800.00"), D("-8"))


def test_targets_do_not_roll_up_but_actuals_do():
    rows = [actual(10, 1, 100, JAN, "5", "500.00"), actual(10, 2, 100, JAN, "3", "300.00")]
    plan = {
        (SP, 1): targets([JAN], p100_1=("10", "1000.00")),
        (SP, 2): targets([JAN], p100_1=("10", "1000.00")),
    }
    tree = build_tree(1, ORG, rows, plan, [JAN], Scope(CO, 1))
    department = tree.children[0]
    assert department.total.actual_amount == D("800.00")
    assert department.total.target_amount is None  # the department has no plan of its own
    assert department.total.achievement_rate is None
    assert tree.total.actual_amount == D("800.00")
    assert tree.total.target_amount is None


def test_orders_of_someone_no_longer_in_the_department_are_credited_to_the_department():
    # Salesperson 3 now belongs to department 20, but booked an order in department 10.
    rows = [actual(10, 3, 100, JAN, "4", "400.00"), actual(10, 1, 100, JAN, "1", "100.00")]
    tree = build_tree(1, ORG, rows, {}, [JAN], Scope(CO, 1))
    east, north = tree.children
    assert east.own_total.actual_amount == D("400.00")
    assert east.total.actual_amount == D("500.00")
    assert sum(c.total.actual_amount for c in east.children) == D("100.00")
    # Salesperson 3 under department 20 shows only what was booked there.
    assert north.children[0].total.actual_amount == D("0.00")
    assert tree.total.actual_amount == D("500.00")
    assert tree.children[0].children[0].own_cells is None


def test_a_month_the_plan_covers_plans_unlisted_products_at_zero_and_an_uncovered_month_has_none():
    rows = [actual(10, 1, 200, JAN, "2", "50.00"), actual(10, 1, 200, FEB, "1", "25.00")]
    plan = {(SP, 1): targets([JAN], p100_1=("10", "1000.00"))}
    tree = build_tree(1, ORG, rows, plan, [JAN, FEB], Scope(SP, 1))
    cells = tree.cells
    assert cells[(200, JAN)].target_amount == D("0.00")
    assert cells[(200, JAN)].achievement_rate is None  # a zero target has no rate
    assert cells[(200, FEB)].target_amount is None
    assert cells[(100, JAN)].actual_amount == D("0")
    by_month = dict(tree.by_month)
    assert by_month[JAN].target_amount == D("1000.00")
    assert by_month[FEB].target_amount is None
    assert tree.total.target_amount == D("1000.00")


def test_every_month_of_the_report_is_listed_even_without_figures():
    tree = build_tree(1, ORG, [], {}, [JAN, FEB, MAR], Scope(DEPT, 20))
    assert [m for m, _ in tree.by_month] == [JAN, FEB, MAR]
    assert all(f == Achievement() for _, f in tree.by_month)


def test_a_department_scope_ignores_rows_of_other_departments():
    rows = [actual(10, 1, 100, JAN, "1", "10.00"), actual(20, 3, 100, JAN, "7", "70.00")]
    tree = build_tree(1, ORG, rows, {}, [JAN], Scope(DEPT, 20))
    assert tree.total.actual_amount == D("70.00")
    assert [c.node_id for c in tree.children] == [3]


def test_by_product_sums_the_months_of_each_product():
    rows = [actual(10, 1, 100, JAN, "1", "10.00"), actual(10, 1, 100, FEB, "2", "20.00")]
    tree = build_tree(1, ORG, rows, {}, [JAN, FEB], Scope(SP, 1))
    [(product, total, months)] = tree.by_product
    assert product == 100 and total.actual_amount == D("30.00")
    assert sorted(months) == [JAN, FEB]


def test_ranking_puts_the_best_rate_first_nodes_without_targets_last_then_amount_then_id():
    rows = [
        actual(10, 1, 100, JAN, "5", "500.00"),
        actual(10, 2, 100, JAN, "9", "900.00"),
        actual(20, 3, 100, JAN, "1", "100.00"),
    ]
    plan = {
        (SP, 1): targets([JAN], p100_1=("5", "500.00")),  # 100 %
        (SP, 2): targets([JAN], p100_1=("18", "1800.00")),  # 50 %
    }
    tree = build_tree(1, ORG, rows, plan, [JAN], Scope(CO, 1))
    assert [n.node_id for n in ranking(tree, SP)] == [1, 2, 3]
    assert [n.node_id for n in ranking(tree, DEPT)] == [10, 20]  # no targets: by actual amount


def plan(pid, kind, node, granularity, start, revision=1):
    return ApprovedPlan(
        plan_id=pid,
        revision=revision,
        owner_kind=kind,
        company_id=1,
        department_id=10 if kind is not CO else None,
        salesperson_id=node if kind is SP else None,
        granularity=granularity,
        period_start=start,
        lines=(),
    )


def test_the_plan_in_force_is_the_finest_covering_the_month_then_the_higher_revision():
    plans = [
        plan(1, SP, 1, Granularity.YEAR, JAN),
        plan(2, SP, 1, Granularity.MONTH, FEB),
        plan(3, SP, 1, Granularity.MONTH, FEB, revision=2),
        plan(4, CO, 1, Granularity.QUARTER, JAN),
    ]
    chosen = plans_in_force(plans, [JAN, FEB, MAR])
    assert chosen[(SP, 1)] == {JAN: 1, FEB: 3, MAR: 1}
    assert chosen[(CO, 1)] == {JAN: 4, FEB: 4, MAR: 4}


def test_node_targets_take_only_the_lines_of_the_plan_in_force_for_each_month():
    chosen = {(SP, 1): {JAN: 1, FEB: 3}}
    lines = [
        TargetLine(1, 100, JAN, D("1"), D("10.00")),
        TargetLine(1, 100, FEB, D("2"), D("20.00")),  # the year plan's February: not in force
        TargetLine(3, 100, FEB, D("3"), D("30.00")),
    ]
    found = node_targets(chosen, lines)[(SP, 1)]
    assert found.months == frozenset({JAN, FEB})
    assert found.lines == {(100, JAN): (D("1"), D("10.00")), (100, FEB): (D("3"), D("30.00"))}
