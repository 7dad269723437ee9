"""The demo organisation: its size at scale 1 and N, its logins, and plans that roll up exactly."""

from collections import Counter
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access import Role
from domain.plans.hierarchy import OwnerKind
from domain.plans.lifecycle import PlanStatus
from domain.plans.periods import Granularity
from domain.store.actors import load_actor, load_actors
from domain.store.db import create_sessionmaker
from domain.store.demo import LOGINS, is_empty, load_demo
from domain.store.tables import (
    AppUser,
    Company,
    Customer,
    Department,
    Product,
    Salesperson,
    SalesPlan,
    SalesPlanLine,
)
from domain.store.uow import UnitOfWork
from tests.conftest import clear

LOGIN_NAMES = [
    "admin",
    "vp",
    "gm",
    "finance",
    "planner",
    "manager",
    "sales",
    "partner",
    "partner2",
    "report",
]


async def count(engine: AsyncEngine, table, *where) -> int:
    async with engine.connect() as conn:
        stmt = select(func.count()).select_from(table)
        if where:
            stmt = stmt.where(*where)
        return (await conn.execute(stmt)).scalar_one()


async def rows(engine: AsyncEngine, stmt) -> list:
    async with engine.connect() as conn:
        return list((await conn.execute(stmt)).all())


async def test_the_demo_at_scale_one_has_the_documented_size(demo):
    assert await count(demo, Company) == 1
    assert await count(demo, Department) == 3
    assert await count(demo, Salesperson) == 10
    assert await count(demo, Product) == 10
    assert await count(demo, Customer) == 4
    assert await count(demo, SalesPlan) == 168
    assert await count(demo, SalesPlanLine) == 1440


async def test_each_department_has_three_or_four_salespeople(demo):
    per_department = await rows(
        demo,
        select(Department.code, func.count(Salesperson.id))
        .join(Salesperson, Salesperson.department_id == Department.id)
        .group_by(Department.code)
        .order_by(Department.code),
    )
    assert per_department == [("D001", 3), ("D002", 4), ("D003", 3)]


async def test_a_year_of_monthly_plans_exists_for_every_node(demo):
    per_kind = await rows(
        demo,
        select(SalesPlan.owner_kind, func.count()).group_by(SalesPlan.owner_kind),
    )
    assert dict(per_kind) == {
        OwnerKind.COMPANY: 12,
        OwnerKind.DEPARTMENT: 36,
        OwnerKind.SALESPERSON: 120,
    }
    periods = await rows(demo, select(SalesPlan.granularity, SalesPlan.period_start).distinct())
    assert sorted(periods, key=lambda r: r[1]) == [
        (Granularity.MONTH, date(2026, m, 1)) for m in range(1, 13)
    ]


async def test_demo_plans_are_in_several_states_by_month(demo):
    by_status = await rows(demo, select(SalesPlan.period_start, SalesPlan.status))
    status_of_month = {}
    for period, status in by_status:
        status_of_month.setdefault(period.month, set()).add(status)
    assert status_of_month == {
        **{m: {PlanStatus.APPROVED} for m in range(1, 10)},
        10: {PlanStatus.SUBMITTED},
        11: {PlanStatus.SUBMITTED},
        12: {PlanStatus.DRAFT},
    }


async def test_there_is_one_user_for_each_documented_login(demo):
    users = dict(await rows(demo, select(AppUser.login, AppUser.roles)))
    assert sorted(users) == sorted(LOGIN_NAMES)
    assert users == {login: role for login, (_name, role) in LOGINS.items()}


