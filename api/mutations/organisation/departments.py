"""departmentCreate and departmentUpdate (admins)."""

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.mutations.inputs import INPUT, given, given_link
from api.mutations.payloads import InputIds, refused, run
from api.types.errors import UserError
from api.types.organisation import Department
from domain.services.organisation import departments

ERRORS_HELP = "Why it was refused; empty on success."
DEPARTMENT_HELP = "The department as committed; null when refused."


@strawberry.type(description="Why a department or salesperson action was refused.")
class OrganisationError(UserError):
    pass


@strawberry.input(description="A new department of the company.")
class DepartmentCreateInput:
    code: str = strawberry.field(description="Unique; 1–32 characters, e.g. D004.")
    name: str = strawberry.field(description="1–200 characters.")
    manager_id: strawberry.ID | None = strawberry.field(
        default=None, description="The manager: an active user with the MANAGER role."
    )
    vp_in_charge_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The VP in charge (分管副总), who approves its plans: an active user with the "
        "VP role.",
    )


@strawberry.input(description="Change a department: only the fields given change.")
class DepartmentUpdateInput:
    id: strawberry.ID = strawberry.field(description="The department.")
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with CONFLICT unless it is still at this version."
    )
    code: str | None = strawberry.field(default=strawberry.UNSET, description="1–32 characters.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="1–200 characters.")
    manager_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="An active MANAGER user; null: none."
    )
    vp_in_charge_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="An active VP user; null: none."
    )


@strawberry.type(description="Result of departmentCreate.")
class DepartmentCreatePayload:
    department: Department | None = strawberry.field(description=DEPARTMENT_HELP)
    errors: list[OrganisationError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of departmentUpdate.")
class DepartmentUpdatePayload:
    department: Department | None = strawberry.field(description=DEPARTMENT_HELP)
    errors: list[OrganisationError] = strawberry.field(description=ERRORS_HELP)


def department_loader(loaders):
    return loaders.organisation.department


@strawberry.type
class DepartmentMutations:
    @strawberry.mutation(description="Create a department, by an admin.")
    async def department_create(
        self, info: Info, input: Annotated[DepartmentCreateInput, INPUT]
    ) -> DepartmentCreatePayload:
        ids = InputIds()
        manager = ids.optional(input.manager_id, "User", "user", "input", "managerId")
        vp = ids.optional(input.vp_in_charge_id, "User", "user", "input", "vpInChargeId")
        if ids.errors:
            return refused(DepartmentCreatePayload, *ids.errors)
        command = departments.DepartmentCreate(
            code=input.code, name=input.name, manager_id=manager, vp_in_charge_id=vp
        )
        return await run(info, DepartmentCreatePayload, command, department_loader)

    @strawberry.mutation(
        description="Change a department's code, name, manager or VP in charge, by an admin. "
        "Plans already submitted keep the approvers they were routed to."
    )
    async def department_update(
        self, info: Info, input: Annotated[DepartmentUpdateInput, INPUT]
    ) -> DepartmentUpdatePayload:
        ids = InputIds()
        pk = ids.pk(input.id, "Department", "department", "input", "id")
        manager = given_link(ids, input.manager_id, "User", "user", "managerId")
        vp = given_link(ids, input.vp_in_charge_id, "User", "user", "vpInChargeId")
        if ids.errors:
            return refused(DepartmentUpdatePayload, *ids.errors)
        command = departments.DepartmentUpdate(
            department_id=pk,
            expected_version=input.expected_version,
            code=given(input.code),
            name=given(input.name),
            manager_id=manager,
            vp_in_charge_id=vp,
        )
        return await run(info, DepartmentUpdatePayload, command, department_loader)
