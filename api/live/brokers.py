"""Brokers wake the event hubs of every server process when new events have positions.

A broker carries no event data, only "look again": the event table stays the source of truth,
so a lost or duplicated wake-up costs at most a poll interval, never an event. An outage of the
broker is therefore no error: it is logged once when it starts and once when it ends.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Protocol

from sqlalchemy.engine import make_url

from api.observability.metrics import BROKER_UP

CHANNEL = "salesplan_events"
log = logging.getLogger(__name__)


# Called with the highest position a process published, or None for "look anyway".
Wake = Callable[[int | None], None]


class Broker(Protocol):
    async def start(self, on_wake: Wake) -> None: ...
    async def publish(self, position: int) -> None: ...
    async def close(self) -> None: ...


class Outage:
    """Whether a broker answers: one warning when it stops, one when it answers again, and
    nothing in between however often it is tried (each process would otherwise log a traceback
    per second)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.since: float | None = None
        BROKER_UP.set(1)

    def failed(self, error: BaseException | str) -> None:
        if self.since is not None:
            return
        self.since = time.monotonic()
        BROKER_UP.set(0)
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        log.warning(
            "%s broker unreachable (%s); subscribers still get every event, up to a second "
            "later, until it answers again",
            self.name,
            reason,
        )

    def recovered(self) -> None:
        if self.since is None:
            return
        down = time.monotonic() - self.since
        self.since = None
        BROKER_UP.set(1)
        log.warning("%s broker reachable again after %.0f s", self.name, down)


class InProcessBroker:
    """One process (the embedded default): there is nobody else to wake; the hub that published
    has woken its own reader already."""

    def __init__(self) -> None:
        BROKER_UP.set(1)  # nothing that could be down

    async def start(self, on_wake: Wake) -> None:
        pass

    async def publish(self, position: int) -> None:
        pass

    async def close(self) -> None:
        pass


class RedisBroker:
    """Redis pub/sub on one channel; every process subscribes and publishes."""

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        self._client = redis.from_url(url)
        self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        self._task: asyncio.Task | None = None
        self.outage = Outage("redis")

    async def start(self, on_wake: Wake) -> None:
        """Subscribe, or (Redis down) start anyway and keep trying: the hubs poll meanwhile."""

        async def listen() -> None:
            while True:
                try:
                    if not self._pubsub.subscribed:
                        await self._pubsub.subscribe(CHANNEL)
                    message = await self._pubsub.get_message(timeout=5.0)
                    self.outage.recovered()
                    if message is not None:
                        on_wake(position_of(message["data"]))
                except asyncio.CancelledError:
                    raise
                except Exception as e:  # reconnects on the next call; the hub's poll covers the gap
                    self.outage.failed(e)
                    await asyncio.sleep(1)

        try:
            await self._pubsub.subscribe(CHANNEL)
        except Exception as e:
            self.outage.failed(e)
        self._task = asyncio.create_task(listen(), name="redis-broker")

    async def publish(self, position: int) -> None:
        try:
            await self._client.publish(CHANNEL, str(position))
        except Exception as e:  # the other processes' polls find the event meanwhile
            self.outage.failed(e)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._pubsub.aclose()
        await self._client.aclose()


class PostgresBroker:
    """PostgreSQL LISTEN/NOTIFY on one dedicated asyncpg connection, opened again when lost (a
    database restart, a failover); meanwhile the hubs' polling carries the events."""

    RECONNECT_SECONDS = 1.0

    def __init__(self, url: str) -> None:
        self._dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self._connection = None
        self._on_wake: Wake | None = None
        self._lock = asyncio.Lock()
        self._reconnecting: asyncio.Task | None = None
        self._closed = False
        self.outage = Outage("postgresql")

    async def start(self, on_wake: Wake) -> None:
        """Listen, or (the server down) start anyway and keep trying: the hubs poll meanwhile."""
        self._on_wake = on_wake
        try:
            await self._connect()
        except Exception as e:
            self.outage.failed(e)
            self._reconnecting = asyncio.get_running_loop().create_task(
                self._reconnect(), name="postgres-broker-reconnect"
            )

    async def _connect(self) -> None:
        import asyncpg

        connection = await asyncpg.connect(self._dsn)
        await connection.add_listener(
            CHANNEL, lambda _conn, _pid, _channel, payload: self._on_wake(position_of(payload))
        )
        connection.add_termination_listener(self._lost)
        self._connection = connection

    def _lost(self, _connection) -> None:
        if not self._closed and self._reconnecting is None:
            self.outage.failed("connection lost")
            self._reconnecting = asyncio.get_running_loop().create_task(
                self._reconnect(), name="postgres-broker-reconnect"
            )

    async def _reconnect(self) -> None:
        while not self._closed:
            await asyncio.sleep(self.RECONNECT_SECONDS)
            try:
                await self._connect()
            except Exception as e:  # still down: try again
                self.outage.failed(e)
                continue
            self.outage.recovered()
            self._reconnecting = None
            self._on_wake(None)  # events of the gap: look now rather than at the next poll
            return

    async def publish(self, position: int) -> None:
        connection = self._connection
        if connection is None or connection.is_closed():
            return  # reconnecting; the other processes' polls find the events meanwhile
        try:
            async with self._lock:
                await connection.execute("SELECT pg_notify($1, $2)", CHANNEL, str(position))
        except Exception as e:  # lost meanwhile: _lost reconnects, the polls cover the gap
            self.outage.failed(e)

    async def close(self) -> None:
        self._closed = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconnecting
        if self._connection is not None and not self._connection.is_closed():
            await self._connection.close()


def position_of(data: bytes | str) -> int | None:
    """The position in a wake-up message; None (look anyway) when it is not one."""
    try:
        return int(data)
    except (TypeError, ValueError):
        return None


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
