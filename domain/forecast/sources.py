"""Which approved plans make up a forecast: per month, the lowest approved level of each branch.

The rule, applied to each month of the forecast on its own:

1. One node (the company, a department or a salesperson) may hold several approved plans that
   cover the month, e.g. a YEAR and a MONTH plan: the finest granularity wins (MONTH over QUARTER
   over YEAR), then the higher revision. That plan's lines for the month are the node's figures; a
   product without a line in it is planned at zero by that node.
2. A department's figures for the month are the sum of its salespeople's plans (those salespeople
   that have an approved plan covering the month), as soon as one of its salespeople has one;
   otherwise its own approved plan's; otherwise the department has no figures for the month.
3. A company-wide forecast takes, for the month, the sum of its departments' figures (as in 2), as
   soon as one department has figures for it; otherwise the company's own approved plan's.
   A department's forecast applies 2 alone.

So every quantity is counted once, at the lowest level that planned it, and a department whose
salespeople have no approved plans still counts through its own plan. Each forecast figure keeps
the plan lines it was summed from. Sums are exact decimals.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.plans.hierarchy import OwnerKind
from domain.plans.periods import MONTHS_IN, Granularity, add_months

# Finer plans win over coarser ones of the same node for the months both cover.
FINENESS = {Granularity.YEAR: 0, Granularity.QUARTER: 1, Granularity.MONTH: 2}


@dataclass(frozen=True)
class PlanLineFact:
    """One line of an approved plan: a target for one product in one month."""

    line_id: int
    product_id: int
    month: date
    quantity: Decimal
    amount: Decimal


@dataclass(frozen=True)
class ApprovedPlan:
    """An approved plan in force, as the forecast sees it. `period_start` and `granularity` say
    which months it covers, whether or not it has lines for them."""

    plan_id: int
    revision: int
    owner_kind: OwnerKind
    company_id: int
    department_id: int | None
    salesperson_id: int | None
    granularity: Granularity
    period_start: date
    lines: tuple[PlanLineFact, ...]

    def __post_init__(self) -> None:
        if self.owner_kind is not OwnerKind.COMPANY and self.department_id is None:
            raise ValueError(
                f"plan {self.plan_id}: a {self.owner_kind.value} plan names its department"
            )
        if self.owner_kind is OwnerKind.SALESPERSON and self.salesperson_id is None:
            raise ValueError(f"plan {self.plan_id}: a SALESPERSON plan names its salesperson")

    def covers(self, month: date) -> bool:
        return (
            self.period_start <= month < add_months(self.period_start, MONTHS_IN[self.granularity])
        )


@dataclass(frozen=True)
class ForecastScope:
    """The whole company, or one of its departments when `department_id` is set."""

    company_id: int
    department_id: int | None = None


@dataclass(frozen=True)
class Source:
    """A plan line that a forecast figure was summed from."""

    plan_id: int
    line_id: int
    quantity: Decimal
    amount: Decimal


@dataclass(frozen=True)
class SourcedFigure:
    """A product's quantity and amount in one month, with the plan lines that make it up."""

    product_id: int
    month: date
    quantity: Decimal
    amount: Decimal
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Selection:
    """The figures per (product id, month), sorted; the plans chosen per month (also those without
    a line for it); and the months wanted that no approved plan covers."""

    figures: dict[tuple[int, date], SourcedFigure]
    plans_used: dict[date, tuple[int, ...]]
    months_without_plans: tuple[date, ...]

    @property
    def is_empty(self) -> bool:
        """No approved plan covers any month wanted: there is nothing to forecast from."""
        return not any(self.plans_used.values())


