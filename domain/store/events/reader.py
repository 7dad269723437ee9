"""Reading committed, positioned events in order: for live delivery, for a subscriber's replay
after its cursor, and for documents' histories."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.events import DocumentEvent, decode_event
from domain.store.db import reader
from domain.store.tables import Event

events = Event.__table__


@dataclass(frozen=True)
class EventRecord:
    """A committed, positioned event: its place in the feed and the typed event."""

    position: int
    sequence: int  # within its stream: 1, 2, 3...
    actor_id: int | None
    occurred_at: datetime
    event: DocumentEvent

    @property
    def stream(self) -> str:
        return self.event.stream

    @property
    def stream_type(self) -> str:
        return self.event.STREAM

    @property
    def document_id(self) -> int:
        return self.event.document_id

    @classmethod
    def from_row(cls, row) -> "EventRecord":
        return cls(
            row.position,
            row.sequence,
            row.actor_id,
            row.occurred_at,
            decode_event(row.stream, row.type, row.payload),
        )


async def read_after(
    engine: AsyncEngine,
    position: int,
    limit: int,
    *,
    stream: str | None = None,
    stream_types: Iterable[str] | None = None,
) -> list[EventRecord]:
    """Positioned events after `position`, in order: of one stream, or of some stream types, or
    all of them."""
    stmt = select(events).where(events.c.position > position)
    if stream is not None:
        stmt = stmt.where(events.c.stream == stream)
    elif stream_types is not None:
        stmt = stmt.where(or_(*(events.c.stream.like(f"{t}:%") for t in stream_types)))
    stmt = stmt.order_by(events.c.position).limit(limit)
    async with reader(engine).connect() as conn:  # one statement: no transaction on PostgreSQL
        return [EventRecord.from_row(row) for row in await conn.execute(stmt)]
