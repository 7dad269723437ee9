"""Unit of work: one write transaction; everything in it commits together or not at all."""

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.store.db import create_sessionmaker, writer
from domain.store.outbox import announce_commit


class UnitOfWork:
    """`async with UnitOfWork(engine) as uow: ...; await uow.commit()`; leaving without commit rolls back."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._sessionmaker = create_sessionmaker(writer(engine))
        self.session: AsyncSession | None = None

    async def __aenter__(self) -> "UnitOfWork":
        self.session = self._sessionmaker()
        await self.session.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self.session.in_transaction():
                await self.session.rollback()
        finally:
            await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()
        announce_commit(self.session)
