"""A server process killed outright (SIGKILL) loses no event: its subscriber reconnects to
another process with its last cursor and receives, in order and once each, what was committed
before the kill and after it, then the live events."""

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import text

from api.ids import to_global_id
from domain.store.db import create_engine
from domain.store.demo import load_demo
from domain.store.migrate import upgrade
from domain.tokens import issue_token
from tests.api.live_client import live
from tests.conftest import TEST_SECRET, free_port
from tests.integration.test_serving_process import serve, wait_ready

CHANGES = """subscription($id: ID, $after: String) {
  orderStatusChanged(orderId: $id, after: $after) { cursor sequence toStatus } }"""
SUBMIT = "mutation($id: ID!) { salesOrderSubmit(input: {id: $id}) { errors { code } } }"
REJECT = (
    'mutation($id: ID!) { salesOrderReject(input: {id: $id, reason: "r"}) { errors { code } } }'
)


@pytest.fixture
async def database_url(tmp_path) -> str:
    """A migrated SQLite file with the demo organisation, for the server processes."""
    url = f"sqlite+aiosqlite:///{tmp_path}/live.db"
    engine = create_engine(url)
    try:
        await upgrade(engine)
        await load_demo(engine)
    finally:
        await engine.dispose()
    return url


async def ids(url: str) -> tuple[int, dict[str, int]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            order = (
                await conn.execute(text("SELECT min(id) FROM sales_order WHERE status = 'DRAFT'"))
            ).scalar_one()
            users = dict((await conn.execute(text("SELECT login, id FROM app_user"))).all())
    finally:
        await engine.dispose()
    return order, users


def token(users: dict[str, int], login: str) -> str:
    return issue_token(users[login], login, TEST_SECRET, timedelta(minutes=10))


async def change(port: int, planner: str, mutation: str, order: str) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(
            f"http://127.0.0.1:{port}/graphql",
            json={"query": mutation, "variables": {"id": order}},
            headers={"Authorization": f"Bearer {planner}"},
        )
    assert next(iter(response.json()["data"].values()))["errors"] == []


async def test_a_subscriber_of_a_killed_process_resumes_on_another_without_loss(database_url):
    order_pk, users = await ids(database_url)
    order = to_global_id("SalesOrder", order_pk)
    vp, planner = token(users, "vp"), token(users, "planner")
    first_port, second_port = free_port(), free_port()
    first = serve(database_url, first_port)
    second = None
    try:
        wait_ready(first_port, first)
        async with live(f"ws://127.0.0.1:{first_port}/graphql", vp) as client:
            await client.subscribe(CHANGES, {"id": order})
            await client.nothing_within(0.5)
            await change(first_port, planner, SUBMIT, order)
            seen = (await client.next_data(10))["orderStatusChanged"]
            # Committed, then the process dies at once: no goodbye, no flush.
            await change(first_port, planner, REJECT, order)
            first.kill()
            first.wait(10)
        second = serve(database_url, second_port)
        wait_ready(second_port, second)
        await change(second_port, planner, SUBMIT, order)  # while the subscriber is away
        async with live(f"ws://127.0.0.1:{second_port}/graphql", vp) as client:
            await client.subscribe(CHANGES, {"id": order, "after": seen["cursor"]})
            missed = [(await client.next_data(10))["orderStatusChanged"] for _ in range(2)]
            await client.nothing_within(0.5)
            await change(second_port, planner, REJECT, order)
            live_one = (await client.next_data(10))["orderStatusChanged"]
            await client.nothing_within(0.5)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(15)
    assert (seen["sequence"], seen["toStatus"]) == (2, "IN_REVIEW")
    assert [(m["sequence"], m["toStatus"]) for m in missed] == [(3, "DRAFT"), (4, "IN_REVIEW")]
    assert (live_one["sequence"], live_one["toStatus"]) == (5, "DRAFT")
    cursors = [int(c["cursor"]) for c in (seen, *missed, live_one)]
    assert cursors == sorted(set(cursors))
