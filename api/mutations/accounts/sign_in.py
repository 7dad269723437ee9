"""authLogin, authRefresh, authLogout and viewerPasswordChange.

authLogin, authRefresh and authLogout need no access token (api.auth lets them through); the
others need one, like every other field.
"""

from datetime import timedelta
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.mutations.inputs import INPUT
from api.mutations.payloads import refused
from api.types.accounts import AuthError, AuthTokens
from api.types.organisation import User
from domain.services.accounts import sign_in as sign_ins
from domain.services.pipeline import Result
from domain.store.actors import load_actor
from domain.store.db import create_sessionmaker
from domain.tokens import issue_token, token_expiry

ERRORS_HELP = "Why it was refused; empty on success."


@strawberry.input(description="A login and its password.")
class AuthLoginInput:
    login: str = strawberry.field(description="The user's login.")
    password: str = strawberry.field(description="The user's password.")


@strawberry.input(description="A refresh token from authLogin or the last authRefresh.")
class AuthRefreshInput:
    refresh_token: str = strawberry.field(description="Used once: the answer holds the next one.")


@strawberry.input(description="The sign-in to end.")
class AuthLogoutInput:
    refresh_token: str | None = strawberry.field(
        default=None,
        description="Ends the sign-in of this refresh token; null: the sign-in of the access "
        "token sent with the request.",
    )


@strawberry.input(description="Your current password and the new one.")
class ViewerPasswordChangeInput:
    current_password: str = strawberry.field(description="A wrong one counts as a failed sign-in.")
    new_password: str = strawberry.field(
        description="10–200 characters, not the login. Your other sign-ins end; this one stays."
    )


@strawberry.type(description="Result of authLogin.")
class AuthLoginPayload:
    tokens: AuthTokens | None = strawberry.field(description="The new pair; null if refused.")
    errors: list[AuthError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of authRefresh.")
class AuthRefreshPayload:
    tokens: AuthTokens | None = strawberry.field(description="The next pair; null if refused.")
    errors: list[AuthError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of authLogout.")
class AuthLogoutPayload:
    signed_out: bool = strawberry.field(
        default=False,
        description="True when the sign-in ended now; false when it had ended already (or when "
        "refused).",
    )
    errors: list[AuthError] = strawberry.field(description=ERRORS_HELP)


@strawberry.type(description="Result of viewerPasswordChange.")
class ViewerPasswordChangePayload:
    user: User | None = strawberry.field(description="You; null if refused.")
    errors: list[AuthError] = strawberry.field(description=ERRORS_HELP)


def session_terms(settings) -> sign_ins.SessionTerms:
    return sign_ins.SessionTerms(
        refresh_ttl=timedelta(days=settings.refresh_token_ttl_days),
        max_age=timedelta(days=settings.session_max_days),
    )


def tokens_of(settings, signed_in: sign_ins.SignedIn) -> AuthTokens:
    """The pair handed out: a new access token for the session, and its refresh token."""
    user = signed_in.user
    access = issue_token(
        user.id,
        user.login,
        settings.secret_key,
        timedelta(minutes=settings.access_token_ttl_minutes),
        session_id=signed_in.session_id,
    )
    return AuthTokens(
        access_token=access,
        access_token_expires_at=token_expiry(access, settings.secret_key),
        refresh_token=signed_in.refresh_token,
        refresh_token_expires_at=signed_in.refresh_token_expires_at,
        token_type="Bearer",
        user=User.from_row(user),
    )


async def tokens_payload(info: Info, payload_type, result: Result):
    if not result.ok:
        return refused(payload_type, *result.errors)
    if isinstance(result.value, sign_ins.TurnedAway):
        return refused(payload_type, result.value.error)
    if info.context.actor is None:
        # The request came without a token: what the payload nests is read as the user who
        # just signed in (their own user record, salesperson, department...).
        async with create_sessionmaker(info.context.engine)() as session:
            info.context.actor = await load_actor(session, result.value.user.id)
    return payload_type(tokens=tokens_of(info.context.settings, result.value), errors=[])


def client_of(info: Info) -> tuple[str | None, str | None]:
    """The client's address and user agent, as the server sees them (behind a proxy, run
    uvicorn with --proxy-headers so the address is the client's)."""
    request = info.context.request
    client = getattr(request, "client", None)
    return (client.host if client else None), request.headers.get("user-agent")


@strawberry.type
class SignInMutations:
    @strawberry.mutation(
        description="Sign in with a login and password: a short-lived access token and a "
        "refresh token. Needs no access token. Failed attempts are slowed down per login and "
        "per address (TOO_MANY_ATTEMPTS says how long to wait)."
    )
    async def auth_login(
        self, info: Info, input: Annotated[AuthLoginInput, INPUT]
    ) -> AuthLoginPayload:
        address, user_agent = client_of(info)
        command = sign_ins.AuthLogin(
            login=input.login,
            password=input.password,
            terms=session_terms(info.context.settings),
            address=address,
            user_agent=user_agent,
        )
        result = await sign_ins.sign_in(info.context.use_cases, command)
        return await tokens_payload(info, AuthLoginPayload, result)

    @strawberry.mutation(
        description="Trade a refresh token for a new pair. Needs no access token. A refresh "
        "token works once: presented again, it ends its sign-in (someone may have copied it)."
    )
    async def auth_refresh(
        self, info: Info, input: Annotated[AuthRefreshInput, INPUT]
    ) -> AuthRefreshPayload:
        command = sign_ins.AuthRefresh(
            refresh_token=input.refresh_token, terms=session_terms(info.context.settings)
        )
        result = await info.context.use_cases.handle(command, None)
        return await tokens_payload(info, AuthRefreshPayload, result)

    @strawberry.mutation(
        description="End a sign-in: its refresh token and access tokens stop working and its "
        "websockets close. Needs no access token when the refresh token is given."
    )
    async def auth_logout(
        self, info: Info, input: Annotated[AuthLogoutInput, INPUT]
    ) -> AuthLogoutPayload:
        command = sign_ins.AuthLogout(
            refresh_token=input.refresh_token, session_id=info.context.session_id
        )
        result = await info.context.use_cases.handle(command, info.context.actor)
        if not result.ok:
            return refused(AuthLogoutPayload, *result.errors)
        return AuthLogoutPayload(signed_out=result.value.ended, errors=[])

    @strawberry.mutation(
        description="Change your own password. Your other sign-ins end; this one stays."
    )
    async def viewer_password_change(
        self, info: Info, input: Annotated[ViewerPasswordChangeInput, INPUT]
    ) -> ViewerPasswordChangePayload:
        command = sign_ins.ViewerPasswordChange(
            current_password=input.current_password,
            new_password=input.new_password,
            session_id=info.context.session_id,
        )
        result = await info.context.use_cases.handle(command, info.context.viewer)
        if not result.ok:
            return refused(ViewerPasswordChangePayload, *result.errors)
        if isinstance(result.value, sign_ins.TurnedAway):
            return refused(ViewerPasswordChangePayload, result.value.error)
        info.context.fresh_reads()
        user = await info.context.loaders.organisation.user.load(result.value.id)
        return ViewerPasswordChangePayload(user=user, errors=[])
