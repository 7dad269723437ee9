"""Build the acting user (domain.access.Actor) from the user row and its organisation links."""

from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Actor, Role
from domain.store.tables import AppUser, Company, Department, Salesperson


def parse_roles(text: str) -> frozenset[Role]:
    return frozenset(Role(name) for name in text.split())


async def load_actor(session: AsyncSession, user_id: int) -> Actor | None:
    """The active user with that id, or None."""
    return (await load_actors(session, [user_id]))[user_id]


async def load_actors(session: AsyncSession, user_ids: Iterable[int]) -> dict[int, Actor | None]:
    """Each of these users as an Actor, or None where inactive or unknown; at most four
    statements for any number of users."""
    wanted = set(user_ids)
    result: dict[int, Actor | None] = dict.fromkeys(wanted)
    if not wanted:
        return result
    users = (
        (await session.execute(select(AppUser).where(AppUser.id.in_(wanted), AppUser.active)))
        .scalars()
        .all()
    )
    if not users:
        return result
    ids = [u.id for u in users]
    salespeople = {
        s.user_id: s
        for s in (await session.execute(select(Salesperson).where(Salesperson.user_id.in_(ids))))
        .scalars()
        .all()
    }
    departments = (
        await session.execute(
            select(Department)
            .where(
                or_(
                    Department.id.in_({s.department_id for s in salespeople.values()}),
                    Department.manager_user_id.in_(ids),
                )
            )
            .order_by(Department.id)
        )
    ).scalars()
    company_of_department = {}
    managed_by: dict[int, int] = {}  # manager's user id -> their (first) department
    for department in departments:
        company_of_department[department.id] = department.company_id
        if department.manager_user_id is not None:
            managed_by.setdefault(department.manager_user_id, department.id)
    first_company = None
    if any(
        u.customer_id is None and u.id not in salespeople and u.id not in managed_by for u in users
    ):
        # Staff without a department (VP, planner, ...) work for the (first) company.
        first_company = (
            await session.execute(select(Company.id).order_by(Company.id).limit(1))
        ).scalar_one_or_none()
    for user in users:
        salesperson = salespeople.get(user.id)
        department_id = salesperson.department_id if salesperson else managed_by.get(user.id)
        if department_id is not None:
            company_id = company_of_department[department_id]
        elif user.customer_id is None:
            company_id = first_company
        else:
            company_id = None
        result[user.id] = Actor(
            user_id=user.id,
            login=user.login,
            roles=parse_roles(user.roles),
            company_id=company_id,
            department_id=department_id,
            salesperson_id=salesperson.id if salesperson else None,
            customer_id=user.customer_id,
        )
    return result
