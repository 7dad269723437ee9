"""Administering users: only admins; links checked against roles; versions; events; ending a
user's access revokes their sessions."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from domain.access import Role
from domain.accounts.events import UserEvent
from domain.accounts.lifecycle import UserStatus
from domain.accounts.passwords import DEMO_PASSWORD
from domain.events import decode_event
from domain.services.accounts.sign_in import AuthLogin, SessionTerms, SignedIn, sign_in
from domain.services.accounts.users import (
    UserCreate,
    UserDeactivate,
    UserPasswordReset,
    UserReactivate,
    UserSessionsRevoke,
    UserUpdate,
)
from domain.store.actors import load_actor
from domain.store.db import create_sessionmaker
from domain.store.tables import Event
from tests.services.helpers import located

TERMS = SessionTerms(refresh_ttl=timedelta(days=14), max_age=timedelta(days=90))


async def sign_in_as(services, login: str, password: str = DEMO_PASSWORD):
    return await sign_in(services.use_cases, AuthLogin(login, password, TERMS))


async def actor_now(services, login: str):
    """The user's Actor as stored now (services.actor caches)."""
    async with create_sessionmaker(services.engine)() as session:
        return await load_actor(session, await services.user(login))


async def user_events(services, user_id: int) -> list[UserEvent]:
    """The user's events, decoded as the subscribers and the viewer watch read them."""
    stream = f"User:{user_id}"
    rows = await services.rows(
        select(Event.type, Event.payload).where(Event.stream == stream).order_by(Event.id)
    )
    return [decode_event(stream, action, payload) for action, payload in rows]


@pytest.mark.parametrize("login", ["vp", "planner", "finance", "sales", "partner", "report"])
async def test_only_admins_administer_users(demo_readonly, services, login):
    command = UserCreate("newbie", "New Person", frozenset({Role.PLANNER}))
    errors = await services.refused(command, login)
    assert located(errors) == [("FORBIDDEN", ["input"] if login != "report" else None)]


async def test_an_admin_creates_a_planner_who_signs_in_with_the_given_password(demo, services):
    user = await services.ok(
        UserCreate(
            "new.planner",
            " Nina Planner ",
            frozenset({Role.PLANNER}),
            password="a long new password",
        ),
        "admin",
    )
    assert (user.login, user.display_name, user.roles, user.active, user.version) == (
        "new.planner",
        "Nina Planner",
        "PLANNER",
        True,
        1,
    )
    assert isinstance(
        (await sign_in_as(services, "new.planner", "a long new password")).value, SignedIn
    )
    (created,) = await user_events(services, user.id)
    assert (created.action, created.from_status, created.to_status, created.login) == (
        "CREATED",
        None,
        UserStatus.ACTIVE,
        "new.planner",
    )


async def test_a_salesperson_user_is_linked_to_a_free_salesperson_record(demo, services):
    free = await services.by_code("salesperson", "S0002")
    user = await services.ok(
        UserCreate("wang.fang", "Wang Fang", frozenset({Role.SALESPERSON}), salesperson_id=free),
        "admin",
    )
    linked = await services.scalar("SELECT user_id FROM salesperson WHERE id = :i", i=free)
    assert linked == user.id
    actor = await services.actor("wang.fang")
    assert (actor.salesperson_id, actor.department_id) == (
        free,
        await services.scalar("SELECT department_id FROM salesperson WHERE id = :i", i=free),
    )
    taken = await services.by_code("salesperson", "S0001")  # already the login `sales`
    errors = await services.refused(
        UserCreate("li.wei2", "Li Wei", frozenset({Role.SALESPERSON}), salesperson_id=taken),
        "admin",
    )
    assert located(errors) == [("DUPLICATE", ["input", "salespersonId"])]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (UserCreate("vp", "Again", frozenset({Role.VP})), ("DUPLICATE", ["input", "login"])),
        (UserCreate("has space", "X", frozenset({Role.VP})), ("INVALID", ["input", "login"])),
        (UserCreate("nobody1", "  ", frozenset({Role.VP})), ("REQUIRED", ["input", "displayName"])),
        (UserCreate("nobody2", "X", frozenset()), ("REQUIRED", ["input", "roles"])),
        (
            UserCreate("nobody3", "X", frozenset({Role.PARTNER, Role.VP}), customer_id=1),
            ("INVALID", ["input", "roles"]),
        ),
        (
            UserCreate("nobody4", "X", frozenset({Role.PARTNER})),
            ("REQUIRED", ["input", "customerId"]),
        ),
        (
            UserCreate("nobody5", "X", frozenset({Role.PLANNER}), salesperson_id=2),
            ("INVALID", ["input", "salespersonId"]),
        ),
        (
            UserCreate("nobody6", "X", frozenset({Role.VP}), managed_department_id=1),
            ("INVALID", ["input", "managedDepartmentId"]),
        ),
        (
            UserCreate("nobody7", "X", frozenset({Role.VP}), password="short"),
            ("INVALID", ["input", "password"]),
        ),
    ],
)
async def test_a_user_that_breaks_a_rule_is_refused_and_nothing_changes(
    demo_readonly, services, command, expected
):
    assert located(await services.refused(command, "admin")) == [expected]