def select_sources(
    plans: Iterable[ApprovedPlan], scope: ForecastScope, months: Iterable[date]
) -> Selection:
    """The forecast figures of `scope` for `months` (first days of months), summed from `plans`
    (the approved plans in force; others in the company are ignored) by the rule above."""
    wanted = sorted(set(months))
    for month in wanted:
        if month.day != 1:
            raise ValueError(f"months are given by their first day, not {month}")
    branches = _Branches.of(plans, scope)
    figures: dict[tuple[int, date], list[tuple[ApprovedPlan, PlanLineFact]]] = defaultdict(list)
    plans_used: dict[date, tuple[int, ...]] = {}
    # A YEAR plan is chosen for up to 12 months: sort its lines by month once, not 12 times.
    lines_by_month: dict[int, dict[date, list[PlanLineFact]]] = {}
    for month in wanted:
        chosen = branches.chosen(month)
        plans_used[month] = tuple(sorted(p.plan_id for p in chosen))
        for plan in chosen:
            if plan.plan_id not in lines_by_month:
                by_month = lines_by_month[plan.plan_id] = defaultdict(list)
                for line in plan.lines:
                    by_month[line.month].append(line)
            for line in lines_by_month[plan.plan_id].get(month, ()):
                figures[(line.product_id, month)].append((plan, line))
    return Selection(
        figures={key: _sum(key, figures[key]) for key in sorted(figures)},
        plans_used=plans_used,
        months_without_plans=tuple(m for m in wanted if not plans_used[m]),
    )


def _sum(key: tuple[int, date], lines: list[tuple[ApprovedPlan, PlanLineFact]]) -> SourcedFigure:
    sources = sorted(
        (Source(plan.plan_id, line.line_id, line.quantity, line.amount) for plan, line in lines),
        key=lambda s: (s.plan_id, s.line_id),
    )
    return SourcedFigure(
        product_id=key[0],
        month=key[1],
        quantity=sum((s.quantity for s in sources), Decimal("0.000")),
        amount=sum((s.amount for s in sources), Decimal("0.00")),
        sources=tuple(sources),
    )


def finest_plan(plans: Iterable[ApprovedPlan], month: date) -> ApprovedPlan | None:
    """One node's plan for `month`: the finest granularity covering it, then the higher revision
    (then the higher plan id, so the choice never depends on input order)."""
    covering = [p for p in plans if p.covers(month)]
    if not covering:
        return None
    return max(covering, key=lambda p: (FINENESS[p.granularity], p.revision, p.plan_id))


@dataclass
class _Branches:
    """The scope's plans by node: company, departments, and salespeople per department."""

    company: list[ApprovedPlan]
    departments: dict[int, list[ApprovedPlan]]
    salespeople: dict[int, dict[int, list[ApprovedPlan]]]
    whole_company: bool

    @classmethod
    def of(cls, plans: Iterable[ApprovedPlan], scope: ForecastScope) -> "_Branches":
        whole_company = scope.department_id is None
        branches = cls([], defaultdict(list), defaultdict(lambda: defaultdict(list)), whole_company)
        for plan in plans:
            if plan.company_id != scope.company_id:
                continue
            if plan.owner_kind is OwnerKind.COMPANY:
                if branches.whole_company:
                    branches.company.append(plan)
                continue
            if not branches.whole_company and plan.department_id != scope.department_id:
                continue
            if plan.owner_kind is OwnerKind.DEPARTMENT:
                branches.departments[plan.department_id].append(plan)
            else:
                branches.salespeople[plan.department_id][plan.salesperson_id].append(plan)
        return branches

    def chosen(self, month: date) -> list[ApprovedPlan]:
        """The plans whose lines make up `month`."""
        chosen: list[ApprovedPlan] = []
        for department in sorted(self.departments.keys() | self.salespeople.keys()):
            chosen += self._department(department, month)
        if chosen or not self.whole_company:
            return chosen
        own = finest_plan(self.company, month)
        return [own] if own else []

    def _department(self, department: int, month: date) -> Sequence[ApprovedPlan]:
        people = self.salespeople.get(department, {})
        below = [p for p in (finest_plan(people[s], month) for s in sorted(people)) if p]
        if below:
            return below
        own = finest_plan(self.departments.get(department, []), month)
        return [own] if own else []
