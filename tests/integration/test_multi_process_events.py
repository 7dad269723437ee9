"""Two server processes behind one database share one event stream through a broker:
a subscriber on one process hears of a change made through the other."""

import asyncio
import os
import subprocess
import sys
import time

import httpx
import pytest

from tests.api.live_client import live, token_of
from tests.api.plans_helpers import plan_id, transition
from tests.conftest import TEST_SECRET, free_port

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="several processes need a shared server database (CI sets TEST_DATABASE_URL)",
)

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def start_server(port: int, broker_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": os.environ["TEST_DATABASE_URL"],
        "EVENT_BROKER_URL": broker_url,
        "SECRET_KEY": TEST_SECRET,
        "PORT": str(port),
        "APP_ENV": "development",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_ready(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode()[-2000:])
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"server on port {port} did not become ready")


@pytest.fixture(params=["redis", "postgresql"])
def two_servers(request, demo):
    broker_url = REDIS_URL if request.param == "redis" else os.environ["TEST_DATABASE_URL"]
    ports = [free_port(), free_port()]
    processes = [start_server(port, broker_url) for port in ports]
    try:
        for port, process in zip(ports, processes, strict=True):
            wait_ready(port, process)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


async def test_a_change_made_through_one_process_reaches_a_subscriber_on_the_other(
    demo, two_servers, settings
):
    subscriber_port, writer_port = two_servers
    pid = await plan_id(demo, "status = 'DRAFT' AND owner_kind = 'DEPARTMENT'")
    vp_token = await token_of(demo, settings, "vp")
    planner_token = await token_of(demo, settings, "planner")
    query = """subscription($planId: ID) { salesPlanStatusChanged(planId: $planId) {
                 action toStatus salesPlan { status } } }"""
    async with live(f"ws://127.0.0.1:{subscriber_port}/graphql", vp_token) as client:
        await client.subscribe(query, {"planId": pid})
        await asyncio.sleep(0.2)
        started = time.monotonic()
        async with httpx.AsyncClient() as http:
            response = await http.post(
                f"http://127.0.0.1:{writer_port}/graphql",
                json={"query": transition("Submit"), "variables": {"input": {"id": pid}}},
                headers={"Authorization": f"Bearer {planner_token}"},
            )
        assert response.json()["data"]["salesPlanSubmit"]["errors"] == []
        change = (await client.next_data(wait=10))["salesPlanStatusChanged"]
        elapsed = time.monotonic() - started
    assert change == {
        "action": "SUBMITTED",
        "toStatus": "SUBMITTED",
        "salesPlan": {"status": "SUBMITTED"},
    }
    # Woken by the broker, not by the one-second poll.
    assert elapsed < 1.0, elapsed
