"""Alembic migrations: an empty database goes up to head, back down to base, and up again.

Runs on a database of its own so the shared test database is left alone: a temporary SQLite
file, or `<testdb>_migrations` on the PostgreSQL server of TEST_DATABASE_URL.
"""

import os
import uuid
from collections.abc import AsyncIterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from domain.store.db import create_engine
from domain.store.migrate import current_revision, downgrade, head_revision, upgrade
from domain.store.tables import metadata

ALEMBIC_TABLE = "alembic_version"


@pytest.fixture
async def empty_engine(tmp_path) -> AsyncIterator[AsyncEngine]:
    """An engine on a brand-new, empty database that is thrown away afterwards."""
    shared = os.environ.get("TEST_DATABASE_URL")
    if not shared:
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/migrations.db")
        yield engine
        await engine.dispose()
        return
    url = make_url(shared)
    name = f"{url.database}_migrations"
    # CREATE/DROP DATABASE cannot run inside a transaction: a separate AUTOCOMMIT connection to the
    # server's maintenance database.
    admin = create_async_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine = create_engine(url.set(database=name).render_as_string(hide_password=False))
        try:
            yield engine
        finally:
            await engine.dispose()
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


async def table_names(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))


async def differences_from_the_models(engine: AsyncEngine) -> list:
    """What `alembic revision --autogenerate` would still find to migrate."""

    def compare(sync_conn) -> list:
        context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
        return compare_metadata(context, metadata)

    async with engine.connect() as conn:
        return await conn.run_sync(compare)


async def test_the_empty_database_has_no_tables_to_start_with(empty_engine):
    assert await table_names(empty_engine) == set()
    assert await current_revision(empty_engine) is None


async def test_migrating_an_empty_database_to_head_creates_every_table_of_the_models(empty_engine):
    await upgrade(empty_engine)
    assert await table_names(empty_engine) == set(metadata.tables) | {ALEMBIC_TABLE}
    assert await current_revision(empty_engine) == head_revision()


async def test_the_migrated_schema_matches_the_models_column_for_column(empty_engine):
    await upgrade(empty_engine)
    assert await differences_from_the_models(empty_engine) == []


async def test_migrating_down_to_base_leaves_no_tables_and_up_again_works(empty_engine):
    await upgrade(empty_engine)
    await downgrade(empty_engine, "base")
    assert await table_names(empty_engine) - {ALEMBIC_TABLE} == set()
    assert await current_revision(empty_engine) is None

    await upgrade(empty_engine)
    assert await table_names(empty_engine) == set(metadata.tables) | {ALEMBIC_TABLE}
    assert await current_revision(empty_engine) == head_revision()
    # The re-created tables take rows: the downgrade dropped everything, constraints included.
    async with empty_engine.begin() as conn:
        await conn.execute(
            text("INSERT INTO company (code, name) VALUES (:c, :n)"),
            {"c": uuid.uuid4().hex[:8], "n": "Again Ltd"},
        )
        count = (await conn.execute(text("SELECT count(*) FROM company"))).scalar_one()
    assert count == 1


async def test_migrating_twice_to_head_changes_nothing(empty_engine):
    await upgrade(empty_engine)
    await upgrade(empty_engine)
    assert await current_revision(empty_engine) == head_revision()
    assert await differences_from_the_models(empty_engine) == []
