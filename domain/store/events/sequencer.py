"""Give committed events their publication position, in one serialized step.

Event ids come from the insert, so on PostgreSQL a transaction holding id 9 can commit after
another one holding id 10; a subscriber that had read "everything after 9" would then miss it.
Positions avoid that: they are given only to rows already committed, in id order, by one
transaction at a time (an advisory lock on PostgreSQL; SQLite has a single writer), so the rows
with a position always form a gapless prefix that subscribers can follow with `position > n`.
"""

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.store.db import reader, writer
from domain.store.tables import Event

ADVISORY_LOCK_KEY = 72_010_001
BATCH = 1000
events = Event.__table__


async def assign_positions(engine: AsyncEngine) -> int | None:
    """Number the committed events that have no position yet; the highest position given
    (None when there was nothing new)."""
    highest = None
    while True:
        if not await any_unpositioned(engine):
            return highest  # the usual case when polling: no write transaction at all
        async with writer(engine).begin() as conn:
            if conn.dialect.name == "postgresql":
                await conn.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
                )
            ids = (
                (
                    await conn.execute(
                        select(events.c.id)
                        .where(events.c.position.is_(None))
                        .order_by(events.c.id)
                        .limit(BATCH)
                    )
                )
                .scalars()
                .all()
            )
            if not ids:
                return highest
            top = (await conn.execute(select(func.max(events.c.position)))).scalar() or 0
            await conn.execute(
                update(events)
                .where(events.c.id == bindparam("event_id"))
                .values(position=bindparam("new_position")),
                [
                    {"event_id": event_id, "new_position": top + n}
                    for n, event_id in enumerate(ids, 1)
                ],
            )
            highest = top + len(ids)
        if len(ids) < BATCH:
            return highest


async def any_unpositioned(engine: AsyncEngine) -> bool:
    async with reader(engine).connect() as conn:  # one statement: no transaction on PostgreSQL
        found = await conn.execute(select(events.c.id).where(events.c.position.is_(None)).limit(1))
        return found.first() is not None


async def last_position(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return (await conn.execute(select(func.max(events.c.position)))).scalar() or 0
