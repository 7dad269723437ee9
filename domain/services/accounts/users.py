"""Administering users (admins only): userCreate, userUpdate (name, roles, links to a customer,
a salesperson or a managed department), userDeactivate, userReactivate, userPasswordReset and
userSessionsRevoke.

A user's reach comes from their links: a PARTNER is linked to one customer (and holds no other
role), a SALESPERSON to one salesperson record, a MANAGER to the department they manage. The
links are checked on the user as it will be after the change, so an update cannot leave a
salesperson link on a user without the SALESPERSON role.

Ending a user's access (deactivation, a password reset, revoking their sessions) revokes their
sessions; the event it records makes every process close the user's websockets at once.
"""

import asyncio
import re
from dataclasses import dataclass

from sqlalchemy import select

from domain.access import Actor, Role
from domain.accounts.access import may_administer
from domain.accounts.events import UserEvent
from domain.accounts.lifecycle import USER_LIFECYCLE, UserAction, status_of
from domain.accounts.passwords import hash_password, password_problem
from domain.accounts.sessions import RevokedBecause
from domain.errors import ErrorCode, refuse
from domain.organisation.events import DepartmentEvent, SalespersonEvent
from domain.services.partial_update import KEEP, Changes, required_text
from domain.services.pipeline import handles
from domain.store.accounts import sessions
from domain.store.tables import AppUser, Customer, Department, Salesperson, UserCredential
from domain.store.types import utcnow
from domain.store.uow import UnitOfWork
from domain.store.versioning import check_expected_version

LOGIN_PATTERN = re.compile(r"[A-Za-z0-9._@-]{1,64}")
ID = ("input", "id")


@dataclass(frozen=True)
class UserCreate:
    login: str
    display_name: str
    roles: frozenset[Role]
    password: str | None = None  # None: no password sign-in (an identity provider, or later)
    customer_id: int | None = None
    salesperson_id: int | None = None
    managed_department_id: int | None = None


@dataclass(frozen=True)
class UserUpdate:
    """Only the fields given change (KEEP); None removes a link."""

    user_id: int
    expected_version: int | None = None
    display_name: object = KEEP
    roles: object = KEEP
    customer_id: object = KEEP
    salesperson_id: object = KEEP
    managed_department_id: object = KEEP


@dataclass(frozen=True)
class UserAct:
    user_id: int
    expected_version: int | None = None


class UserDeactivate(UserAct):
    pass


class UserReactivate(UserAct):
    pass


@dataclass(frozen=True)
class UserPasswordReset:
    user_id: int
    new_password: str


@dataclass(frozen=True)
class UserSessionsRevoke:
    user_id: int


@dataclass(frozen=True)
class SessionsRevoked:
    user: AppUser
    ended: int  # how many sessions ended


def _only_admins(actor: Actor) -> None:
    if not may_administer(actor):
        raise refuse(ErrorCode.FORBIDDEN, "only admins administer users", "input")


async def _locked_user(uow: UnitOfWork, user_id: int) -> AppUser:
    user = (
        await uow.session.execute(select(AppUser).where(AppUser.id == user_id).with_for_update())
    ).scalar_one_or_none()
    if user is None:
        raise refuse(ErrorCode.NOT_FOUND, "no such user", *ID)
    return user


def event_of(user: AppUser, action: str, before, **details) -> UserEvent:
    return UserEvent(
        document_id=user.id,
        action=action,
        from_status=before,
        to_status=status_of(user.active),
        login=user.login,
        **details,
    )


def _check_roles(roles: frozenset[Role]) -> None:
    if not roles:
        raise refuse(ErrorCode.REQUIRED, "a user needs at least one role", "input", "roles")
    if Role.PARTNER in roles and len(roles) > 1:
        raise refuse(
            ErrorCode.INVALID,
            "a PARTNER is a customer's portal user and holds no other role",
            "input",
            "roles",
        )


async def _check_password(password: str, login: str, *field: str) -> str:
    problem = password_problem(password, login)
    if problem:
        raise refuse(ErrorCode.INVALID, f"the password: {problem}", *field)
    return await asyncio.to_thread(hash_password, password)


async def _link_customer(uow: UnitOfWork, roles: frozenset[Role], customer_id: int | None):
    if Role.PARTNER in roles and customer_id is None:
        raise refuse(
            ErrorCode.REQUIRED, "a PARTNER is linked to its customer", "input", "customerId"
        )
    if customer_id is None:
        return None
    if Role.PARTNER not in roles:
        raise refuse(
            ErrorCode.INVALID, "only PARTNER users are linked to a customer", "input", "customerId"
        )
    if await uow.session.get(Customer, customer_id) is None:
        raise refuse(ErrorCode.NOT_FOUND, "no such customer", "input", "customerId")
    return customer_id


