"""Administering departments (with their manager and VP in charge) and salespeople: admins only,
codes unique, people in the right roles, versions and events."""

from sqlalchemy import select

from domain.events import decode_event
from domain.services.organisation.departments import DepartmentCreate, DepartmentUpdate
from domain.services.organisation.salespeople import SalespersonCreate, SalespersonUpdate
from domain.store.tables import Event
from tests.services.helpers import located


async def events_of(services, stream: str) -> list:
    rows = await services.rows(
        select(Event.type, Event.payload).where(Event.stream == stream).order_by(Event.id)
    )
    return [decode_event(stream, action, payload) for action, payload in rows]


async def test_an_admin_creates_a_department_with_its_manager_and_vp(demo, services):
    vp, manager = await services.user("vp"), await services.user("manager")
    department = await services.ok(
        DepartmentCreate("D010", "Southwest Sales", manager_id=manager, vp_in_charge_id=vp),
        "admin",
    )
    assert (department.code, department.manager_user_id, department.vp_user_id) == (
        "D010",
        manager,
        vp,
    )
    assert department.company_id == await services.by_code("company", "HD")
    (created,) = await events_of(services, f"Department:{department.id}")
    assert (created.action, created.code) == ("CREATED", "D010")


async def test_department_rules(demo_readonly, services):
    vp, planner = await services.user("vp"), await services.user("planner")
    cases = [
        (DepartmentCreate("D001", "Twice"), "admin", ("DUPLICATE", ["input", "code"])),
        (DepartmentCreate(" ", "No code"), "admin", ("REQUIRED", ["input", "code"])),
        (
            DepartmentCreate("D011", "Wrong VP", vp_in_charge_id=planner),
            "admin",
            ("INVALID", ["input", "vpInChargeId"]),
        ),
        (
            DepartmentCreate("D012", "Unknown manager", manager_id=987654),
            "admin",
            ("NOT_FOUND", ["input", "managerId"]),
        ),
        (DepartmentCreate("D013", "Not mine", vp_in_charge_id=vp), "vp", ("FORBIDDEN", ["input"])),
    ]
    for command, login, expected in cases:
        assert located(await services.refused(command, login)) == [expected], command


async def test_a_department_update_changes_what_is_given_once_per_version(demo, services):
    d002 = await services.by_code("department", "D002")
    gm = await services.user("gm")
    await services.refused(DepartmentUpdate(d002, vp_in_charge_id=gm), "admin")  # not a VP
    department = await services.ok(
        DepartmentUpdate(d002, expected_version=1, name="North China Sales & Service"), "admin"
    )
    assert (department.name, department.version) == ("North China Sales & Service", 2)
    unchanged = await services.ok(
        DepartmentUpdate(d002, expected_version=2, name="North China Sales & Service"),
        "admin",
    )
    assert unchanged.version == 2  # nothing changed: no new version, no event
    stale = await services.refused(DepartmentUpdate(d002, expected_version=1, name="X"), "admin")
    assert located(stale) == [("CONFLICT", ["input", "expectedVersion"])]
    removed = await services.ok(
        DepartmentUpdate(d002, manager_id=None, vp_in_charge_id=None), "admin"
    )
    assert (removed.manager_user_id, removed.vp_user_id, removed.version) == (None, None, 3)
    events = await events_of(services, f"Department:{d002}")
    assert [(e.action, e.changes) for e in events] == [
        ("UPDATED", ("name",)),
        ("UPDATED", ("vpInChargeId",)),
    ]


async def test_an_admin_creates_a_salesperson_with_a_login(demo, services):
    from domain.access import Role
    from domain.services.accounts.users import UserCreate

    user = await services.ok(
        UserCreate("zhao.qiang", "Zhao Qiang", frozenset({Role.SALESPERSON})), "admin"
    )
    d003 = await services.by_code("department", "D003")
    salesperson = await services.ok(
        SalespersonCreate(d003, "S0100", "Zhao Qiang", "zq@hengda.example.com", user.id),
        "admin",
    )
    assert (salesperson.code, salesperson.department_id, salesperson.user_id) == (
        "S0100",
        d003,
        user.id,
    )
    (created,) = await events_of(services, f"Salesperson:{salesperson.id}")
    assert (created.action, created.department_id) == ("CREATED", d003)


async def test_salesperson_rules(demo_readonly, services):
    d001 = await services.by_code("department", "D001")
    sales, vp = await services.user("sales"), await services.user("vp")
    cases = [
        (SalespersonCreate(d001, "S0001", "Twice"), ("DUPLICATE", ["input", "code"])),
        (SalespersonCreate(987654, "S0101", "Nowhere"), ("NOT_FOUND", ["input", "departmentId"])),
        (
            SalespersonCreate(d001, "S0102", "Bad mail", email="not-an-address"),
            ("INVALID", ["input", "email"]),
        ),
        (
            SalespersonCreate(d001, "S0103", "Taken", user_id=sales),
            ("DUPLICATE", ["input", "userId"]),
        ),
        (
            SalespersonCreate(d001, "S0104", "Not sales", user_id=vp),
            ("INVALID", ["input", "userId"]),
        ),
    ]
    for command, expected in cases:
        assert located(await services.refused(command, "admin")) == [expected], command
    assert located(await services.refused(SalespersonCreate(d001, "S0105", "X"), "manager")) == [
        ("FORBIDDEN", ["input"])
    ]


async def test_moving_a_salesperson_moves_their_users_reach(demo, services):
    s0001 = await services.by_code("salesperson", "S0001")
    d002 = await services.by_code("department", "D002")
    moved = await services.ok(
        SalespersonUpdate(s0001, expected_version=1, department_id=d002), "admin"
    )
    assert (moved.department_id, moved.version) == (d002, 2)
    from domain.store.actors import load_actor
    from domain.store.db import create_sessionmaker

    async with create_sessionmaker(services.engine)() as session:
        actor = await load_actor(session, await services.user("sales"))
    assert actor.department_id == d002
    (updated,) = await events_of(services, f"Salesperson:{s0001}")
    assert (updated.action, updated.changes, updated.department_id) == (
        "UPDATED",
        ("departmentId",),
        d002,
    )
