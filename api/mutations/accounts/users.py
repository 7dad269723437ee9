"""Administering users (admins): userCreate, userUpdate, userDeactivate, userReactivate,
userPasswordReset and userSessionsRevoke."""

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.mutations.inputs import INPUT, given, given_link
from api.mutations.payloads import InputIds, refused, run
from api.types.accounts import UserAccountError
from api.types.organisation import RoleEnum, User
from domain.services.accounts import users
from domain.services.partial_update import KEEP

ERRORS_HELP = "Why it was refused; empty on success."
USER_HELP = "The user as committed; null when refused."
VERSION_HELP = "Refuse with CONFLICT unless the user is still at this version."


@strawberry.input(description="A new user.")
class UserCreateInput:
    login: str = strawberry.field(
        description="Unique; 1–64 letters, digits or . _ @ - (case matters)."
    )
    display_name: str = strawberry.field(description="1–200 characters.")
    roles: list[RoleEnum] = strawberry.field(
        description="At least one; PARTNER holds no other role."
    )
    password: str | None = strawberry.field(
        default=None,
        description="10–200 characters, not the login; null: the user cannot sign in with a "
        "password until one is set with userPasswordReset (or signs in through the identity "
        "provider).",
    )
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="The customer a PARTNER user belongs to (required for them)."
    )
    salesperson_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The salesperson record a SALESPERSON user signs in as (not linked to "
        "another user yet).",
    )
    managed_department_id: strawberry.ID | None = strawberry.field(
        default=None, description="The department a MANAGER user runs."
    )


@strawberry.input(description="Change a user: only the fields given change; null removes a link.")
class UserUpdateInput:
    id: strawberry.ID = strawberry.field(description="The user.")
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)
    display_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="1–200 characters."
    )
    roles: list[RoleEnum] | None = strawberry.field(
        default=strawberry.UNSET,
        description="The new set of roles (replaces the old one). You cannot remove your own "
        "ADMIN role.",
    )
    customer_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="PARTNER users only; null: none."
    )
    salesperson_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="SALESPERSON users only; null: none."
    )
    managed_department_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="MANAGER users only: the one department they run; null: none.",
    )


@strawberry.input(description="An action on one user.")
class UserActionInput:
    id: strawberry.ID = strawberry.field(description="The user.")
    expected_version: int | None = strawberry.field(default=None, description=VERSION_HELP)


@strawberry.input(description="Set a user's password.")
class UserPasswordResetInput:
    id: strawberry.ID = strawberry.field(description="The user.")
    new_password: str = strawberry.field(
        description="10–200 characters, not the login. Every sign-in of the user ends."
    )


@strawberry.input(description="End every sign-in of a user.")
class UserSessionsRevokeInput:
    id: strawberry.ID = strawberry.field(description="The user.")


