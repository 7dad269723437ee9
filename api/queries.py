"""The Query root: entry points into the graph."""

from datetime import date
from typing import Annotated

import strawberry
from graphql import GraphQLError
from sqlalchemy import select
from strawberry.types import Info

from api.ids import BadId, from_global_id, pk_of
from api.limits.returned import count_returned
from api.loaders.execution import execution_report
from api.loaders.reports import plan_vs_actual
from api.mrp_queries import MrpQueries
from api.pagination import After, Before, Connection, First, Last, PageLimits, PageRequest
from api.types.accounts import USERS_DESCRIPTION, User, UserWhere, users_page
from api.types.achievement import PlanVsActualReport
from api.types.approval import ApprovalPolicy, policy_type
from api.types.catalogue import Product
from api.types.customers import CUSTOMERS_DESCRIPTION, Customer, PriceFloor, customer_pages
from api.types.delivery_reports import DeliveryReport, DeliveryReportWhereInput
from api.types.documents import load_document
from api.types.execution import ExecutionGroupBy, OrderExecutionReport, OrderExecutionWhereInput
from api.types.forecasts import (
    FORECAST_PAGES,
    Forecast,
    ForecastPolicy,
    ForecastWhereInput,
)
from api.types.node import Node
from api.types.orders import ORDERS_DESCRIPTION, OrderSortBy, OrderWhere, SalesOrder, orders_page
from api.types.organisation import ORG_PAGES, Company, SortBy, Where
from api.types.plans import PLANS_DESCRIPTION, SalesPlan, plans_of
from api.types.stock import STOCK_PAGES, StockBalance, StockIn, StockInStatusEnum
from api.types.viewer import Viewer
from domain.approvals.chains import DocumentType
from domain.forecast.plausibility import DEFAULT_THRESHOLD_PERCENT
from domain.store.approvals import load_policy
from domain.store.db import create_sessionmaker
from domain.store.tables import ApprovalPolicy as ApprovalPolicyRow
from domain.store.tables import ForecastPolicy as ForecastPolicyRow


async def approval_policies(engine) -> list[ApprovalPolicy]:
    async with create_sessionmaker(engine)() as session:
        configured = set((await session.execute(select(ApprovalPolicyRow.document_type))).scalars())
        return [
            policy_type(await load_policy(session, t), t not in configured) for t in DocumentType
        ]


PRODUCT_PAGES = PageLimits(default=50, maximum=100)


def delivery_report_filter(where: DeliveryReportWhereInput | None) -> tuple:
    """The loader's filter key of a DeliveryReportWhereInput: (period, scope key, statuses); an
    id that names no Company or Department matches nothing."""
    if where is None:
        return (None, None, ())
    scope = None
    if where.scope_id is not None:
        try:
            type_name, pk = from_global_id(where.scope_id)
        except BadId:
            type_name, pk = "", 0
        scope = f"{type_name}:{pk}" if type_name in ("Company", "Department") else "none"
    statuses = tuple(sorted(s.value for s in where.status_in)) if where.status_in else ()
    return (where.period, scope, statuses)


MAX_NODES = 100


def forecast_filter(where: ForecastWhereInput | None) -> tuple:
    """The loader's filter key of a ForecastWhereInput: (scope, statuses, period, active); an id
    that names no Company or Department matches nothing."""
    if where is None:
        return (None, (), None, None)
    scope = None
    if where.scope_id is not None:
        try:
            scope = from_global_id(where.scope_id)
        except BadId:
            scope = ("none", 0)
    statuses = tuple(sorted(s.value for s in where.status_in)) if where.status_in else ()
    return (scope, statuses, where.period, where.active)


