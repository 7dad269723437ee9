"""salespersonCreate and salespersonUpdate (admins): a salesperson (业务员) of a department and
the login they sign in with. Moving a salesperson to another department changes what their
user may read: their open websockets are closed and reopen with the new reach."""

from dataclasses import dataclass

from sqlalchemy import select

from domain.access import Actor, Role
from domain.accounts.access import may_administer
from domain.errors import ErrorCode, refuse
from domain.organisation.events import SalespersonEvent
from domain.services.organisation.people import user_with_role
from domain.services.partial_update import KEEP, Changes, optional_text, required_text
from domain.services.pipeline import handles
from domain.store.tables import Department, Salesperson
from domain.store.uow import UnitOfWork


@dataclass(frozen=True)
class SalespersonCreate:
    department_id: int
    code: str
    name: str
    email: str | None = None
    user_id: int | None = None


@dataclass(frozen=True)
class SalespersonUpdate:
    """Only the fields given change (KEEP); None clears the e-mail or the user."""

    salesperson_id: int
    expected_version: int | None = None
    department_id: object = KEEP
    code: object = KEEP
    name: object = KEEP
    email: object = KEEP
    user_id: object = KEEP


def _only_admins(actor: Actor) -> None:
    if not may_administer(actor):
        raise refuse(ErrorCode.FORBIDDEN, "only admins administer salespeople", "input")


def _email(value):
    email = optional_text(value, 200, "input", "email")
    if email not in (KEEP, None) and ("@" not in email or " " in email):
        raise refuse(ErrorCode.INVALID, "not an e-mail address", "input", "email")
    return email


async def _department(uow: UnitOfWork, department_id):
    if department_id is KEEP:
        return KEEP
    if await uow.session.get(Department, department_id) is None:
        raise refuse(ErrorCode.NOT_FOUND, "no such department", "input", "departmentId")
    return department_id


async def _free_code(uow: UnitOfWork, code, salesperson_id: int | None):
    if code is KEEP:
        return KEEP
    taken = await uow.session.scalar(select(Salesperson.id).where(Salesperson.code == code))
    if taken is not None and taken != salesperson_id:
        raise refuse(ErrorCode.DUPLICATE, "this code is taken", "input", "code")
    return code


async def _free_user(uow: UnitOfWork, user_id, salesperson_id: int | None):
    """A SALESPERSON user not yet linked to another salesperson."""
    if user_id is KEEP or user_id is None:
        return user_id
    await user_with_role(uow.session, user_id, Role.SALESPERSON, "input", "userId")
    linked = await uow.session.scalar(select(Salesperson.id).where(Salesperson.user_id == user_id))
    if linked is not None and linked != salesperson_id:
        raise refuse(
            ErrorCode.DUPLICATE, "this user is another salesperson's login", "input", "userId"
        )
    return user_id


def event_of(salesperson: Salesperson, action: str, changes=()) -> SalespersonEvent:
    return SalespersonEvent(
        document_id=salesperson.id,
        action=action,
        code=salesperson.code,
        department_id=salesperson.department_id,
        changes=tuple(changes),
    )


@handles(SalespersonCreate)
async def create_salesperson(cmd: SalespersonCreate, actor: Actor, uow: UnitOfWork) -> Salesperson:
    _only_admins(actor)
    salesperson = Salesperson(
        department_id=await _department(uow, cmd.department_id),
        code=await _free_code(uow, required_text(cmd.code, 32, "input", "code"), None),
        name=required_text(cmd.name, 200, "input", "name"),
        email=_email(cmd.email),
        user_id=await _free_user(uow, cmd.user_id, None),
    )
    uow.session.add(salesperson)
    await uow.session.flush()
    uow.record(event_of(salesperson, "CREATED"), actor.user_id)
    return salesperson


@handles(SalespersonUpdate)
async def update_salesperson(cmd: SalespersonUpdate, actor: Actor, uow: UnitOfWork) -> Salesperson:
    _only_admins(actor)
    salesperson = await uow.session.get(Salesperson, cmd.salesperson_id, with_for_update=True)
    if salesperson is None:
        raise refuse(ErrorCode.NOT_FOUND, "no such salesperson", "input", "id")
    changes = Changes(salesperson)
    changes.set("departmentId", "department_id", await _department(uow, cmd.department_id))
    code = required_text(cmd.code, 32, "input", "code")
    changes.set("code", "code", await _free_code(uow, code, salesperson.id))
    changes.set("name", "name", required_text(cmd.name, 200, "input", "name"))
    changes.set("email", "email", _email(cmd.email))
    changes.set("userId", "user_id", await _free_user(uow, cmd.user_id, salesperson.id))
    await changes.apply(uow, cmd.expected_version)
    if changes.fields:
        uow.record(event_of(salesperson, "UPDATED", changes.fields), actor.user_id)
    return salesperson
