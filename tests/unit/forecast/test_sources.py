"""A forecast takes, per month, the lowest approved level of each branch of the plan hierarchy."""

from datetime import date
from decimal import Decimal

import pytest

from domain.forecast.sources import (
    ApprovedPlan,
    ForecastScope,
    PlanLineFact,
    Source,
    select_sources,
)
from domain.plans.hierarchy import OwnerKind
from domain.plans.periods import Granularity

JAN, FEB, MAR = date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1)
JAN_28, FEB_28 = date(2028, 1, 1), date(2028, 2, 1)
P1, P2 = 1, 2
COMPANY = 1


def plan(plan_id, kind, granularity, start, lines, revision=1, department=None, salesperson=None):
    """A plan of company 1; `lines` are (line id, product, month, quantity, amount)."""
    return ApprovedPlan(
        plan_id=plan_id,
        revision=revision,
        owner_kind=kind,
        company_id=COMPANY,
        department_id=department,
        salesperson_id=salesperson,
        granularity=granularity,
        period_start=start,
        lines=tuple(
            PlanLineFact(line, product, month, Decimal(qty), Decimal(amount))
            for line, product, month, qty, amount in lines
        ),
    )


def salesperson(plan_id, person, granularity, start, lines, revision=1):
    return plan(
        plan_id, OwnerKind.SALESPERSON, granularity, start, lines, revision, 10, salesperson=person
    )


# Department 10 has salespeople 100 and 101 with approved plans (and a plan of its own, which they
# override); department 20 has no salesperson plans; the company plans 2027 and 2028 itself.
HIERARCHY = [
    plan(1, OwnerKind.COMPANY, Granularity.YEAR, JAN, [(11, P1, JAN, "1000", "10000.00")]),
    plan(2, OwnerKind.COMPANY, Granularity.YEAR, JAN_28, [(21, P1, JAN_28, "900", "9000.00")]),
    plan(
        3,
        OwnerKind.DEPARTMENT,
        Granularity.MONTH,
        JAN,
        [(31, P1, JAN, "500", "5000.00")],
        department=10,
    ),
    # Salesperson 100: a YEAR plan at revision 3 and a MONTH plan for February, which wins.
    salesperson(
        4,
        100,
        Granularity.YEAR,
        JAN,
        [
            (41, P1, JAN, "10", "100.10"),
            (42, P1, FEB, "10", "100.10"),
            (43, P1, MAR, "10", "100.10"),
        ],
        revision=3,
    ),
    salesperson(5, 100, Granularity.MONTH, FEB, [(51, P1, FEB, "12.5", "125.05")]),
    # Salesperson 101: two revisions of January; the second wins. No plan for February or March.
    salesperson(6, 101, Granularity.MONTH, JAN, [(61, P1, JAN, "20", "200.00")], revision=1),
    salesperson(
        7,
        101,
        Granularity.MONTH,
        JAN,
        [(71, P1, JAN, "25", "250.25"), (72, P2, JAN, "5", "50.00")],
        revision=2,
    ),
    plan(
        8,
        OwnerKind.DEPARTMENT,
        Granularity.QUARTER,
        JAN,
        [(81, P1, JAN, "7", "70.07"), (82, P1, FEB, "7", "70.07"), (83, P1, MAR, "7", "70.07")],
        department=20,
    ),
    # Another company's plan never counts.
    ApprovedPlan(
        9,
        1,
        OwnerKind.COMPANY,
        2,
        None,
        None,
        Granularity.MONTH,
        JAN,
        (PlanLineFact(91, P1, JAN, Decimal(99), Decimal(99)),),
    ),
]


def quantities(selection):
    return {key: (f.quantity, f.amount) for key, f in selection.figures.items()}


def test_the_company_forecast_sums_the_lowest_approved_level_of_each_branch():
    selection = select_sources(HIERARCHY, ForecastScope(COMPANY), [JAN, FEB, MAR])
    assert quantities(selection) == {
        # Salesperson 100's year plan, salesperson 101's second revision, department 20's own plan.
        (P1, JAN): (Decimal("42.000"), Decimal("420.42")),
        (P1, FEB): (Decimal("19.500"), Decimal("195.12")),
        (P1, MAR): (Decimal("17.000"), Decimal("170.17")),
        (P2, JAN): (Decimal("5.000"), Decimal("50.00")),
    }
    assert selection.plans_used == {JAN: (4, 7, 8), FEB: (5, 8), MAR: (4, 8)}
    assert selection.months_without_plans == ()


