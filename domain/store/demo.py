"""The demo organisation: loaded by `make run` into an empty database, and by tests and benchmarks.

`scale` N makes an organisation N times larger (departments, salespeople, products, customers and
plan lines all grow N-fold), for benchmarks and the statement-count test.
"""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.access import Actor
from domain.accounts.passwords import demo_password_hash
from domain.approvals.chains import (
    DEFAULT_POLICIES,
    DocumentFacts,
    DocumentType,
    Organisation,
    approve_current,
    current_step,
    is_complete,
    start_round,
)
from domain.plans.hierarchy import OwnerKind
from domain.plans.lifecycle import PlanStatus
from domain.plans.lines import MONEY_STEP
from domain.plans.periods import Granularity
from domain.store.demo_forecasts import (
    company_target,
    load_demand_history,
    salesperson_weight,
    split_whole,
)
from domain.store.demo_mrp import load_demo_mrp
from domain.store.demo_orders import load_demo_orders
from domain.store.tables import (
    ApprovalStep,
    AppUser,
    Company,
    Customer,
    Department,
    Event,
    Product,
    Salesperson,
    SalesPlan,
    SalesPlanLine,
    UserCredential,
)
from domain.store.uow import UnitOfWork

DEMO_YEAR = 2026
PRODUCTS = [
    ("Hydraulic pump HP-200", "pcs", "1850.00"),
    ("Gear motor GM-75", "pcs", "920.00"),
    ("Control valve CV-40", "pcs", "310.50"),
    ("Steel coupling SC-12", "pcs", "45.80"),
    ("Bearing unit BU-6205", "pcs", "18.90"),
    ("Conveyor belt CB-800", "m", "76.00"),
    ("Industrial gearbox IG-3", "pcs", "4200.00"),
    ("Filter cartridge FC-10", "pcs", "12.40"),
    ("Lubricant LX-46", "kg", "9.75"),
    ("Sensor kit SK-1", "set", "265.00"),
]
DEPARTMENTS = ["East China Sales", "North China Sales", "Export Sales"]
CUSTOMERS = [
    "Zhongshan Tractor Works",
    "Lakeside Mining Ltd",
    "Harbour Logistics",
    "Sunrise Farm Coop",
]
NAMES = [
    "Li Wei",
    "Wang Fang",
    "Zhang Min",
    "Liu Yang",
    "Chen Jing",
    "Yang Lei",
    "Zhao Qiang",
    "Huang Li",
    "Zhou Tao",
    "Wu Xia",
    "Xu Gang",
    "Sun Hui",
    "Ma Lin",
    "Zhu Hong",
]
PRODUCTS_PER_SALESPERSON = 8

# One login per role (PRODUCT.md), as the README and the tests use them.
LOGINS = {
    "admin": ("Ada Admin", "ADMIN"),
    "vp": ("Victor Peng (VP Sales)", "VP"),
    "gm": ("Grace Ma (General Manager)", "GENERAL_MANAGER"),
    "finance": ("Fei Nan (Finance)", "FINANCE"),
    "planner": ("Pan Lin (Market Planning)", "PLANNER"),
    "manager": ("Meng Hao (Manager, East China)", "MANAGER"),
    "sales": ("Li Wei (Sales, East China)", "SALESPERSON"),
    "partner": ("Portal user, Zhongshan Tractor Works", "PARTNER"),
    "partner2": ("Portal user, Lakeside Mining Ltd", "PARTNER"),
    "report": ("Rui Bao (Reporting)", "REPORTING"),
}


def status_for_month(month: int) -> PlanStatus:
    """Past months approved, the next two in approval, the last one still a draft."""
    if month <= 9:
        return PlanStatus.APPROVED
    if month <= 11:
        return PlanStatus.SUBMITTED
    return PlanStatus.DRAFT


@dataclass
class DemoSummary:
    departments: int
    salespeople: int
    products: int
    plans: int
    lines: int


async def is_empty(engine: AsyncEngine) -> bool:
    async with engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(Company))).scalar_one() == 0


