"""How test_matrix.py calls each operation of the authorisation matrix (matrix.py).

A mutation probe makes, through the use cases (in-process, as the demo users who would), a fresh
object in the state the mutation acts on, and returns the mutation's `input` as a client sends
it (global ids). A query probe is a document (connections are walked through every page) and
what its answer shows: the reach. A subscription probe names what to follow, from the first
stored event on.
"""

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from api.ids import from_global_id, to_global_id
from domain.access import Role
from domain.accounts.passwords import DEMO_PASSWORD
from domain.approvals.chains import DocumentType
from domain.plans.hierarchy import OwnerKind
from domain.plans.lines import LineDraft
from domain.plans.periods import Granularity
from domain.services.accounts.sign_in import AuthLogin, SessionTerms, sign_in
from domain.services.accounts.users import UserCreate, UserDeactivate
from domain.services.orders.customers import PriceFloorWrite
from domain.services.orders.sales_orders import SalesOrderConfirm, SalesOrderSubmit
from domain.services.orders.shipments import ShipmentDispatch
from domain.services.plans.approval import SalesPlanApprove, SalesPlanSubmit
from domain.services.plans.sales_plans import SalesPlanCreate
from domain.services.reports.delivery_reports import DeliveryReportGenerate, DeliveryReportSubmit
from domain.services.stock.stock_in import StockInApprove, StockInRequest
from domain.store.tables import SalesOrder, SalesReturn, Shipment, StockIn
from tests.services.helpers import Services
from tests.services.orders.helpers import (
    delivered,
    new_order,
    order_lines,
    ready_order,
    return_of,
    shipment_of,
    today,
)

Input = dict
MutationProbe = Callable[[Services], Awaitable[Input]]
MUTATIONS: dict[str, MutationProbe] = {}
_unique = count(1)
SIGN_IN_TERMS = SessionTerms(refresh_ttl=timedelta(days=1), max_age=timedelta(days=1))


def mutation(name: str):
    def register(probe: MutationProbe) -> MutationProbe:
        MUTATIONS[name] = probe
        return probe

    return register


async def gid(s: Services, type_name: str, table: str, code: str) -> str:
    return to_global_id(type_name, await s.by_code(table, code))


# ---- plans: salesperson S0001's plans (department D001), written by the planner ------------

JAN_2027 = date(2027, 1, 1)


OWNERS = {
    OwnerKind.SALESPERSON: ("salesperson", "S0001"),
    OwnerKind.DEPARTMENT: ("department", "D001"),
}


async def draft_plan(s: Services, kind: OwnerKind = OwnerKind.SALESPERSON) -> int:
    """A DRAFT January 2027 plan of S0001 (or of D001) with one line."""
    owner = await s.by_code(*OWNERS[kind])
    pump = await s.by_code("product", "P0001")
    command = SalesPlanCreate(
        owner_kind=kind,
        owner_id=owner,
        granularity=Granularity.MONTH,
        period_start=JAN_2027,
        title="Matrix plan",
        lines=[LineDraft(pump, JAN_2027, Decimal("10"))],
    )
    return (await s.ok(command, "planner")).id


async def submitted_plan(s: Services) -> int:
    """Waiting for the VP in charge (the only step of a salesperson plan)."""
    plan = await draft_plan(s)
    await s.ok(SalesPlanSubmit(plan), "planner")
    return plan


async def approved_plan(s: Services) -> int:
    plan = await submitted_plan(s)
    await s.ok(SalesPlanApprove(plan), "vp")
    return plan


def plan_id(pk: int) -> str:
    return to_global_id("SalesPlan", pk)


@mutation("salesPlanCreate")
async def sales_plan_create(s: Services) -> Input:
    return {
        "ownerId": await gid(s, "Salesperson", "salesperson", "S0001"),
        "granularity": "MONTH",
        "periodStart": "2027-01-01",
        "title": "Matrix plan",
    }


@mutation("salesPlanUpdateLines")
async def sales_plan_update_lines(s: Services) -> Input:
    product = await gid(s, "Product", "product", "P0002")
    line = {"productId": product, "period": "2027-01-01", "quantity": "3"}
    return {"id": plan_id(await draft_plan(s)), "upsert": [line]}


@mutation("salesPlanSubmit")
async def sales_plan_submit(s: Services) -> Input:
    return {"id": plan_id(await draft_plan(s))}


@mutation("salesPlanApprove")
async def sales_plan_approve(s: Services) -> Input:
    return {"id": plan_id(await submitted_plan(s))}


@mutation("salesPlanReject")
async def sales_plan_reject(s: Services) -> Input:
    return {"id": plan_id(await submitted_plan(s)), "reason": "matrix"}


@mutation("salesPlanWithdraw")
async def sales_plan_withdraw(s: Services) -> Input:
    return {"id": plan_id(await submitted_plan(s))}


@mutation("salesPlanRevise")
async def sales_plan_revise(s: Services) -> Input:
    return {"id": plan_id(await approved_plan(s))}


@mutation("salesPlanDecompose")
async def sales_plan_decompose(s: Services) -> Input:
    child = await gid(s, "Salesperson", "salesperson", "S0001")
    return {
        "id": plan_id(await draft_plan(s, OwnerKind.DEPARTMENT)),
        "children": [{"ownerId": child, "share": "1"}],
    }


