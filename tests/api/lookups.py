"""Global ids of demo objects, looked up by code or login the way a client would."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from api.ids import to_global_id

TYPE_TABLE = {
    "Company": "company",
    "Department": "department",
    "Salesperson": "salesperson",
    "Product": "product",
}


async def global_id(engine: AsyncEngine, type_name: str, code: str) -> str:
    """The global id of the company, department, salesperson or product with that code."""
    async with engine.connect() as conn:
        query = text(f"SELECT id FROM {TYPE_TABLE[type_name]} WHERE code = :code")
        pk = (await conn.execute(query, {"code": code})).scalar_one()
    return to_global_id(type_name, pk)


async def user_global_id(engine: AsyncEngine, login: str) -> str:
    async with engine.connect() as conn:
        query = text("SELECT id FROM app_user WHERE login = :login")
        pk = (await conn.execute(query, {"login": login})).scalar_one()
    return to_global_id("User", pk)


async def plan_global_id(
    engine: AsyncEngine, owner_type: str, owner_code: str, month: int, year: int = 2026
) -> str:
    """The global id of a demo monthly plan of the owner with that code (company code "HD")."""
    column = {
        "Company": "company_id",
        "Department": "department_id",
        "Salesperson": "salesperson_id",
    }[owner_type]
    kind = owner_type.upper()
    async with engine.connect() as conn:
        owner = (
            await conn.execute(
                text(f"SELECT id FROM {owner_type.lower()} WHERE code = :code"),
                {"code": owner_code},
            )
        ).scalar_one()
        rows = (
            await conn.execute(
                text(
                    f"SELECT id, period_start FROM sales_plan WHERE owner_kind = :kind AND {column} = :owner"
                ),
                {"kind": kind, "owner": owner},
            )
        ).all()
    wanted = f"{year}-{month:02d}-01"
    (pk,) = [r.id for r in rows if str(r.period_start).startswith(wanted)]
    return to_global_id("SalesPlan", pk)


async def all_plan_ids(engine: AsyncEngine, where: str = "1 = 1") -> set[str]:
    async with engine.connect() as conn:
        rows = await conn.execute(text(f"SELECT id FROM sales_plan WHERE {where}"))
        return {to_global_id("SalesPlan", r.id) for r in rows}
