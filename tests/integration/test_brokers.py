"""The Redis and PostgreSQL brokers wake the other processes, and keep doing so after their
connection to the server is cut (a restart, a failover)."""

import asyncio
import os
import socket

import asyncpg
import pytest
import redis.asyncio as redis

from api.live.brokers import PostgresBroker, RedisBroker

DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_is_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


async def woken_by(publisher, woken: asyncio.Event, seconds: float = 10) -> bool:
    """Publish until the listening broker is woken (wake-ups may be lost while reconnecting;
    the hubs' polling covers those)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        await publisher.publish(1)
        try:
            await asyncio.wait_for(woken.wait(), 0.5)
            return True
        except TimeoutError:
            continue
    return False


async def listen_and_publish(make_broker):
    woken = asyncio.Event()
    listener, publisher = make_broker(), make_broker()
    await listener.start(lambda _position: woken.set())
    await publisher.start(lambda _position: None)
    return listener, publisher, woken


@pytest.mark.skipif(
    not DATABASE_URL.startswith("postgresql"), reason="needs PostgreSQL (TEST_DATABASE_URL)"
)
async def test_the_postgresql_broker_listens_again_after_its_connection_is_cut():
    listener, publisher, woken = await listen_and_publish(lambda: PostgresBroker(DATABASE_URL))
    try:
        assert await woken_by(publisher, woken)
        woken.clear()
        pid = listener._connection.get_server_pid()
        admin = await asyncpg.connect(listener._dsn)
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid) is True
        finally:
            await admin.close()
        assert await woken_by(publisher, woken)
        assert listener._connection.get_server_pid() != pid  # a new connection listens
    finally:
        await listener.close()
        await publisher.close()


@pytest.mark.skipif(not redis_is_up(), reason="needs Redis on 127.0.0.1:6379")
async def test_the_redis_broker_listens_again_after_its_connection_is_cut():
    listener, publisher, woken = await listen_and_publish(lambda: RedisBroker(REDIS_URL))
    try:
        assert await woken_by(publisher, woken)
        woken.clear()
        admin = redis.from_url(REDIS_URL)
        try:
            assert await admin.execute_command("CLIENT", "KILL", "TYPE", "pubsub") >= 1
        finally:
            await admin.aclose()
        assert await woken_by(publisher, woken)
    finally:
        await listener.close()
        await publisher.close()
