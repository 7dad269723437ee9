"""departmentCreate and departmentUpdate (admins): a department of the company, its manager and
its VP in charge (分管副总, who approves its plans by default)."""

from dataclasses import dataclass

from sqlalchemy import select

from domain.access import Actor, Role
from domain.accounts.access import may_administer
from domain.errors import ErrorCode, refuse
from domain.organisation.events import DepartmentEvent
from domain.services.organisation.people import user_with_role
from domain.services.partial_update import KEEP, Changes, required_text
from domain.services.pipeline import handles
from domain.store.tables import Company, Department
from domain.store.uow import UnitOfWork


@dataclass(frozen=True)
class DepartmentCreate:
    code: str
    name: str
    manager_id: int | None = None
    vp_in_charge_id: int | None = None


@dataclass(frozen=True)
class DepartmentUpdate:
    """Only the fields given change (KEEP); None removes the manager or the VP."""

    department_id: int
    expected_version: int | None = None
    code: object = KEEP
    name: object = KEEP
    manager_id: object = KEEP
    vp_in_charge_id: object = KEEP


def _only_admins(actor: Actor) -> None:
    if not may_administer(actor):
        raise refuse(ErrorCode.FORBIDDEN, "only admins administer departments", "input")


async def _free_code(uow: UnitOfWork, code, department_id: int | None):
    if code is KEEP:
        return KEEP
    taken = await uow.session.scalar(select(Department.id).where(Department.code == code))
    if taken is not None and taken != department_id:
        raise refuse(ErrorCode.DUPLICATE, "this code is taken", "input", "code")
    return code


def event_of(department: Department, action: str, changes=()) -> DepartmentEvent:
    return DepartmentEvent(
        document_id=department.id, action=action, code=department.code, changes=tuple(changes)
    )


@handles(DepartmentCreate)
async def create_department(cmd: DepartmentCreate, actor: Actor, uow: UnitOfWork) -> Department:
    _only_admins(actor)
    s = uow.session
    company_id = actor.company_id or await s.scalar(
        select(Company.id).order_by(Company.id).limit(1)
    )
    if company_id is None:
        raise refuse(ErrorCode.NOT_FOUND, "there is no company yet", "input")
    code = await _free_code(uow, required_text(cmd.code, 32, "input", "code"), None)
    department = Department(
        company_id=company_id,
        code=code,
        name=required_text(cmd.name, 200, "input", "name"),
        manager_user_id=await user_with_role(s, cmd.manager_id, Role.MANAGER, "input", "managerId"),
        vp_user_id=await user_with_role(s, cmd.vp_in_charge_id, Role.VP, "input", "vpInChargeId"),
    )
    s.add(department)
    await s.flush()
    uow.record(event_of(department, "CREATED"), actor.user_id)
    return department


@handles(DepartmentUpdate)
async def update_department(cmd: DepartmentUpdate, actor: Actor, uow: UnitOfWork) -> Department:
    _only_admins(actor)
    s = uow.session
    department = await s.get(Department, cmd.department_id, with_for_update=True)
    if department is None:
        raise refuse(ErrorCode.NOT_FOUND, "no such department", "input", "id")
    changes = Changes(department)
    code = required_text(cmd.code, 32, "input", "code")
    changes.set("code", "code", await _free_code(uow, code, department.id))
    changes.set("name", "name", required_text(cmd.name, 200, "input", "name"))
    if cmd.manager_id is not KEEP:
        manager = await user_with_role(s, cmd.manager_id, Role.MANAGER, "input", "managerId")
        changes.set("managerId", "manager_user_id", manager)
    if cmd.vp_in_charge_id is not KEEP:
        vp = await user_with_role(s, cmd.vp_in_charge_id, Role.VP, "input", "vpInChargeId")
        changes.set("vpInChargeId", "vp_user_id", vp)
    await changes.apply(uow, cmd.expected_version)
    if changes.fields:
        uow.record(event_of(department, "UPDATED", changes.fields), actor.user_id)
    return department