async def load_demo(engine: AsyncEngine, scale: int = 1, seed: int = 7) -> DemoSummary:
    """Create the demo organisation and a year of monthly plans. Same seed, same data."""
    rng = random.Random(seed)
    async with UnitOfWork(engine) as uow:
        s = uow.session
        users = await _users(s)
        company = Company(
            code="HD",
            name="Hengda Machinery Co.",
            general_manager_user_id=users["gm"],
            vp_user_id=users["vp"],
        )
        s.add(company)
        await s.flush()
        products = await _bulk(
            s,
            Product,
            [
                {
                    "code": f"P{i + 1:04d}",
                    "name": PRODUCTS[i % len(PRODUCTS)][0]
                    + ("" if i < len(PRODUCTS) else f" v{i // len(PRODUCTS) + 1}"),
                    "unit": PRODUCTS[i % len(PRODUCTS)][1],
                    "list_price": Decimal(PRODUCTS[i % len(PRODUCTS)][2]),
                }
                for i in range(len(PRODUCTS) * scale)
            ],
        )
        prices = dict(
            zip(
                products,
                [Decimal(PRODUCTS[i % len(PRODUCTS)][2]) for i in range(len(products))],
                strict=True,
            )
        )
        customers = await _bulk(
            s,
            Customer,
            [
                {
                    "code": f"C{i + 1:04d}",
                    "name": CUSTOMERS[i % len(CUSTOMERS)]
                    + ("" if i < len(CUSTOMERS) else f" #{i // len(CUSTOMERS) + 1}"),
                    "contact_name": NAMES[i % len(NAMES)],
                    "contact_email": f"buyer{i + 1}@example.com",
                }
                for i in range(len(CUSTOMERS) * scale)
            ],
        )
        await _link_partner(s, users["partner"], customers[0])
        await _link_partner(s, users["partner2"], customers[1])

        department_ids = await _bulk(
            s,
            Department,
            [
                {
                    "company_id": company.id,
                    "code": f"D{i + 1:03d}",
                    "name": DEPARTMENTS[i % 3] + ("" if i < 3 else f" {i // 3 + 1}"),
                    "manager_user_id": users["manager"] if i == 0 else None,
                    "vp_user_id": users["vp"],
                }
                for i in range(3 * scale)
            ],
        )
        people = []
        for d_index, dept_id in enumerate(department_ids):
            for _ in range(3 + d_index % 2):  # three or four salespeople per department
                n = len(people)
                people.append(
                    {
                        "department_id": dept_id,
                        "code": f"S{n + 1:04d}",
                        "name": NAMES[n % len(NAMES)] + ("" if n < len(NAMES) else f" {n + 1}"),
                        "email": f"sales{n + 1}@hengda.example.com",
                        "user_id": users["sales"] if n == 0 else None,
                    }
                )
        salesperson_ids = await _bulk(s, Salesperson, people)
        plans, lines = await _plans(
            s, rng, company.id, users, products, prices, salesperson_ids, people
        )
        await load_demo_orders(s, scale)
        await load_demo_mrp(s)
        await uow.commit()
    return DemoSummary(len(department_ids), len(salesperson_ids), len(products), plans, lines)


async def _users(s: AsyncSession) -> dict[str, int]:
    rows = [
        {"login": login, "display_name": name, "roles": role, "active": True}
        for login, (name, role) in LOGINS.items()
    ]
    ids = await _bulk(s, AppUser, rows)
    # Every demo user signs in with the documented demo password (README: "Signing in").
    password_hash = demo_password_hash()
    await s.execute(
        insert(UserCredential), [{"user_id": i, "password_hash": password_hash} for i in ids]
    )
    return dict(zip(LOGINS, ids, strict=True))


async def _link_partner(s: AsyncSession, user_id: int, customer_id: int) -> None:
    user = await s.get(AppUser, user_id)
    user.customer_id = customer_id
    await s.flush()


