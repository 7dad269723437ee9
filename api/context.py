"""What every resolver gets as `info.context`: the viewer, a read connection and fresh loaders."""

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.extensions import SchemaExtension

from api.loaders import Loaders, ReadDB
from domain.access import Actor
from domain.config import Settings

# Loaders for the subscription event being resolved now. A websocket connection has one Context
# for all its operations, but each event needs fresh reads (no stale cache, no connection held
# between events); each operation runs in its own task, so a ContextVar keeps them apart.
event_loaders: ContextVar[Loaders | None] = ContextVar("event_loaders", default=None)


def is_websocket(request) -> bool:
    return getattr(request, "scope", {}).get("type") == "websocket"


@dataclass
class Context:
    """Per HTTP request, or per subscription event (see STACK-NOTES: never per connection)."""

    engine: AsyncEngine
    settings: Settings
    actor: Actor | None
    auth_error: str | None = None
    request: Any = None
    response: Any = None  # the HTTP sub-response (status, headers); None on websockets
    connection_params: dict | None = None  # websocket connection_init payload
    token_expires_at: datetime | None = None  # websockets: the connection ends then
    session_id: int | None = None  # the sign-in (authLogin) the bearer token belongs to, if any
    hub: Any = None  # api.live.hub.EventHub of this process
    use_cases: Any = None  # domain.services.pipeline.UseCases: runs every mutation's command
    compiled_reads: bool = False  # queries may take the compiled path (api.compiled)
    db: ReadDB = field(init=False)
    _loaders: Loaders | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.db = ReadDB(self.engine, hold=self.request is None or not is_websocket(self.request))

    @property
    def loaders(self) -> Loaders:
        """Made on first use; resolvers only run for authenticated requests (see api.auth)."""
        if (for_event := event_loaders.get()) is not None:
            return for_event
        if self._loaders is None:
            assert self.actor is not None, "loaders need an authenticated viewer"
            self._loaders = Loaders(self.db, self.actor)
        return self._loaders

    @property
    def viewer(self) -> Actor:
        assert self.actor is not None
        return self.actor

    def fresh_reads(self) -> None:
        """Forget cached reads, e.g. after a mutation committed, so the payload shows new data."""
        self._loaders = None
        if event_loaders.get() is not None:
            event_loaders.set(Loaders(self.db, self.viewer))


class OperationReads(SchemaExtension):
    """Fresh loaders for each operation sent over a websocket.

    A websocket connection has a single Context, so without this a query would see the data as
    an earlier query on the same socket saw it. Each operation runs in its own task; the loaders
    set here are inherited by its resolvers (subscription events get theirs in api.live.follow).
    """

    def on_operation(self):
        context = self.execution_context.context
        token = None
        if (
            isinstance(context, Context)
            and context.actor is not None
            and not context.db.holds_connection
        ):
            token = event_loaders.set(Loaders(context.db, context.actor))
        yield
        if token is not None:
            with contextlib.suppress(ValueError):  # a cancelled subscription ends elsewhere
                event_loaders.reset(token)
