"""Optimistic locking of documents that carry a `version` (plans, orders, shipments, stock-ins,
returns...): the one place versions are checked and raised."""

from sqlalchemy import inspect, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from domain.errors import ErrorCode, refuse
from domain.store.types import utcnow


def noun_of(row) -> str:
    """How refusals name the document: the table's NOUN ("plan", "order"...)."""
    return getattr(type(row), "NOUN", "document")


def check_expected_version(row, expected_version: int | None) -> None:
    """CONFLICT when the client saw another version than the one stored."""
    if expected_version is not None and expected_version != row.version:
        raise refuse(
            ErrorCode.CONFLICT,
            f"the {noun_of(row)} is at version {row.version}, not {expected_version}; reload it",
            "input",
            "expectedVersion",
        )


async def bump_version(
    session: AsyncSession, row, expected_version: int | None = None, **changes
) -> None:
    """Apply `changes` and raise the version, only if nobody changed the row since we read it.
    The stored row comes back with the update (RETURNING), so `row` is current without reading
    it again."""
    check_expected_version(row, expected_version)
    model = type(row)
    columns = model.__table__.columns
    stored = (
        await session.execute(
            update(model)
            .where(model.id == row.id, model.version == row.version)
            .values(version=model.version + 1, updated_at=utcnow(), **changes)
            .returning(*columns)
            .execution_options(synchronize_session=False)
        )
    ).one_or_none()
    if stored is None:
        raise refuse(ErrorCode.CONFLICT, f"the {noun_of(row)} was changed meanwhile; reload it")
    mapper = inspect(model)
    for column, value in zip(columns, stored, strict=True):
        set_committed_value(row, mapper.get_property_by_column(column).key, value)
