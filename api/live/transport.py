"""Our graphql-transport-ws handler: strawberry's, plus answers shared between subscribers
(api.live.shared_answers) and connections that end when their viewer's access does.

A websocket is authenticated once, in connection_init; without an end, an expired token, or a
user deactivated or moved since (api.live.viewers), would keep a subscription flowing with the
old reach. Such a connection is closed with 4403; clients such as graphql-ws reconnect with
fresh connection params and resume with `after`, so nothing is missed.
"""

import asyncio
import contextlib
import json
from datetime import datetime

import orjson
from starlette.websockets import WebSocketDisconnect
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)

from api.live.shared_answers import SharingOperation, current_operation
from domain.access import Actor
from domain.store.types import utcnow

TOKEN_EXPIRED = "Token expired: reconnect with a new one and resume with `after`"
ACCESS_CHANGED = "Your access changed: reconnect and resume with `after`"


class TransportHandler(BaseGraphQLTransportWSHandler):
    _expiry: asyncio.Task | None = None

    async def handle_connection_init(self, message) -> None:
        await super().handle_connection_init(message)
        if not self.connection_acknowledged or self._expiry is not None:
            return
        self.view.viewer_watch.watch(self)
        self._expiry = asyncio.create_task(self._close_at(self.context.token_expires_at))

    def viewer(self) -> Actor | None:
        return self.context.actor

    def session_id(self) -> int | None:
        return self.context.session_id

    async def access_changed(self) -> None:
        await self._close(ACCESS_CHANGED)

    async def _close_at(self, expires_at: datetime) -> None:
        await asyncio.sleep(max(0.0, (expires_at - utcnow()).total_seconds()))
        await self._close(TOKEN_EXPIRED)

    async def _close(self, reason: str) -> None:
        # The client may be leaving at the same moment: closing a closed socket is no error.
        with contextlib.suppress(RuntimeError, OSError, WebSocketDisconnect):
            await self.websocket.close(code=4403, reason=reason)

    async def shutdown(self) -> None:
        self.view.viewer_watch.forget(self)
        if self._expiry is not None:
            self._expiry.cancel()
        await super().shutdown()

    async def run_operation(self, operation: Operation) -> None:
        variables = json.dumps(operation.variables or {}, sort_keys=True, default=str)
        group = (operation.query, operation.operation_name, variables)
        if self.context.actor is not None:  # unauthenticated operations are refused anyway
            group += (self.context.actor.reading_scope,)
            current_operation.set(SharingOperation(self, operation.id, group))
        await super().run_operation(operation)

    async def send_message(self, message) -> None:
        sharing = current_operation.get()
        if message["type"] == "next" and sharing is not None and sharing.leading is not None:
            payload = orjson.dumps(message["payload"])
            sharing.led(payload)
            await self.send_next_payload(message["id"], payload)
            return
        await super().send_message(message)

    async def send_next_payload(self, operation_id: str, payload: bytes) -> None:
        """A `next` message around an already encoded payload."""
        frame = b'{"id":%b,"type":"next","payload":%b}' % (orjson.dumps(operation_id), payload)
        try:
            await self.websocket.ws.send_text(frame.decode())
        except WebSocketDisconnect as e:
            raise WebSocketDisconnected from e
