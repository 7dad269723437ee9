"""Build the acting user (domain.access.Actor) from the user row and its organisation links."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Actor, Role
from domain.store.tables import AppUser, Company, Department, Salesperson


def parse_roles(text: str) -> frozenset[Role]:
    return frozenset(Role(name) for name in text.split())


async def load_actor(session: AsyncSession, user_id: int) -> Actor | None:
    """The active user with that id, or None."""
    user = await session.get(AppUser, user_id)
    if user is None or not user.active:
        return None
    salesperson = (
        await session.execute(select(Salesperson).where(Salesperson.user_id == user_id))
    ).scalar_one_or_none()
    department_id = salesperson.department_id if salesperson else None
    if department_id is None:
        department_id = (
            await session.execute(
                select(Department.id).where(Department.manager_user_id == user_id).limit(1)
            )
        ).scalar_one_or_none()
    company_id = None
    if department_id is not None:
        company_id = (await session.get(Department, department_id)).company_id
    elif user.customer_id is None:
        # Staff without a department (VP, planner, ...) work for the (first) company.
        company_id = (
            await session.execute(select(Company.id).order_by(Company.id).limit(1))
        ).scalar_one_or_none()
    return Actor(
        user_id=user.id,
        login=user.login,
        roles=parse_roles(user.roles),
        company_id=company_id,
        department_id=department_id,
        salesperson_id=salesperson.id if salesperson else None,
        customer_id=user.customer_id,
    )
