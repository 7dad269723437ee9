"""Write events in the same transaction as the change they announce (transactional outbox)."""

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.store.tables import Event

# Called after a unit of work that recorded events commits (the live-event hub registers here,
# so a change is announced as soon as it is committed, not at the next poll).
commit_listeners: list[Callable[[], None]] = []


def stream_of(type_name: str, pk: int) -> str:
    """Stream names match the GraphQL type names of the documents: "SalesPlan:42"."""
    return f"{type_name}:{pk}"


async def record_event(
    session: AsyncSession, stream: str, type: str, actor_id: int | None, payload: dict
) -> Event:
    """Append an event to `stream` with the next sequence number.

    Callers hold the document's row lock (its version update) so two transactions never number
    the same stream at once; the unique (stream, sequence) constraint backs that up.
    """
    last = (
        await session.execute(select(func.max(Event.sequence)).where(Event.stream == stream))
    ).scalar_one_or_none()
    event = Event(
        stream=stream, sequence=(last or 0) + 1, type=type, actor_id=actor_id, payload=payload
    )
    session.add(event)
    await session.flush()
    session.info["recorded_events"] = True
    return event


def announce_commit(session: AsyncSession) -> None:
    """Tell the listeners that events were committed (call after commit)."""
    if session.info.pop("recorded_events", False):
        for listener in list(commit_listeners):
            listener()
