"""Plan vs actual (达成率): targets against booked orders on every node of the plan hierarchy, per
product and month, rolled up, and a ranking of salespeople and departments (业绩考核).

The rules:

- **Target** of a node for a month: the lines of the node's own approved plan in force for that
  month (APPROVED, not SUPERSEDED; of the plans covering the month, the finest granularity wins,
  then the higher revision, as for forecasts). A product without a line in that plan is planned at
  zero; a month no approved plan of the node covers has no target (null). Targets do not roll up:
  each node is measured against the target it was given.
- **Actual**: order lines of booked orders (CONFIRMED up to CLOSED; not DRAFT, IN_REVIEW or
  CANCELLED) whose order date falls in the month, less what customers returned of those lines
  (received returns), valued at the line's unit price and rounded to the cent per order line,
  as in the execution summary. Returns are deducted in the month of the order they belong to.
- **Credit**: an order is credited to its salesperson and to the department it was booked in
  (the salesperson's department at the time). A salesperson's actual is their orders booked in
  the department they are shown under. A department's actual is the sum of its salespeople's
  plus the orders credited to the department itself (booked in it by someone no longer in it);
  the company's is the sum of its departments'. So every order is counted exactly once per level.
- **Rates**: achievement rate = actual amount / target amount (quantity rate likewise), 4
  decimals, null without a target or with a zero target; variance = actual − target.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from domain.forecast.sources import ApprovedPlan, finest_plan
from domain.plans.hierarchy import OwnerKind

ZERO_QTY = Decimal("0.000")
ZERO_MONEY = Decimal("0.00")
RATE_STEP = Decimal("0.0001")
MAX_MONTHS = 24  # a report spans at most two years of months


def _plus(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    """Sum where None means "no target": None only when both are None."""
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def _rate(actual: Decimal, target: Decimal | None) -> Decimal | None:
    if target is None or target == 0:
        return None
    return (actual / target).quantize(RATE_STEP, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Achievement:
    """Summable plan-vs-actual figures; actual, rates and variances are derived."""

    target_quantity: Decimal | None = None
    target_amount: Decimal | None = None
    ordered_quantity: Decimal = ZERO_QTY
    ordered_amount: Decimal = ZERO_MONEY
    returned_quantity: Decimal = ZERO_QTY
    returned_amount: Decimal = ZERO_MONEY

    def __add__(self, other: "Achievement") -> "Achievement":
        return Achievement(
            target_quantity=_plus(self.target_quantity, other.target_quantity),
            target_amount=_plus(self.target_amount, other.target_amount),
            ordered_quantity=self.ordered_quantity + other.ordered_quantity,
            ordered_amount=self.ordered_amount + other.ordered_amount,
            returned_quantity=self.returned_quantity + other.returned_quantity,
            returned_amount=self.returned_amount + other.returned_amount,
        )

    def without_target(self) -> "Achievement":
        return Achievement(
            ordered_quantity=self.ordered_quantity,
            ordered_amount=self.ordered_amount,
            returned_quantity=self.returned_quantity,
            returned_amount=self.returned_amount,
        )

    @property
    def actual_quantity(self) -> Decimal:
        return self.ordered_quantity - self.returned_quantity

    @property
    def actual_amount(self) -> Decimal:
        return self.ordered_amount - self.returned_amount

    @property
    def achievement_rate(self) -> Decimal | None:
        """Actual amount / target amount, 4 decimals; None without a (non-zero) target."""
        return _rate(self.actual_amount, self.target_amount)

    @property
    def quantity_achievement_rate(self) -> Decimal | None:
        return _rate(self.actual_quantity, self.target_quantity)

    @property
    def variance_amount(self) -> Decimal | None:
        return None if self.target_amount is None else self.actual_amount - self.target_amount

    @property
    def variance_quantity(self) -> Decimal | None:
        return None if self.target_quantity is None else self.actual_quantity - self.target_quantity


class Sum:
    """Adds many figures without making an Achievement per addition (reports add tens of
    thousands of cells)."""

    __slots__ = ("oa", "oq", "ra", "rq", "ta", "tq")

    def __init__(self) -> None:
        self.tq: Decimal | None = None
        self.ta: Decimal | None = None
        self.oq, self.oa, self.rq, self.ra = ZERO_QTY, ZERO_MONEY, ZERO_QTY, ZERO_MONEY

    def add(self, f: Achievement) -> None:
        if f.target_quantity is not None:
            self.tq = f.target_quantity if self.tq is None else self.tq + f.target_quantity
        if f.target_amount is not None:
            self.ta = f.target_amount if self.ta is None else self.ta + f.target_amount
        self.oq += f.ordered_quantity
        self.oa += f.ordered_amount
        self.rq += f.returned_quantity
        self.ra += f.returned_amount

    def result(self) -> Achievement:
        return Achievement(self.tq, self.ta, self.oq, self.oa, self.rq, self.ra)


def total(figures: Iterable[Achievement]) -> Achievement:
    acc = Sum()
    for f in figures:
        acc.add(f)
    return acc.result()


def months_between(first: date, last: date) -> list[date]:
    """The first days of the months from `first`'s month to `last`'s, both included."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


