"""A small graphql-transport-ws client for the subscription tests (the real protocol, over a
real websocket)."""

import asyncio
import json
from contextlib import asynccontextmanager

from sqlalchemy import text
from websockets.asyncio.client import connect

from tests.conftest import token_for

PROTOCOL = "graphql-transport-ws"


async def token_of(engine, settings, login: str) -> str:
    async with engine.connect() as conn:
        uid = (
            await conn.execute(text("SELECT id FROM app_user WHERE login = :l"), {"l": login})
        ).scalar_one()
    return token_for(settings, uid, login)


class LiveClient:
    def __init__(self, ws) -> None:
        self.ws = ws
        self._ids = 0

    async def subscribe(self, query: str, variables: dict | None = None) -> str:
        self._ids += 1
        op_id = str(self._ids)
        await self.ws.send(
            json.dumps(
                {
                    "id": op_id,
                    "type": "subscribe",
                    "payload": {"query": query, "variables": variables or {}},
                }
            )
        )
        return op_id

    async def message(self, wait: float = 5.0) -> dict:
        """The next message that is not a ping/pong."""
        while True:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), wait))
            if message["type"] == "ping":
                await self.ws.send(json.dumps({"type": "pong"}))
                continue
            if message["type"] != "pong":
                return message

    async def next_data(self, wait: float = 5.0) -> dict:
        message = await self.message(wait)
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message["payload"]
        return message["payload"]["data"]

    async def nothing_within(self, seconds: float) -> bool:
        try:
            message = await self.message(seconds)
        except TimeoutError:
            return True
        raise AssertionError(f"unexpected message {message}")

    async def complete(self, op_id: str) -> None:
        await self.ws.send(json.dumps({"id": op_id, "type": "complete"}))


@asynccontextmanager
async def live(url: str, token: str):
    async with connect(url, subprotocols=[PROTOCOL]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"token": token}}))
        ack = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert ack["type"] == "connection_ack", ack
        yield LiveClient(ws)