def test_each_figure_lists_the_plan_lines_it_was_summed_from():
    selection = select_sources(HIERARCHY, ForecastScope(COMPANY), [JAN, FEB])
    assert selection.figures[(P1, JAN)].sources == (
        Source(4, 41, Decimal("10"), Decimal("100.10")),
        Source(7, 71, Decimal("25"), Decimal("250.25")),
        Source(8, 81, Decimal("7"), Decimal("70.07")),
    )
    assert selection.figures[(P1, FEB)].sources == (
        Source(5, 51, Decimal("12.5"), Decimal("125.05")),
        Source(8, 82, Decimal("7"), Decimal("70.07")),
    )


def test_a_month_plan_wins_over_a_year_plan_of_the_same_node_whatever_their_revisions():
    figure = select_sources(HIERARCHY, ForecastScope(COMPANY), [FEB]).figures[(P1, FEB)]
    assert 4 not in {s.plan_id for s in figure.sources}
    assert 5 in {s.plan_id for s in figure.sources}


def test_the_company_plan_counts_only_in_months_no_department_has_figures_for():
    selection = select_sources(HIERARCHY, ForecastScope(COMPANY), [JAN, JAN_28, FEB_28])
    assert 1 not in selection.plans_used[JAN]
    assert quantities(selection)[(P1, JAN_28)] == (Decimal("900.000"), Decimal("9000.00"))
    # The 2028 plan covers February without a line for it: the month is planned, at nothing.
    assert selection.plans_used[FEB_28] == (2,)
    assert (P1, FEB_28) not in selection.figures


def test_a_department_forecast_sums_its_salespeople_and_never_uses_the_company_plan():
    selection = select_sources(HIERARCHY, ForecastScope(COMPANY, 10), [JAN, FEB, JAN_28])
    assert quantities(selection) == {
        (P1, JAN): (Decimal("35.000"), Decimal("350.35")),
        (P1, FEB): (Decimal("12.500"), Decimal("125.05")),
        (P2, JAN): (Decimal("5.000"), Decimal("50.00")),
    }
    assert selection.months_without_plans == (JAN_28,)


def test_a_department_without_salesperson_plans_counts_through_its_own_plan():
    selection = select_sources(HIERARCHY, ForecastScope(COMPANY, 20), [JAN, MAR])
    assert quantities(selection) == {
        (P1, JAN): (Decimal("7.000"), Decimal("70.07")),
        (P1, MAR): (Decimal("7.000"), Decimal("70.07")),
    }


def test_a_department_uses_its_own_plan_in_months_none_of_its_salespeople_has_one():
    plans = [
        plan(
            1,
            OwnerKind.DEPARTMENT,
            Granularity.QUARTER,
            JAN,
            [
                (11, P1, JAN, "50", "500.00"),
                (12, P1, FEB, "60", "600.00"),
            ],
            department=10,
        ),
        salesperson(2, 100, Granularity.MONTH, JAN, [(21, P1, JAN, "8", "80.00")]),
    ]
    selection = select_sources(plans, ForecastScope(COMPANY), [JAN, FEB])
    assert quantities(selection) == {
        (P1, JAN): (Decimal("8.000"), Decimal("80.00")),
        (P1, FEB): (Decimal("60.000"), Decimal("600.00")),
    }


def test_no_approved_plan_in_the_range_is_an_empty_selection_that_says_so():
    selection = select_sources(HIERARCHY, ForecastScope(COMPANY, 10), [JAN_28, FEB_28])
    assert selection.is_empty
    assert selection.figures == {}
    assert selection.months_without_plans == (JAN_28, FEB_28)


def test_months_are_given_by_their_first_day():
    with pytest.raises(ValueError, match="first day"):
        select_sources(HIERARCHY, ForecastScope(COMPANY), [date(2027, 1, 15)])


def test_a_salesperson_plan_must_name_its_department():
    with pytest.raises(ValueError, match="department"):
        ApprovedPlan(1, 1, OwnerKind.SALESPERSON, 1, None, 100, Granularity.MONTH, JAN, ())