# ---- approval chains and customers ----------------------------------------------------------


@mutation("approvalPolicySet")
async def approval_policy_set(s: Services) -> Input:
    # The default STOCK_IN chain, set again: allowed calls change nothing the other probes see.
    return {
        "documentType": "STOCK_IN",
        "steps": [{"name": "VP in charge", "approverKind": "VP_IN_CHARGE"}],
    }


@mutation("customerCreate")
async def customer_create(s: Services) -> Input:
    return {"code": f"M{next(_unique):04d}", "name": "Matrix customer"}


@mutation("customerUpdate")
async def customer_update(s: Services) -> Input:
    return {"id": await gid(s, "Customer", "customer", "C0004"), "contactName": "Matrix"}


@mutation("priceFloorSet")
async def price_floor_set(s: Services) -> Input:
    return {"productId": await gid(s, "Product", "product", "P0010"), "minUnitPrice": "1.00"}


@mutation("priceFloorRemove")
async def price_floor_remove(s: Services) -> Input:
    product, customer = await s.by_code("product", "P0009"), await s.by_code("customer", "C0004")
    await s.ok(PriceFloorWrite(product, customer, Decimal("1.00")), "planner")
    return {
        "productId": to_global_id("Product", product),
        "customerId": to_global_id("Customer", customer),
    }


# ---- sales orders of customer C0001 by salesperson S0001, at list prices -----------------

ONE_COUPLING = [("P0004", "1", 30)]


def order_id(order: SalesOrder) -> str:
    return to_global_id("SalesOrder", order.id)


async def draft_order(s: Services) -> SalesOrder:
    return await new_order(s, "planner", "C0001", ONE_COUPLING)


async def order_in_review(s: Services) -> SalesOrder:
    order = await draft_order(s)
    return await s.ok(SalesOrderSubmit(order.id), "planner")


async def confirmed_order(s: Services) -> SalesOrder:
    order = await order_in_review(s)
    return await s.ok(SalesOrderConfirm(order.id), "planner")


async def planned_shipment(s: Services) -> Shipment:
    return await shipment_of(s, await ready_order(s, "C0001", ONE_COUPLING), "1")


async def dispatched_shipment(s: Services) -> Shipment:
    shipment = await planned_shipment(s)
    return await s.ok(ShipmentDispatch(shipment.id), "planner")


async def delivered_order(s: Services) -> SalesOrder:
    order = await ready_order(s, "C0001", ONE_COUPLING)
    await delivered(s, await shipment_of(s, order, "1"))
    return order


def shipment_id(shipment: Shipment) -> str:
    return to_global_id("Shipment", shipment.id)


async def line_ids(s: Services, order: SalesOrder) -> list[str]:
    return [to_global_id("SalesOrderLine", pk) for pk in await order_lines(s, order.id)]


@mutation("salesOrderCreate")
async def sales_order_create(s: Services) -> Input:
    line = {
        "productId": await gid(s, "Product", "product", "P0004"),
        "quantity": "1",
        "promisedDate": (today() + timedelta(days=30)).isoformat(),
    }
    return {"customerId": await gid(s, "Customer", "customer", "C0001"), "lines": [line]}


@mutation("salesOrderUpdateLines")
async def sales_order_update_lines(s: Services) -> Input:
    line = {
        "productId": await gid(s, "Product", "product", "P0004"),
        "quantity": "2",
        "promisedDate": (today() + timedelta(days=30)).isoformat(),
    }
    return {"id": order_id(await draft_order(s)), "lines": [line]}


@mutation("salesOrderSubmit")
async def sales_order_submit(s: Services) -> Input:
    return {"id": order_id(await draft_order(s))}


@mutation("salesOrderApprove")
async def sales_order_approve(s: Services) -> Input:
    """An order priced under its floor: its special approval waits for finance."""
    order = await new_order(s, "planner", "C0001", [("P0002", "1", 30, "500.00")])
    await s.ok(SalesOrderSubmit(order.id), "planner")
    return {"id": order_id(order)}


@mutation("salesOrderReject")
async def sales_order_reject(s: Services) -> Input:
    return {"id": order_id(await order_in_review(s)), "reason": "matrix"}


@mutation("salesOrderConfirm")
async def sales_order_confirm(s: Services) -> Input:
    return {"id": order_id(await order_in_review(s))}


@mutation("salesOrderStartProduction")
async def sales_order_start_production(s: Services) -> Input:
    return {"id": order_id(await confirmed_order(s))}


@mutation("salesOrderMarkReady")
async def sales_order_mark_ready(s: Services) -> Input:
    return {"id": order_id(await confirmed_order(s))}


@mutation("salesOrderCancel")
async def sales_order_cancel(s: Services) -> Input:
    return {"id": order_id(await draft_order(s)), "reason": "matrix"}


@mutation("salesOrderClose")
async def sales_order_close(s: Services) -> Input:
    return {"id": order_id(await delivered_order(s))}


# ---- stock-ins of one pump ------------------------------------------------------------------


