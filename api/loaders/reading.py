"""The read side of a request: one connection, batch loaders by id, by parent and counts."""

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from strawberry.dataloader import DataLoader

from api.pagination import Connection, PageRequest, SortOrder, connection_of, page_statement
from domain.store.db import reader

# asyncpg takes at most 32,767 bind parameters per statement.
MAX_BATCH = 10_000


class ReadDB:
    """One database connection per request, opened on first use.

    Loaders of one request run concurrently; one connection cannot run two statements at once,
    so statements take turns through a lock. A websocket connection lives for hours and has no
    end-of-request hook, so there (`hold=False`) each statement borrows a pooled connection.
    """

    def __init__(self, engine: AsyncEngine, *, hold: bool = True) -> None:
        self._engine = reader(engine)
        self._hold = hold
        self._connection: AsyncConnection | None = None
        self._lock = asyncio.Lock()

    @property
    def holds_connection(self) -> bool:
        return self._hold

    async def rows(self, stmt) -> Sequence[Any]:
        if not self._hold:
            async with self._engine.connect() as connection:
                return (await connection.execute(stmt)).all()
        async with self._lock:
            if self._connection is None:
                self._connection = await self._engine.connect()
            return (await self._connection.execute(stmt)).all()

    async def close(self) -> None:
        async with self._lock:
            if self._connection is not None:
                await self._connection.close()
                self._connection = None


def by_id_loader(
    db: ReadDB, base: Callable[[], Select], id_column, make: Callable[[Any], Any]
) -> DataLoader[int, Any]:
    """Objects by primary key; None for ids that do not exist or are out of the viewer's reach."""

    async def load(ids: list[int]) -> list[Any]:
        rows = await db.rows(base().where(id_column.in_(set(ids))))
        found = {row._mapping[id_column.key]: make(row) for row in rows}
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load, max_batch_size=MAX_BATCH)


# A filter key is a hashable description of a `where` input; `conditions` turns it into SQL.
FilterKey = Hashable
Conditions = Callable[[FilterKey], list]


def no_filter(_key: FilterKey) -> list:
    return []


class ChildPages:
    """Pages of a parent's children (departments of companies, plans of salespeople...).

    `load(parent_id, page, filter_key)` for many parents costs one statement per distinct
    (page, filter) pair, usually one per level of the query, plus one for `totalCount`.
    """

    def __init__(
        self,
        db: ReadDB,
        base: Callable[[], Select],
        parent_column,
        order: SortOrder,
        make: Callable[[Any], Any],
        conditions: Conditions = no_filter,
        prefetch: Callable[[list], Awaitable[None]] | None = None,
    ) -> None:
        self._db = db
        self._base = base
        self._parent_column = parent_column
        self._prefetch = prefetch
        self._order = order
        self._make = make
        self._conditions = conditions
        self._pages = DataLoader(load_fn=self._load_pages, max_batch_size=MAX_BATCH)
        self._counts = DataLoader(load_fn=self._load_counts, max_batch_size=MAX_BATCH)

    async def load(
        self, parent_id: int, page: PageRequest, filter_key: FilterKey = ()
    ) -> Connection:
        rows = await self._pages.load((parent_id, page, filter_key))
        return connection_of(
            rows,
            page,
            self._order,
            self._make,
            lambda: self._counts.load((parent_id, filter_key)),
        )

    async def _load_pages(self, keys: list[tuple]) -> list[list]:
        groups: dict[tuple, set[int]] = defaultdict(set)
        for parent_id, page, filter_key in keys:
            groups[(page, filter_key)].add(parent_id)
        found: dict[tuple, list] = defaultdict(list)
        all_rows = []
        for (page, filter_key), parent_ids in groups.items():
            base = self._base().where(*self._conditions(filter_key))
            stmt = page_statement(base, self._order, page, self._parent_column, sorted(parent_ids))
            rows = await self._db.rows(stmt)
            all_rows.extend(rows)
            for row in rows:
                found[(row._mapping[self._parent_column.key], page, filter_key)].append(row)
        if self._prefetch is not None and all_rows:
            await self._prefetch(all_rows)
        return [found.get(key, []) for key in keys]

    async def _load_counts(self, keys: list[tuple]) -> list[int]:
        groups: dict[FilterKey, set[int]] = defaultdict(set)
        for parent_id, filter_key in keys:
            groups[filter_key].add(parent_id)
        counts: dict[tuple, int] = {}
        for filter_key, parent_ids in groups.items():
            sub = (
                self._base()
                .where(*self._conditions(filter_key), self._parent_column.in_(parent_ids))
                .subquery()
            )
            parent = sub.c[self._parent_column.key]
            stmt = select(parent, func.count()).group_by(parent)
            for parent_id, n in await self._db.rows(stmt):
                counts[(parent_id, filter_key)] = n
        return [counts.get(key, 0) for key in keys]


class TopLevelPages:
    """Pages of a list with no parent (companies, products, all visible plans)."""

    def __init__(
        self,
        db: ReadDB,
        base: Callable[[], Select],
        order: SortOrder,
        make: Callable[[Any], Any],
        conditions: Conditions = no_filter,
    ) -> None:
        self._db = db
        self._base = base
        self._order = order
        self._make = make
        self._conditions = conditions

    async def load(self, page: PageRequest, filter_key: FilterKey = ()) -> Connection:
        base = self._base().where(*self._conditions(filter_key))
        rows = await self._db.rows(page_statement(base, self._order, page))

        async def count() -> int:
            counted = await self._db.rows(select(func.count()).select_from(base.subquery()))
            return counted[0][0]

        return connection_of(rows, page, self._order, self._make, count)
