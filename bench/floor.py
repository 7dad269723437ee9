"""The floor of the full nested read (bench/nested_read.py's query) for a viewer who reads the
whole company (the VP): the same JSON, byte for byte, from plain SQL, tuples, dicts and orjson.

Five statements whatever the size (the company, its departments with their manager's and VP's
logins, their salespeople, every plan with its author and parent, the first 100 lines of every
plan with their products), sent as SQL text through the driver with no type conversion on the
way: pages, counts and orders as the API's connections make them (companies, departments and
salespeople by code, plans by periodStart, lines by period, each with the id as tie-breaker),
values formatted as the API's scalars format them. What is left above it is the cost of any
GraphQL server.
"""

import base64
from datetime import date
from decimal import Decimal

import orjson

from domain.plans.periods import Granularity, plan_end
from domain.store.tables import Product, SalesPlanLine

PLANS_PER_OWNER = 12
LINES_PER_PLAN = 100
DEPARTMENTS = 100
SALESPEOPLE = 4
QUANTITY_SCALE = SalesPlanLine.__table__.c.quantity.type.scale
AMOUNT_SCALE = SalesPlanLine.__table__.c.amount.type.scale
PRICE_SCALE = Product.__table__.c.list_price.type.scale
OWNER_TYPE = {"COMPANY": "Company", "DEPARTMENT": "Department", "SALESPERSON": "Salesperson"}