async def requested_stock_in(s: Services) -> StockIn:
    """Waiting for the VP in charge (the default STOCK_IN chain)."""
    pump = await s.by_code("product", "P0001")
    return await s.ok(StockInRequest(pump, Decimal("1"), "QC-MATRIX"), "planner")


def stock_in_id(stock_in: StockIn) -> str:
    return to_global_id("StockIn", stock_in.id)


@mutation("stockInRequest")
async def stock_in_request(s: Services) -> Input:
    return {
        "productId": await gid(s, "Product", "product", "P0001"),
        "quantity": "1",
        "qcReference": "QC-MATRIX",
    }


@mutation("stockInApprove")
async def stock_in_approve(s: Services) -> Input:
    return {"id": stock_in_id(await requested_stock_in(s))}


@mutation("stockInReject")
async def stock_in_reject(s: Services) -> Input:
    return {"id": stock_in_id(await requested_stock_in(s)), "reason": "matrix"}


@mutation("stockInPost")
async def stock_in_post(s: Services) -> Input:
    stock_in = await requested_stock_in(s)
    await s.ok(StockInApprove(stock_in.id), "vp")
    return {"id": stock_in_id(stock_in)}


# ---- shipments and returns of one coupling --------------------------------------------------


@mutation("shipmentCreate")
async def shipment_create(s: Services) -> Input:
    order = await ready_order(s, "C0001", ONE_COUPLING)
    (line,) = await line_ids(s, order)
    return {"orderId": order_id(order), "lines": [{"orderLineId": line, "quantity": "1"}]}


@mutation("shipmentDispatch")
async def shipment_dispatch(s: Services) -> Input:
    return {"id": shipment_id(await planned_shipment(s))}


@mutation("shipmentAddTrackingEvent")
async def shipment_add_tracking_event(s: Services) -> Input:
    return {"id": shipment_id(await dispatched_shipment(s)), "location": "Shanghai"}


@mutation("shipmentDeliver")
async def shipment_deliver(s: Services) -> Input:
    return {"id": shipment_id(await dispatched_shipment(s))}


@mutation("shipmentConfirmReceipt")
async def shipment_confirm_receipt(s: Services) -> Input:
    return {"id": shipment_id(await dispatched_shipment(s))}


@mutation("returnCreate")
async def return_create(s: Services) -> Input:
    order = await delivered_order(s)
    (line,) = await line_ids(s, order)
    return {
        "orderId": order_id(order),
        "reason": "matrix",
        "lines": [{"orderLineId": line, "quantity": "1"}],
    }


@mutation("returnReceive")
async def return_receive(s: Services) -> Input:
    sales_return: SalesReturn = await return_of(s, await delivered_order(s), "1", "matrix")
    return {"id": to_global_id("SalesReturn", sales_return.id)}


# ---- delivery reports: department D001's (`manager`), compiled by the planner -----------------


_report_months = count(0)


