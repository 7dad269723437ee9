"""Our graphql-transport-ws handler: strawberry's, plus live subscriptions served by the hub's
fan-out, and connections that end when their viewer's access does.

A subscription starts as strawberry runs it: the document is parsed and validated, its
resolver checks the arguments, and the events after `after` are replayed through the normal
pipeline. Once it has caught up, api.live.follow hands it to us (`go_live`): from then on the
hub's fan-out (api.live.fanout) writes its events to this socket through the connection's
outbox (api.live.outbox), and strawberry's task for it ends, keeping nothing. The operation id
stays taken until the client completes it or leaves; strawberry's closing `complete` for it is
not sent, since the subscription goes on.

A websocket is authenticated once, in connection_init; without an end, an expired token, or a
user deactivated or moved since (api.live.viewers), would keep a subscription flowing with the
old reach. Such a connection is closed with 4403; clients such as graphql-ws reconnect with
fresh connection params and resume with `after`, so nothing is missed. A client that stops
reading is closed with api.live.outbox.SLOW_CONSUMER.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from contextvars import ContextVar

from graphql import GraphQLError
from starlette.websockets import WebSocketDisconnect
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)

from api.live.fanout import Group, Member, group_key
from api.live.hub import Subscriber
from api.live.outbox import SLOW_CONSUMER, SLOW_CONSUMER_REASON, Outbox
from api.observability import metrics
from domain.access import Actor
from domain.store.events.reader import EventRecord
from domain.store.types import utcnow

TOKEN_EXPIRED = "Token expired: reconnect with a new one and resume with `after`"
ACCESS_CHANGED = "Your access changed: reconnect and resume with `after`"
FORBIDDEN = 4403
log = logging.getLogger(__name__)


class LiveOperation:
    """One operation of our transport, as api.live.follow sees it."""

    __slots__ = ("handler", "operation", "went_live")

    def __init__(self, handler: "TransportHandler", operation: Operation) -> None:
        self.handler = handler
        self.operation = operation
        self.went_live = False

    def go_live(
        self,
        subscriber: Subscriber,
        info,
        make: Callable[[EventRecord], object],
        final: Callable[[EventRecord], bool] | None,
        delivered: int,
    ) -> bool:
        """From now on the hub's fan-out serves `subscriber` on this socket, with the events
        after position `delivered`. Called when its queue is empty, with no await since:
        nothing it was sent is left behind."""
        self.went_live = self.handler.go_live(
            self.operation, subscriber, info, make, final, delivered
        )
        return self.went_live


# The operation whose task is running: strawberry runs each operation in a task of its own.
current_operation: ContextVar[LiveOperation | None] = ContextVar("current_operation", default=None)


class TransportHandler(BaseGraphQLTransportWSHandler):
    _expiry: asyncio.TimerHandle | None = None
    _closing: asyncio.Task | None = None
    _live: dict[str, Member] | None = None  # live subscriptions by operation id
    _outbox: Outbox | None = None

    async def handle_connection_init(self, message) -> None:
        await super().handle_connection_init(message)
        # Done with (cancelled, or finished): not kept for the connection's life.
        self.connection_init_timeout_task = None
        self.context.connection_params = None  # the token is read; do not keep it around
        if not self.connection_acknowledged or self._expiry is not None:
            return
        self.view.viewer_watch.watch(self)
        loop = asyncio.get_running_loop()
        seconds = max(0.0, (self.context.token_expires_at - utcnow()).total_seconds())
        self._expiry = loop.call_at(loop.time() + seconds, self._close_soon, TOKEN_EXPIRED)

    def viewer(self) -> Actor | None:
        return self.context.actor

    def session_id(self) -> int | None:
        return self.context.session_id

    async def access_changed(self) -> None:
        await self._close(FORBIDDEN, ACCESS_CHANGED)

    def _close_soon(self, reason: str, code: int = FORBIDDEN) -> None:
        if self._closing is None:
            self._closing = asyncio.get_running_loop().create_task(self._close(code, reason))

    async def _close(self, code: int, reason: str) -> None:
        # The client may be leaving at the same moment: closing a closed socket is no error.
        with contextlib.suppress(RuntimeError, OSError, WebSocketDisconnect):
            await self.websocket.close(code=code, reason=reason)

    async def handle_subscribe(self, message) -> None:
        live = self._live or {}
        if message["id"] in live:  # strawberry checks the operations it still runs
            await self.websocket.close(
                code=4409, reason=f"Subscriber for {message['id']} already exists"
            )
            return
        limit = self.max_subscriptions_per_connection
        if limit is not None and len(self.operations) + len(live) >= limit:
            error = GraphQLError("Subscription limit reached")
            await self.send_message(
                {"id": message["id"], "type": "error", "payload": [error.formatted]}
            )
            return
        await super().handle_subscribe(message)

    async def handle_complete(self, message) -> None:
        member = (self._live or {}).get(message["id"])
        if member is not None:
            member.end()
        await super().handle_complete(message)

    async def shutdown(self) -> None:
        self.view.viewer_watch.forget(self)
        if self._expiry is not None:
            self._expiry.cancel()
        if self._outbox is not None:
            self._outbox.close()
        for member in list((self._live or {}).values()):
            member.end()
        await super().shutdown()

    async def run_operation(self, operation: Operation) -> None:
        running = LiveOperation(self, operation)
        current_operation.set(running)
        try:
            await super().run_operation(operation)
        finally:
            # The task's context holds `running`, which holds the operation, which holds the
            # task: let it all go now rather than at the next garbage collection.
            running.operation = None

    async def send_message(self, message) -> None:
        if message["type"] == "complete":
            running = current_operation.get()
            if running is not None and running.went_live:
                return  # strawberry's part ended; the subscription goes on (see above)
        await super().send_message(message)

    def go_live(
        self,
        operation: Operation,
        subscriber: Subscriber,
        info,
        make: Callable[[EventRecord], object],
        final: Callable[[EventRecord], bool] | None,
        delivered: int,
    ) -> bool:
        hub = self.context.hub
        if self._outbox is None:
            self._outbox = Outbox(self.websocket.ws.send, self._too_slow, hub.stats)
        if self._outbox.closed:
            return False
        variables = operation.variables
        try:
            key = group_key(info, variables, operation.query, operation.operation_name)
            group = hub.fanout.group(key, lambda: Group(key, info, make, variables))
        except Exception:  # served through strawberry's pipeline instead, as it was so far
            log.exception("subscription %s could not be shared", operation.operation_name)
            return False
        member = Member(operation.id, self._outbox, group, final, self._ended, delivered)
        if self._live is None:
            self._live = {}
        self._live[operation.id] = member
        hub.go_live(subscriber, member)
        # Counted from here on (api.observability.operations stops counting it as strawberry's
        # part ends).
        metrics.SUBSCRIPTIONS.inc()
        return True

    def _ended(self, member: Member) -> None:
        if self._live is not None and self._live.get(member.operation_id) is member:
            del self._live[member.operation_id]
        self.context.hub.leave(member)
        metrics.SUBSCRIPTIONS.dec()

    def _too_slow(self) -> None:
        """The client let its frames pile up: its subscriptions end and the socket closes."""
        for member in list((self._live or {}).values()):
            member.end()
        self._close_soon(SLOW_CONSUMER_REASON, SLOW_CONSUMER)
