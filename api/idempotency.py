"""Idempotency-Key: a mutation sent again with the same key by the same user returns the first
response without acting again (mobile clients retry when a response is lost).

The first request reserves (user, key) in its own committed row before it runs; a second one
with the same key then finds either the stored response (replayed, with `Idempotent-Replayed:
true`), or a request still running (409), or another body under the same key (422). Responses
with a 5xx status are not kept, so a retry after a crash acts.
"""

import hashlib
from datetime import timedelta

import orjson
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import AuthenticationFailed, bearer_token, identify
from api.identities import IdentityCache
from domain.config import Settings
from domain.store.db import writer
from domain.store.tables import IdempotentRequest
from domain.store.types import utcnow

HEADER = b"idempotency-key"
MAX_KEY_LENGTH = 200
KEEP_FOR = timedelta(hours=24)
table = IdempotentRequest.__table__


def error_body(message: str, code: str) -> bytes:
    return orjson.dumps(
        {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}
    )


class IdempotencyMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        engine: AsyncEngine,
        settings: Settings,
        identities: IdentityCache | None = None,
    ) -> None:
        self.app = app
        self.engine = writer(engine)
        self.settings = settings
        self.identities = identities

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or [])
        key = headers.get(HEADER)
        if scope["type"] != "http" or scope["method"] != "POST" or key is None:
            await self.app(scope, receive, send)
            return
        user_id = await self._user_id(headers)
        if user_id is None:  # the app answers 401 itself
            await self.app(scope, receive, send)
            return
        key_text = key.decode("latin-1").strip()
        if not key_text or len(key_text) > MAX_KEY_LENGTH:
            await respond(
                send,
                400,
                error_body(
                    f"Idempotency-Key must be 1–{MAX_KEY_LENGTH} characters.", "BAD_IDEMPOTENCY_KEY"
                ),
            )
            return
        body = await read_body(receive)
        digest = hashlib.sha256(body).hexdigest()
        if not await self._reserve(user_id, key_text, digest):
            await self._answer_repeat(send, user_id, key_text, digest)
            return
        await self._run_and_store(scope, body, send, user_id, key_text)

    async def _user_id(self, headers: dict[bytes, bytes]) -> int | None:
        """The user a valid token stands for: checked as the app checks it (a revoked sign-in or
        an identity provider's token included), so a refused request never keeps a key."""
        token = bearer_token(
            {"authorization": headers.get(b"authorization", b"").decode("latin-1")}
        )
        if token is None:
            return None
        try:
            identity = await identify(self.engine, self.settings, token, self.identities)
            return identity.actor.user_id
        except AuthenticationFailed:
            return None

    async def _reserve(self, user_id: int, key: str, digest: str) -> bool:
        try:
            async with self.engine.begin() as conn:
                await conn.execute(
                    delete(table).where(
                        table.c.user_id == user_id, table.c.created_at < utcnow() - KEEP_FOR
                    )
                )
                await conn.execute(
                    insert(table).values(
                        user_id=user_id, key=key, request_hash=digest, created_at=utcnow()
                    )
                )
            return True
        except IntegrityError:
            return False

    async def _answer_repeat(self, send: Send, user_id: int, key: str, digest: str) -> None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(table).where(table.c.user_id == user_id, table.c.key == key)
                )
            ).one_or_none()
        if row is None:  # the first request failed meanwhile and released the key
            await respond(
                send,
                409,
                error_body("Retry: the first request with this key failed.", "IDEMPOTENCY_RETRY"),
            )
        elif row.request_hash != digest:
            await respond(
                send,
                422,
                error_body(
                    "This Idempotency-Key was used for a different request.",
                    "IDEMPOTENCY_KEY_REUSED",
                ),
            )
        elif row.status_code is None:
            await respond(
                send,
                409,
                error_body(
                    "A request with this Idempotency-Key is still running.",
                    "IDEMPOTENCY_IN_PROGRESS",
                ),
            )
        else:
            await respond(send, row.status_code, row.response_body.encode(), replayed=True)

    async def _run_and_store(
        self, scope: Scope, body: bytes, send: Send, user_id: int, key: str
    ) -> None:
        status = 500
        messages: list[Message] = []
        delivered = False

        async def replay_receive() -> Message:
            nonlocal delivered
            if delivered:
                return {"type": "http.disconnect"}
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            messages.append(message)

        where = (table.c.user_id == user_id) & (table.c.key == key)
        try:
            await self.app(scope, replay_receive, capture)
        except BaseException:
            async with self.engine.begin() as conn:
                await conn.execute(delete(table).where(where))
            raise
        # Kept before it is sent: a client retrying as soon as it has the answer gets it again
        # (not "still running").
        async with self.engine.begin() as conn:
            if status >= 500:
                await conn.execute(delete(table).where(where))
            else:
                response_body = b"".join(
                    m.get("body", b"") for m in messages if m["type"] == "http.response.body"
                )
                await conn.execute(
                    update(table)
                    .where(where)
                    .values(status_code=status, response_body=response_body.decode())
                )
        for message in messages:
            await send(message)


async def read_body(receive: Receive) -> bytes:
    parts = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        parts.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(parts)


async def respond(send: Send, status: int, body: bytes, *, replayed: bool = False) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if replayed:
        headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
