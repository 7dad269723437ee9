"""salespersonCreate and salespersonUpdate (admins)."""

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.mutations.inputs import INPUT, given, given_link
from api.mutations.organisation.departments import OrganisationError
from api.mutations.payloads import InputIds, refused, run
from api.types.organisation import Salesperson
from domain.errors import DomainError, ErrorCode
from domain.services.organisation import salespeople
from domain.services.partial_update import KEEP

ERRORS_HELP = "Why it was refused; empty on success."
SALESPERSON_HELP = "The salesperson as committed; null when refused."


@strawberry.input(description="A new salesperson (业务员) of a department.")
class SalespersonCreateInput:
    department_id: strawberry.ID = strawberry.field(description="Their department.")
    code: str = strawberry.field(description="Unique; 1–32 characters, e.g. S0015.")
    name: str = strawberry.field(description="1–200 characters.")
    email: str | None = strawberry.field(default=None, description="Work e-mail address.")
    user_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The login they sign in with: an active SALESPERSON user not linked to "
        "another salesperson.",
    )


@strawberry.input(description="Change a salesperson: only the fields given change.")
class SalespersonUpdateInput:
    id: strawberry.ID = strawberry.field(description="The salesperson.")
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with CONFLICT unless it is still at this version."
    )
    department_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Move to this department (their plans and orders stay where they are).",
    )
    code: str | None = strawberry.field(default=strawberry.UNSET, description="1–32 characters.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="1–200 characters.")
    email: str | None = strawberry.field(default=strawberry.UNSET, description="null: none.")
    user_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="A SALESPERSON user; null: no login."
    )


@strawberry.type(description="Result of salespersonCreate.")
class SalespersonCreatePayload:
    salesperson: Salesperson | None = strawberry.field(description=SALESPERSON_HELP)
    errors: list[OrganisationError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of salespersonUpdate.")
class SalespersonUpdatePayload:
    salesperson: Salesperson | None = strawberry.field(description=SALESPERSON_HELP)
    errors: list[OrganisationError] = strawberry.field(description=ERRORS_HELP)


def salesperson_loader(loaders):
    return loaders.organisation.salesperson


@strawberry.type
class SalespersonMutations:
    @strawberry.mutation(description="Create a salesperson, by an admin.")
    async def salesperson_create(
        self, info: Info, input: Annotated[SalespersonCreateInput, INPUT]
    ) -> SalespersonCreatePayload:
        ids = InputIds()
        department = ids.pk(
            input.department_id, "Department", "department", "input", "departmentId"
        )
        user = ids.optional(input.user_id, "User", "user", "input", "userId")
        if ids.errors:
            return refused(SalespersonCreatePayload, *ids.errors)
        command = salespeople.SalespersonCreate(
            department_id=department,
            code=input.code,
            name=input.name,
            email=input.email,
            user_id=user,
        )
        return await run(info, SalespersonCreatePayload, command, salesperson_loader)

    @strawberry.mutation(
        description="Change a salesperson's department, code, name, e-mail or login, by an "
        "admin. A move changes what their user may read: their websockets close and reopen "
        "with the new reach."
    )
    async def salesperson_update(
        self, info: Info, input: Annotated[SalespersonUpdateInput, INPUT]
    ) -> SalespersonUpdatePayload:
        ids = InputIds()
        pk = ids.pk(input.id, "Salesperson", "salesperson", "input", "id")
        department = given(input.department_id)
        if department is None:
            return refused(
                SalespersonUpdatePayload,
                DomainError(
                    ErrorCode.REQUIRED,
                    "a salesperson belongs to a department",
                    ("input", "departmentId"),
                ),
            )
        if department is not KEEP:
            department = ids.pk(department, "Department", "department", "input", "departmentId")
        user = given_link(ids, input.user_id, "User", "user", "userId")
        if ids.errors:
            return refused(SalespersonUpdatePayload, *ids.errors)
        command = salespeople.SalespersonUpdate(
            salesperson_id=pk,
            expected_version=input.expected_version,
            department_id=department,
            code=given(input.code),
            name=given(input.name),
            email=given(input.email),
            user_id=user,
        )
        return await run(info, SalespersonUpdatePayload, command, salesperson_loader)
