"""Brokers wake the event hubs of every server process when new events have positions.

A broker carries no event data, only "look again": the event table stays the source of truth,
so a lost or duplicated wake-up costs at most a poll interval, never an event.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Protocol

from sqlalchemy.engine import make_url

CHANNEL = "salesplan_events"
log = logging.getLogger(__name__)


class Broker(Protocol):
    async def start(self, on_wake: Callable[[], None]) -> None: ...
    async def publish(self, position: int) -> None: ...
    async def close(self) -> None: ...


class InProcessBroker:
    """One process (the embedded default): a publish wakes this process's hub directly."""

    def __init__(self) -> None:
        self._on_wake: Callable[[], None] | None = None

    async def start(self, on_wake: Callable[[], None]) -> None:
        self._on_wake = on_wake

    async def publish(self, position: int) -> None:
        if self._on_wake is not None:
            self._on_wake()

    async def close(self) -> None:
        self._on_wake = None


class RedisBroker:
    """Redis pub/sub on one channel; every process subscribes and publishes."""

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        self._client = redis.from_url(url)
        self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        self._task: asyncio.Task | None = None

    async def start(self, on_wake: Callable[[], None]) -> None:
        await self._pubsub.subscribe(CHANNEL)

        async def listen() -> None:
            while True:
                try:
                    message = await self._pubsub.get_message(timeout=5.0)
                    if message is not None:
                        on_wake()
                except asyncio.CancelledError:
                    raise
                except Exception:  # reconnects on the next call; the hub's poll covers the gap
                    log.exception("redis broker: receive failed")
                    await asyncio.sleep(1)

        self._task = asyncio.create_task(listen(), name="redis-broker")

    async def publish(self, position: int) -> None:
        await self._client.publish(CHANNEL, str(position))

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._pubsub.aclose()
        await self._client.aclose()


class PostgresBroker:
    """PostgreSQL LISTEN/NOTIFY on one dedicated asyncpg connection."""

    def __init__(self, url: str) -> None:
        self._dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self._connection = None
        self._lock = asyncio.Lock()

    async def start(self, on_wake: Callable[[], None]) -> None:
        import asyncpg

        self._connection = await asyncpg.connect(self._dsn)
        await self._connection.add_listener(CHANNEL, lambda *_: on_wake())

    async def publish(self, position: int) -> None:
        async with self._lock:
            await self._connection.execute("SELECT pg_notify($1, $2)", CHANNEL, str(position))

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()


def broker_for(url: str | None) -> Broker:
    """EVENT_BROKER_URL: redis://... or postgresql://...; unset means one process, in memory."""
    if not url:
        return InProcessBroker()
    backend = make_url(url).get_backend_name()
    if backend == "redis" or url.startswith(("redis://", "rediss://")):
        return RedisBroker(url)
    if backend == "postgresql":
        return PostgresBroker(url)
    raise ValueError(
        f"EVENT_BROKER_URL: unsupported broker {url!r} (use redis:// or postgresql://)"
    )
