"""Statements run by reads shared between the API's read path and the use cases: they take a
`Rows` function, so the same code runs on a request's read connection (api.loaders.ReadDB.rows)
or inside a unit of work (`session_rows(session)`)."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

# Runs one statement and returns all its rows.
Rows = Callable[[Any], Awaitable[Sequence[Any]]]


def session_rows(session: AsyncSession) -> Rows:
    """`Rows` over a session (a unit of work's)."""

    async def run(stmt) -> Sequence[Any]:
        return (await session.execute(stmt)).all()

    return run