async def _link_salesperson(
    uow: UnitOfWork, actor: Actor, user: AppUser, roles: frozenset[Role], salesperson_id
) -> list[str]:
    """Make `salesperson_id` the user's one salesperson record (None: none); KEEP checks the
    current link against the roles. The changed input fields."""
    s = uow.session
    current = (
        (await s.execute(select(Salesperson).where(Salesperson.user_id == user.id)))
        .scalars()
        .first()
        if user.id is not None
        else None
    )
    wanted_id = current.id if current and salesperson_id is KEEP else salesperson_id
    if wanted_id is KEEP:
        wanted_id = None
    if wanted_id is not None and Role.SALESPERSON not in roles:
        raise refuse(
            ErrorCode.INVALID,
            "only SALESPERSON users are linked to a salesperson (remove the link too)",
            "input",
            "salespersonId",
        )
    if current is not None and current.id == wanted_id:
        return []
    if current is not None:
        await uow.change(current, None, user_id=None)
        uow.record(_salesperson_event(current, ("userId",)), actor.user_id)
    if wanted_id is None:
        return ["salespersonId"] if current is not None else []
    wanted = await s.get(Salesperson, wanted_id, with_for_update=True)
    if wanted is None:
        raise refuse(ErrorCode.NOT_FOUND, "no such salesperson", "input", "salespersonId")
    if wanted.user_id is not None:
        raise refuse(
            ErrorCode.DUPLICATE,
            "this salesperson is linked to another user",
            "input",
            "salespersonId",
        )
    await uow.change(wanted, None, user_id=user.id)
    uow.record(_salesperson_event(wanted, ("userId",)), actor.user_id)
    return ["salespersonId"]


async def _link_department(
    uow: UnitOfWork, actor: Actor, user: AppUser, roles: frozenset[Role], department_id
) -> list[str]:
    """Make `department_id` the one department the user manages (None: none); KEEP checks the
    current links against the roles."""
    s = uow.session
    managed = []
    if user.id is not None:
        managed = list(
            (await s.execute(select(Department).where(Department.manager_user_id == user.id)))
            .scalars()
            .all()
        )
    if department_id is KEEP:
        if managed and Role.MANAGER not in roles:
            raise refuse(
                ErrorCode.INVALID,
                "only MANAGER users manage a department (remove the link too)",
                "input",
                "managedDepartmentId",
            )
        return []
    if department_id is not None and Role.MANAGER not in roles:
        raise refuse(
            ErrorCode.INVALID,
            "only MANAGER users manage a department",
            "input",
            "managedDepartmentId",
        )
    if [d.id for d in managed] == ([department_id] if department_id is not None else []):
        return []
    for department in managed:
        if department.id != department_id:
            await uow.change(department, None, manager_user_id=None)
            uow.record(_department_event(department, ("managerId",)), actor.user_id)
    if department_id is not None and department_id not in {d.id for d in managed}:
        department = await s.get(Department, department_id, with_for_update=True)
        if department is None:
            raise refuse(ErrorCode.NOT_FOUND, "no such department", "input", "managedDepartmentId")
        await uow.change(department, None, manager_user_id=user.id)
        uow.record(_department_event(department, ("managerId",)), actor.user_id)
    return ["managedDepartmentId"]


def _department_event(department: Department, changes: tuple[str, ...]) -> DepartmentEvent:
    return DepartmentEvent(
        document_id=department.id, action="UPDATED", code=department.code, changes=changes
    )


def _salesperson_event(salesperson: Salesperson, changes: tuple[str, ...]) -> SalespersonEvent:
    return SalespersonEvent(
        document_id=salesperson.id,
        action="UPDATED",
        code=salesperson.code,
        department_id=salesperson.department_id,
        changes=changes,
    )


@handles(UserCreate)
async def create_user(cmd: UserCreate, actor: Actor, uow: UnitOfWork) -> AppUser:
    _only_admins(actor)
    s = uow.session
    login = (cmd.login or "").strip()
    if not LOGIN_PATTERN.fullmatch(login):
        raise refuse(
            ErrorCode.INVALID,
            "1–64 letters, digits or . _ @ -",
            "input",
            "login",
        )
    if await s.scalar(select(AppUser.id).where(AppUser.login == login)) is not None:
        raise refuse(ErrorCode.DUPLICATE, "this login is taken", "input", "login")
    name = required_text(cmd.display_name, 200, "input", "displayName")
    _check_roles(cmd.roles)
    customer_id = await _link_customer(uow, cmd.roles, cmd.customer_id)
    password_hash = None
    if cmd.password is not None:
        password_hash = await _check_password(cmd.password, login, "input", "password")
    user = AppUser(
        login=login,
        display_name=name,
        roles=" ".join(sorted(r.value for r in cmd.roles)),
        customer_id=customer_id,
        active=True,
    )
    s.add(user)
    await s.flush()
    if password_hash is not None:
        s.add(UserCredential(user_id=user.id, password_hash=password_hash))
    await _link_salesperson(uow, actor, user, cmd.roles, cmd.salesperson_id)
    await _link_department(uow, actor, user, cmd.roles, cmd.managed_department_id)
    await s.flush()
    uow.record(event_of(user, "CREATED", None), actor.user_id)
    return user


