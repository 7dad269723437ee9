"""Optimistic locking of documents that carry a `version` (orders, shipments, stock-ins...)."""

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError, DomainRefusal, ErrorCode
from domain.store.types import utcnow


def check_expected_version(row, expected_version: int | None, noun: str) -> None:
    """CONFLICT when the client saw another version than the one stored."""
    if expected_version is not None and expected_version != row.version:
        raise DomainRefusal(
            DomainError(
                ErrorCode.CONFLICT,
                f"the {noun} is at version {row.version}, not {expected_version}; reload it",
                ("input", "expectedVersion"),
            )
        )


async def bump_version(
    session: AsyncSession, model, row, expected_version: int | None, noun: str, **changes
) -> None:
    """Apply `changes` and raise the version, only if nobody changed the row since we read it."""
    check_expected_version(row, expected_version, noun)
    result = await session.execute(
        update(model)
        .where(model.id == row.id, model.version == row.version)
        .values(version=model.version + 1, updated_at=utcnow(), **changes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise DomainRefusal(
            DomainError(ErrorCode.CONFLICT, f"the {noun} was changed meanwhile; reload it", None)
        )
    await session.refresh(row)
