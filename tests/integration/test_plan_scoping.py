"""The SQL row scoping of plans (domain.store.plans.scoping) agrees with domain.plans.access for every login."""

import pytest
from sqlalchemy import select

from domain.plans.access import PlanOwner, may_read_plan
from domain.store.actors import load_actor
from domain.store.db import create_sessionmaker
from domain.store.plans.scoping import plans_visible_to
from domain.store.tables import AppUser, SalesPlan

LOGINS = ["admin", "vp", "gm", "finance", "planner", "manager", "sales", "partner", "partner2"]
EXPECTED_COUNTS = {
    "admin": 168,
    "vp": 168,
    "gm": 168,
    "finance": 168,
    "planner": 168,
    "manager": 48,  # D001's 12 plans and its three salespeople's 36
    "sales": 12,
    "partner": 0,
    "partner2": 0,
}


@pytest.mark.parametrize("login", LOGINS)
async def test_sql_scoping_selects_exactly_the_plans_the_domain_rules_allow(demo, login):
    async with create_sessionmaker(demo)() as session:
        user_id = (
            await session.execute(select(AppUser.id).where(AppUser.login == login))
        ).scalar_one()
        actor = await load_actor(session, user_id)
        every_plan = (await session.execute(select(SalesPlan))).scalars().all()
        in_sql = set(
            (await session.execute(select(SalesPlan.id).where(plans_visible_to(actor)))).scalars()
        )
    in_python = {
        p.id
        for p in every_plan
        if may_read_plan(
            actor, PlanOwner(p.owner_kind, p.company_id, p.department_id, p.salesperson_id)
        )
    }
    assert in_sql == in_python
    assert len(in_sql) == EXPECTED_COUNTS[login]