# ---- inputs (from the store's grouped reads) ----


@dataclass(frozen=True)
class ActualRow:
    """Booked order lines of one (department, salesperson, product, month), summed in SQL."""

    department_id: int
    salesperson_id: int
    product_id: int
    month: date
    ordered_quantity: Decimal
    ordered_amount: Decimal
    returned_quantity: Decimal
    returned_amount: Decimal

    def figures(self) -> Achievement:
        return Achievement(
            ordered_quantity=self.ordered_quantity,
            ordered_amount=self.ordered_amount,
            returned_quantity=self.returned_quantity,
            returned_amount=self.returned_amount,
        )


@dataclass(frozen=True)
class NodeTargets:
    """One node's targets: the months its approved plans in force cover, and their lines."""

    months: frozenset[date] = frozenset()
    lines: dict[tuple[int, date], tuple[Decimal, Decimal]] = field(default_factory=dict)


@dataclass(frozen=True)
class OrgDepartment:
    department_id: int
    salesperson_ids: tuple[int, ...]


Cell = tuple[int, date]  # (product id, month)


# ---- the tree ----


@dataclass
class Node:
    """One node of the hierarchy with its figures per (product, month)."""

    kind: OwnerKind
    node_id: int
    months: tuple[date, ...]
    cells: dict[Cell, Achievement]
    children: list["Node"] = field(default_factory=list)
    # Departments: orders credited to the department itself, not to one of its salespeople.
    own_cells: dict[Cell, Achievement] | None = None

    @cached_property
    def total(self) -> Achievement:
        return total(self.cells.values())

    @cached_property
    def by_month(self) -> list[tuple[date, Achievement]]:
        """Every month of the report, in order (months without figures are empty, not missing)."""
        sums: dict[date, Sum] = {m: Sum() for m in self.months}
        for (_product, month), figures in self.cells.items():
            sums[month].add(figures)
        return [(m, sums[m].result()) for m in self.months]

    @cached_property
    def by_product(self) -> list[tuple[int, Achievement, dict[date, Achievement]]]:
        """(product id, its total, its figures per month), by product id."""
        per: dict[int, dict[date, Achievement]] = defaultdict(dict)
        for (product, month), figures in self.cells.items():
            per[product][month] = figures
        return [(p, total(per[p].values()), per[p]) for p in sorted(per)]

    @cached_property
    def own_total(self) -> Achievement | None:
        return None if self.own_cells is None else total(self.own_cells.values())

    def walk(self) -> Iterable["Node"]:
        yield self
        for child in self.children:
            yield from child.walk()


def _cells(
    actuals: dict[Cell, Achievement], targets: NodeTargets | None, months: Iterable[date]
) -> dict[Cell, Achievement]:
    """Actual plus the node's targets: every product with a target or an actual, per month;
    months covered by a plan get a target (zero for products it does not list)."""
    targets = targets or NodeTargets()
    wanted = set(months)
    cells: dict[Cell, Achievement] = {}
    for cell, (quantity, amount) in targets.lines.items():
        if cell[1] in wanted:
            cells[cell] = Achievement(target_quantity=quantity, target_amount=amount)
    for cell, figures in actuals.items():
        planned = cell[1] in targets.months
        base = cells.get(cell) or (
            Achievement(target_quantity=ZERO_QTY, target_amount=ZERO_MONEY)
            if planned
            else Achievement()
        )
        cells[cell] = base + figures
    return cells


def _sum_cells(parts: Iterable[dict[Cell, Achievement]]) -> dict[Cell, Achievement]:
    sums: dict[Cell, Sum] = {}
    for part in parts:
        for cell, figures in part.items():
            acc = sums.get(cell)
            if acc is None:
                acc = sums[cell] = Sum()
            acc.add(figures)
    return {cell: acc.result() for cell, acc in sums.items()}


@dataclass(frozen=True)
class Scope:
    """The root of a report: a company, one of its departments, or one salesperson."""

    kind: OwnerKind
    node_id: int


