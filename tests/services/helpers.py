"""Running commands as demo users, and looking up demo rows by code, for the services tier."""

from datetime import date
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access import Actor
from domain.errors import DomainError
from domain.plans.hierarchy import OwnerKind
from domain.services.pipeline import Result, UseCases
from domain.store.actors import load_actor
from domain.store.db import create_sessionmaker
from domain.store.tables import SalesPlan
from tests.conftest import demo_changed, snapshot


def codes(errors: tuple[DomainError, ...] | list[DomainError]) -> list[str]:
    return [e.code.value for e in errors]


def located(errors: tuple[DomainError, ...] | list[DomainError]) -> list[tuple]:
    """(code, field path as a list or None) of each error, as the API answers them."""
    return [(e.code.value, list(e.field) if e.field else None) for e in errors]


class Services:
    """`await services.ok(cmd, "planner")`, `await services.refused(cmd, "sales")`."""

    def __init__(self, engine: AsyncEngine, use_cases: UseCases) -> None:
        self.engine = engine
        self.use_cases = use_cases
        self._actors: dict[str, Actor] = {}

    async def actor(self, login: str) -> Actor:
        if login not in self._actors:
            async with create_sessionmaker(self.engine)() as session:
                user_id = await self.scalar("SELECT id FROM app_user WHERE login = :l", l=login)
                self._actors[login] = await load_actor(session, user_id)
        return self._actors[login]

    async def handle(self, cmd: Any, login: str) -> Result:
        return await self.use_cases.handle(cmd, await self.actor(login))

    async def ok(self, cmd: Any, login: str) -> Any:
        """The value of a command that must succeed."""
        result = await self.handle(cmd, login)
        assert result.ok, result.errors
        return result.value

    async def refused(self, cmd: Any, login: str) -> tuple[DomainError, ...]:
        """The errors of a command that must be refused, after checking that it changed nothing
        in any table."""
        before = await snapshot(self.engine)
        result = await self.handle(cmd, login)
        after = await snapshot(self.engine)
        if after != before:
            demo_changed()  # tests may share the demo; the next one must not see this
        assert not result.ok, f"{type(cmd).__name__} by {login} was not refused"
        assert result.value is None
        assert all(e.message for e in result.errors), result.errors
        assert after == before, f"the refused {type(cmd).__name__} changed the database"
        return result.errors

    async def refused_codes(self, cmd: Any, login: str) -> list[str]:
        return codes(await self.refused(cmd, login))

    async def scalar(self, sql: str, **params) -> Any:
        async with self.engine.connect() as conn:
            return (await conn.execute(text(sql), params)).scalar_one()

    async def rows(self, query, **params) -> list[tuple]:
        """The rows of a SQL string or a SQLAlchemy select."""
        statement = text(query) if isinstance(query, str) else query
        async with self.engine.connect() as conn:
            return [tuple(r) for r in await conn.execute(statement, params)]

    async def pk(self, table: str, where: str, **params) -> int:
        """Primary key of the first row of `table` matching a SQL condition."""
        return await self.scalar(
            f"SELECT id FROM {table} WHERE {where} ORDER BY id LIMIT 1", **params
        )

    async def by_code(self, table: str, code: str) -> int:
        """Primary key of the company, department, salesperson, product or customer with that code."""
        return await self.scalar(f"SELECT id FROM {table} WHERE code = :c", c=code)

    async def user(self, login: str) -> int:
        return await self.scalar("SELECT id FROM app_user WHERE login = :l", l=login)

    async def monthly_plan(self, owner: str, code: str, month: int, year: int = 2026) -> int:
        """The demo monthly plan of the company ("company", "HD"), department or salesperson with
        that code."""
        owner_id = await self.by_code(owner, code)
        column = getattr(SalesPlan, f"{owner}_id")
        query = select(SalesPlan.id).where(
            SalesPlan.owner_kind == OwnerKind(owner.upper()),
            column == owner_id,
            SalesPlan.period_start == date(year, month, 1),
        )
        async with self.engine.connect() as conn:
            return (await conn.execute(query)).scalar_one()
