"""Shared fixtures: a migrated database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set),
the demo organisation reloaded per test, a real uvicorn server, and a GraphQL client.
"""

import asyncio
import contextlib
import os
import socket
import sqlite3
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
import uvicorn
from sqlalchemy import delete, event, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.limits.settings import LimitSettings
from api.live.hub import BACKGROUND
from domain.config import Settings
from domain.store.db import create_engine
from domain.store.demo import load_demo
from domain.store.migrate import upgrade
from domain.store.tables import metadata
from domain.tokens import issue_token

TEST_SECRET = "test-secret-key-0123456789abcdef0123456789"


def database_url(tmp_dir) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite+aiosqlite:///{tmp_dir}/test.db"


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    return Settings(
        database_url=database_url(tmp_path_factory.mktemp("db")),
        secret_key=TEST_SECRET,
        app_env="development",
    )


@pytest.fixture(scope="session")
async def engine(settings) -> AsyncIterator[AsyncEngine]:
    """The test database, migrated to head once (from empty: CI gives a fresh PostgreSQL DB)."""
    engine = create_engine(settings.database_url)
    await upgrade(engine)
    yield engine
    await engine.dispose()


# True while the database holds the untouched scale-1 demo that `demo_readonly` loaded.
_pristine_demo = False


async def clear(engine: AsyncEngine) -> None:
    """Empty every table (children first)."""
    global _pristine_demo
    _pristine_demo = False
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in metadata.sorted_tables)
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(metadata.sorted_tables):
                await conn.execute(delete(table))


# Columns filled in after commit by background work, not by the action a snapshot watches.
FILLED_AFTER_COMMIT = {"event": {"position"}}


async def snapshot(engine: AsyncEngine) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order: equal snapshots mean nothing changed."""
    tables = {}
    async with engine.connect() as conn:
        for table in metadata.sorted_tables:
            skip = FILLED_AFTER_COMMIT.get(table.name, set())
            columns = [c for c in table.columns if c.name not in skip]
            order = list(table.primary_key.columns) or columns
            rows = await conn.execute(select(*columns).order_by(*order))
            tables[table.name] = [tuple(row) for row in rows]
    return tables


@pytest.fixture
async def db(engine) -> AsyncEngine:
    """An empty database."""
    await clear(engine)
    return engine


# SQLite only: the test database as the first demo load left it, in memory.
_demo_image: sqlite3.Connection | None = None


def _save_image(path: str) -> sqlite3.Connection:
    """A copy of the SQLite database at `path`, in memory (the sqlite3 backup API)."""
    image = sqlite3.connect(":memory:", check_same_thread=False)
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.backup(image)
    return image


def _restore_image(image: sqlite3.Connection, path: str) -> None:
    """Overwrite the SQLite database at `path` with the image, page by page."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        image.backup(db)


async def load_fresh_demo(engine: AsyncEngine) -> None:
    """Every table emptied and the demo organisation (scale 1) loaded. On SQLite the first load
    is kept and later ones copy it back (about 10 ms instead of 300: tests reload the demo some
    two hundred times); PostgreSQL loads it each time."""
    global _demo_image, _pristine_demo
    _pristine_demo = False
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if path and _demo_image is not None:
        # In a thread: the copy waits for other connections' transactions, which need the loop.
        await asyncio.to_thread(_restore_image, _demo_image, path)
        return
    await clear(engine)
    await load_demo(engine)
    if path:
        _demo_image = await asyncio.to_thread(_save_image, path)


@pytest.fixture
async def demo(engine) -> AsyncEngine:
    """The demo organisation (scale 1), freshly loaded for this test."""
    await load_fresh_demo(engine)
    return engine


@pytest.fixture
async def demo_readonly(engine) -> AsyncEngine:
    """The demo organisation (scale 1), shared by tests that only read: loaded again only after a
    test used `db`, `demo` or `clear`. A test that writes must ask for `demo` instead."""
    global _pristine_demo
    if not _pristine_demo:
        await load_fresh_demo(engine)
        _pristine_demo = True
    return engine


def demo_changed() -> None:
    """A test on `demo_readonly` changed the data after all: reload it for the next one."""
    global _pristine_demo
    _pristine_demo = False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    ws_url: str
    hub: object  # api.live.hub.EventHub of the app
    viewer_watch: object  # api.live.viewers.ViewerWatch of the app
    limits: object  # api.limits.settings.Limits of the app (tests of the limits adjust it)


@pytest.fixture(scope="session")
async def server(engine, settings) -> AsyncIterator[Server]:
    """The real app behind uvicorn on a free port, in this event loop."""
    # Every test shares the demo users' rate buckets: budgets no test run can use up (the
    # rate-limit tests set their own, see tests/api/test_rate_limits.py).
    limit_settings = LimitSettings(
        _env_file=None, rate_limit_capacity=1e12, rate_limit_restore_rate=1e12
    )
    app = create_app(settings, engine, limit_settings)
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", ws="websockets-sansio"
    )
    uv = uvicorn.Server(config)
    task = asyncio.create_task(uv.serve())
    while not uv.started:  # noqa: ASYNC110 (uvicorn.Server offers a flag, no event)
        await asyncio.sleep(0.02)
    yield Server(
        f"http://127.0.0.1:{port}/graphql",
        f"ws://127.0.0.1:{port}/graphql",
        app.state.hub,
        app.state.viewer_watch,
        app.state.limits,
    )
    uv.should_exit = True
    await task


def token_for(settings: Settings, user_id: int, login: str, minutes: int = 30) -> str:
    return issue_token(user_id, login, settings.secret_key, timedelta(minutes=minutes))


class GraphQLClient:
    """POSTs GraphQL over real HTTP as one user (or anonymously)."""

    def __init__(self, http: httpx.AsyncClient, url: str, token: str | None) -> None:
        self.http = http
        self.url = url
        self.token = token

    async def post(self, query: str, variables: dict | None = None, headers: dict | None = None):
        all_headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        all_headers.update(headers or {})
        return await self.http.post(
            self.url, json={"query": query, "variables": variables or {}}, headers=all_headers
        )

    async def execute(self, query: str, variables: dict | None = None, **kw) -> dict:
        """The `data` of a successful response; fails the test on top-level errors."""
        response = await self.post(query, variables, **kw)
        body = response.json()
        assert "errors" not in body, body["errors"]
        assert response.status_code == 200
        return body["data"]


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


@pytest.fixture
def client_for(http, server, settings, engine):
    """client_for("vp") → a GraphQLClient holding a token for that demo login."""

    async def make(login: str | None) -> GraphQLClient:
        if login is None:
            return GraphQLClient(http, server.url, None)
        async with engine.connect() as conn:
            user_id = (
                await conn.execute(text("SELECT id FROM app_user WHERE login = :l"), {"l": login})
            ).scalar_one()
        return GraphQLClient(http, server.url, token_for(settings, user_id, login))

    return make


class StatementCounter:
    def __init__(self) -> None:
        self.count = 0
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if conn.get_execution_options().get(BACKGROUND):
            return  # the live-event hub's own polling, not the request's work
        self.count += 1
        self.statements.append(statement)


@pytest.fixture
def count_statements(engine) -> Iterator:
    """`with count_statements() as counter:` counts SQL statements sent by the engine."""

    @contextlib.contextmanager
    def counting():
        counter = StatementCounter()
        event.listen(engine.sync_engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", counter)

    return counting


@pytest.fixture
async def live_demo(demo, server) -> AsyncEngine:
    """The demo, with the running server's event hub following from its last event."""
    await server.hub.resync()
    return demo
