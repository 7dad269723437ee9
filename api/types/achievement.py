"""Plan vs actual (达成率) as GraphQL types: figures, the hierarchy tree, and the ranking.

Everything under a report is computed when the report is asked for (a handful of grouped SQL
statements, see api.loaders.reports); its fields are plain attributes, except the links to the
organisation and products, which go through the request's loaders.
"""

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Annotated, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from api.ids import bounded_key, encode_cursor
from api.pagination import (
    After,
    Before,
    Connection,
    Edge,
    First,
    Last,
    PageInfo,
    PageLimits,
    PageRequest,
)
from api.types.catalogue import Product
from api.types.plans import OwnerKindEnum
from domain.plans.hierarchy import OwnerKind
from domain.reports.achievement import Achievement, Node, ranking

if TYPE_CHECKING:
    from api.types.organisation import Company, Department, Salesperson

T = TypeVar("T")

REPORT_NODES = PageLimits(default=100, maximum=500)
RULES = (
    "Target: the node's own approved plan in force for each month (the finest granularity "
    "covering it, then the higher revision; a product the plan does not list is planned at 0; "
    "targets do not roll up). Actual: booked order lines (CONFIRMED up to CLOSED) whose order "
    "date is in the month, less received returns of those lines, credited to the order's "
    "salesperson and to the department it was booked in. A salesperson's actual is their "
    "orders booked in the department they belong to; a department's is its salespeople's plus "
    "the orders credited to the department itself (booked in it by someone no longer in it); "
    "the company's is its departments'."
)
RATE_HELP = "From 0 up (1 = target met), 4 decimals; null without a target or with a zero target."


@strawberry.type(
    description="Plan-vs-actual figures of one node, product or month, or of a sum of them. "
    "Quantities are in each product's unit (summed across products where a figure covers "
    "several); amounts in the company currency. " + RULES
)
class AchievementFigures:
    # Plain attributes, not resolvers: a report holds thousands of these (see CONVENTIONS).
    target_quantity: Decimal | None = strawberry.field(
        description="Target quantity from the node's approved plan in force; null when no "
        "approved plan of the node covers any month of the figure."
    )
    target_amount: Decimal | None = strawberry.field(
        description="Target amount; null like targetQuantity."
    )
    ordered_quantity: Decimal = strawberry.field(
        description="Quantity on booked order lines of the months."
    )
    ordered_amount: Decimal = strawberry.field(description="Amount of those order lines.")
    returned_quantity: Decimal = strawberry.field(
        description="Quantity customers returned of those lines (received returns)."
    )
    returned_amount: Decimal = strawberry.field(
        description="Value of the returns at the lines' unit prices, rounded to the cent per "
        "order line."
    )
    actual_quantity: Decimal = strawberry.field(description="orderedQuantity − returnedQuantity.")
    actual_amount: Decimal = strawberry.field(description="orderedAmount − returnedAmount.")
    achievement_rate: Decimal | None = strawberry.field(
        description="actualAmount / targetAmount (达成率). " + RATE_HELP
    )
    quantity_achievement_rate: Decimal | None = strawberry.field(
        description="actualQuantity / targetQuantity. " + RATE_HELP
    )
    variance_amount: Decimal | None = strawberry.field(
        description="actualAmount − targetAmount (negative: short of target); null without a "
        "target."
    )
    variance_quantity: Decimal | None = strawberry.field(
        description="actualQuantity − targetQuantity; null without a target."
    )


def figures(value: Achievement) -> AchievementFigures:
    return AchievementFigures(
        target_quantity=value.target_quantity,
        target_amount=value.target_amount,
        ordered_quantity=value.ordered_quantity,
        ordered_amount=value.ordered_amount,
        returned_quantity=value.returned_quantity,
        returned_amount=value.returned_amount,
        actual_quantity=value.actual_quantity,
        actual_amount=value.actual_amount,
        achievement_rate=value.achievement_rate,
        quantity_achievement_rate=value.quantity_achievement_rate,
        variance_amount=value.variance_amount,
        variance_quantity=value.variance_quantity,
    )


@strawberry.type(description="Figures of one month.")
class PeriodAchievement:
    period: date = strawberry.field(description="The first day of the month.")
    figures: AchievementFigures = strawberry.field(description="The month's figures.")


@strawberry.type(description="One product's figures at one node: in total and per month.")
class ProductAchievement:
    product_pk: strawberry.Private[int]
    total: AchievementFigures = strawberry.field(description="Over all months of the report.")
    periods: list[PeriodAchievement] = strawberry.field(
        description="Months in which the product has a target or an actual, in order."
    )

    @strawberry.field(description="The product.")
    async def product(self, info: Info) -> Product | None:
        return await info.context.loaders.catalogue.product.load(self.product_pk)


def list_connection(
    items: Sequence[T], page: PageRequest, make: Callable[[T], object] = lambda x: x
) -> Connection:
    """A page of a list computed in memory; cursors are positions in the list, which is the
    same for the same report."""
    try:
        start = bounded_key(page.after[0]) + 1 if page.after else 0
        end = bounded_key(page.before[0]) if page.before else len(items)
    except ValueError as e:
        raise GraphQLError("not a valid cursor for this list") from e
    start, end = max(start, 0), min(max(end, 0), len(items))
    if page.forward:
        chosen = range(start, min(start + page.size, end))
        more_after, more_before = chosen.stop < end, start > 0
    else:
        chosen = range(max(end - page.size, start), end)
        more_after, more_before = end < len(items), chosen.start > start
    edges = [Edge(node=make(items[i]), cursor_from=partial(encode_cursor, [i, 0])) for i in chosen]
    count = len(items)

    async def total_count() -> int:
        return count

    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=more_after,
            has_previous_page=more_before,
            start_cursor=edges[0].cursor() if edges else None,
            end_cursor=edges[-1].cursor() if edges else None,
        ),
        count=total_count,
    )


