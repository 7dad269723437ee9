"""Bounds of what reaches the GraphQL view, and answers that are always coded JSON.

- `RequestBounds` (ASGI, outermost on /graphql): the body is at most MAX_BODY_BYTES (413) and
  must arrive within BODY_TIMEOUT_SECONDS (408); any exception that escapes the app becomes a
  500 "Internal error." with an `errorId`, logged once with its stack trace.
- `BoundedView` (a mixin of the GraphQL view): bodies are decoded by orjson (invalid UTF-8,
  lone surrogates, non-finite numbers and nesting beyond 1,024 levels are refused), the request
  must have the GraphQL shape, the document and the variables keep their bounds, and every
  refusal strawberry makes itself (wrong method, content type...) is answered as coded JSON.
- `BoundedWebSocketAdapter`: the same for websocket messages; a message over
  MAX_WEBSOCKET_MESSAGE_BYTES closes the socket with 1009 (message too big), a subscribe
  message out of bounds gets an `error` message with the code, and the socket stays open.
"""

import asyncio
import logging
from collections.abc import AsyncGenerator

import orjson
from cross_web import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import NonJsonMessageReceived, NonTextMessageReceived

from api.limits import codes
from api.limits.errors import INTERNAL_MESSAGE, log_internal, new_error_id
from api.limits.settings import Limits, LimitSettings

log = logging.getLogger(__name__)

# What strawberry's own refusals mean, by status.
CODE_OF_STATUS = {
    400: codes.BAD_REQUEST,
    404: codes.NOT_FOUND,
    405: codes.METHOD_NOT_ALLOWED,
    413: codes.REQUEST_TOO_LARGE,
    415: codes.UNSUPPORTED_MEDIA_TYPE,
}


class RequestRefused(HTTPException):
    """A request refused before GraphQL runs, with its code."""

    def __init__(self, status_code: int, message: str, code: str) -> None:
        super().__init__(status_code, message)
        self.code = code


def json_response(status: int, message: str, code: str, **extensions) -> Response:
    body = orjson.dumps(codes.error_document(message, code, **extensions))
    return Response(body, status_code=status, media_type="application/json")


# -- the HTTP body ------------------------------------------------------------------------------


class RequestBounds:
    """Outermost on /graphql: size and time of the body; no exception leaves as a bare 500."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            refusal, body = await self._read(scope, receive)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
            await self.app(scope, replay(body, receive), tracking_send)
        except Exception as e:  # the last net: log once, answer coded JSON
            error_id = new_error_id()
            log_internal(error_id, e, f"{scope.get('method')} {scope.get('path')}")
            if not started:
                response = json_response(
                    500, INTERNAL_MESSAGE, codes.INTERNAL_ERROR, errorId=error_id
                )
                await response(scope, receive, send)

    async def _read(self, scope: Scope, receive: Receive) -> tuple[Response | None, bytes]:
        settings: LimitSettings = self.limits.settings
        limit = settings.max_body_bytes
        too_large = json_response(
            413,
            f"The request body is larger than {limit:,} bytes.",
            codes.REQUEST_TOO_LARGE,
        )
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
        if scope.get("method") == "POST" and "application/json" not in content_type:
            return json_response(
                415,
                "Send the request as Content-Type: application/json.",
                codes.UNSUPPORTED_MEDIA_TYPE,
            ), b""
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                if int(declared) > limit:
                    return too_large, b""
            except ValueError:
                return json_response(400, "Bad Content-Length.", codes.BAD_REQUEST), b""
        parts: list[bytes] = []
        size = 0

        async def read_all() -> bool:
            nonlocal size
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    return True
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    return False
                parts.append(chunk)
                if not message.get("more_body"):
                    return True

        try:
            within = await asyncio.wait_for(read_all(), settings.body_timeout_seconds)
        except TimeoutError:
            return json_response(
                408,
                f"The request body did not arrive within {settings.body_timeout_seconds:g} s.",
                codes.REQUEST_TIMEOUT,
            ), b""
        return (None if within else too_large), b"".join(parts)


def replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the app the body already read, then the client's own messages (the
    disconnect, when it leaves)."""
    delivered = False

    async def replaying() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replaying


# -- what the body holds ------------------------------------------------------------------------


def decode(data: str | bytes) -> object:
    """JSON as orjson reads it: UTF-8 only, no lone surrogates, no NaN, at most 1,024 levels."""
    return orjson.loads(data)


