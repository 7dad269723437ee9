"""Authentication: a bearer JWT on every HTTP request, in `connection_init` on websockets."""

from collections.abc import Mapping

from graphql import FieldNode, GraphQLError, OperationDefinitionNode
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from domain.access import Actor
from domain.config import Settings
from domain.store.actors import load_actor
from domain.store.db import create_sessionmaker
from domain.tokens import InvalidToken, read_token

UNAUTHENTICATED = "UNAUTHENTICATED"


class AuthenticationFailed(Exception):
    """No token, or one we did not issue, or an expired one, or one for an inactive user."""


def bearer_token(headers: Mapping[str, str]) -> str | None:
    value = headers.get("authorization") or headers.get("Authorization")
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def authenticate(engine: AsyncEngine, settings: Settings, token: str | None) -> Actor:
    if token is None:
        raise AuthenticationFailed("Authentication required: send 'Authorization: Bearer <token>'.")
    try:
        user_id = read_token(token, settings.secret_key)
    except InvalidToken as e:
        raise AuthenticationFailed("Invalid or expired token.") from e
    async with create_sessionmaker(engine)() as session:
        actor = await load_actor(session, user_id)
    if actor is None:
        raise AuthenticationFailed("Invalid or expired token.")
    return actor


def only_introspection(execution_context) -> bool:
    """True when every root field asked for is __schema/__type/__typename."""
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
        for selection in definition.selection_set.selections:
            # Only fields count: a fragment spread's own name says nothing of what it selects.
            if not isinstance(selection, FieldNode) or not selection.name.value.startswith("__"):
                return False
    return True


class RequireAuthentication(SchemaExtension):
    """Refuse to execute anything but introspection without a valid token: an error, no data.

    The schema itself is public (as on GitHub's and Saleor's APIs), so tools can introspect it.
    """

    def on_execute(self):
        context = self.execution_context.context
        if getattr(context, "actor", None) is None and not only_introspection(
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