async def test_each_login_acts_with_its_role_and_place_in_the_organisation(demo):
    async with create_sessionmaker(demo)() as session:
        ids = dict((await session.execute(select(AppUser.login, AppUser.id))).all())
        actors = {login: await load_actor(session, uid) for login, uid in ids.items()}
        d001 = (
            await session.execute(select(Department.id).where(Department.code == "D001"))
        ).scalar_one()
        s0001 = (
            await session.execute(select(Salesperson.id).where(Salesperson.code == "S0001"))
        ).scalar_one()
        c1, c2 = (
            await session.execute(select(Customer.id).order_by(Customer.code).limit(2))
        ).scalars()
        company = (await session.execute(select(Company.id))).scalar_one()
    assert actors["manager"].roles == frozenset({Role.MANAGER})
    assert actors["manager"].department_id == d001
    assert actors["sales"].roles == frozenset({Role.SALESPERSON})
    assert (actors["sales"].department_id, actors["sales"].salesperson_id) == (d001, s0001)
    assert actors["partner"].customer_id == c1
    assert actors["partner2"].customer_id == c2
    for partner in ("partner", "partner2"):
        assert actors[partner].company_id is None
        assert not actors[partner].is_internal
    assert actors["report"].roles == frozenset({Role.REPORTING})
    assert actors["report"].reads_all_plans and actors["report"].writes_nothing
    for staff in ("admin", "vp", "gm", "finance", "planner", "manager", "sales", "report"):
        assert actors[staff].company_id == company
        assert actors[staff].customer_id is None


async def test_an_inactive_user_does_not_act(demo):
    async with UnitOfWork(demo) as uow:
        user = (
            await uow.session.execute(select(AppUser).where(AppUser.login == "gm"))
        ).scalar_one()
        user.active = False
        await uow.commit()
    async with create_sessionmaker(demo)() as session:
        assert await load_actor(session, user.id) is None
        assert await load_actor(session, 10**9) is None


async def test_many_users_load_as_actors_in_four_statements_exactly_as_one_by_one(
    demo, count_statements
):
    async with create_sessionmaker(demo)() as session:
        ids = list((await session.execute(select(AppUser.id))).scalars())
        one_by_one = {uid: await load_actor(session, uid) for uid in ids}
    async with create_sessionmaker(demo)() as session:
        with count_statements() as counter:
            together = await load_actors(session, [*ids, 10**9])
    assert together == {**one_by_one, 10**9: None}
    assert len(ids) == len(LOGIN_NAMES) and all(together[uid] is not None for uid in ids)
    assert len([s for s in counter.statements if s.startswith("SELECT")]) == 4
    # Users who all belong to a department or a customer need no company lookup.
    async with create_sessionmaker(demo)() as session:
        logins = {"sales", "partner"}
        placed = [uid for uid in ids if together[uid].login in logins]
        with count_statements() as counter:
            assert await load_actors(session, placed) == {uid: together[uid] for uid in placed}
    assert len([s for s in counter.statements if s.startswith("SELECT")]) == 3


async def sums_by_parent(engine: AsyncEngine, child_kind: OwnerKind) -> dict:
    """Per parent plan, product and month: the sum of the children's quantities and amounts."""
    return {
        (r.parent_id, r.product_id, r.period): (r.quantity, r.amount)
        for r in await rows(
            engine,
            select(
                SalesPlan.parent_id,
                SalesPlanLine.product_id,
                SalesPlanLine.period,
                func.sum(SalesPlanLine.quantity).label("quantity"),
                func.sum(SalesPlanLine.amount).label("amount"),
            )
            .join(SalesPlan, SalesPlan.id == SalesPlanLine.plan_id)
            .where(SalesPlan.owner_kind == child_kind)
            .group_by(SalesPlan.parent_id, SalesPlanLine.product_id, SalesPlanLine.period),
        )
    }


async def lines_of_kind(engine: AsyncEngine, kind: OwnerKind) -> dict:
    return {
        (r.plan_id, r.product_id, r.period): (r.quantity, r.amount)
        for r in await rows(
            engine,
            select(
                SalesPlanLine.plan_id,
                SalesPlanLine.product_id,
                SalesPlanLine.period,
                SalesPlanLine.quantity,
                SalesPlanLine.amount,
            )
            .join(SalesPlan, SalesPlan.id == SalesPlanLine.plan_id)
            .where(SalesPlan.owner_kind == kind),
        )
    }


