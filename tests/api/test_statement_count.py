"""No N+1: the full nested read costs the same number of SQL statements at any size.

The whole hierarchy (companies → departments → salespeople → salesPlans → lines → product, with
each plan's owner, author and parent) is read over HTTP from the demo organisation at scale 1
and at scale 10, counting the statements the server sends for that request. Loading any relation
per row would make the count grow with the rows; the last test proves the count notices that.

Only statements sent while serving the HTTP request are counted: the server is wrapped so the
request runs with a context variable set. Work the app does on its own meanwhile (e.g. background
tasks polling the event table) runs outside that context and would otherwise blur the count.
"""

import asyncio
import contextvars
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn
from sqlalchemy import event, text

from api.app import create_app
from api.loaders import reading
from bench.nested_read import QUERY
from domain.store.demo import load_demo
from tests.conftest import clear, free_port, token_for

SERVING_REQUEST = contextvars.ContextVar("serving_request", default=False)

# The same full read the benchmark times, so the two cannot drift apart.
FULL_NESTED_READ = QUERY

# What the read may cost, whatever the size: per level of the query one
# statement for the page and one for totalCount, for plans and lines at each of the three plan
# levels, plus the products, owners, authors and parents those levels point at. 26 today.
MOST_STATEMENTS = 40


@dataclass(frozen=True)
class Read:
    statements: int
    plans: int
    lines: int


def marking_requests(app):
    """The ASGI app, with SERVING_REQUEST set while it serves an HTTP request."""

    async def marked(scope, receive, send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        token = SERVING_REQUEST.set(True)
        try:
            await app(scope, receive, send)
        finally:
            SERVING_REQUEST.reset(token)

    return marked


@pytest.fixture(scope="module")
async def counted_url(engine, settings) -> AsyncIterator[str]:
    """A real uvicorn server of the app whose request statements can be told apart."""
    port = free_port()
    config = uvicorn.Config(
        marking_requests(create_app(settings, engine)),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn.Server offers a flag, no event)
        await asyncio.sleep(0.02)
    yield f"http://127.0.0.1:{port}/graphql"
    server.should_exit = True
    await task


async def read_everything(http: httpx.AsyncClient, url: str, engine, settings) -> Read:
    """Run the full nested read as the VP; count the SQL statements the request sends."""
    async with engine.connect() as conn:
        vp = (await conn.execute(text("SELECT id FROM app_user WHERE login = 'vp'"))).scalar_one()
    headers = {"Authorization": f"Bearer {token_for(settings, vp, 'vp')}"}
    # A client in use: its token is known (api.identities), so no request re-reads the user.
    await http.post(url, json={"query": "{ __typename }"}, headers=headers)
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        if SERVING_REQUEST.get():
            statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        response = await http.post(url, json={"query": FULL_NESTED_READ}, headers=headers)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    body = response.json()
    assert "errors" not in body, body["errors"]
    plans = lines = 0
    for company in body["data"]["companies"]["nodes"]:
        plan_lists = [company["salesPlans"]]
        for department in company["departments"]["nodes"]:
            plan_lists.append(department["salesPlans"])
            plan_lists += [sp["salesPlans"] for sp in department["salespeople"]["nodes"]]
        for plan_list in plan_lists:
            for plan in plan_list["nodes"]:
                plans += 1
                lines += len(plan["lines"]["nodes"])
                assert plan["lines"]["nodes"][0]["product"]["code"].startswith("P")
                assert plan["author"]["login"] == "planner"
                assert plan["owner"]["code"]
    return Read(len(statements), plans, lines)


@pytest.fixture(scope="module")
async def reads(engine, counted_url, settings) -> dict[tuple[int, bool], Read]:
    """The full read as the app batches it at scales 1 and 10, and with one key per DataLoader
    batch (what loading a relation per row costs) at scales 1 and 2."""
    runs = {1: (True, False), 2: (False,), 10: (True,), 30: (True,)}
    results = {}
    async with httpx.AsyncClient(timeout=120) as http:
        for scale, batching in runs.items():
            await clear(engine)
            await load_demo(engine, scale=scale)
            for batched in batching:
                with pytest.MonkeyPatch.context() as patch:
                    if not batched:
                        patch.setattr(reading, "MAX_BATCH", 1)
                    results[(scale, batched)] = await read_everything(
                        http, counted_url, engine, settings
                    )
    await clear(engine)
    return results


async def test_only_the_requests_own_statements_are_counted(engine, counted_url):
    statements = []

    def count(conn, cursor, statement, *args) -> None:
        if SERVING_REQUEST.get():
            statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))  # the test's own, outside any request
        async with httpx.AsyncClient() as http:
            response = await http.get(counted_url.removesuffix("/graphql") + "/readyz")
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert response.status_code == 200
    # The readiness probe's query (after SQLite's BEGIN), and not the test's own SELECT 1.
    assert [s for s in statements if not s.startswith("BEGIN")] == ["SELECT 1"]


async def test_the_full_read_returns_the_whole_demo_hierarchy_at_both_scales(reads):
    assert (reads[(1, True)].plans, reads[(1, True)].lines) == (168, 1440)
    assert reads[(10, True)].plans == 12 + 30 * 12 + 105 * 12
    assert reads[(10, True)].lines > 10 * reads[(1, True)].lines
    # Loading per row gives the same answer, only with more statements.
    assert reads[(1, False)].lines == reads[(1, True)].lines


async def test_the_full_nested_read_sends_the_same_number_of_statements_at_ten_times_the_size(
    reads,
):
    assert reads[(10, True)].statements == reads[(1, True)].statements


async def test_and_the_same_at_thirty_times_the_size_whichever_products_come_first(reads):
    # 48,000 lines: products come with their lines, so no level adds a product batch.
    assert reads[(30, True)].lines > 45_000
    assert reads[(30, True)].statements == reads[(1, True)].statements


async def test_the_full_nested_read_needs_only_a_few_statements(reads):
    assert reads[(1, True)].statements < MOST_STATEMENTS


async def test_loading_relations_per_row_would_make_the_count_grow_and_fail_the_test(reads):
    per_row_small, per_row_double = reads[(1, False)].statements, reads[(2, False)].statements
    assert per_row_small > MOST_STATEMENTS
    assert per_row_double > 1.8 * per_row_small
    assert per_row_double != reads[(1, True)].statements