def build_tree(
    company_id: int,
    departments: Iterable[OrgDepartment],
    actuals: Iterable[ActualRow],
    targets: dict[tuple[OwnerKind, int], NodeTargets],
    months: Iterable[date],
    scope: Scope,
) -> Node:
    """The report's tree under `scope` (see the module's rules). `actuals` may hold rows outside
    the scope: they are ignored."""
    months = tuple(sorted(set(months)))
    org = {d.department_id: d.salesperson_ids for d in departments}
    home = {sp: d for d, people in org.items() for sp in people}
    # Actual figures by credit: (department, salesperson) → cells.
    credited: dict[tuple[int, int], dict[Cell, Achievement]] = defaultdict(dict)
    for row in actuals:
        cells = credited[(row.department_id, row.salesperson_id)]
        key = (row.product_id, row.month)
        cells[key] = cells.get(key, Achievement()) + row.figures()

    def target(kind: OwnerKind, node_id: int) -> NodeTargets | None:
        return targets.get((kind, node_id))

    def salesperson(sp: int) -> Node:
        actual = credited.get((home.get(sp), sp), {})
        return Node(
            OwnerKind.SALESPERSON,
            sp,
            months,
            _cells(actual, target(OwnerKind.SALESPERSON, sp), months),
        )

    def department(d: int) -> Node:
        members = set(org.get(d, ()))
        children = [salesperson(sp) for sp in sorted(members)]
        own = _sum_cells(
            cells for (dept, sp), cells in credited.items() if dept == d and sp not in members
        )
        actual = _sum_cells(
            [own] + [cells for (dept, sp), cells in credited.items() if dept == d and sp in members]
        )
        return Node(
            OwnerKind.DEPARTMENT,
            d,
            months,
            _cells(actual, target(OwnerKind.DEPARTMENT, d), months),
            children,
            own_cells=own,
        )

    if scope.kind is OwnerKind.SALESPERSON:
        return salesperson(scope.node_id)
    if scope.kind is OwnerKind.DEPARTMENT:
        return department(scope.node_id)
    children = [department(d) for d in sorted(org)]
    actual = _sum_cells(
        {cell: f.without_target() for cell, f in child.cells.items()} for child in children
    )
    return Node(
        OwnerKind.COMPANY,
        company_id,
        months,
        _cells(actual, target(OwnerKind.COMPANY, company_id), months),
        children,
    )


def ranking(root: Node, kind: OwnerKind) -> list[Node]:
    """The nodes of `kind` under `root` (itself included), best first: achievement rate (amount)
    descending, nodes without a target last; then actual amount descending; then id."""
    nodes = [n for n in root.walk() if n.kind is kind]

    def key(node: Node) -> tuple:
        rate = node.total.achievement_rate
        return (rate is None, -(rate or 0), -node.total.actual_amount, node.node_id)

    return sorted(nodes, key=key)


# ---- which plans set the targets ----


def node_of(plan: ApprovedPlan) -> tuple[OwnerKind, int]:
    """The hierarchy node a plan belongs to."""
    if plan.owner_kind is OwnerKind.COMPANY:
        return (OwnerKind.COMPANY, plan.company_id)
    if plan.owner_kind is OwnerKind.DEPARTMENT:
        return (OwnerKind.DEPARTMENT, plan.department_id)
    return (OwnerKind.SALESPERSON, plan.salesperson_id)


def plans_in_force(
    plans: Iterable[ApprovedPlan], months: Iterable[date]
) -> dict[tuple[OwnerKind, int], dict[date, int]]:
    """Per node, per month: the id of the approved plan whose lines are the node's targets (the
    finest granularity covering the month, then the higher revision)."""
    by_node: dict[tuple[OwnerKind, int], list[ApprovedPlan]] = defaultdict(list)
    for plan in plans:
        by_node[node_of(plan)].append(plan)
    wanted = sorted(set(months))
    chosen: dict[tuple[OwnerKind, int], dict[date, int]] = {}
    for node, mine in by_node.items():
        picks = {}
        for month in wanted:
            plan = finest_plan(mine, month)
            if plan is not None:
                picks[month] = plan.plan_id
        if picks:
            chosen[node] = picks
    return chosen


@dataclass(frozen=True)
class TargetLine:
    plan_id: int
    product_id: int
    month: date
    quantity: Decimal
    amount: Decimal


def node_targets(
    chosen: dict[tuple[OwnerKind, int], dict[date, int]], lines: Iterable[TargetLine]
) -> dict[tuple[OwnerKind, int], NodeTargets]:
    """Each node's targets from the lines of its chosen plans (lines of a plan for a month where
    another plan of the node is in force are ignored)."""
    in_force: dict[tuple[int, date], list[tuple[OwnerKind, int]]] = defaultdict(list)
    for node, picks in chosen.items():
        for month, plan_id in picks.items():
            in_force[(plan_id, month)].append(node)
    found: dict[tuple[OwnerKind, int], dict[Cell, tuple[Decimal, Decimal]]] = defaultdict(dict)
    for line in lines:
        for node in in_force.get((line.plan_id, line.month), ()):
            found[node][(line.product_id, line.month)] = (line.quantity, line.amount)
    return {
        node: NodeTargets(frozenset(picks), found.get(node, {})) for node, picks in chosen.items()
    }