def check_variables(variables: object, settings: LimitSettings) -> RequestRefused | None:
    """Variables nested too deeply (400), with too many values or too long a string (413), or
    None. Iterative: a deep value cannot exhaust the stack here."""
    stack = [(variables, 1)]
    values = 0
    while stack:
        value, depth = stack.pop()
        values += 1
        if values > settings.max_variables_values:
            return RequestRefused(
                413,
                f"The variables hold more than {settings.max_variables_values:,} values.",
                codes.REQUEST_TOO_LARGE,
            )
        if isinstance(value, dict | list):
            if depth > settings.max_variables_depth:
                return RequestRefused(
                    400,
                    f"The variables nest deeper than {settings.max_variables_depth} levels.",
                    codes.BAD_REQUEST,
                )
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and len(key) > settings.max_string_chars:
                    stack.append((key, depth + 1))  # judged as a string
                stack.append((item, depth + 1))
        elif isinstance(value, str) and len(value) > settings.max_string_chars:
            return RequestRefused(
                413,
                f"A string in the variables has {len(value):,} characters; the limit is "
                f"{settings.max_string_chars:,}.",
                codes.REQUEST_TOO_LARGE,
            )
    return None


def check_request(data: object, settings: LimitSettings) -> RequestRefused | None:
    """The shape and bounds of one GraphQL request object (`query`, `variables`...)."""
    if not isinstance(data, dict):
        return RequestRefused(400, "The body must be one JSON object.", codes.BAD_REQUEST)
    query = data.get("query")
    for name, kinds in (
        ("query", (str,)),
        ("operationName", (str,)),
        ("variables", (dict,)),
        ("extensions", (dict,)),
    ):
        if data.get(name) is not None and not isinstance(data[name], kinds):
            kind = "a string" if kinds == (str,) else "an object"
            return RequestRefused(400, f"`{name}` must be {kind} or null.", codes.BAD_REQUEST)
    if isinstance(query, str) and len(query) > settings.max_query_chars:
        return RequestRefused(
            413,
            f"The document has {len(query):,} characters; the limit is "
            f"{settings.max_query_chars:,}.",
            codes.REQUEST_TOO_LARGE,
        )
    if data.get("variables") is not None:
        return check_variables(data["variables"], settings)
    return None


class BoundedWebSocketAdapter(ASGIWebSocketAdapter):
    """Websocket messages: size first, then JSON as for HTTP, then the bounds of a subscribe."""

    async def iter_json(
        self, *, ignore_parsing_errors: bool = False
    ) -> AsyncGenerator[object, None]:
        settings = self.view.limits.settings
        try:
            while self.ws.application_state != WebSocketState.DISCONNECTED:
                text = await self.ws.receive_text()
                size = len(text.encode("utf-8", "surrogatepass"))
                if size > settings.max_websocket_message_bytes:
                    await self.close(
                        1009,
                        f"Message larger than {settings.max_websocket_message_bytes:,} bytes",
                    )
                    return
                try:
                    message = decode(text)
                except orjson.JSONDecodeError as e:
                    if ignore_parsing_errors:
                        continue
                    raise NonJsonMessageReceived from e
                if (refusal := self._refusal(message, settings)) is not None:
                    await self.send_json(refusal)
                    continue
                yield message
        except KeyError as e:
            raise NonTextMessageReceived from e
        except WebSocketDisconnect:
            pass

    @staticmethod
    def _refusal(message: object, settings: LimitSettings) -> dict | None:
        """An `error` message for a subscribe out of bounds (other messages pass as they are)."""
        if not isinstance(message, dict) or message.get("type") != "subscribe":
            return None
        payload = message.get("payload")
        if not isinstance(payload, dict) or not isinstance(message.get("id"), str):
            return None  # the protocol handler closes with 4400
        refused = check_request(payload, settings)
        if refused is None:
            return None
        return {
            "id": message["id"],
            "type": "error",
            "payload": [{"message": refused.reason, "extensions": {"code": refused.code}}],
        }


class BoundedView:
    """Mixin for the strawberry ASGI view (before `GraphQL` in the bases)."""

    limits: Limits  # set by the app
    websocket_adapter_class = BoundedWebSocketAdapter

    def decode_json(self, data: str | bytes) -> object:
        return decode(data)

    def parse_json(self, data: str | bytes) -> object:
        """HTTP bodies (and GET parameters): refused with a code, never a bare 400."""
        try:
            return decode(data)
        except orjson.JSONDecodeError as e:
            raise RequestRefused(
                400, f"The body is not JSON in UTF-8: {e}", codes.BAD_REQUEST
            ) from e

    async def parse_http_body(self, request):
        parsed = await super().parse_http_body(request)
        for item in parsed if isinstance(parsed, list) else [parsed]:
            as_sent = {
                "query": item.query,
                "operationName": item.operation_name,
                "variables": item.variables,
                "extensions": item.extensions,
            }
            if (refused := check_request(as_sent, self.limits.settings)) is not None:
                raise refused
        return parsed

    async def run(self, request, *args, **kwargs):
        try:
            return await super().run(request, *args, **kwargs)
        except HTTPException as e:
            if self.is_websocket_request(request):
                raise
            code = getattr(e, "code", None) or CODE_OF_STATUS.get(e.status_code, codes.BAD_REQUEST)
            return json_response(e.status_code, e.reason, code)
