"""The schema: Query, Mutation, Subscription, the limits every operation passes before it runs,
and how unexpected errors are answered."""

from datetime import date, datetime
from decimal import Decimal

import strawberry
from strawberry.schema.config import StrawberryConfig

from api.auth import RequireAuthentication
from api.compiled.extension import CompiledReads
from api.context import OperationReads
from api.document_cache import CachedDocuments
from api.limits.errors import answer_errors
from api.limits.operation import OperationLimits
from api.mutations.accounts.sign_in import SignInMutations
from api.mutations.accounts.users import UserMutations
from api.mutations.approvals.policies import ApprovalPolicyMutations
from api.mutations.catalogue.products import ProductMutations
from api.mutations.forecast.forecasts import ForecastMutations
from api.mutations.mrp.master_data import MasterDataMutations
from api.mutations.mrp.runs import MrpRunMutations
from api.mutations.orders.customers import CustomerMutations
from api.mutations.orders.returns import ReturnMutations
from api.mutations.orders.sales_orders import SalesOrderMutations
from api.mutations.orders.shipments import ShipmentMutations
from api.mutations.organisation.departments import DepartmentMutations
from api.mutations.organisation.salespeople import SalespersonMutations
from api.mutations.plans.approval import PlanApprovalMutations
from api.mutations.plans.decomposition import PlanDecompositionMutations
from api.mutations.plans.sales_plans import SalesPlanMutations
from api.mutations.reports.delivery_reports import DeliveryReportMutations
from api.mutations.stock.stock_in import StockInMutations
from api.observability.operations import OperationObservation
from api.queries import Query
from api.subscriptions import Subscription
from api.types.approval import ApprovalStep
from api.types.catalogue import Product
from api.types.customers import Customer
from api.types.delivery_reports import DeliveryReport
from api.types.forecasts import Forecast, ForecastLine
from api.types.mrp_master import BomLine, Item, Supplier
from api.types.mrp_runs import MrpPlannedOrder, MrpRun
from api.types.orders import SalesOrder, SalesOrderLine
from api.types.organisation import Company, Department, Salesperson, User
from api.types.plans import SalesPlan, SalesPlanLine
from api.types.scalars import BOUNDED_DECIMAL, DATE, DATE_TIME
from api.types.shipments import SalesReturn, Shipment
from api.types.stock import StockIn


@strawberry.type(
    description="Every business action, one mutation each, named noun first (salesPlanSubmit, "
    "shipmentDispatch). Each takes one `input` and returns a payload whose `errors` list says "
    "why it was refused (then nothing changed). A retry sent with the same `Idempotency-Key` "
    "header acts once."
)
class Mutation(
    SignInMutations,
    UserMutations,
    DepartmentMutations,
    SalespersonMutations,
    ProductMutations,
    SalesPlanMutations,
    PlanApprovalMutations,
    PlanDecompositionMutations,
    ForecastMutations,
    ApprovalPolicyMutations,
    CustomerMutations,
    SalesOrderMutations,
    StockInMutations,
    ShipmentMutations,
    ReturnMutations,
    DeliveryReportMutations,
    MasterDataMutations,
    MrpRunMutations,
):
    """Every business action, named noun first (salesPlanCreate, salesPlanSubmit, ...)."""


class Schema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        """Give every error a code; answer an unexpected one (a bug, the database) with
        "Internal error." and an error id, its stack trace logged once (api.limits.errors).
        Done here rather than by an extension, which would cost every subscriber something on
        every event."""
        answer_errors(errors, getattr(execution_context, "operation_name", None))


schema = Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    # Types reachable only through the Node interface still need to be in the schema.
    types=[
        Company,
        Department,
        Salesperson,
        User,
        Product,
        SalesPlan,
        SalesPlanLine,
        Forecast,
        ForecastLine,
        ApprovalStep,
        Customer,
        SalesOrder,
        SalesOrderLine,
        Shipment,
        SalesReturn,
        StockIn,
        DeliveryReport,
        Item,
        Supplier,
        BomLine,
        MrpRun,
        MrpPlannedOrder,
    ],
    config=StrawberryConfig(scalar_map={Decimal: BOUNDED_DECIMAL, date: DATE, datetime: DATE_TIME}),
    extensions=[
        # Figures and the log line of every operation, refused ones included.
        OperationObservation,
        # Limits first: an operation over them is refused before anything else runs.
        OperationLimits,
        # Parsed and validated documents, per process (after the limits: their refusal stands).
        CachedDocuments,
        RequireAuthentication,
        OperationReads,
        # Last: queries the others let through, answered without per-field execution.
        CompiledReads,
    ],
)


def schema_sdl() -> str:
    return schema.as_str() + "\n"