NODES_HELP = REPORT_NODES.describe("")


@strawberry.type(
    description="One node of the plan hierarchy (company, department or salesperson) with its "
    "plan-vs-actual figures and its children. " + RULES
)
class PlanVsActualNode:
    node: strawberry.Private[Node]
    kind: OwnerKindEnum = strawberry.field(description="Which level the node is.")

    @classmethod
    def of(cls, node: Node) -> "PlanVsActualNode":
        return cls(node=node, kind=node.kind)

    @strawberry.field(description="The company, for a COMPANY node.")
    async def company(
        self, info: Info
    ) -> Annotated["Company", strawberry.lazy("api.types.organisation")] | None:
        if self.node.kind is not OwnerKind.COMPANY:
            return None
        return await info.context.loaders.organisation.company.load(self.node.node_id)

    @strawberry.field(description="The department, for a DEPARTMENT node.")
    async def department(
        self, info: Info
    ) -> Annotated["Department", strawberry.lazy("api.types.organisation")] | None:
        if self.node.kind is not OwnerKind.DEPARTMENT:
            return None
        return await info.context.loaders.organisation.department.load(self.node.node_id)

    @strawberry.field(description="The salesperson, for a SALESPERSON node.")
    async def salesperson(
        self, info: Info
    ) -> Annotated["Salesperson", strawberry.lazy("api.types.organisation")] | None:
        if self.node.kind is not OwnerKind.SALESPERSON:
            return None
        return await info.context.loaders.organisation.salesperson.load(self.node.node_id)

    @strawberry.field(description="All products and months of the report together.")
    def total(self) -> AchievementFigures:
        return figures(self.node.total)

    @strawberry.field(description="Per month of the report, in order (every month is listed).")
    def periods(self) -> list[PeriodAchievement]:
        return [PeriodAchievement(period=m, figures=figures(f)) for m, f in self.node.by_month]

    @strawberry.field(
        description="Per product with a target or an actual, by product id, each with its "
        "months. Products:" + NODES_HELP
    )
    def products(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ProductAchievement]:
        page = PageRequest.of(REPORT_NODES, first, after, last, before)
        return list_connection(
            self.node.by_product,
            page,
            lambda p: ProductAchievement(
                product_pk=p[0],
                total=figures(p[1]),
                periods=[
                    PeriodAchievement(period=m, figures=figures(f)) for m, f in sorted(p[2].items())
                ],
            ),
        )

    @strawberry.field(
        description="The departments of a company or the salespeople of a department (by id); "
        "empty for a salesperson. Children:" + NODES_HELP
    )
    def children(
        self,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection["PlanVsActualNode"]:
        page = PageRequest.of(REPORT_NODES, first, after, last, before)
        return list_connection(self.node.children, page, PlanVsActualNode.of)

    @strawberry.field(
        description="For a department: the orders credited to the department itself, booked in "
        "it by salespeople no longer in it (no target). Its actual plus its salespeople's is the "
        "department's. Null for other nodes."
    )
    def credited_to_department(self) -> AchievementFigures | None:
        own = self.node.own_total
        return None if own is None else figures(own)


@strawberry.enum(description="Which level of the hierarchy a ranking compares.")
class RankingLevel(Enum):
    DEPARTMENT = strawberry.enum_value(
        "DEPARTMENT", description="The departments under the report's root."
    )
    SALESPERSON = strawberry.enum_value(
        "SALESPERSON", description="The salespeople under the report's root."
    )


@strawberry.type(description="A place in a ranking.")
class AchievementRank:
    rank: int = strawberry.field(description="1 for the best.")
    node: PlanVsActualNode = strawberry.field(description="The ranked node with its figures.")


@strawberry.type(
    description="Plan vs actual (达成率) for a range of months: the hierarchy under `root` in one "
    "tree, and the ranking for performance appraisal (业绩考核). " + RULES
)
class PlanVsActualReport:
    tree: strawberry.Private[Node]
    period_from: date = strawberry.field(description="The first month (its first day).")
    period_to: date = strawberry.field(description="The last month (its first day).")

    @strawberry.field(description="The node asked for, with its children down to salespeople.")
    def root(self) -> PlanVsActualNode:
        return PlanVsActualNode.of(self.tree)

    @strawberry.field(
        description="Departments or salespeople under the root, best first: achievement rate "
        "(amount) descending, nodes without a target last, then actual amount descending, then "
        "id. Ranks:" + NODES_HELP
    )
    def ranking(
        self,
        level: Annotated[RankingLevel, strawberry.argument(description="What to rank.")],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AchievementRank]:
        page = PageRequest.of(REPORT_NODES, first, after, last, before)
        ranked = list(enumerate(ranking(self.tree, OwnerKind(level.value)), start=1))
        return list_connection(
            ranked, page, lambda r: AchievementRank(rank=r[0], node=PlanVsActualNode.of(r[1]))
        )
