"""Every HTTP request and websocket connection: a request id (the caller's `X-Request-Id`, or a
new one, returned in the same header), figures, and one log line at its end.

The GraphQL side (operation name and type, user, cost, error codes) is filled in by
api.observability.operations into the RequestRecord this middleware puts in a ContextVar:
the view runs in the same task, so both see the same record.
"""

import logging
import re
import secrets
import time
from contextvars import ContextVar
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.observability import metrics
from api.observability.logs import request_id_var

HEADER = b"x-request-id"
# A caller's id is kept when it is short and plain (a UUID, a trace id...); anything else could
# forge log lines, so a new id is made instead.
_ACCEPTED_ID = re.compile(rb"[A-Za-z0-9._:\-]{1,128}")
QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics", "/graphiql"})

access_log = logging.getLogger("salesplan.access")


@dataclass
class RequestRecord:
    """What one log line says of a request; the GraphQL fields stay None for other routes."""

    request_id: str
    transport: str  # "http" or "websocket"
    operation: str | None = None
    operation_type: str | None = None
    user_id: int | None = None
    cost: int | None = None
    outcome: str | None = None
    error_codes: list[str] = field(default_factory=list)
    refused_codes: list[str] = field(default_factory=list)


current_request: ContextVar[RequestRecord | None] = ContextVar("current_request", default=None)


def request_id_of(scope: Scope) -> str:
    for name, value in scope.get("headers") or ():
        if name == HEADER:
            if _ACCEPTED_ID.fullmatch(value):
                return value.decode()
            break
    return secrets.token_hex(16)


def route_of(path: str) -> str:
    """A bounded label: the known routes, else "other" (unknown paths are unbounded)."""
    if path in ("/graphql", "/metrics", "/healthz", "/readyz"):
        return path
    if path.startswith("/graphiql/"):
        return "/graphiql"
    return "other"


class RequestObservation:
    """Pure ASGI middleware (no per-request objects beyond the record; no body buffering)."""

    def __init__(self, app: ASGIApp, tracing=None) -> None:
        self.app = app
        self.tracing = tracing  # api.observability.tracing.Tracing when traces are on

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        record = RequestRecord(request_id, kind)
        id_token = request_id_var.set(request_id)
        record_token = current_request.set(record)
        try:
            # Probes and scrapes (every few seconds from each balancer) would bury the traces.
            if self.tracing is not None and route_of(scope["path"]) not in QUIET_ROUTES:
                with self.tracing.server_span(scope):
                    await self._serve(kind, scope, receive, send, record)
            else:
                await self._serve(kind, scope, receive, send, record)
        finally:
            current_request.reset(record_token)
            request_id_var.reset(id_token)

    async def _serve(self, kind, scope, receive, send, record) -> None:
        if kind == "http":
            await self._http(scope, receive, send, record)
        else:
            await self._websocket(scope, receive, send, record)

    async def _http(self, scope: Scope, receive: Receive, send: Send, record) -> None:
        started = time.perf_counter()
        status = 500
        header = (HEADER, record.request_id.encode())

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            duration = time.perf_counter() - started
            route = route_of(scope["path"])
            metrics.HTTP_REQUESTS.labels(route, scope["method"], str(status)).inc()
            metrics.HTTP_DURATION.labels(route).observe(duration)
            level = logging.DEBUG if route in QUIET_ROUTES else logging.INFO
            if access_log.isEnabledFor(level):
                access_log.log(
                    level,
                    "%s %s %s",
                    scope["method"],
                    scope["path"],
                    status,
                    extra={"fields": http_fields(scope, record, status, duration)},
                )

    async def _websocket(self, scope: Scope, receive: Receive, send: Send, record) -> None:
        started = time.perf_counter()
        header = (HEADER, record.request_id.encode())
        accepted = False

        async def send_with_id(message: Message) -> None:
            nonlocal accepted
            if message["type"] == "websocket.accept":
                accepted = True
                metrics.WEBSOCKETS.inc()
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if accepted:
                metrics.WEBSOCKETS.dec()
            access_log.info(
                "websocket %s closed",
                scope["path"],
                extra={
                    "fields": {
                        "path": scope["path"],
                        "accepted": accepted,
                        "user_id": record.user_id,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                        "client": client_of(scope),
                    }
                },
            )


def client_of(scope: Scope) -> str | None:
    client = scope.get("client")
    return client[0] if client else None


def http_fields(scope: Scope, record: RequestRecord, status: int, duration: float) -> dict:
    fields = {
        "method": scope["method"],
        "path": scope["path"],
        "status": status,
        "duration_ms": round(duration * 1000, 1),
        "client": client_of(scope),
    }
    if record.operation_type is not None:
        fields.update(
            operation=record.operation,
            operation_type=record.operation_type,
            user_id=record.user_id,
            cost=record.cost,
            outcome=record.outcome,
        )
        if record.error_codes:
            fields["errors"] = record.error_codes
        if record.refused_codes:
            fields["refused"] = record.refused_codes
    return fields