@handles(UserUpdate)
async def update_user(cmd: UserUpdate, actor: Actor, uow: UnitOfWork) -> AppUser:
    _only_admins(actor)
    user = await _locked_user(uow, cmd.user_id)
    check_expected_version(user, cmd.expected_version)
    USER_LIFECYCLE.check(UserAction.EDIT, status_of(user.active))
    changes = Changes(user)
    changes.set(
        "displayName", "display_name", required_text(cmd.display_name, 200, "input", "displayName")
    )
    roles = frozenset(Role(r) for r in user.roles.split())
    if cmd.roles is not KEEP:
        roles = frozenset(cmd.roles)
        _check_roles(roles)
        if user.id == actor.user_id and Role.ADMIN not in roles:
            raise refuse(
                ErrorCode.FORBIDDEN, "you may not remove your own ADMIN role", "input", "roles"
            )
        changes.set("roles", "roles", " ".join(sorted(r.value for r in roles)))
    customer_id = user.customer_id if cmd.customer_id is KEEP else cmd.customer_id
    changes.set("customerId", "customer_id", await _link_customer(uow, roles, customer_id))
    for name in await _link_salesperson(uow, actor, user, roles, cmd.salesperson_id):
        changes.mark(name)
    for name in await _link_department(uow, actor, user, roles, cmd.managed_department_id):
        changes.mark(name)
    await changes.apply(uow, cmd.expected_version)
    if changes.fields:
        before = status_of(user.active)
        uow.record(event_of(user, "UPDATED", before, changes=tuple(changes.fields)), actor.user_id)
    return user


async def _end_sessions(uow: UnitOfWork, user: AppUser, because: RevokedBecause) -> tuple[int, ...]:
    return tuple(await sessions.revoke(uow.session, user.id, because, utcnow()))


@handles(UserDeactivate)
async def deactivate_user(cmd: UserDeactivate, actor: Actor, uow: UnitOfWork) -> AppUser:
    """ACTIVE → INACTIVE: the user can no longer sign in; their sessions end, their websockets
    close."""
    _only_admins(actor)
    user = await _locked_user(uow, cmd.user_id)
    if user.id == actor.user_id:
        raise refuse(ErrorCode.FORBIDDEN, "you may not deactivate yourself", *ID)
    before = status_of(user.active)
    USER_LIFECYCLE.check(UserAction.DEACTIVATE, before)
    await uow.change(user, cmd.expected_version, active=False)
    ended = await _end_sessions(uow, user, RevokedBecause.USER_DEACTIVATED)
    revoked_because = RevokedBecause.USER_DEACTIVATED.value if ended else None
    event = event_of(
        user, "DEACTIVATED", before, ended_sessions=ended, revoked_because=revoked_because
    )
    uow.record(event, actor.user_id)
    return user


@handles(UserReactivate)
async def reactivate_user(cmd: UserReactivate, actor: Actor, uow: UnitOfWork) -> AppUser:
    _only_admins(actor)
    user = await _locked_user(uow, cmd.user_id)
    before = status_of(user.active)
    USER_LIFECYCLE.check(UserAction.REACTIVATE, before)
    await uow.change(user, cmd.expected_version, active=True)
    uow.record(event_of(user, "REACTIVATED", before), actor.user_id)
    return user


@handles(UserPasswordReset)
async def reset_password(cmd: UserPasswordReset, actor: Actor, uow: UnitOfWork) -> AppUser:
    """Set a new password (for the user to change after signing in); every session ends."""
    _only_admins(actor)
    user = await _locked_user(uow, cmd.user_id)
    password_hash = await _check_password(cmd.new_password, user.login, "input", "newPassword")
    credential = await uow.session.get(UserCredential, user.id, with_for_update=True)
    if credential is None:
        uow.session.add(UserCredential(user_id=user.id, password_hash=password_hash))
    else:
        credential.password_hash = password_hash
        credential.changed_at = utcnow()
    ended = await _end_sessions(uow, user, RevokedBecause.PASSWORD_RESET)
    revoked_because = RevokedBecause.PASSWORD_RESET.value if ended else None
    before = status_of(user.active)
    event = event_of(
        user, "PASSWORD_RESET", before, ended_sessions=ended, revoked_because=revoked_because
    )
    uow.record(event, actor.user_id)
    await uow.session.flush()
    return user


@handles(UserSessionsRevoke)
async def revoke_sessions(
    cmd: UserSessionsRevoke, actor: Actor, uow: UnitOfWork
) -> SessionsRevoked:
    """End every session of the user (a lost phone, a leaked token): their tokens from authLogin
    stop working and their websockets close."""
    _only_admins(actor)
    user = await _locked_user(uow, cmd.user_id)
    ended = await _end_sessions(uow, user, RevokedBecause.REVOKED_BY_ADMIN)
    if ended:
        before = status_of(user.active)
        event = event_of(
            user,
            "SESSIONS_REVOKED",
            before,
            ended_sessions=ended,
            revoked_because=RevokedBecause.REVOKED_BY_ADMIN.value,
        )
        uow.record(event, actor.user_id)
    return SessionsRevoked(user, len(ended))
