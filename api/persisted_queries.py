"""Automatic persisted queries (Apollo's APQ protocol) and cache headers for queries sent by GET.

A client sends only the SHA-256 of a document it sent before (`extensions.persistedQuery`), by
POST or by GET (`?extensions=...&variables=...`), so that a query fits in a URL and repeated
requests are small. An unknown hash answers PERSISTED_QUERY_NOT_FOUND; the client then sends the
document with its hash once, and it is kept. Each server process keeps its own documents (a
bounded LRU): a client that reaches another process just sends the document again.

GET runs queries only; a mutation sent by GET is refused by the view (strawberry allows only
queries over GET). GET answers carry cache headers: `public, max-age=300` for anonymous
requests (introspection, the only thing answered without a token), `private, no-store` for a
viewer's data.
"""

import hashlib
import json
from collections import OrderedDict
from urllib.parse import parse_qsl, urlencode

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.idempotency import read_body

MAX_DOCUMENTS = 10_000
MAX_DOCUMENT_BYTES = 100_000
# Bodies larger than this are passed on unread (no persisted query is that large); the view's
# own limits deal with them.
MAX_INSPECTED_BODY = 256_000
PUBLIC_CACHE = b"public, max-age=300"
PRIVATE_CACHE = b"private, no-store"
NOT_FOUND = {
    "message": "PersistedQueryNotFound",
    "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
}


class DocumentStore:
    """Documents by their SHA-256 (hex), the least recently used dropped past MAX_DOCUMENTS."""

    def __init__(self, limit: int = MAX_DOCUMENTS) -> None:
        self.limit = limit
        self._documents: OrderedDict[str, str] = OrderedDict()

    def get(self, digest: str) -> str | None:
        document = self._documents.get(digest)
        if document is not None:
            self._documents.move_to_end(digest)
        return document

    def put(self, digest: str, document: str) -> None:
        self._documents[digest] = document
        self._documents.move_to_end(digest)
        while len(self._documents) > self.limit:
            self._documents.popitem(last=False)


class Refused(Exception):
    def __init__(self, status: int, error: dict) -> None:
        self.status, self.error = status, error


def bad_request(message: str, code: str) -> Refused:
    return Refused(400, {"message": message, "extensions": {"code": code}})


def resolve(store: DocumentStore, query: str | None, extensions) -> str | None:
    """The document to run: `query` (kept under its hash if one is given) or the stored one."""
    persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
    if persisted is None:
        return query
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise bad_request("Unsupported persisted query version: use 1.", "BAD_REQUEST")
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or len(digest) != 64:
        raise bad_request("`sha256Hash` must be 64 hex digits.", "BAD_REQUEST")
    digest = digest.lower()
    if query is None:
        stored = store.get(digest)
        if stored is None:
            raise Refused(200, NOT_FOUND)
        return stored
    if len(query.encode()) > MAX_DOCUMENT_BYTES:
        return query  # run, not kept
    if hashlib.sha256(query.encode()).hexdigest() != digest:
        raise bad_request("provided sha does not match query", "PERSISTED_QUERY_HASH_MISMATCH")
    store.put(digest, query)
    return query


class PersistedQueries:
    """ASGI middleware in front of the GraphQL view (outside the idempotency middleware, which
    then sees the whole document)."""

    def __init__(self, app: ASGIApp, store: DocumentStore | None = None) -> None:
        self.app = app
        self.store = store or DocumentStore()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            if scope["method"] == "GET":
                scope = self._get(scope)
                send = with_cache_headers(send, scope)
            elif scope["method"] == "POST" and 0 < content_length(scope) <= MAX_INSPECTED_BODY:
                receive = await self._post(receive)
        except Refused as refused:
            await answer(send, refused.status, refused.error)
            return
        await self.app(scope, receive, send)

    def _get(self, scope: Scope) -> Scope:
        raw = scope.get("query_string", b"")
        if b"persistedQuery" not in raw:
            return scope
        params = dict(parse_qsl(raw.decode("latin-1")))
        try:
            extensions = json.loads(params.get("extensions") or "{}")
        except ValueError as e:
            raise bad_request("`extensions` must be JSON.", "BAD_REQUEST") from e
        params["query"] = resolve(self.store, params.get("query"), extensions)
        return {**scope, "query_string": urlencode(params).encode()}

    async def _post(self, receive: Receive) -> Receive:
        body = await read_body(receive)
        if b"persistedQuery" in body:
            try:
                data = orjson.loads(body)
            except orjson.JSONDecodeError:
                data = None  # the view answers malformed JSON itself
            if isinstance(data, dict):
                query = data.get("query")
                document = resolve(self.store, query, data.get("extensions"))
                if document != query:
                    body = orjson.dumps({**data, "query": document})
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()  # http.disconnect when the client goes
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        return replay


def content_length(scope: Scope) -> int:
    for name, value in scope.get("headers") or ():
        if name == b"content-length":
            return int(value) if value.isdigit() else -1
    return -1


def with_cache_headers(send: Send, scope: Scope) -> Send:
    """GET answers: shared caches may keep anonymous ones a while, nobody keeps a viewer's."""
    headers = dict(scope.get("headers") or ())
    private = b"authorization" in headers

    async def send_with_cache(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] == 200:
            content_type = dict(message.get("headers") or ()).get(b"content-type", b"")
            if content_type.startswith(b"application/json"):
                message["headers"] = [
                    *message.get("headers", ()),
                    (b"cache-control", PRIVATE_CACHE if private else PUBLIC_CACHE),
                    (b"vary", b"Authorization"),
                ]
        await send(message)

    return send_with_cache


async def answer(send: Send, status: int, error: dict) -> None:
    body = orjson.dumps({"data": None, "errors": [error]})
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
