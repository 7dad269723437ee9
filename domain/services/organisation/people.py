"""Checks shared by the organisation's use cases: a user named for a job holds its role."""

from domain.access import Role
from domain.errors import ErrorCode, refuse
from domain.store.actors import parse_roles
from domain.store.tables import AppUser


async def user_with_role(session, user_id: int | None, role: Role, *field: str) -> int | None:
    """`user_id` when it names an active user holding `role`; None stays None."""
    if user_id is None:
        return None
    user = await session.get(AppUser, user_id)
    if user is None:
        raise refuse(ErrorCode.NOT_FOUND, "no such user", *field)
    if not user.active or role not in parse_roles(user.roles):
        raise refuse(ErrorCode.INVALID, f"needs an active user with the {role.value} role", *field)
    return user_id
