"""Demo sales orders, stock and deliveries, loaded with the demo organisation (see demo.py).

Per unit of `scale`: customer terms (account salesperson, credit limit), price floors, 26 orders
that cover every order status (partial and late deliveries, tracking, receipt confirmations, a
return), the stock-ins that put the goods into stock, and the ledger. Statuses derived from
shipments come from the same rule the services use (domain.orders.lifecycle.derived_status), and
every document has the events it would have had, so histories and the execution summary agree.

No approval step is left waiting: the demo adds no one's work list (the approval tests count
the VP's tasks).
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Actor, Role
from domain.approvals.chains import (
    DEFAULT_POLICIES,
    DocumentFacts,
    DocumentType,
    Organisation,
    Step,
    approve_current,
    reject_current,
    start_round,
)
from domain.orders.lifecycle import LineProgress, OrderStatus, derived_status
from domain.orders.lines import amount_of, money
from domain.orders.returns import ReturnStatus
from domain.orders.shipments import ShipmentStatus
from domain.stock.ledger import MovementKind
from domain.stock.lifecycle import StockInStatus
from domain.store.tables import (
    ApprovalStep,
    AppUser,
    Company,
    Customer,
    CustomerAccount,
    Event,
    PriceFloor,
    Product,
    SalesOrder,
    SalesOrderLine,
    Salesperson,
    SalesReturn,
    SalesReturnLine,
    Shipment,
    ShipmentLine,
    StockBalance,
    StockIn,
    StockMovement,
    TrackingEvent,
)

BASE_DAY = date(2026, 6, 1)
CREDIT_LIMITS = [Decimal("500000.00"), Decimal("200000.00"), Decimal("80000.00"), None]
FLOOR_SHARE = Decimal("0.85")  # general floor: 85 % of the list price
S = OrderStatus
SS = ShipmentStatus


@dataclass(frozen=True)
class Leg:
    """One shipment of a scenario: its share of every line, how far it got, lateness."""

    share: Decimal
    status: ShipmentStatus
    days_late: int = 0  # delivery this many days after the promised date (0: early)
    confirmed: bool = False
    tracking: int = 0


@dataclass(frozen=True)
class Scenario:
    status: OrderStatus  # the status before shipments (or the end status without shipments)
    legs: tuple[Leg, ...] = ()
    below_floor: bool = False
    returned: Decimal = Decimal(0)  # quantity returned (received) of the first line
    closed: bool = False


SCENARIOS = (
    Scenario(S.DRAFT),
    Scenario(S.IN_REVIEW),
    Scenario(S.IN_REVIEW, below_floor=True),  # special approval complete, awaiting review
    Scenario(S.CONFIRMED),
    Scenario(S.IN_PRODUCTION),
    Scenario(S.READY),
    Scenario(S.READY, (Leg(Decimal(1), SS.PLANNED),)),
    Scenario(S.READY, (Leg(Decimal("0.5"), SS.DELIVERED, confirmed=True),)),
    Scenario(S.READY, (Leg(Decimal("0.4"), SS.IN_TRANSIT, tracking=2),)),
    Scenario(
        S.READY,
        (Leg(Decimal("0.5"), SS.DELIVERED, days_late=3), Leg(Decimal("0.5"), SS.DISPATCHED)),
    ),
    Scenario(
        S.READY,
        (
            Leg(Decimal("0.6"), SS.DELIVERED, confirmed=True, tracking=1),
            Leg(Decimal("0.4"), SS.DELIVERED, days_late=4, tracking=1),
        ),
    ),
    Scenario(S.READY, (Leg(Decimal(1), SS.DELIVERED, confirmed=True),), returned=Decimal(2)),
    Scenario(S.READY, (Leg(Decimal(1), SS.DELIVERED, confirmed=True),), closed=True),
    Scenario(S.CANCELLED),
)
ORDERS_PER_SCALE = 2 * len(SCENARIOS)


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


class Streams:
    """Events per stream, numbered 1, 2, 3... in the order they are added."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self._last: dict[str, int] = defaultdict(int)

    def add(self, stream: str, type_: str, actor: int, when: datetime, payload: dict) -> None:
        self._last[stream] += 1
        self.rows.append(
            {
                "stream": stream,
                "sequence": self._last[stream],
                "type": type_,
                "actor_id": actor,
                "payload": payload,
                "occurred_at": when,
            }
        )