def fresh_month() -> date:
    """A month of its own for each report a probe makes (a month that has started), so no earlier
    revision of the same scope and month is waiting for approval."""
    n = next(_report_months)
    return date(2000 + n // 12, n % 12 + 1, 1)


def report_id(pk: int) -> str:
    return to_global_id("DeliveryReport", pk)


async def draft_report(s: Services, department: str = "D001") -> int:
    d = await s.by_code("department", department)
    return (await s.ok(DeliveryReportGenerate(None, d, fresh_month()), "planner")).id


async def submitted_report(s: Services) -> int:
    """Waiting for the VP in charge of D001."""
    report = await draft_report(s)
    await s.ok(DeliveryReportSubmit(report), "planner")
    return report


@mutation("deliveryReportGenerate")
async def delivery_report_generate(s: Services) -> Input:
    return {
        "period": fresh_month().isoformat(),
        "scopeId": await gid(s, "Department", "department", "D001"),
    }


@mutation("deliveryReportSubmit")
async def delivery_report_submit(s: Services) -> Input:
    return {"id": report_id(await draft_report(s))}


@mutation("deliveryReportApprove")
async def delivery_report_approve(s: Services) -> Input:
    return {"id": report_id(await submitted_report(s))}


@mutation("deliveryReportReject")
async def delivery_report_reject(s: Services) -> Input:
    return {"id": report_id(await submitted_report(s)), "reason": "matrix"}


# ---- sign-in and administration (issue 14) ----------------------------------------------


async def fresh_session(s: Services) -> str:
    """The refresh token of a new sign-in of `planner`."""
    result = await sign_in(s.use_cases, AuthLogin("planner", DEMO_PASSWORD, SIGN_IN_TERMS))
    return result.value.refresh_token


async def fresh_user(s: Services, active: bool = True) -> str:
    """A new PLANNER user made by the admin (deactivated when `active` is False)."""
    user = await s.ok(
        UserCreate(f"matrix.user{next(_unique)}", "Matrix user", frozenset({Role.PLANNER})),
        "admin",
    )
    if not active:
        await s.ok(UserDeactivate(user.id), "admin")
    return to_global_id("User", user.id)


@mutation("authLogin")
async def auth_login(s: Services) -> Input:
    return {"login": "planner", "password": DEMO_PASSWORD}


@mutation("authRefresh")
async def auth_refresh(s: Services) -> Input:
    return {"refreshToken": await fresh_session(s)}


@mutation("authLogout")
async def auth_logout(s: Services) -> Input:
    return {"refreshToken": await fresh_session(s)}


@mutation("viewerPasswordChange")
async def viewer_password_change(s: Services) -> Input:
    # The caller's own password, set to what it was: the other probes still sign in.
    return {"currentPassword": DEMO_PASSWORD, "newPassword": DEMO_PASSWORD}


@mutation("userCreate")
async def user_create(s: Services) -> Input:
    return {"login": f"matrix.new{next(_unique)}", "displayName": "Matrix", "roles": ["PLANNER"]}


@mutation("userUpdate")
async def user_update(s: Services) -> Input:
    return {"id": await fresh_user(s), "displayName": "Matrix user, renamed"}


@mutation("userDeactivate")
async def user_deactivate(s: Services) -> Input:
    return {"id": await fresh_user(s)}


@mutation("userReactivate")
async def user_reactivate(s: Services) -> Input:
    return {"id": await fresh_user(s, active=False)}


@mutation("userPasswordReset")
async def user_password_reset(s: Services) -> Input:
    return {"id": await fresh_user(s), "newPassword": "matrix passphrase"}


@mutation("userSessionsRevoke")
async def user_sessions_revoke(s: Services) -> Input:
    return {"id": await fresh_user(s)}


@mutation("departmentCreate")
async def department_create(s: Services) -> Input:
    return {"code": f"MD{next(_unique):03d}", "name": "Matrix department"}


@mutation("departmentUpdate")
async def department_update(s: Services) -> Input:
    return {"id": await gid(s, "Department", "department", "D003"), "name": "Export Sales"}


@mutation("salespersonCreate")
async def salesperson_create(s: Services) -> Input:
    department = await gid(s, "Department", "department", "D003")
    return {"departmentId": department, "code": f"MS{next(_unique):04d}", "name": "Matrix"}


@mutation("salespersonUpdate")
async def salesperson_update(s: Services) -> Input:
    return {"id": await gid(s, "Salesperson", "salesperson", "S0010"), "email": "m@hengda.example"}


@mutation("productCreate")
async def product_create(s: Services) -> Input:
    code = f"MP{next(_unique):04d}"
    return {"code": code, "name": "Matrix product", "unit": "pcs", "listPrice": "1.00"}


@mutation("productUpdate")
async def product_update(s: Services) -> Input:
    return {"id": await gid(s, "Product", "product", "P0010"), "name": "Sensor kit SK-1"}


# ---- queries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryProbe:
    """`document` answered as one login; `reach(data, login)` is what the answer shows (ids).
    With `pages`, the document takes `$after` and the connection at that path is read to its
    end. `single`: the answer is about given objects, so an empty reach means NOT_FOUND."""

    document: str
    reach: Callable[[dict, str], Iterable[str]]
    variables: Callable[[Services], Awaitable[dict]] | None = None
    pages: tuple[str, ...] | None = None
    single: bool = False


PAGE = "pageInfo { hasNextPage endCursor }"


def connection(field: str) -> QueryProbe:
    """Every node of a root connection, by id."""
    return QueryProbe(
        f"query($after: String) {{ {field}(first: 100, after: $after) {{ nodes {{ id }} {PAGE} }} }}",
        lambda data, login: [n["id"] for n in data[field]["nodes"]],
        pages=(field,),
    )


def nodes_of(data: dict, field: str) -> list[str]:
    answer = data[field]
    items = answer if isinstance(answer, list) else [answer]
    return [item["id"] for item in items if item is not None]


async def demo_order(s: Services, customer: str, salesperson: str, status: str) -> str:
    """A demo order of that customer, salesperson and status."""
    pk = await s.pk(
        "sales_order",
        "customer_id = :c AND salesperson_id = :s AND status = :status",
        c=await s.by_code("customer", customer),
        s=await s.by_code("salesperson", salesperson),
        status=status,
    )
    return to_global_id("SalesOrder", pk)


async def demo_plan(s: Services, owner: str, code: str, month: int) -> str:
    return plan_id(await s.monthly_plan(owner, code, month))


async def order_of_partner(s: Services) -> dict:
    return {"id": await demo_order(s, "C0001", "S0001", "PARTIALLY_SHIPPED")}


async def order_of_partner2(s: Services) -> dict:
    return {"id": await demo_order(s, "C0002", "S0003", "READY")}


async def company_plan(s: Services) -> dict:
    return {"ids": [await demo_plan(s, "company", "HD", 12)]}


async def department_plan(s: Services) -> dict:
    return {"id": await demo_plan(s, "department", "D002", 1)}


async def a_d001_report(s: Services) -> dict:
    return {"id": report_id(await draft_report(s))}


async def reports_of_two_departments(s: Services) -> dict:
    """Reports of D001 (the manager's) and D002, so the lists are not empty."""
    await draft_report(s)
    await draft_report(s, "D002")
    return {}


def achievement_reach(data: dict, login: str) -> list[str]:
    """Every node of the plan-vs-actual tree with its actual and target amounts."""
    report = data["planVsActual"]
    if report is None:
        return []
    found = []

    def walk(node: dict) -> None:
        owner = node["company"] or node["department"] or node["salesperson"]
        total = node["total"]
        found.append(f"{owner['id']}={total['actualAmount']}/{total['targetAmount']}")
        for child in node["children"]["nodes"]:
            walk(child)

    walk(report["root"])
    return found


ACHIEVEMENT_NODE = (
    "company { id } department { id } salesperson { id } total { actualAmount targetAmount }"
)

QUERIES: dict[str, QueryProbe] = {
    "planVsActual": QueryProbe(
        f'{{ planVsActual(periodFrom: "2026-06-01", periodTo: "2026-09-01") {{ root {{ '
        f"{ACHIEVEMENT_NODE} children(first: 10) {{ nodes {{ {ACHIEVEMENT_NODE} "
        f"children(first: 10) {{ nodes {{ {ACHIEVEMENT_NODE} children {{ nodes {{ id: kind }} }} "
        f"}} }} }} }} }} }} }}",
        achievement_reach,
    ),
    "deliveryReport": QueryProbe(
        "query($id: ID!) { deliveryReport(id: $id) { id } }",
        lambda data, login: nodes_of(data, "deliveryReport"),
        a_d001_report,
        single=True,
    ),
    "deliveryReports": QueryProbe(
        f"query($after: String) {{ deliveryReports(first: 100, after: $after) {{ "
        f"nodes {{ id }} {PAGE} }} }}",
        lambda data, login: [n["id"] for n in data["deliveryReports"]["nodes"]],
        reports_of_two_departments,
        pages=("deliveryReports",),
    ),
    "node": QueryProbe(
        "query($id: ID!) { node(id: $id) { id } }",
        lambda data, login: nodes_of(data, "node"),
        order_of_partner,
        single=True,
    ),
    "nodes": QueryProbe(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        lambda data, login: nodes_of(data, "nodes"),
        company_plan,
        single=True,
    ),
    "viewer": QueryProbe(
        "{ viewer { user { login } } }",
        lambda data, login: ["me"] if data["viewer"]["user"]["login"] == login else ["not me"],
    ),
    "companies": connection("companies"),
    "products": connection("products"),
    "users": connection("users"),
    "salesPlan": QueryProbe(
        "query($id: ID!) { salesPlan(id: $id) { id } }",
        lambda data, login: nodes_of(data, "salesPlan"),
        department_plan,
        single=True,
    ),
    "approvalPolicies": QueryProbe(
        "{ approvalPolicies { documentType steps { name } } }",
        lambda data, login: [str(p) for p in data["approvalPolicies"]],
    ),
    "salesPlans": connection("salesPlans"),
    "salesOrder": QueryProbe(
        "query($id: ID!) { salesOrder(id: $id) { id } }",
        lambda data, login: nodes_of(data, "salesOrder"),
        order_of_partner2,
        single=True,
    ),
    "salesOrders": connection("salesOrders"),
    "customers": connection("customers"),
    "priceFloors": QueryProbe(
        f"query($after: String) {{ priceFloors(first: 100, after: $after) {{ "
        f"nodes {{ product {{ id }} customer {{ id }} minUnitPrice }} {PAGE} }} }}",
        lambda data, login: [
            f"{n['product']['id']}/{(n['customer'] or {}).get('id')}={n['minUnitPrice']}"
            for n in data["priceFloors"]["nodes"]
        ],
        pages=("priceFloors",),
    ),
    "stockIns": connection("stockIns"),
    "stockBalances": QueryProbe(
        f"query($after: String) {{ stockBalances(first: 100, after: $after) {{ "
        f"nodes {{ product {{ id }} onHand }} {PAGE} }} }}",
        lambda data, login: [
            f"{n['product']['id']}={n['onHand']}" for n in data["stockBalances"]["nodes"]
        ],
        pages=("stockBalances",),
    ),
    "orderExecutionReport": QueryProbe(
        f"query($after: String) {{ orderExecutionReport(groupBy: ORDER, first: 100, after: $after) "
        f"{{ rows {{ nodes {{ order {{ id }} figures {{ orderedQuantity }} }} {PAGE} }} }} }}",
        lambda data, login: [
            f"{n['order']['id']}={n['figures']['orderedQuantity']}"
            for n in data["orderExecutionReport"]["rows"]["nodes"]
        ],
        pages=("orderExecutionReport", "rows"),
    ),
}


# ---- subscriptions --------------------------------------------------------------------------


@dataclass(frozen=True)
class SubscriptionProbe:
    """`document` followed from the first stored event on. `document_of(event)` is the document
    an event is about; a probe with `in_reach` is answered SCOPED when every event received is
    in the caller's reach (`in_reach(services, login, document id, event)`)."""

    document: str
    variables: Callable[[Services], Awaitable[dict]]
    document_of: Callable[[dict], str]
    in_reach: Callable[[Services, str, str, dict], Awaitable[bool]] | None = None


async def from_start(s: Services, stream_of: dict | None = None) -> str:
    """The cursor before the first event of a stream (or of the whole feed)."""
    if stream_of is None:
        return "0"
    type_name, pk = from_global_id(next(iter(stream_of.values())))
    first = await s.scalar(
        "SELECT min(position) FROM event WHERE stream = :s", s=f"{type_name}:{pk}"
    )
    return str(first - 1)


async def follow_order(s: Services) -> dict:
    order = await order_of_partner(s)
    return {"orderId": order["id"], "after": await from_start(s, order)}


async def follow_plan(s: Services) -> dict:
    plan = await department_plan(s)
    return {"planId": plan["id"], "after": await from_start(s, plan)}


async def all_tasks(s: Services) -> dict:
    """New work for the VP (a plan, a stock-in) and for finance (an order under its floor),
    followed from just before it: the demo's stored history routes no tasks."""
    last = await s.scalar("SELECT coalesce(max(position), 0) FROM event")
    await submitted_plan(s)
    await requested_stock_in(s)
    await sales_order_approve(s)
    return {"after": str(last)}


DOCUMENT_TYPES = {
    "SalesPlan": DocumentType.SALES_PLAN,
    "SalesOrder": DocumentType.SALES_ORDER,
    "StockIn": DocumentType.STOCK_IN,
}


async def step_is_theirs(s: Services, login: str, document: str, event: dict) -> bool:
    """The named step of the document is the login's to decide (by user or by role)."""
    type_name, pk = from_global_id(document)
    actor = await s.actor(login)
    rows = await s.rows(
        "SELECT approver_id, role FROM approval_step WHERE document_type = :t "
        "AND document_id = :d AND name = :n",
        t=DOCUMENT_TYPES[type_name].value,
        d=pk,
        n=event["stepName"],
    )
    roles = {r.value for r in actor.roles}
    return any(user == actor.user_id or role in roles for user, role in rows)


SUBSCRIPTIONS: dict[str, SubscriptionProbe] = {
    "orderStatusChanged": SubscriptionProbe(
        "subscription($orderId: ID, $after: String) { orderStatusChanged(orderId: $orderId, "
        "after: $after) { cursor order { id } } }",
        follow_order,
        lambda event: event["orderStatusChanged"]["order"]["id"],
    ),
    "salesPlanStatusChanged": SubscriptionProbe(
        "subscription($planId: ID, $after: String) { salesPlanStatusChanged(planId: $planId, "
        "after: $after) { cursor salesPlan { id } } }",
        follow_plan,
        lambda event: event["salesPlanStatusChanged"]["salesPlan"]["id"],
    ),
    "approvalTaskAssigned": SubscriptionProbe(
        "subscription($after: String) { approvalTaskAssigned(after: $after) { cursor stepName "
        "document { id } } }",
        all_tasks,
        lambda event: event["approvalTaskAssigned"]["document"]["id"],
        lambda s, login, document, event: step_is_theirs(
            s, login, document, event["approvalTaskAssigned"]
        ),
    ),
}


# ---- MRP: master data (admins and planners), runs (planners), results (company-wide readers) --


async def mrp_run_row(s: Services, state: str, forecast: int | None = None) -> int:
    """A run of a fresh approved forecast in job state `state`, with its QUEUED event."""
    from domain.mrp.runs import BucketKind
    from domain.store.mrp.runs import run_event
    from domain.store.tables.jobs import JobState
    from domain.store.tables.mrp import MrpRun
    from domain.store.uow import UnitOfWork
    from tests.services.mrp.helpers import RUN_START, approved_forecast

    forecast = forecast or await approved_forecast(s.engine)
    async with UnitOfWork(s.engine) as uow:
        run = MrpRun(
            company_id=await s.by_code("company", "HD"),
            forecast_id=forecast,
            bucket=BucketKind.WEEK,
            horizon=4,
            start_date=RUN_START,
            job_state=JobState(state),
            started_by=await s.user("planner"),
        )
        uow.session.add(run)
        await uow.session.flush()
        uow.record(run_event(run, "QUEUED", None), run.started_by)
        await uow.commit()
    return run.id


def mrp_run_id(pk: int) -> str:
    return to_global_id("MrpRun", pk)


@mutation("itemCreate")
async def item_create(s: Services) -> Input:
    await jobs_settled(s)  # no job may write while the denied calls are compared
    return {"code": f"MI{next(_unique):04d}", "name": "Matrix item", "unit": "kg",
            "itemType": "RAW", "procurement": "BUY", "leadDays": 5}  # fmt: skip


@mutation("itemUpdate")
async def item_update(s: Services) -> Input:
    await jobs_settled(s)  # no job may write while the denied calls are compared
    return {"id": await gid(s, "Item", "item", "RM-CI"), "safetyStock": f"{next(_unique)}"}


@mutation("supplierCreate")
async def supplier_create(s: Services) -> Input:
    await jobs_settled(s)  # no job may write while the denied calls are compared
    return {"code": f"MS{next(_unique):04d}", "name": "Matrix supplier", "leadDays": 3}


@mutation("supplierUpdate")
async def supplier_update(s: Services) -> Input:
    await jobs_settled(s)  # no job may write while the denied calls are compared
    return {"id": await gid(s, "Supplier", "supplier", "SUP-PACK"), "minimumOrder": "350.00"}


@mutation("supplierPriceSet")
async def supplier_price_set(s: Services) -> Input:
    await jobs_settled(s)  # no job may write while the denied calls are compared
    return {
        "supplierId": await gid(s, "Supplier", "supplier", "SUP-PACK"),
        "itemId": await gid(s, "Item", "item", "RM-CI"),
        "unitPrice": f"{next(_unique)}.5000",
    }


async def fresh_bom_line(s: Services) -> int:
    from domain.services.mrp.master_data import BomLineAdd

    line = await s.ok(
        BomLineAdd(
            await s.by_code("item", "SF-BLANK"),
            await s.by_code("item", "RM-ADD"),
            Decimal("0.01"),
        ),
        "planner",
    )
    return line.id


@mutation("bomLineAdd")
async def bom_line_add(s: Services) -> Input:
    await jobs_settled(s)  # no job may write while the denied calls are compared
    return {
        "parentId": await gid(s, "Item", "item", "SF-HUB"),
        "componentId": await gid(s, "Item", "item", "RM-ADD"),
        "quantityPer": f"0.{next(_unique):03d}",
    }


@mutation("bomLineUpdate")
async def bom_line_update(s: Services) -> Input:
    await jobs_settled(s)  # no job may write while the denied calls are compared
    return {"id": to_global_id("BomLine", await fresh_bom_line(s)), "quantityPer": "0.02"}


@mutation("bomLineRemove")
async def bom_line_remove(s: Services) -> Input:
    await jobs_settled(s)  # no job may write while the denied calls are compared
    return {"id": to_global_id("BomLine", await fresh_bom_line(s))}


@mutation("mrpRunStart")
async def mrp_run_start(s: Services) -> Input:
    await jobs_settled(s)  # no job may write while the denied calls are compared
    from tests.services.mrp.helpers import RUN_START, approved_forecast

    forecast = await approved_forecast(s.engine)
    return {"forecastId": to_global_id("Forecast", forecast), "bucket": "WEEK", "horizon": 4,
            "start": RUN_START.isoformat()}  # fmt: skip


@mutation("mrpRunRetry")
async def mrp_run_retry(s: Services) -> Input:
    await jobs_settled(s)  # no job may write while the denied calls are compared
    return {"id": mrp_run_id(await mrp_run_row(s, "FAILED"))}


async def a_run(s: Services) -> dict:
    return {"id": mrp_run_id(await mrp_run_row(s, "DONE"))}


async def two_runs(s: Services) -> dict:
    from tests.services.mrp.helpers import approved_forecast

    forecast = await approved_forecast(s.engine)
    return {
        "a": mrp_run_id(await mrp_run_row(s, "DONE", forecast)),
        "b": mrp_run_id(await mrp_run_row(s, "DONE", forecast)),
    }


async def follow_run(s: Services) -> dict:
    """A new run's stream from its first event (numbered only once the hub sees it)."""
    last = await s.scalar("SELECT coalesce(max(position), 0) FROM event")
    return {"runId": mrp_run_id(await mrp_run_row(s, "QUEUED")), "after": str(last)}


QUERIES.update(
    {
        "items": connection("items"),
        "suppliers": connection("suppliers"),
        "mrpRun": QueryProbe(
            "query($id: ID!) { mrpRun(id: $id) { id } }",
            lambda data, login: nodes_of(data, "mrpRun"),
            a_run,
            single=True,
        ),
        "mrpRuns": connection("mrpRuns"),
        "mrpRunCompare": QueryProbe(
            "query($a: ID!, $b: ID!) { mrpRunCompare(a: $a, b: $b) { base { id } other { id } } }",
            lambda data, login: (
                [] if data["mrpRunCompare"] is None else [data["mrpRunCompare"]["other"]["id"]]
            ),
            two_runs,
            single=True,
        ),
    }
)
SUBSCRIPTIONS["mrpRunProgress"] = SubscriptionProbe(
    "subscription($runId: ID!, $after: String) { mrpRunProgress(runId: $runId, after: $after) "
    "{ cursor mrpRun { id } } }",
    follow_run,
    lambda event: event["mrpRunProgress"]["mrpRun"]["id"],
)


# ---- forecasts (issue 11): D001's forecasts of January 2026 -------------------------------
# The generation job of a probe's forecast runs in this process (the server's worker runs the
# ones forecastGenerate queues; each forecast probe first waits for those, so no job writes
# while the denied calls of the next probe are compared).


class InProcessJobs:
    """Runs a deferred job here and now: the probes need the generated lines at once."""

    def __init__(self, engine) -> None:
        self.engine = engine

    async def defer(self, name: str, **kwargs) -> None:
        from domain.jobs.registry import spec_of
        from domain.jobs.runner import run_job

        await run_job(self.engine, spec_of(name), kwargs)


async def jobs_settled(s: Services) -> None:
    """Wait (up to 2 minutes) until no background job (a forecast's, an MRP run's) is waiting or
    running, so none writes while a probe's denied calls are compared; on PostgreSQL the matrix
    runs no `salesplan worker`, so nothing runs there."""
    import asyncio

    from domain.jobs import JobState
    from domain.jobs.registry import JOBS, load_task_modules
    from domain.jobs.state import documents_in

    if s.engine.dialect.name != "sqlite":
        return
    load_task_modules()
    for _ in range(1200):
        busy = [
            document
            for spec in list(JOBS.values())
            for state in (JobState.QUEUED, JobState.RUNNING)
            for document in await documents_in(s.engine, spec, state)
        ]
        if not busy:
            return
        await asyncio.sleep(0.1)


async def draft_forecast(s: Services, department: str | None = "D001") -> int:
    """A generated (DRAFT) forecast of January 2026, of D001 or of the company."""
    from domain.forecast.calendar import ForecastGranularity
    from domain.services.forecast.generate import ForecastGenerate
    from domain.services.pipeline import UseCases

    await jobs_settled(s)
    if department is None:
        scope = {"company_id": await s.by_code("company", "HD")}
    else:
        scope = {"department_id": await s.by_code("department", department)}
    command = ForecastGenerate(
        date(2026, 1, 1), date(2026, 1, 31), ForecastGranularity.MONTH, **scope
    )
    use_cases = UseCases(s.engine, jobs=InProcessJobs(s.engine))
    result = await use_cases.handle(command, await s.actor("planner"))
    assert result.ok, result.errors
    return result.value.id


async def submitted_forecast(s: Services) -> int:
    """Waiting for the VP in charge of D001."""
    from domain.services.forecast.approval import ForecastSubmit

    forecast = await draft_forecast(s)
    await s.ok(ForecastSubmit(forecast), "planner")
    return forecast


def forecast_id(pk: int) -> str:
    return to_global_id("Forecast", pk)


@mutation("forecastGenerate")
async def forecast_generate(s: Services) -> Input:
    await jobs_settled(s)
    return {
        "scopeId": await gid(s, "Department", "department", "D001"),
        "periodStart": "2026-01-01",
        "periodEnd": "2026-01-31",
        "granularity": "MONTH",
    }


@mutation("forecastLineAdjust")
async def forecast_line_adjust(s: Services) -> Input:
    forecast = await draft_forecast(s)
    line = await s.pk("forecast_line", "forecast_id = :f", f=forecast)
    return {"lineId": to_global_id("ForecastLine", line), "quantity": "7", "reason": "matrix"}


@mutation("forecastSubmit")
async def forecast_submit(s: Services) -> Input:
    return {"id": forecast_id(await draft_forecast(s))}


@mutation("forecastApprove")
async def forecast_approve(s: Services) -> Input:
    return {"id": forecast_id(await submitted_forecast(s))}


@mutation("forecastReject")
async def forecast_reject(s: Services) -> Input:
    return {"id": forecast_id(await submitted_forecast(s)), "reason": "matrix"}


@mutation("forecastWithdraw")
async def forecast_withdraw(s: Services) -> Input:
    return {"id": forecast_id(await submitted_forecast(s))}


@mutation("forecastPolicySet")
async def forecast_policy_set(s: Services) -> Input:
    await jobs_settled(s)
    return {"thresholdPercent": "30"}


async def a_d001_forecast(s: Services) -> dict:
    return {"id": forecast_id(await draft_forecast(s))}


async def forecasts_of_two_scopes(s: Services) -> dict:
    """A forecast of D001 (the manager's) and one of the company, so the lists are not empty."""
    await draft_forecast(s)
    await draft_forecast(s, None)
    return {}


async def follow_forecast(s: Services) -> dict:
    import asyncio

    forecast = await a_d001_forecast(s)
    stream = f"Forecast:{from_global_id(forecast['id'])[1]}"
    # Positions are given by the server's event hub after commit (within its poll interval).
    for _ in range(100):
        if await s.scalar("SELECT min(position) FROM event WHERE stream = :s", s=stream):
            break
        await asyncio.sleep(0.1)
    return {"forecastId": forecast["id"], "after": await from_start(s, forecast)}


QUERIES.update(
    {
        "forecast": QueryProbe(
            "query($id: ID!) { forecast(id: $id) { id } }",
            lambda data, login: nodes_of(data, "forecast"),
            a_d001_forecast,
            single=True,
        ),
        "forecasts": QueryProbe(
            f"query($after: String) {{ forecasts(first: 100, after: $after) {{ "
            f"nodes {{ id }} {PAGE} }} }}",
            lambda data, login: [n["id"] for n in data["forecasts"]["nodes"]],
            forecasts_of_two_scopes,
            pages=("forecasts",),
        ),
        "forecastPolicy": QueryProbe(
            "{ forecastPolicy { thresholdPercent isDefault } }",
            lambda data, login: [str(data["forecastPolicy"])] if data["forecastPolicy"] else [],
        ),
    }
)
SUBSCRIPTIONS["forecastStatusChanged"] = SubscriptionProbe(
    "subscription($forecastId: ID, $after: String) { forecastStatusChanged(forecastId: "
    "$forecastId, after: $after) { cursor forecast { id } } }",
    follow_forecast,
    lambda event: event["forecastStatusChanged"]["forecast"]["id"],
)
DOCUMENT_TYPES["Forecast"] = DocumentType.FORECAST