def gid(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def decimal_text(sqlite: bool, scale: int):
    """How a stored amount becomes the API's Decimal text: SQLite keeps scaled integers
    (domain.store.types.Fixed), PostgreSQL's driver gives Decimals of the column's scale."""
    if sqlite:
        return lambda value: str(Decimal(value).scaleb(-scale))
    return str


def day_text(value) -> str:
    return value if isinstance(value, str) else value.isoformat()  # SQLite keeps ISO text


COMPANY = "SELECT id, code, name FROM company WHERE id = {company}"
COMPANIES = "SELECT count(*) FROM company"
DEPARTMENTS_SQL = """
SELECT d.id, d.code, d.name, m.login, v.login
FROM department d
LEFT JOIN app_user m ON m.id = d.manager_user_id
LEFT JOIN app_user v ON v.id = d.vp_user_id
WHERE d.company_id = {company}
ORDER BY d.code, d.id
"""
SALESPEOPLE_SQL = """
SELECT s.id, s.code, s.name, s.department_id
FROM salesperson s JOIN department d ON d.id = s.department_id
WHERE d.company_id = {company}
ORDER BY s.department_id, s.code, s.id
"""
PLANS_SQL = """
SELECT * FROM (
  SELECT p.id, p.title, p.status, p.version, p.granularity, p.period_start, p.owner_kind,
         coalesce(p.salesperson_id, p.department_id, p.company_id) AS owner_id,
         p.parent_id, a.login, a.display_name, parent.title, parent.status,
         row_number() OVER owner_plans AS rank, count(*) OVER whole AS total
  FROM sales_plan p
  LEFT JOIN app_user a ON a.id = p.author_id
  LEFT JOIN sales_plan parent ON parent.id = p.parent_id
  WHERE p.company_id = {company}
  WINDOW owner_plans AS (PARTITION BY p.owner_kind,
                                      coalesce(p.salesperson_id, p.department_id, p.company_id)
                         ORDER BY p.period_start, p.id),
         whole AS (PARTITION BY p.owner_kind,
                                coalesce(p.salesperson_id, p.department_id, p.company_id))
) ranked WHERE rank <= {plans}
ORDER BY owner_kind, owner_id, rank
"""
LINES_SQL = """
SELECT l.id, l.plan_id, l.period, l.quantity, l.amount,
       pr.id, pr.code, pr.name, pr.unit, pr.list_price, l.total
FROM (
  SELECT sales_plan_line.*,
         row_number() OVER (PARTITION BY plan_id ORDER BY period, id) AS rank,
         count(*) OVER (PARTITION BY plan_id) AS total
  FROM sales_plan_line
  WHERE plan_id IN (SELECT id FROM sales_plan WHERE company_id = {company})
) l JOIN product pr ON pr.id = l.product_id
WHERE l.rank <= {lines}
ORDER BY l.plan_id, l.rank
"""


async def floor_read(conn, company_id: int) -> bytes:
    """The `data` of the full nested read as the JSON bytes the API sends."""
    sqlite = conn.dialect.name == "sqlite"
    quantity_text = decimal_text(sqlite, QUANTITY_SCALE)
    amount_text = decimal_text(sqlite, AMOUNT_SCALE)
    price_text = decimal_text(sqlite, PRICE_SCALE)
    company_id = int(company_id)

    async def rows(sql: str):
        text = sql.format(company=company_id, plans=PLANS_PER_OWNER, lines=LINES_PER_PLAN)
        return (await conn.exec_driver_sql(text)).all()

    company = (await rows(COMPANY))[0]
    company_count = (await rows(COMPANIES))[0][0]
    departments = await rows(DEPARTMENTS_SQL)
    salespeople = await rows(SALESPEOPLE_SQL)
    plans = await rows(PLANS_SQL)
    lines = await rows(LINES_SQL)

    products: dict[int, dict] = {}
    line_pages: dict[int, list] = {}
    line_counts: dict[int, int] = {}
    for line_id, plan_id, period, quantity, amount, pid, code, name, unit, price, total in lines:
        product = products.get(pid)
        if product is None:
            product = products[pid] = {
                "id": gid("Product", pid),
                "code": code,
                "name": name,
                "unit": unit,
                "listPrice": price_text(price),
            }
        page = line_pages.get(plan_id)
        if page is None:
            page = line_pages[plan_id] = []
            line_counts[plan_id] = total
        page.append(
            {
                "id": gid("SalesPlanLine", line_id),
                "period": day_text(period),
                "quantity": quantity_text(quantity),
                "amount": amount_text(amount),
                "product": product,
            }
        )

    codes = {
        "COMPANY": {company[0]: company[1]},
        "DEPARTMENT": {d[0]: d[1] for d in departments},
        "SALESPERSON": {s[0]: s[1] for s in salespeople},
    }
    plan_pages: dict[tuple, dict] = {}
    for (
        plan_id,
        title,
        status,
        version,
        granularity,
        period_start,
        kind,
        owner,
        parent_id,
        author_login,
        author_name,
        parent_title,
        parent_status,
        _rank,
        total,
    ) in plans:
        page = plan_pages.get((kind, owner))
        if page is None:
            page = plan_pages[(kind, owner)] = {"totalCount": total, "nodes": []}
        start = period_start if isinstance(period_start, date) else date.fromisoformat(period_start)
        page["nodes"].append(
            {
                "id": gid("SalesPlan", plan_id),
                "title": title,
                "status": status,
                "version": version,
                "granularity": granularity,
                "periodStart": start.isoformat(),
                "periodEnd": plan_end(Granularity(granularity), start).isoformat(),
                "owner": {"__typename": OWNER_TYPE[kind], "code": codes[kind][owner]},
                "author": None
                if author_login is None
                else {"login": author_login, "displayName": author_name},
                "parent": None
                if parent_id is None
                else {
                    "id": gid("SalesPlan", parent_id),
                    "title": parent_title,
                    "status": parent_status,
                },
                "lines": {
                    "totalCount": line_counts.get(plan_id, 0),
                    "nodes": line_pages.get(plan_id, []),
                },
            }
        )

    def plans_of(kind: str, owner: int) -> dict:
        return plan_pages.get((kind, owner), {"totalCount": 0, "nodes": []})

    people: dict[int, list] = {}
    for person_id, code, name, department_id in salespeople:
        people.setdefault(department_id, []).append(
            {
                "id": gid("Salesperson", person_id),
                "code": code,
                "name": name,
                "department": {"code": codes["DEPARTMENT"][department_id]},
                "salesPlans": plans_of("SALESPERSON", person_id),
            }
        )
    department_nodes = [
        {
            "id": gid("Department", department_id),
            "code": code,
            "name": name,
            "company": {"code": company[1]},
            "manager": None if manager is None else {"login": manager},
            "vpInCharge": None if vp is None else {"login": vp},
            "salesPlans": plans_of("DEPARTMENT", department_id),
            "salespeople": {
                "totalCount": len(people.get(department_id, ())),
                "nodes": people.get(department_id, [])[:SALESPEOPLE],
            },
        }
        for department_id, code, name, manager, vp in departments[:DEPARTMENTS]
    ]
    data = {
        "companies": {
            "totalCount": company_count,
            "nodes": [
                {
                    "id": gid("Company", company[0]),
                    "code": company[1],
                    "name": company[2],
                    "salesPlans": plans_of("COMPANY", company[0]),
                    "departments": {"totalCount": len(departments), "nodes": department_nodes},
                }
            ],
        }
    }
    return orjson.dumps(data)
