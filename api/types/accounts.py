"""Sign-in results and the errors of account actions."""

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.pagination import Connection, PageLimits, PageRequest
from api.types.errors import UserError
from api.types.organisation import RoleEnum, User

USER_PAGES = PageLimits(default=50, maximum=100)
USERS_DESCRIPTION = (
    "Users, by login: every user for staff, only yourself for a partner. "
    + USER_PAGES.describe("Users:")
)


@strawberry.type(description="Why a sign-in, refresh, sign-out or password change was refused.")
class AuthError(UserError):
    pass


@strawberry.type(description="Why an administration action on a user was refused.")
class UserAccountError(UserError):
    pass


@strawberry.type(
    description="What a sign-in or a refresh hands out. Send the access token as "
    "`Authorization: Bearer <accessToken>` (or as `token` in a websocket's connection_init); "
    "before it expires, trade the refresh token for a new pair with authRefresh. Each refresh "
    "token works once: using one twice ends the sign-in."
)
class AuthTokens:
    access_token: str = strawberry.field(
        description="A short-lived bearer token (a JWT); minutes, see accessTokenExpiresAt."
    )
    access_token_expires_at: datetime = strawberry.field(
        description="When the access token stops working (UTC)."
    )
    refresh_token: str = strawberry.field(
        description="Opaque; good for one authRefresh. Keep it secret and out of URLs and logs."
    )
    refresh_token_expires_at: datetime = strawberry.field(
        description="When the refresh token stops working if unused (UTC); never after the end "
        "of the sign-in itself."
    )
    token_type: str = strawberry.field(description='Always "Bearer".')
    user: User = strawberry.field(description="The user signed in.")


@strawberry.input(description="Which users: every condition given must hold.")
class UserWhereInput:
    active: bool | None = strawberry.field(
        default=None, description="Only active (true) or only deactivated (false) users."
    )
    role: RoleEnum | None = strawberry.field(default=None, description="Only holders of this role.")
    search: str | None = strawberry.field(
        default=None,
        description="Only users whose login or name contains this text (any case); at most 100 "
        "characters.",
    )


UserWhere = Annotated[
    UserWhereInput | None,
    strawberry.argument(description="Only users meeting every given condition; null: all."),
]
MAX_SEARCH = 100


async def users_page(info: Info, where, first, after, last, before) -> Connection[User]:
    page = PageRequest.of(USER_PAGES, first, after, last, before)
    key = (None, None, None)
    if where is not None:
        search = (where.search or "").strip()[:MAX_SEARCH] or None
        key = (where.active, where.role.value if where.role else None, search)
    return await info.context.loaders.organisation.users.load(page, key)