@dataclass
class Plan:
    """Rows to insert, with the links between them kept as list indexes until ids exist."""

    orders: list[dict] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)  # "order": index into orders
    shipments: list[dict] = field(default_factory=list)  # "order": index
    shipment_lines: list[dict] = field(default_factory=list)  # "shipment", "line": indexes
    tracking: list[dict] = field(default_factory=list)  # "shipment": index
    returns: list[dict] = field(default_factory=list)
    return_lines: list[dict] = field(default_factory=list)
    steps: list[tuple[int, list[Step]]] = field(default_factory=list)  # (order index, steps)


async def _bulk(s: AsyncSession, model, rows: list[dict]) -> list[int]:
    """Insert rows (Core, not the ORM's slower bulk path); their ids in the order of `rows`."""
    if not rows:
        return []
    table = model.__table__
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list((await s.execute(stmt, rows)).scalars())


async def _chunks(s: AsyncSession, model, rows: list[dict]) -> None:
    for start in range(0, len(rows), 5000):
        await s.execute(insert(model.__table__), rows[start : start + 5000])


async def load_demo_orders(s: AsyncSession, scale: int, seed: int = 11) -> None:
    """Add the demo's customer terms, price floors, orders, shipments, returns and stock."""
    rng = random.Random(seed)
    users = dict((await s.execute(select(AppUser.login, AppUser.id))).all())
    company = await s.scalar(select(Company.id).order_by(Company.id).limit(1))
    products = dict(
        (await s.execute(select(Product.id, Product.list_price).order_by(Product.id))).all()
    )
    customers = list((await s.execute(select(Customer.id).order_by(Customer.id))).scalars())
    department_of = dict(
        (
            await s.execute(
                select(Salesperson.id, Salesperson.department_id).order_by(Salesperson.id)
            )
        ).all()
    )
    salespeople = list(department_of)
    product_ids = list(products)

    # Spread over departments: at scale 1, two customers in the first department, one in each other.
    account_of = {c: salespeople[(i * 5 // 2) % len(salespeople)] for i, c in enumerate(customers)}
    await _chunks(
        s,
        CustomerAccount,
        [
            {
                "customer_id": c,
                "salesperson_id": account_of[c],
                "credit_limit": CREDIT_LIMITS[i % len(CREDIT_LIMITS)],
                "updated_by": users["finance"],
            }
            for i, c in enumerate(customers)
        ],
    )
    floors = {p: money(price * FLOOR_SHARE) for p, price in products.items()}
    floor_rows = [
        {"product_id": p, "customer_id": None, "min_unit_price": f, "updated_by": users["planner"]}
        for p, f in floors.items()
    ]
    # A negotiated lower floor for the first customer on the first product.
    floor_rows.append(
        {
            "product_id": product_ids[0],
            "customer_id": customers[0],
            "min_unit_price": money(products[product_ids[0]] * Decimal("0.80")),
            "updated_by": users["planner"],
        }
    )
    await _chunks(s, PriceFloor, floor_rows)

    streams = Streams()
    builder = _OrderBuilder(rng, users, company, products, floors, department_of, streams)
    for k in range(ORDERS_PER_SCALE * scale):
        customer = customers[k % len(customers)]
        builder.order(k, SCENARIOS[k % len(SCENARIOS)], customer, account_of[customer])
    plan = builder.plan

    order_ids = await _bulk(s, SalesOrder, plan.orders)
    for line in plan.lines:
        line["order_id"] = order_ids[line.pop("order")]
    line_ids = await _bulk(s, SalesOrderLine, plan.lines)
    for row in plan.shipments:
        row["order_id"] = order_ids[row.pop("order")]
    shipment_ids = await _bulk(s, Shipment, plan.shipments)
    for row in plan.shipment_lines:
        row["shipment_id"] = shipment_ids[row.pop("shipment")]
        row["order_line_id"] = line_ids[row.pop("line")]
    await _chunks(s, ShipmentLine, plan.shipment_lines)
    for row in plan.tracking:
        row["shipment_id"] = shipment_ids[row.pop("shipment")]
    await _chunks(s, TrackingEvent, plan.tracking)
    for row in plan.returns:
        row["order_id"] = order_ids[row.pop("order")]
    return_ids = await _bulk(s, SalesReturn, plan.returns)
    for row in plan.return_lines:
        row["return_id"] = return_ids[row.pop("return")]
        row["order_line_id"] = line_ids[row.pop("line")]
    await _chunks(s, SalesReturnLine, plan.return_lines)

    ids = {"order": order_ids, "shipment": shipment_ids, "return": return_ids}
    stock_in_rows, stock_steps = _stock_ins(builder, company, users, product_ids, rng, scale)
    stock_in_ids = await _bulk(s, StockIn, stock_in_rows)
    ids["stock_in"] = stock_in_ids
    movements, balances = _ledger(builder, stock_in_rows, stock_in_ids, ids)
    await _chunks(s, StockMovement, movements)
    await _chunks(s, StockBalance, balances)

    step_rows = [
        _step_row(DocumentType.SALES_ORDER, order_ids[i], step)
        for i, steps in plan.steps
        for step in steps
    ] + [
        _step_row(DocumentType.STOCK_IN, stock_in_ids[i], step)
        for i, steps in stock_steps
        for step in steps
    ]
    await _chunks(s, ApprovalStep, step_rows)
    for make in builder.pending_events:
        make(ids, streams)
    await _chunks(s, Event, streams.rows)


def _step_row(document_type: DocumentType, document_id: int, step: Step) -> dict:
    return {
        "document_type": document_type,
        "document_id": document_id,
        "round": 1,
        "position": step.position,
        "name": step.name,
        "approver_kind": step.approver_kind,
        "role": step.role.value if step.role else None,
        "approver_id": step.approver_id,
        "min_amount": step.min_amount,
        "state": step.state,
        "acted_by": step.acted_by,
    }


class _OrderBuilder:
    """Builds the rows of each scenario's order and remembers its events until ids exist."""

    def __init__(self, rng, users, company, products, floors, department_of, streams) -> None:
        self.rng = rng
        self.users = users
        self.company = company
        self.products = products
        self.product_ids = list(products)
        self.floors = floors
        self.department_of = department_of
        self.first_salesperson = min(department_of)
        self.plan = Plan()
        self.pending_events: list = []
        # (product id, time, kind, quantity, shipment index or return index)
        self.issues: list[tuple] = []
        self.org = Organisation(None, users["vp"], users["gm"])

    def _event(self, kind: str, index: int, type_: str, actor: int, when: datetime, payload: dict):
        """Queue an event on the stream of the document `kind` number `index`."""
        stream_type = {"order": "SalesOrder", "shipment": "Shipment", "return": "SalesReturn"}[kind]

        def make(ids, streams: Streams) -> None:
            pk = ids[kind][index]
            extra = {}
            for name, ref in payload.items():
                extra[name] = ids[ref[0]][ref[1]] if isinstance(ref, tuple) else ref
            streams.add(f"{stream_type}:{pk}", type_, actor, when, {**extra, f"{kind}Id": pk})

        self.pending_events.append(make)

    def order(self, k: int, scenario: Scenario, customer: int, salesperson: int) -> None:
        plan = self.plan
        index = len(plan.orders)
        order_day = BASE_DAY + timedelta(days=2 * (k % 60) + 7 * (k // 60))
        planner = self.users["planner"]
        # The salesperson with a login writes their own orders; the planner writes the others'.
        sales = self.users["sales"] if salesperson == self.first_salesperson else planner
        department = self.department_of[salesperson]
        lines = []
        for j in range(1 + k % 3):
            product = self.product_ids[(k * 7 + j * 3) % len(self.product_ids)]
            quantity = Decimal(self.rng.randint(4, 40))
            price = self.products[product]
            if scenario.below_floor and j == 0:
                price = money(self.floors[product] * Decimal("0.90"))
            lines.append(
                {
                    "order": index,
                    "position": j + 1,
                    "product_id": product,
                    "quantity": quantity,
                    "unit_price": price,
                    "amount": amount_of(quantity, price),
                    "promised_date": order_day + timedelta(days=30 + 15 * j),
                }
            )
        first_line = len(plan.lines)
        plan.lines.extend(lines)
        scope = {
            "orderId": None,
            "customerId": customer,
            "salespersonId": salesperson,
            "departmentId": department,
            "companyId": self.company,
        }
        history: list[tuple] = []  # (type, actor, actor kind, from, to, when, extra)
        status = S.DRAFT
        day = at(order_day)

        def move(type_, to, actor, when, kind="STAFF", **extra):
            nonlocal status
            history.append(
                (type_, actor, kind, status.value if history else None, to.value, when, extra)
            )
            status = to

        move("CREATED", S.DRAFT, sales, day)
        reached = scenario.status
        reasons = "PRICE_BELOW_FLOOR" if scenario.below_floor else ""
        if reached is not S.DRAFT:
            move(
                "SUBMITTED",
                S.IN_REVIEW,
                sales,
                day + timedelta(hours=2),
                specialApproval=scenario.below_floor,
            )
            if scenario.below_floor:
                self._special_approval(index, lines, department, day, move)
        path = [
            (S.CONFIRMED, "CONFIRMED", 1),
            (S.IN_PRODUCTION, "PRODUCTION_STARTED", 2),
            (S.READY, "READY", 20),
        ]
        target_rank = {S.CONFIRMED: 1, S.IN_PRODUCTION: 2, S.READY: 3, S.CANCELLED: 1}.get(
            reached, 0
        )
        for rank, (to, type_, days) in enumerate(path, start=1):
            if rank <= target_rank:
                move(type_, to, planner, day + timedelta(days=days))
        if reached is S.CANCELLED:
            move(
                "CANCELLED",
                S.CANCELLED,
                planner,
                day + timedelta(days=3),
                comment="customer withdrew",
            )
        status = self._shipments(index, first_line, lines, scenario, status, customer, move)
        if scenario.closed:
            move(
                "CLOSED",
                S.CLOSED,
                planner,
                at(max(line["promised_date"] for line in lines) + timedelta(days=20)),
            )
        plan.orders.append(
            {
                "company_id": self.company,
                "customer_id": customer,
                "salesperson_id": salesperson,
                "department_id": department,
                "status": status,
                "order_date": order_day,
                "customer_reference": f"PO-{2026}-{k + 1:04d}",
                "special_reasons": reasons,
                "approval_round": 1 if reasons else 0,
                "version": len(history),
                "created_by": sales,
                "created_at": day,
                "updated_at": history[-1][5],
                "status_changed_at": history[-1][5],
            }
        )
        for type_, actor, kind, before, after, when, extra in history:
            payload = {**scope, **extra, "from": before, "to": after, "actorKind": kind}
            payload.pop("orderId")
            self._event("order", index, type_, actor, when, payload)

    def _special_approval(self, index, lines, department, day, move) -> None:
        amount = sum((line["amount"] for line in lines), Decimal("0.00"))
        policy = DEFAULT_POLICIES[DocumentType.SALES_ORDER]
        steps = start_round(policy, DocumentFacts(amount, None, department), self.org)
        finance = Actor(self.users["finance"], "finance", frozenset({Role.FINANCE}))
        vp = Actor(self.users["vp"], "vp", frozenset({Role.VP}))
        steps = approve_current(
            steps, finance, "price agreed for a framework deal", skip_repeated=True
        )
        move(
            "STEP_APPROVED",
            S.IN_REVIEW,
            finance.user_id,
            day + timedelta(hours=5),
            step="Finance review",
        )
        steps = approve_current(steps, vp, None, skip_repeated=True)
        move("APPROVED", S.IN_REVIEW, vp.user_id, day + timedelta(hours=8), step="VP in charge")
        self.plan.steps.append((index, steps))

    def _shipments(self, index, first_line, lines, scenario, status, customer, move) -> OrderStatus:
        plan = self.plan
        planner = self.users["planner"]
        shipped = [Decimal(0)] * len(lines)
        delivered = [Decimal(0)] * len(lines)
        allocated = [Decimal(0)] * len(lines)
        for n, leg in enumerate(scenario.legs):
            s_index = len(plan.shipments)
            last = n == len(scenario.legs) - 1 and sum(x.share for x in scenario.legs) == 1
            quantities = []
            for j, line in enumerate(lines):
                q = (
                    line["quantity"] - allocated[j]
                    if last
                    else max((line["quantity"] * leg.share).quantize(Decimal(1)), Decimal(1))
                )
                quantities.append(q)
                allocated[j] += q
            promised = min(line["promised_date"] for line in lines)
            dispatched = at(promised - timedelta(days=12 - 5 * n))
            delivered_at = (
                at(promised + timedelta(days=leg.days_late), 15)
                if leg.days_late
                else dispatched + timedelta(days=3, hours=6)
            )
            done = leg.status is SS.DELIVERED
            row = {
                "order": index,
                "customer_id": customer,
                "status": leg.status,
                "carrier": "SF Express" if n % 2 == 0 else "Deppon Logistics",
                "tracking_number": f"TRK{index:05d}{n}",
                "planned_date": dispatched.date(),
                "dispatched_at": dispatched if leg.status is not SS.PLANNED else None,
                "delivered_at": delivered_at if done else None,
                "receipt_confirmed_at": delivered_at + timedelta(hours=2)
                if leg.confirmed
                else None,
                "receipt_confirmed_by": self.users["partner"] if leg.confirmed else None,
                "version": 1,
                "created_by": planner,
                "created_at": dispatched - timedelta(days=1),
                "updated_at": dispatched - timedelta(days=1),
            }
            plan.shipments.append(row)
            for j, q in enumerate(quantities):
                plan.shipment_lines.append(
                    {"shipment": s_index, "line": first_line + j, "quantity": q}
                )
            scope = {"orderId": ("order", index), "customerId": customer}
            self._event(
                "shipment",
                s_index,
                "CREATED",
                planner,
                row["created_at"],
                {**scope, "from": None, "to": "PLANNED", "actorKind": "STAFF"},
            )
            if leg.status is SS.PLANNED:
                continue
            row["version"] += 1
            self._event(
                "shipment",
                s_index,
                "DISPATCHED",
                planner,
                dispatched,
                {**scope, "from": "PLANNED", "to": "DISPATCHED", "actorKind": "STAFF"},
            )
            for j, q in enumerate(quantities):
                shipped[j] += q
                self.issues.append(
                    (lines[j]["product_id"], dispatched, MovementKind.SHIPMENT, q, s_index)
                )
            status = self._derive(
                status, lines, shipped, delivered, dispatched, move, s_index, "DISPATCHED"
            )
            before = "DISPATCHED"
            for t in range(leg.tracking if leg.status is not SS.DISPATCHED else 0):
                when = dispatched + timedelta(hours=18 * (t + 1))
                city = ["Shanghai hub", "Nanjing depot", "Hefei depot"][t % 3]
                plan.tracking.append(
                    {
                        "shipment": s_index,
                        "occurred_at": when,
                        "location": city,
                        "note": "scanned",
                        "recorded_by": planner,
                        "recorded_at": when,
                    }
                )
                row["version"] += 1
                self._event(
                    "shipment",
                    s_index,
                    "TRACKING",
                    planner,
                    when,
                    {
                        **scope,
                        "from": before,
                        "to": "IN_TRANSIT",
                        "actorKind": "STAFF",
                        "location": city,
                    },
                )
                before = "IN_TRANSIT"
            if leg.status is SS.IN_TRANSIT and leg.tracking == 0:
                row["status"] = SS.DISPATCHED
            if not done:
                continue
            row["version"] += 1
            self._event(
                "shipment",
                s_index,
                "DELIVERED",
                planner,
                delivered_at,
                {**scope, "from": before, "to": "DELIVERED", "actorKind": "STAFF"},
            )
            for j, q in enumerate(quantities):
                delivered[j] += q
            status = self._derive(
                status, lines, shipped, delivered, delivered_at, move, s_index, "DELIVERED"
            )
            if leg.confirmed:
                row["version"] += 1
                self._event(
                    "shipment",
                    s_index,
                    "RECEIPT_CONFIRMED",
                    self.users["partner"],
                    row["receipt_confirmed_at"],
                    {**scope, "from": "DELIVERED", "to": "DELIVERED", "actorKind": "PARTNER"},
                )
            row["updated_at"] = delivered_at
        if scenario.returned:
            self._return(index, first_line, lines, scenario.returned, customer, status, move)
        return status

    def _derive(
        self, status, lines, shipped, delivered, when, move, s_index, action
    ) -> OrderStatus:
        progress = [
            LineProgress(line["quantity"], shipped[j], delivered[j]) for j, line in enumerate(lines)
        ]
        new = derived_status(status, progress)
        if new is not status:
            move(
                new.value,
                new,
                self.users["planner"],
                when,
                kind="SYSTEM",
                shipmentId=("shipment", s_index),
                shipmentAction=action,
            )
        return new

    def _return(self, index, first_line, lines, quantity, customer, status, move) -> None:
        plan = self.plan
        r_index = len(plan.returns)
        received = at(lines[0]["promised_date"] + timedelta(days=10))
        plan.returns.append(
            {
                "order": index,
                "customer_id": customer,
                "status": ReturnStatus.RECEIVED,
                "reason": "damaged in transit",
                "received_at": received,
                "version": 2,
                "created_by": self.users["planner"],
                "created_at": received - timedelta(days=2),
                "updated_at": received,
            }
        )
        plan.return_lines.append({"return": r_index, "line": first_line, "quantity": quantity})
        self.issues.append(
            (lines[0]["product_id"], received, MovementKind.RETURN, quantity, r_index)
        )
        scope = {"orderId": ("order", index), "customerId": customer, "actorKind": "STAFF"}
        planner = self.users["planner"]
        self._event(
            "return",
            r_index,
            "CREATED",
            planner,
            received - timedelta(days=2),
            {**scope, "from": None, "to": "REQUESTED", "reason": "damaged in transit"},
        )
        self._event(
            "return",
            r_index,
            "RECEIVED",
            planner,
            received,
            {**scope, "from": "REQUESTED", "to": "RECEIVED"},
        )
        move("RETURN_RECEIVED", status, planner, received, returnId=("return", r_index))


def _stock_ins(builder: _OrderBuilder, company, users, product_ids, rng, scale):
    """POSTED stock-ins that cover every shipment with room to spare, plus one APPROVED (not yet
    posted) and one REJECTED stock-in per scale unit."""
    shipped: dict[int, Decimal] = defaultdict(Decimal)
    for product, _when, kind, quantity, _ref in builder.issues:
        if kind is MovementKind.SHIPMENT:
            shipped[product] += quantity
    rows, steps = [], []
    policy = DEFAULT_POLICIES[DocumentType.STOCK_IN]
    vp = Actor(users["vp"], "vp", frozenset({Role.VP}))
    received = at(BASE_DAY - timedelta(days=10))
    extra = []
    for i in range(scale):
        extra.append((product_ids[(2 * i) % len(product_ids)], StockInStatus.APPROVED))
        extra.append((product_ids[(2 * i + 1) % len(product_ids)], StockInStatus.REJECTED))
    for n, (product, status) in enumerate([(p, StockInStatus.POSTED) for p in product_ids] + extra):
        quantity = Decimal(rng.randint(20, 120)) + (
            shipped[product] if status is StockInStatus.POSTED else 0
        )
        round_steps = start_round(policy, DocumentFacts(Decimal(0), None, None), builder.org)
        if status is StockInStatus.REJECTED:
            round_steps = reject_current(round_steps, vp, "QC report incomplete")
        else:
            round_steps = approve_current(round_steps, vp, None, skip_repeated=True)
        steps.append((len(rows), round_steps))
        rows.append(
            {
                "company_id": company,
                "product_id": product,
                "quantity": quantity,
                "qc_reference": f"QC-2026-{n + 1:04d}",
                "status": status,
                "approval_round": 1,
                "requested_by": users["planner"],
                "posted_at": received if status is StockInStatus.POSTED else None,
                "version": {"POSTED": 3, "APPROVED": 2, "REJECTED": 2}[status.value],
                "created_at": received - timedelta(days=2),
                "updated_at": received,
            }
        )
    for n, row in enumerate(rows):
        status = row["status"]
        base = {
            "stockInId": None,
            "productId": row["product_id"],
            "quantity": str(row["quantity"]),
            "orderId": None,
            "actorKind": "STAFF",
        }
        chain = [("REQUESTED", users["planner"], None, "REQUESTED")]
        if status is StockInStatus.REJECTED:
            chain.append(("REJECTED", users["vp"], "REQUESTED", "REJECTED"))
        else:
            chain.append(("APPROVED", users["vp"], "REQUESTED", "APPROVED"))
        if status is StockInStatus.POSTED:
            chain.append(("POSTED", users["planner"], "APPROVED", "POSTED"))
        builder.pending_events.append(_stock_in_events(n, chain, base, row["created_at"]))
    return rows, steps


def _stock_in_events(n: int, chain, base: dict, start: datetime):
    def make(ids, streams: Streams) -> None:
        pk = ids["stock_in"][n]
        for step, (type_, actor, before, after) in enumerate(chain):
            streams.add(
                f"StockIn:{pk}",
                type_,
                actor,
                start + timedelta(days=step),
                {**base, "stockInId": pk, "from": before, "to": after},
            )

    return make


def _ledger(builder: _OrderBuilder, stock_in_rows, stock_in_ids, ids):
    """Ledger rows in time order per product, each with its balance, and the final on-hand."""
    moves = [
        (
            row["product_id"],
            row["posted_at"],
            MovementKind.RECEIPT,
            row["quantity"],
            ("stock_in", i),
        )
        for i, row in enumerate(stock_in_rows)
        if row["status"] is StockInStatus.POSTED
    ]
    for product, when, kind, quantity, ref in builder.issues:
        source = "shipment" if kind is MovementKind.SHIPMENT else "return"
        moves.append((product, when, kind, quantity, (source, ref)))
    moves.sort(key=lambda m: (m[0], m[1]))
    balance: dict[int, Decimal] = defaultdict(lambda: Decimal("0.000"))
    rows = []
    for product, when, kind, quantity, (source, ref) in moves:
        change = -quantity if kind is MovementKind.SHIPMENT else quantity
        balance[product] += change
        assert balance[product] >= 0, "demo ships more than it received"
        rows.append(
            {
                "product_id": product,
                "kind": kind,
                "quantity": change,
                "balance_after": balance[product],
                "stock_in_id": stock_in_ids[ref] if source == "stock_in" else None,
                "shipment_id": ids["shipment"][ref] if source == "shipment" else None,
                "return_id": ids["return"][ref] if source == "return" else None,
                "actor_id": builder.users["planner"],
                "occurred_at": when,
            }
        )
    balances = [
        {"product_id": p, "on_hand": q, "updated_at": at(BASE_DAY)}
        for p, q in sorted(balance.items())
    ]
    return rows, balances
