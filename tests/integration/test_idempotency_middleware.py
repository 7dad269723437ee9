"""api.idempotency around a plain ASGI app: the answer is kept before any of it is sent, so a
client that retries the moment it has the answer gets a replay, not "still running"."""

from sqlalchemy import text

from api.idempotency import IdempotencyMiddleware
from tests.api.live_client import token_of


async def answer(scope, receive, send) -> None:
    await receive()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b'{"data":', "more_body": True})
    await send({"type": "http.response.body", "body": b'{"ok":true}}'})


async def test_the_answer_is_kept_before_it_is_sent(demo, settings):
    middleware = IdempotencyMiddleware(answer, demo, settings)
    token = await token_of(demo, settings, "vp")
    scope = {
        "type": "http",
        "method": "POST",
        "headers": [(b"authorization", f"Bearer {token}".encode()), (b"idempotency-key", b"k-1")],
    }
    kept_when_sent: list = []
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b'{"query":"mutation { x }"}'}

    async def send(message):
        async with demo.connect() as conn:
            row = await conn.execute(
                text("SELECT status_code, response_body FROM idempotent_request WHERE key = 'k-1'")
            )
            kept_when_sent.append(tuple(row.one()))
        sent.append(message)

    await middleware(scope, receive, send)
    assert [m["type"] for m in sent] == [
        "http.response.start",
        "http.response.body",
        "http.response.body",
    ]
    assert kept_when_sent == [(200, '{"data":{"ok":true}}')] * 3

    again: list[dict] = []

    async def send_again(message):
        again.append(message)

    await middleware(scope, receive, send_again)
    assert again[0]["status"] == 200
    assert (b"idempotent-replayed", b"true") in again[0]["headers"]
    assert again[1]["body"] == b'{"data":{"ok":true}}'
