"""Two server processes sharing one Redis share one rate budget per user; the buckets in Redis
behave as in memory; an unreachable Redis lets operations pass (with one warning)."""

import logging
import os
import subprocess
import sys
import uuid

import httpx
import pytest
import redis

from api.limits.rate import Budget, RedisBuckets
from tests.conftest import TEST_SECRET, free_port, token_for
from tests.integration.test_multi_process_events import wait_ready

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not redis_answers(), reason=f"no Redis at {REDIS_URL}")


@pytest.fixture
def prefix():
    """Keys of this test only; removed afterwards."""
    prefix = f"test:rate:{uuid.uuid4().hex}:"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(prefix + "*"):
        client.delete(key)


def start_server(port: int, database_url: str, prefix: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "PORT": str(port),
        "APP_ENV": "development",
        "RATE_LIMIT_REDIS_URL": REDIS_URL,
        "RATE_LIMIT_KEY_PREFIX": prefix,
        "RATE_LIMIT_CAPACITY": "10",
        "RATE_LIMIT_RESTORE_RATE": "0.01",
    }
    env.pop("EVENT_BROKER_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.fixture
def two_servers(demo, settings, prefix):
    ports = [free_port(), free_port()]
    processes = [start_server(port, settings.database_url, prefix) for port in ports]
    try:
        for port, process in zip(ports, processes, strict=True):
            wait_ready(port, process, seconds=90)  # two processes starting on a busy machine
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a worker it started may hold it up: stop it
                process.kill()
                process.wait(timeout=10)


async def test_two_processes_share_one_budget_per_user(two_servers, demo, settings):
    async with demo.connect() as conn:
        from sqlalchemy import text

        vp_id = (await conn.execute(text("SELECT id FROM app_user WHERE login = 'vp'"))).scalar()
    headers = {"Authorization": f"Bearer {token_for(settings, vp_id, 'vp')}"}
    statuses: dict[int, list[int]] = {port: [] for port in two_servers}
    async with httpx.AsyncClient(timeout=10) as http:
        for i in range(14):  # one point each, alternating between the processes
            port = two_servers[i % 2]
            response = await http.post(
                f"http://127.0.0.1:{port}/graphql",
                json={"query": "{ viewer { roles } }"},
                headers=headers,
            )
            statuses[port].append(response.status_code)
            if response.status_code == 429:
                assert response.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    every = [
        s for i in range(7) for s in (statuses[two_servers[0]][i], statuses[two_servers[1]][i])
    ]
    # One bucket of 10 points for both processes (two separate buckets would allow all 14).
    assert every == [200] * 10 + [429] * 4
    assert 429 in statuses[two_servers[0]] and 429 in statuses[two_servers[1]]


async def test_redis_buckets_pour_take_back_and_refuse(prefix):
    buckets = RedisBuckets(REDIS_URL, prefix)
    budget = Budget(capacity=10, restore_rate=0.01)
    try:
        assert (await buckets.pour("u1", 8, budget)).allowed
        refused = await buckets.pour("u1", 5, budget)
        assert not refused.allowed
        assert refused.level == pytest.approx(8, abs=0.05)
        assert refused.retry_after == pytest.approx(300, abs=10)  # 3 points at 0.01 a second
        assert (await buckets.pour("u2", 5, budget)).allowed  # another user
        back = await buckets.take_back("u1", 6, budget)
        assert back.level == pytest.approx(2, abs=0.05)
        assert (await buckets.pour("u1", 5, budget)).allowed
        ttl = redis.Redis.from_url(REDIS_URL).ttl(prefix + "u1")
        assert 0 < ttl <= 1001  # gone once it would have leaked empty
    finally:
        await buckets.close()


async def test_an_unreachable_redis_lets_operations_pass_with_one_warning(caplog):
    buckets = RedisBuckets(f"redis://127.0.0.1:{free_port()}/0")
    budget = Budget(capacity=1, restore_rate=0.01)
    try:
        with caplog.at_level(logging.WARNING, logger="api.limits.rate"):
            for _ in range(3):
                assert (await buckets.pour("u1", 5, budget)).allowed
    finally:
        await buckets.close()
    warnings = [r for r in caplog.records if r.name == "api.limits.rate"]
    assert len(warnings) == 1
    assert "Redis unavailable" in warnings[0].getMessage()