async def _bulk(s: AsyncSession, table, rows: list[dict]) -> list[int]:
    """Insert many rows in few statements; their ids, in the order of `rows`."""
    if not rows:
        return []
    result = await s.execute(insert(table).returning(table.id, sort_by_parameter_order=True), rows)
    return list(result.scalars())


async def _plans(s, rng, company_id, users, products, prices, salesperson_ids, people):
    """Salesperson targets first; department and company plans are their exact sums."""
    months = [date(DEMO_YEAR, m, 1) for m in range(1, 13)]
    author = users["planner"]
    # (owner kind, owner id, month) → {product: (qty, amount)}
    by_salesperson: dict[tuple, dict[int, tuple[Decimal, Decimal]]] = {}
    # Who sells which product and how much of it (fixed weights): each month the company's
    # target of a product (its demand profile, demo_forecasts.py) is split by these weights, and
    # the product's order history is split over the departments the same way.
    number_of = {product: n for n, product in enumerate(products, start=1)}
    sellers: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for index, sp_id in enumerate(salesperson_ids):
        offset = (index * 3) % len(products)
        for j in range(PRODUCTS_PER_SALESPERSON):
            product = products[(offset + j) % len(products)]
            sellers[product][sp_id] = salesperson_weight(index + 1, number_of[product])
    for product, weights in sellers.items():
        for month in months:
            target = company_target(number_of[product], month)
            for sp_id, qty in split_whole(target, weights).items():
                by_salesperson.setdefault((sp_id, month), {})[product] = (
                    qty,
                    (qty * prices[product]).quantize(MONEY_STEP),
                )

    def add(total: dict, targets: dict) -> None:
        for product, (qty, amount) in targets.items():
            q, a = total.get(product, (Decimal(0), Decimal(0)))
            total[product] = (q + qty, a + amount)

    dept_of = {
        sp: person["department_id"] for sp, person in zip(salesperson_ids, people, strict=True)
    }
    department_weights: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for product, weights in sellers.items():
        for sp_id, weight in weights.items():
            shares = department_weights[product]
            shares[dept_of[sp_id]] = shares.get(dept_of[sp_id], Decimal(0)) + weight
    await load_demand_history(s, products, department_weights)
    by_department: dict[tuple, dict] = defaultdict(dict)
    by_company: dict[date, dict] = defaultdict(dict)
    for (sp_id, month), targets in by_salesperson.items():
        add(by_department[(dept_of[sp_id], month)], targets)
        add(by_company[month], targets)

    def plan_row(kind, month, title, department_id=None, salesperson_id=None, parent_id=None):
        return {
            "owner_kind": kind,
            "company_id": company_id,
            "department_id": department_id,
            "salesperson_id": salesperson_id,
            "title": title,
            "granularity": Granularity.MONTH,
            "period_start": month,
            "status": status_for_month(month.month),
            "approval_round": 0 if status_for_month(month.month) is PlanStatus.DRAFT else 1,
            "revision": 1,
            "parent_id": parent_id,
            "author_id": author,
            "version": 1,
        }

    line_rows = []

    def lines_of(plan_id, month, targets):
        for product, (qty, amount) in sorted(targets.items()):
            line_rows.append(
                {
                    "plan_id": plan_id,
                    "product_id": product,
                    "period": month,
                    "quantity": qty,
                    "amount": amount,
                }
            )

    company_plan = {}
    ids = await _bulk(
        s, SalesPlan, [plan_row(OwnerKind.COMPANY, m, f"Company plan {m:%Y-%m}") for m in months]
    )
    for month, plan_id in zip(months, ids, strict=True):
        company_plan[month] = plan_id
        lines_of(plan_id, month, by_company[month])
    dept_keys = sorted(by_department)
    ids = await _bulk(
        s,
        SalesPlan,
        [
            plan_row(
                OwnerKind.DEPARTMENT,
                m,
                f"Department plan {m:%Y-%m}",
                department_id=d,
                parent_id=company_plan[m],
            )
            for d, m in dept_keys
        ],
    )
    dept_plan = dict(zip(dept_keys, ids, strict=True))
    for (d, m), plan_id in dept_plan.items():
        lines_of(plan_id, m, by_department[(d, m)])
    sp_keys = sorted(by_salesperson)
    ids = await _bulk(
        s,
        SalesPlan,
        [
            plan_row(
                OwnerKind.SALESPERSON,
                m,
                f"Sales plan {m:%Y-%m}",
                department_id=dept_of[sp],
                salesperson_id=sp,
                parent_id=dept_plan[(dept_of[sp], m)],
            )
            for sp, m in sp_keys
        ],
    )
    for (sp, m), plan_id in zip(sp_keys, ids, strict=True):
        lines_of(plan_id, m, by_salesperson[(sp, m)])
    for start in range(0, len(line_rows), 5000):
        await s.execute(insert(SalesPlanLine), line_rows[start : start + 5000])
    await _approval_history(s, author, users, line_rows)
    return 12 + len(dept_plan) + len(sp_keys), len(line_rows)