@strawberry.type
class ForecastQueries:
    @strawberry.field(
        description="One forecast; null if it does not exist or you may not read it "
        "(company-wide readers read all of their company's, a manager the department's; "
        "salespeople and partners none)."
    )
    async def forecast(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Global id of the forecast.")],
    ) -> Forecast | None:
        pk = pk_of(id, "Forecast")
        return None if pk is None else await info.context.loaders.forecasts.forecast.load(pk)

    @strawberry.field(
        description="Forecasts you may read, newest first; `where: {active: true}` gives those "
        "in force (per product and period: their lines with `superseded: false`). "
        + FORECAST_PAGES.describe("Forecasts:")
    )
    async def forecasts(
        self,
        info: Info,
        where: Annotated[
            ForecastWhereInput | None,
            strawberry.argument(description="Only forecasts meeting every given condition."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Forecast]:
        page = PageRequest.of(FORECAST_PAGES, first, after, last, before)
        return await info.context.loaders.forecasts.forecasts.load(page, forecast_filter(where))

    @strawberry.field(
        description="Your company's forecast plausibility rule (the default until an admin sets "
        "it); null for partners."
    )
    async def forecast_policy(self, info: Info) -> ForecastPolicy | None:
        return await forecast_policy(info)


async def forecast_policy(info: Info) -> ForecastPolicy | None:
    actor = info.context.viewer
    if not actor.is_internal or actor.company_id is None:
        return None
    async with create_sessionmaker(info.context.engine)() as session:
        row = await session.get(ForecastPolicyRow, actor.company_id)
    if row is None:
        return ForecastPolicy(
            threshold_percent=DEFAULT_THRESHOLD_PERCENT, version=0, is_default=True
        )
    return ForecastPolicy(
        threshold_percent=row.threshold_percent, version=row.version, is_default=False
    )


# Global id type name → the loader of that type (picked lazily: each area's loaders are made on
# first use).
NODE_LOADERS = {
    "Company": lambda loaders: loaders.organisation.company,
    "Department": lambda loaders: loaders.organisation.department,
    "Salesperson": lambda loaders: loaders.organisation.salesperson,
    "User": lambda loaders: loaders.organisation.user,
    "Product": lambda loaders: loaders.catalogue.product,
    "SalesPlan": lambda loaders: loaders.plans.plan,
    "SalesPlanLine": lambda loaders: loaders.plans.line,
    "Forecast": lambda loaders: loaders.forecasts.forecast,
    "ForecastLine": lambda loaders: loaders.forecasts.line,
    "Customer": lambda loaders: loaders.orders.customer,
    "SalesOrder": lambda loaders: loaders.orders.order,
    "SalesOrderLine": lambda loaders: loaders.orders.line,
    "Shipment": lambda loaders: loaders.shipments.shipment,
    "SalesReturn": lambda loaders: loaders.shipments.sales_return,
    "StockIn": lambda loaders: loaders.stock.stock_in,
    "DeliveryReport": lambda loaders: loaders.reports.report,
    "Item": lambda loaders: loaders.mrp.item,
    "Supplier": lambda loaders: loaders.mrp.supplier,
    "BomLine": lambda loaders: loaders.mrp.bom_line,
    "MrpRun": lambda loaders: loaders.mrp.run,
    "MrpPlannedOrder": lambda loaders: loaders.mrp.planned_order_by_key,
}


async def load_node(info: Info, global_id: str) -> Node | None:
    """Any object by global id; None when it does not exist or is outside the viewer's reach."""
    try:
        type_name, pk = from_global_id(global_id)
    except BadId:
        return None
    if type_name == "ApprovalStep":
        # A step is as visible as the document it belongs to.
        step = await info.context.loaders.approval.step.load(pk)
        if step is None or await load_document(info, step.document_type, step.document_pk) is None:
            return None
        return step
    loader = NODE_LOADERS.get(type_name)
    return await loader(info.context.loaders).load(pk) if loader else None


@strawberry.type(
    description="Entry points for reading. Every list is a connection; objects out of your reach "
    "look exactly like objects that do not exist."
)
class Query(ForecastQueries, MrpQueries):
    @strawberry.field(
        description="Any object by its global id; null if it does not exist or you may not see it."
    )
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global id of any type.")],
    ) -> Node | None:
        return await load_node(info, id)

    @strawberry.field(
        description=f"Objects by global ids, in the same order (null for unknown); at most {MAX_NODES} ids."
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(description=f"Global ids of any types; at most {MAX_NODES}."),
        ],
    ) -> list[Node | None]:
        if len(ids) > MAX_NODES:
            raise GraphQLError(f"at most {MAX_NODES} ids per call")
        count_returned(len(ids))  # the operation's actualNodes
        return [await load_node(info, i) for i in ids]

    @strawberry.field(description="The authenticated user.")
    def viewer(self, info: Info) -> Viewer:
        return Viewer(actor=info.context.viewer)

    @strawberry.field(description="Companies, by code. " + ORG_PAGES.describe("Companies:"))
    async def companies(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Company]:
        page = PageRequest.of(ORG_PAGES, first, after, last, before)
        return await info.context.loaders.organisation.companies.load(page)

    @strawberry.field(description=USERS_DESCRIPTION)
    async def users(
        self,
        info: Info,
        where: UserWhere = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[User]:
        return await users_page(info, where, first, after, last, before)

    @strawberry.field(description="Products, by code. " + PRODUCT_PAGES.describe("Products:"))
    async def products(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Product]:
        page = PageRequest.of(PRODUCT_PAGES, first, after, last, before)
        return await info.context.loaders.catalogue.products.load(page)

    @strawberry.field(
        description="One sales plan; null if it does not exist or you may not see it."
    )
    async def sales_plan(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Global id of the plan.")],
    ) -> SalesPlan | None:
        pk = pk_of(id, "SalesPlan")
        return None if pk is None else await info.context.loaders.plans.plan.load(pk)

    @strawberry.field(
        description="The approval chain of every document type (configured or default); "
        "empty for partners, whose portal shows their own orders and nothing of how the "
        "company decides."
    )
    async def approval_policies(self, info: Info) -> list[ApprovalPolicy]:
        if not info.context.viewer.is_internal:
            return []
        return await approval_policies(info.context.engine)

    @strawberry.field(description="Every plan you may read, at all levels. " + PLANS_DESCRIPTION)
    async def sales_plans(
        self,
        info: Info,
        where: Where = None,
        sort_by: SortBy = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[SalesPlan]:
        return await plans_of(info, None, None, where, sort_by, first, after, last, before)

    @strawberry.field(
        description="One sales order; null if it does not exist or you may not see it (a partner "
        "sees only its own customer's orders)."
    )
    async def sales_order(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Global id of the order.")],
    ) -> SalesOrder | None:
        pk = pk_of(id, "SalesOrder")
        return None if pk is None else await info.context.loaders.orders.order.load(pk)

    @strawberry.field(description="Every order you may read. " + ORDERS_DESCRIPTION)
    async def sales_orders(
        self,
        info: Info,
        where: OrderWhere = None,
        sort_by: OrderSortBy = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[SalesOrder]:
        return await orders_page(info, None, where, sort_by, first, after, last, before)

    @strawberry.field(
        description="Customers you may see: every one for company-wide roles; those looked "
        "after in a manager's department or by a salesperson, plus the customers of the orders "
        "they may read; a partner only its own. " + CUSTOMERS_DESCRIPTION
    )
    async def customers(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Customer]:
        return await customer_pages(info, first, after, last, before)

    @strawberry.field(
        description="Every price floor, general and per customer, oldest first; empty for "
        "partners. " + STOCK_PAGES.describe("Floors:")
    )
    async def price_floors(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[PriceFloor]:
        page = PageRequest.of(STOCK_PAGES, first, after, last, before)
        return await info.context.loaders.orders.floors.load(page)

    @strawberry.field(
        description="Stock-ins, newest first; empty for partners. "
        + STOCK_PAGES.describe("Stock-ins:")
    )
    async def stock_ins(
        self,
        info: Info,
        status_in: Annotated[
            list[StockInStatusEnum] | None,
            strawberry.argument(description="Only stock-ins in these statuses."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[StockIn]:
        page = PageRequest.of(STOCK_PAGES, first, after, last, before)
        key = tuple(sorted(s.value for s in status_in)) if status_in else ()
        return await info.context.loaders.stock.stock_ins.load(page, key)

    @strawberry.field(
        description="On-hand finished-goods stock per product (products that ever had stock), by "
        "product; empty for partners. " + STOCK_PAGES.describe("Balances:")
    )
    async def stock_balances(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[StockBalance]:
        page = PageRequest.of(STOCK_PAGES, first, after, last, before)
        return await info.context.loaders.stock.balances.load(page)

    @strawberry.field(
        description="The order execution summary (订单执行情况汇总表) over the order lines you may "
        "read, grouped by order line, order, customer, salesperson, department or period "
        "(promised month). Partners may not group by salesperson or department."
    )
    async def order_execution_report(
        self,
        info: Info,
        group_by: Annotated[ExecutionGroupBy, strawberry.argument(description="The grouping.")],
        where: Annotated[
            OrderExecutionWhereInput | None, strawberry.argument(description="Which lines.")
        ] = None,
        as_of: Annotated[
            date | None,
            strawberry.argument(
                description="Judge lines due against this day; default today (UTC)."
            ),
        ] = None,
        first: Annotated[
            int | None, strawberry.argument(description="Rows per page; default 100, at most 500.")
        ] = None,
        after: After = None,
    ) -> OrderExecutionReport:
        return await execution_report(info, group_by, where, as_of, first, after)

    @strawberry.field(
        description="Plan vs actual (达成率) for a range of months: targets from the approved plans "
        "in force against booked orders less returns, on every node under `scopeId` down to the "
        "salespeople, per product and month, with a ranking (业绩考核). Null when the node does "
        "not exist or you may not read its plans (partners never may). Computed by grouping in "
        "SQL: a handful of statements whatever the number of orders."
    )
    async def plan_vs_actual(
        self,
        info: Info,
        period_from: Annotated[
            date, strawberry.argument(description="The first month (its first day).")
        ],
        period_to: Annotated[
            date,
            strawberry.argument(
                description="The last month (its first day); at most 24 months after periodFrom's."
            ),
        ],
        scope_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The Company, Department or Salesperson at the root; default: the "
                "widest node you may read (the company, your department, or yourself)."
            ),
        ] = None,
        product_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this product's targets and orders."),
        ] = None,
    ) -> PlanVsActualReport | None:
        return await plan_vs_actual(info, period_from, period_to, scope_id, product_id)

    @strawberry.field(
        description="One delivery report; null if it does not exist or you may not read it "
        "(company-wide readers read all of their company's, a manager the department's)."
    )
    async def delivery_report(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Global id of the report.")],
    ) -> DeliveryReport | None:
        pk = pk_of(id, "DeliveryReport")
        return None if pk is None else await info.context.loaders.reports.report.load(pk)

    @strawberry.field(
        description="Delivery reports you may read, newest first. "
        + STOCK_PAGES.describe("Reports:")
    )
    async def delivery_reports(
        self,
        info: Info,
        where: Annotated[
            DeliveryReportWhereInput | None,
            strawberry.argument(description="Only reports meeting every given condition."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[DeliveryReport]:
        page = PageRequest.of(STOCK_PAGES, first, after, last, before)
        return await info.context.loaders.reports.reports.load(page, delivery_report_filter(where))
