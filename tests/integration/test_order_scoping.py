"""The SQL row scoping of orders (domain.store.orders.scoping) agrees with
domain.orders.access for every login."""

import pytest
from sqlalchemy import select

from domain.orders.access import OrderOwner, may_read_order
from domain.store.actors import load_actor
from domain.store.db import create_sessionmaker
from domain.store.orders.scoping import orders_visible_to
from domain.store.tables import AppUser, SalesOrder

LOGINS = ["admin", "vp", "gm", "finance", "planner", "manager", "sales", "partner", "partner2"]


@pytest.mark.parametrize("login", LOGINS)
async def test_sql_scoping_selects_exactly_the_orders_the_domain_rules_allow(demo_readonly, login):
    async with create_sessionmaker(demo_readonly)() as session:
        user_id = (
            await session.execute(select(AppUser.id).where(AppUser.login == login))
        ).scalar_one()
        actor = await load_actor(session, user_id)
        every_order = (await session.execute(select(SalesOrder))).scalars().all()
        in_sql = set(
            (await session.execute(select(SalesOrder.id).where(orders_visible_to(actor)))).scalars()
        )
    in_python = {
        o.id
        for o in every_order
        if may_read_order(
            actor, OrderOwner(o.company_id, o.customer_id, o.department_id, o.salesperson_id)
        )
    }
    assert in_sql == in_python
    if login in ("admin", "vp", "gm", "finance", "planner"):
        assert len(in_sql) == len(every_order)
    else:
        assert 0 < len(in_sql) < len(every_order)