@strawberry.type(description="Result of userCreate.")
class UserCreatePayload:
    user: User | None = strawberry.field(description=USER_HELP)
    errors: list[UserAccountError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of userUpdate.")
class UserUpdatePayload:
    user: User | None = strawberry.field(description=USER_HELP)
    errors: list[UserAccountError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of userDeactivate.")
class UserDeactivatePayload:
    user: User | None = strawberry.field(description=USER_HELP)
    errors: list[UserAccountError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of userReactivate.")
class UserReactivatePayload:
    user: User | None = strawberry.field(description=USER_HELP)
    errors: list[UserAccountError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of userPasswordReset.")
class UserPasswordResetPayload:
    user: User | None = strawberry.field(description=USER_HELP)
    errors: list[UserAccountError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of userSessionsRevoke.")
class UserSessionsRevokePayload:
    user: User | None = strawberry.field(description=USER_HELP)
    sessions_ended: int = strawberry.field(
        default=0, description="How many sign-ins ended now (0 when refused)."
    )
    errors: list[UserAccountError] = strawberry.field(description=ERRORS_HELP)


def user_loader(loaders):
    return loaders.organisation.user


async def act(info: Info, payload_type, global_id: str, make):
    """Decode the user id, run the command `make(pk)` and shape its payload."""
    ids = InputIds()
    pk = ids.pk(global_id, "User", "user", "input", "id")
    if ids.errors:
        return refused(payload_type, *ids.errors)
    return await run(info, payload_type, make(pk), user_loader)


@strawberry.type
class UserMutations:
    @strawberry.mutation(description="Create a user, by an admin.")
    async def user_create(
        self, info: Info, input: Annotated[UserCreateInput, INPUT]
    ) -> UserCreatePayload:
        ids = InputIds()
        customer = ids.optional(input.customer_id, "Customer", "customer", "input", "customerId")
        salesperson = ids.optional(
            input.salesperson_id, "Salesperson", "salesperson", "input", "salespersonId"
        )
        department = ids.optional(
            input.managed_department_id,
            "Department",
            "department",
            "input",
            "managedDepartmentId",
        )
        if ids.errors:
            return refused(UserCreatePayload, *ids.errors)
        command = users.UserCreate(
            login=input.login,
            display_name=input.display_name,
            roles=frozenset(input.roles),
            password=input.password,
            customer_id=customer,
            salesperson_id=salesperson,
            managed_department_id=department,
        )
        return await run(info, UserCreatePayload, command, user_loader)

    @strawberry.mutation(
        description="Change a user's name, roles or links, by an admin. The user's open "
        "websockets close when their reach changes (they reconnect with the new one)."
    )
    async def user_update(
        self, info: Info, input: Annotated[UserUpdateInput, INPUT]
    ) -> UserUpdatePayload:
        ids = InputIds()
        pk = ids.pk(input.id, "User", "user", "input", "id")
        customer = given_link(ids, input.customer_id, "Customer", "customer", "customerId")
        salesperson = given_link(
            ids, input.salesperson_id, "Salesperson", "salesperson", "salespersonId"
        )
        department = given_link(
            ids, input.managed_department_id, "Department", "department", "managedDepartmentId"
        )
        if ids.errors:
            return refused(UserUpdatePayload, *ids.errors)
        roles = given(input.roles)
        command = users.UserUpdate(
            user_id=pk,
            expected_version=input.expected_version,
            display_name=given(input.display_name),
            roles=KEEP if roles is KEEP else frozenset(roles or ()),
            customer_id=customer,
            salesperson_id=salesperson,
            managed_department_id=department,
        )
        return await run(info, UserUpdatePayload, command, user_loader)

    @strawberry.mutation(
        description="ACTIVE → INACTIVE, by an admin: the user cannot sign in any more, every "
        "sign-in of theirs ends and their websockets close."
    )
    async def user_deactivate(
        self, info: Info, input: Annotated[UserActionInput, INPUT]
    ) -> UserDeactivatePayload:
        return await act(
            info,
            UserDeactivatePayload,
            input.id,
            lambda pk: users.UserDeactivate(pk, input.expected_version),
        )

    @strawberry.mutation(description="INACTIVE → ACTIVE, by an admin.")
    async def user_reactivate(
        self, info: Info, input: Annotated[UserActionInput, INPUT]
    ) -> UserReactivatePayload:
        return await act(
            info,
            UserReactivatePayload,
            input.id,
            lambda pk: users.UserReactivate(pk, input.expected_version),
        )

    @strawberry.mutation(
        description="Set a user's password, by an admin; every sign-in of the user ends."
    )
    async def user_password_reset(
        self, info: Info, input: Annotated[UserPasswordResetInput, INPUT]
    ) -> UserPasswordResetPayload:
        return await act(
            info,
            UserPasswordResetPayload,
            input.id,
            lambda pk: users.UserPasswordReset(pk, input.new_password),
        )

    @strawberry.mutation(
        description="End every sign-in of a user, by an admin (a lost device, a leaked token): "
        "their tokens from authLogin stop working and their websockets close."
    )
    async def user_sessions_revoke(
        self, info: Info, input: Annotated[UserSessionsRevokeInput, INPUT]
    ) -> UserSessionsRevokePayload:
        ids = InputIds()
        pk = ids.pk(input.id, "User", "user", "input", "id")
        if ids.errors:
            return refused(UserSessionsRevokePayload, *ids.errors)
        result = await info.context.use_cases.handle(
            users.UserSessionsRevoke(pk), info.context.viewer
        )
        if not result.ok:
            return refused(UserSessionsRevokePayload, *result.errors)
        info.context.fresh_reads()
        user = await info.context.loaders.organisation.user.load(pk)
        return UserSessionsRevokePayload(user=user, sessions_ended=result.value.ended, errors=[])