async def _approval_history(s: AsyncSession, author: int, users: dict[str, int], line_rows) -> None:
    """Steps and events of the plans that the demo shows as submitted or approved, made by the
    same approval rules a real submission uses (default policy)."""
    amounts: dict[int, Decimal] = defaultdict(Decimal)
    for line in line_rows:
        amounts[line["plan_id"]] += line["amount"]
    org = Organisation(
        department_manager_id=None, vp_in_charge_id=users["vp"], general_manager_id=users["gm"]
    )
    policy = DEFAULT_POLICIES[DocumentType.SALES_PLAN]
    plans = (
        await s.execute(
            select(
                SalesPlan.id,
                SalesPlan.owner_kind,
                SalesPlan.status,
                SalesPlan.company_id,
                SalesPlan.department_id,
                SalesPlan.salesperson_id,
            )
        )
    ).all()
    step_rows, event_rows = [], []
    for plan_id, kind, status, company_id, department_id, salesperson_id in plans:
        stream = f"SalesPlan:{plan_id}"
        scope = {
            "ownerKind": kind.value,
            "companyId": company_id,
            "departmentId": department_id,
            "salespersonId": salesperson_id,
        }
        events = [("CREATED", author, None, "DRAFT")]
        steps = []
        if status is not PlanStatus.DRAFT:
            facts = DocumentFacts(amounts[plan_id], kind.value, None)
            steps = start_round(policy, facts, org)
            events.append(("SUBMITTED", author, "DRAFT", "SUBMITTED"))
        while status is PlanStatus.APPROVED and not is_complete(steps):
            approver = Actor(user_id=current_step(steps).approver_id, login="")
            steps = approve_current(steps, approver, None, skip_repeated=True)
            done = is_complete(steps)
            events.append(
                (
                    "APPROVED" if done else "STEP_APPROVED",
                    approver.user_id,
                    "SUBMITTED",
                    "APPROVED" if done else "SUBMITTED",
                )
            )
        for step in steps:
            step_rows.append(
                {
                    "document_type": DocumentType.SALES_PLAN,
                    "document_id": plan_id,
                    "round": 1,
                    "position": step.position,
                    "name": step.name,
                    "approver_kind": step.approver_kind,
                    "role": None,
                    "approver_id": step.approver_id,
                    "min_amount": step.min_amount,
                    "state": step.state,
                    "acted_by": step.acted_by,
                }
            )
        for sequence, (kind_of_event, actor_id, before, after) in enumerate(events, start=1):
            event_rows.append(
                {
                    "stream": stream,
                    "sequence": sequence,
                    "type": kind_of_event,
                    "actor_id": actor_id,
                    "payload": {"from": before, "to": after, **scope},
                }
            )
    for start in range(0, len(step_rows), 5000):
        await s.execute(insert(ApprovalStep), step_rows[start : start + 5000])
    for start in range(0, len(event_rows), 5000):
        await s.execute(insert(Event), event_rows[start : start + 5000])
