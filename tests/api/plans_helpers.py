"""GraphQL documents and lookups shared by the plan tests."""

from sqlalchemy import text

PLAN_FIELDS = """
  id status version revision totalAmount
  currentStep { name state approver { login } }
  steps { position name state approver { login } actedBy { login } comment }
  historyConnection { nodes { sequence action fromStatus toStatus comment acceptedAllocationGap actor { login } } }
  allocationGap { product { code } period quantity amount }
  rollup { product { code } period quantity amount }
"""

TRANSITION = """
mutation($input: SalesPlan{Name}Input!) {{
  salesPlan{Name}(input: $input) {{
    salesPlan {{ {fields} }}
    errors {{ code message field }}
  }}
}}
"""


def transition(name: str) -> str:
    return TRANSITION.format(Name=name, fields=PLAN_FIELDS)


async def plan_id(engine, where: str, **params) -> str:
    """Global id of the first plan matching a SQL condition on sales_plan."""
    from api.ids import to_global_id

    async with engine.connect() as conn:
        pk = (
            await conn.execute(
                text(f"SELECT id FROM sales_plan WHERE {where} ORDER BY id LIMIT 1"), params
            )
        ).scalar_one()
    return to_global_id("SalesPlan", pk)


async def snapshot(engine) -> dict:
    """Row counts and versions that a refused action must leave unchanged."""
    async with engine.connect() as conn:
        return {
            "plans": (
                await conn.execute(
                    text("SELECT id, status, version, approval_round FROM sales_plan ORDER BY id")
                )
            ).all(),
            "lines": (
                await conn.execute(text("SELECT count(*), sum(quantity) FROM sales_plan_line"))
            ).one(),
            "steps": (
                await conn.execute(
                    text("SELECT id, state, acted_by FROM approval_step ORDER BY id")
                )
            ).all(),
            "events": (await conn.execute(text("SELECT count(*) FROM event"))).scalar_one(),
        }