async def test_an_update_changes_the_fields_given_and_raises_the_version(demo, services):
    gm = await services.user("gm")
    user = await services.ok(
        UserUpdate(
            gm,
            expected_version=1,
            display_name="Grace Ma",
            roles=frozenset({Role.GENERAL_MANAGER, Role.FINANCE}),
        ),
        "admin",
    )
    assert (user.display_name, user.roles, user.version) == (
        "Grace Ma",
        "FINANCE GENERAL_MANAGER",
        2,
    )
    stale = await services.refused(UserUpdate(gm, expected_version=1, display_name="G"), "admin")
    assert located(stale) == [("CONFLICT", ["input", "expectedVersion"])]
    (updated,) = await user_events(services, gm)
    assert (updated.action, updated.changes) == ("UPDATED", ("displayName", "roles"))


async def test_dropping_the_salesperson_role_needs_the_link_removed_too(demo, services):
    sales = await services.user("sales")
    errors = await services.refused(UserUpdate(sales, roles=frozenset({Role.PLANNER})), "admin")
    assert located(errors) == [("INVALID", ["input", "salespersonId"])]
    user = await services.ok(
        UserUpdate(sales, roles=frozenset({Role.PLANNER}), salesperson_id=None), "admin"
    )
    assert user.roles == "PLANNER"
    assert (
        await services.scalar("SELECT count(*) FROM salesperson WHERE user_id = :u", u=sales) == 0
    )
    assert (await actor_now(services, "sales")).salesperson_id is None


async def test_a_manager_is_moved_to_run_another_department(demo, services):
    manager = await services.user("manager")
    d002 = await services.by_code("department", "D002")
    await services.ok(UserUpdate(manager, managed_department_id=d002), "admin")
    managed = await services.rows(
        "SELECT code FROM department WHERE manager_user_id = :u ORDER BY code", u=manager
    )
    assert managed == [("D002",)]
    assert (await actor_now(services, "manager")).department_id == d002


async def test_an_admin_cannot_lock_themselves_out(demo_readonly, services):
    admin = await services.user("admin")
    errors = await services.refused(UserUpdate(admin, roles=frozenset({Role.VP})), "admin")
    assert located(errors) == [("FORBIDDEN", ["input", "roles"])]
    errors = await services.refused(UserDeactivate(admin), "admin")
    assert located(errors) == [("FORBIDDEN", ["input", "id"])]


async def test_deactivating_ends_every_session_and_reactivating_lets_the_user_back(demo, services):
    for _ in range(2):
        assert isinstance((await sign_in_as(services, "finance")).value, SignedIn)
    finance = await services.user("finance")
    user = await services.ok(UserDeactivate(finance, expected_version=1), "admin")
    assert (user.active, user.version) == (False, 2)
    assert await services.rows("SELECT revoked_because FROM sign_in_session") == [
        ("USER_DEACTIVATED",),
        ("USER_DEACTIVATED",),
    ]
    assert located(await services.refused(UserDeactivate(finance), "admin")) == [
        ("INVALID_TRANSITION", ["input", "id"])
    ]
    assert not isinstance((await sign_in_as(services, "finance")).value, SignedIn)
    await services.ok(UserReactivate(finance), "admin")
    assert isinstance((await sign_in_as(services, "finance")).value, SignedIn)
    events = await user_events(services, finance)
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("DEACTIVATED", UserStatus.ACTIVE, UserStatus.INACTIVE),
        ("REACTIVATED", UserStatus.INACTIVE, UserStatus.ACTIVE),
    ]
    assert len(events[0].ended_sessions) == 2


async def test_a_password_reset_sets_the_password_and_ends_the_sessions(demo, services):
    assert isinstance((await sign_in_as(services, "vp")).value, SignedIn)
    vp = await services.user("vp")
    await services.ok(UserPasswordReset(vp, "reset by the admin 1"), "admin")
    assert not isinstance((await sign_in_as(services, "vp")).value, SignedIn)
    assert isinstance((await sign_in_as(services, "vp", "reset by the admin 1")).value, SignedIn)
    assert await services.rows("SELECT revoked_because FROM sign_in_session ORDER BY id") == [
        ("PASSWORD_RESET",),
        (None,),
    ]


async def test_revoking_a_users_sessions_counts_what_ended(demo, services):
    for _ in range(3):
        await sign_in_as(services, "planner")
    planner = await services.user("planner")
    revoked = await services.ok(UserSessionsRevoke(planner), "admin")
    again = await services.ok(UserSessionsRevoke(planner), "admin")
    assert (revoked.ended, again.ended) == (3, 0)
    events = await user_events(services, planner)
    assert [(e.action, e.revoked_because, len(e.ended_sessions)) for e in events] == [
        ("SESSIONS_REVOKED", "REVOKED_BY_ADMIN", 3)
    ]