async def test_department_plans_equal_the_sums_of_their_salespeople_per_product_and_month(demo):
    department_lines = await lines_of_kind(demo, OwnerKind.DEPARTMENT)
    assert len(department_lines) == 360
    assert department_lines == await sums_by_parent(demo, OwnerKind.SALESPERSON)


async def test_company_plans_equal_the_sums_of_the_department_plans(demo):
    company_lines = await lines_of_kind(demo, OwnerKind.COMPANY)
    assert len(company_lines) == 120
    assert company_lines == await sums_by_parent(demo, OwnerKind.DEPARTMENT)


async def test_every_child_plan_points_at_the_plan_one_level_up_for_the_same_month(demo):
    child = SalesPlan.__table__.alias("child")
    parent = SalesPlan.__table__.alias("parent")
    pairs = await rows(
        demo,
        select(
            child.c.owner_kind, parent.c.owner_kind, child.c.period_start == parent.c.period_start
        ).select_from(child.join(parent, parent.c.id == child.c.parent_id)),
    )
    assert Counter(pairs) == {
        (OwnerKind.DEPARTMENT, OwnerKind.COMPANY, True): 36,
        (OwnerKind.SALESPERSON, OwnerKind.DEPARTMENT, True): 120,
    }
    salesperson_in_parent_department = await rows(
        demo,
        select(func.count())
        .select_from(child.join(parent, parent.c.id == child.c.parent_id))
        .where(
            child.c.owner_kind == OwnerKind.SALESPERSON,
            child.c.department_id == parent.c.department_id,
        ),
    )
    assert salesperson_in_parent_department == [(120,)]
    assert (
        await count(
            demo,
            SalesPlan,
            SalesPlan.owner_kind == OwnerKind.COMPANY,
            SalesPlan.parent_id.is_(None),
        )
        == 12
    )


async def test_every_demo_amount_is_quantity_times_list_price_to_the_cent(demo):
    priced = await rows(
        demo,
        select(SalesPlanLine.quantity, SalesPlanLine.amount, Product.list_price)
        .join(Product, Product.id == SalesPlanLine.product_id)
        .join(SalesPlan, SalesPlan.id == SalesPlanLine.plan_id)
        .where(SalesPlan.owner_kind == OwnerKind.SALESPERSON),
    )
    assert len(priced) == 960
    assert all(isinstance(a, Decimal) and a == q * p for q, a, p in priced)


async def test_the_same_seed_gives_the_same_demo(engine):
    await clear(engine)
    await load_demo(engine)
    first = await lines_of_kind(engine, OwnerKind.SALESPERSON)
    await clear(engine)
    await load_demo(engine)
    again = await lines_of_kind(engine, OwnerKind.SALESPERSON)
    assert sorted(first.values()) == sorted(again.values())


async def test_scale_two_makes_the_organisation_twice_as_large(engine):
    await clear(engine)
    assert await is_empty(engine)
    summary = await load_demo(engine, scale=2)
    assert not await is_empty(engine)
    # Departments alternate three and four salespeople: 3 + 4 + 3 + 4 + 3 + 4.
    assert (summary.departments, summary.salespeople, summary.products) == (6, 21, 20)
    assert await count(engine, Customer) == 8
    assert await count(engine, Company) == 1
    assert await count(engine, AppUser) == len(LOGIN_NAMES)
    assert summary.plans == await count(engine, SalesPlan) == 12 + 6 * 12 + 21 * 12
    assert summary.lines == await count(engine, SalesPlanLine)
    assert (
        await count(
            engine,
            SalesPlanLine,
            SalesPlanLine.plan_id.in_(
                select(SalesPlan.id).where(SalesPlan.owner_kind == OwnerKind.SALESPERSON)
            ),
        )
        == 21 * 12 * 8
    )
