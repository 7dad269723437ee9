"""A broker outage is logged once when it starts and once when it ends, without tracebacks, and
the broker wakes the other processes again afterwards.

The outage is real: the broker talks to Redis (or PostgreSQL) through a TCP relay on this
machine that the test stops (closing every connection) and starts again on the same port.
"""

import asyncio
import contextlib
import logging
import os

import pytest
from sqlalchemy.engine import make_url

from api.live.brokers import PostgresBroker, RedisBroker
from tests.conftest import free_port
from tests.integration.test_brokers import redis_is_up, woken_by

DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


class Relay:
    """Forwards 127.0.0.1:<port> to a real server; `stop()` cuts every connection."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        self._writers.clear()
        await self._server.wait_closed()

    async def _serve(self, client_reader, client_writer) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.close()
            return
        self._writers |= {client_writer, server_writer}

        async def pipe(reader, writer) -> None:
            with contextlib.suppress(OSError, asyncio.CancelledError):
                while data := await reader.read(65536):
                    writer.write(data)
                    await writer.drain()
            writer.close()

        await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer))


def broker_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "api.live.brokers"]


async def outage_and_recovery(make_broker, relay: Relay, caplog) -> None:
    woken = asyncio.Event()
    listener, publisher = make_broker(), make_broker()
    with caplog.at_level(logging.INFO, logger="api.live.brokers"):
        await listener.start(lambda _position: woken.set())
        await publisher.start(lambda _position: None)
        try:
            assert await woken_by(publisher, woken)
            assert broker_lines(caplog) == []

            await relay.stop()
            for _ in range(8):  # four seconds of publishing and listening into the void
                await publisher.publish(1)
                await asyncio.sleep(0.5)
            down = broker_lines(caplog)
            # Listener and publisher each saw the outage begin: one warning each, no more.
            assert len(down) == 2, [r.getMessage() for r in down]
            assert all("unreachable" in r.getMessage() for r in down)

            await relay.start()
            woken.clear()
            assert await woken_by(publisher, woken, seconds=15)
            await asyncio.sleep(1.5)
            lines = broker_lines(caplog)
            back = [r for r in lines if "reachable again" in r.getMessage()]
            assert len(back) >= 1  # the listener's; the publisher says so on its next success
            assert len(lines) <= 4
            assert all(r.levelno == logging.WARNING for r in lines)
            assert all(r.exc_info is None for r in lines)
        finally:
            await listener.close()
            await publisher.close()


@pytest.mark.skipif(not redis_is_up(), reason="needs Redis on 127.0.0.1:6379")
async def test_a_redis_outage_is_one_warning_when_it_starts_and_one_when_it_ends(caplog):
    target = make_url(REDIS_URL)
    relay = Relay(target.host or "127.0.0.1", target.port or 6379)
    await relay.start()
    url = target.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
    await outage_and_recovery(lambda: RedisBroker(url), relay, caplog)


@pytest.mark.skipif(
    not DATABASE_URL.startswith("postgresql"), reason="needs PostgreSQL (TEST_DATABASE_URL)"
)
async def test_a_postgresql_broker_outage_is_one_warning_when_it_starts_and_one_when_it_ends(
    caplog,
):
    target = make_url(DATABASE_URL)
    relay = Relay(target.host or "127.0.0.1", target.port or 5432)
    await relay.start()
    url = target.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
    await outage_and_recovery(lambda: PostgresBroker(url), relay, caplog)


@pytest.mark.skipif(not redis_is_up(), reason="needs Redis on 127.0.0.1:6379")
async def test_a_server_starts_while_its_redis_is_down_and_says_so_once(caplog):
    relay = Relay("127.0.0.1", 6379)  # never started: nothing answers on its port
    broker = RedisBroker(f"redis://127.0.0.1:{relay.port}/0")
    with caplog.at_level(logging.INFO, logger="api.live.brokers"):
        await broker.start(lambda _position: None)
        try:
            await broker.publish(1)
            await asyncio.sleep(2.5)
        finally:
            await broker.close()
    lines = broker_lines(caplog)
    assert len(lines) == 1
    assert "redis broker unreachable" in lines[0].getMessage()
    assert lines[0].exc_info is None
