"""Failed sign-in counts (domain.accounts.throttle), one row per key."""

from datetime import datetime

from sqlalchemy import case, delete, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.accounts.throttle import WINDOW, Allowance, wait_seconds
from domain.store.tables import SignInThrottle
from domain.store.types import UtcDateTime


async def seconds_to_wait(s: AsyncSession, keys: list[tuple[Allowance, str]], now: datetime) -> int:
    """The longest wait any of these keys asks for before an attempt may be checked."""
    by_key = {allowance.key(value): allowance for allowance, value in keys}
    rows = (await s.execute(select(SignInThrottle).where(SignInThrottle.key.in_(by_key)))).scalars()
    waits = [wait_seconds(by_key[r.key], r.failures, r.last_failure_at, now) for r in rows]
    return max(waits, default=0)


async def count_failure(s: AsyncSession, key: str, now: datetime) -> None:
    """One more failure for `key`, in one statement (concurrent failures all count); the count
    starts again when the last failure is older than the window."""
    insert = pg_insert if s.bind.dialect.name == "postgresql" else sqlite_insert
    table = SignInThrottle.__table__
    stmt = insert(table).values(key=key, failures=1, window_started_at=now, last_failure_at=now)
    lapsed = table.c.last_failure_at < literal(now - WINDOW, UtcDateTime())
    stmt = stmt.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "failures": case((lapsed, 1), else_=table.c.failures + 1),
            "window_started_at": case(
                (lapsed, literal(now, UtcDateTime())), else_=table.c.window_started_at
            ),
            "last_failure_at": now,
        },
    )
    await s.execute(stmt)


async def clear_failures(s: AsyncSession, key: str) -> None:
    await s.execute(delete(SignInThrottle).where(SignInThrottle.key == key))
