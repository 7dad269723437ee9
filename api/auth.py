"""Authentication: a bearer JWT on every HTTP request, in `connection_init` on websockets.

Three kinds of bearer token are accepted: access tokens from authLogin/authRefresh (they name a
sign-in session and stop working when it is revoked), tokens printed by `salesplan token`, and,
when OIDC_ISSUER is set, tokens of that identity provider (api.oidc).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from graphql import FieldNode, GraphQLError, OperationDefinitionNode
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from api.identities import IdentityCache
from api.oidc import ExternalTokenRefused, issued_by_provider, verify_external_token
from domain.access import Actor
from domain.config import Settings
from domain.store.accounts.sessions import ended_sessions
from domain.store.actors import load_actor
from domain.store.db import create_sessionmaker
from domain.store.tables import AppUser
from domain.store.types import utcnow
from domain.tokens import InvalidToken, read_claims

UNAUTHENTICATED = "UNAUTHENTICATED"
INVALID = "Invalid or expired token."

# Root fields anyone may call without a token: signing in, refreshing and signing out.
PUBLIC_MUTATIONS = frozenset({"authLogin", "authRefresh", "authLogout"})


class AuthenticationFailed(Exception):
    """No token, or one we did not issue, or an expired one, or one for an inactive user."""


@dataclass(frozen=True)
class Identity:
    """Who a valid token stands for, until when, and from which sign-in (None: a token not
    from authLogin)."""

    actor: Actor
    expires_at: datetime
    session_id: int | None = None


def bearer_token(headers: Mapping[str, str]) -> str | None:
    value = headers.get("authorization") or headers.get("Authorization")
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def identify(
    engine: AsyncEngine,
    settings: Settings,
    token: str | None,
    identities: IdentityCache | None = None,
) -> Identity:
    """Who the token stands for. The token's signature and expiry are checked every time; the
    user and their sign-in session come from `identities` when it knows them (api.identities),
    otherwise from the database."""
    if token is None:
        raise AuthenticationFailed("Authentication required: send 'Authorization: Bearer <token>'.")
    if issued_by_provider(token, settings):
        try:
            external = await verify_external_token(token, settings)
        except ExternalTokenRefused as e:
            raise AuthenticationFailed(INVALID) from e
        key = ("login", external.login)
        actor = identities.get(key) if identities is not None else None
        if actor is None:
            generation = identities.generation if identities is not None else 0
            async with create_sessionmaker(engine)() as session:
                user_id = await session.scalar(
                    select(AppUser.id).where(AppUser.login == external.login)
                )
                actor = None if user_id is None else await load_actor(session, user_id)
            if actor is None:
                raise AuthenticationFailed(INVALID)
            if identities is not None:
                identities.put(key, actor, generation)
        return Identity(actor, external.expires_at)
    try:
        claims = read_claims(token, settings.secret_key)
    except InvalidToken as e:
        raise AuthenticationFailed(INVALID) from e
    key = (claims.user_id, claims.session_id)
    actor = identities.get(key) if identities is not None else None
    if actor is None:
        generation = identities.generation if identities is not None else 0
        async with create_sessionmaker(engine)() as session:
            if claims.session_id is not None and await ended_sessions(
                session, [claims.session_id], utcnow()
            ):
                raise AuthenticationFailed(INVALID)
            actor = await load_actor(session, claims.user_id)
        if actor is None:
            raise AuthenticationFailed(INVALID)
        if identities is not None:
            identities.put(key, actor, generation)
    return Identity(actor, claims.expires_at, claims.session_id)


async def authenticate(engine: AsyncEngine, settings: Settings, token: str | None) -> Actor:
    return (await identify(engine, settings, token)).actor


def only_public_fields(execution_context) -> bool:
    """True when every root field asked for is __schema/__type/__typename, or a mutation
    anyone may call (PUBLIC_MUTATIONS)."""
    document = execution_context.graphql_document
    if document is None:
        return False
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if execution_context.operation_name and (
            definition.name is None or definition.name.value != execution_context.operation_name
        ):
            continue
        public = PUBLIC_MUTATIONS if definition.operation.value == "mutation" else frozenset()
        for selection in definition.selection_set.selections:
            # Only fields count: a fragment spread's own name says nothing of what it selects.
            if not isinstance(selection, FieldNode):
                return False
            name = selection.name.value
            if not name.startswith("__") and name not in public:
                return False
    return True


class RequireAuthentication(SchemaExtension):
    """Refuse to execute anything but introspection and signing in without a valid token: an
    error, no data.

    The schema itself is public (as on GitHub's and Saleor's APIs), so tools can introspect it.
    """

    def on_execute(self):
        context = self.execution_context.context
        if getattr(context, "actor", None) is None and not only_public_fields(
            self.execution_context
        ):
            reason = getattr(context, "auth_error", None) or "Authentication required."
            self.execution_context.result = ExecutionResult(
                data=None,
                errors=[GraphQLError(reason, extensions={"code": UNAUTHENTICATED})],
            )
            response = getattr(context, "response", None)
            if response is not None and hasattr(response, "status_code"):
                response.status_code = 401
        yield
