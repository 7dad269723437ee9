"""Write events in the same transaction as the change they announce (transactional outbox).

The unit of work hands over the events its use case recorded, just before it commits; they are
numbered per stream here and inserted together, so nothing is announced that did not commit and
nothing that committed is lost.
"""

from collections.abc import Sequence

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.events import DocumentEvent
from domain.store.tables import Event
from domain.store.types import utcnow

events = Event.__table__


async def write_events(
    session: AsyncSession, recorded: Sequence[tuple[DocumentEvent, int | None]]
) -> None:
    """Insert (event, actor id) pairs, numbering each stream's events on from its last one.

    Callers hold each document's row lock (its version update) so two transactions never number
    the same stream at once; the unique (stream, sequence) constraint backs that up. One
    statement when each stream gets one event (the usual case: each row numbers itself from its
    stream's last number); otherwise two, whatever the number of events: the streams' last
    numbers, then one insert.
    """
    if not recorded:
        return
    streams = {event.stream for event, _ in recorded}
    if len(streams) == len(recorded):
        now = utcnow()
        await session.execute(
            insert(events).values(
                [
                    {
                        "stream": event.stream,
                        "sequence": select(func.coalesce(func.max(events.c.sequence), 0) + 1)
                        .where(events.c.stream == event.stream)
                        .scalar_subquery(),
                        "type": event.action,
                        "actor_id": actor_id,
                        "payload": event.payload(),
                        "occurred_at": now,
                    }
                    for event, actor_id in recorded
                ]
            )
        )
        return
    last = dict(
        (
            await session.execute(
                select(events.c.stream, func.max(events.c.sequence))
                .where(events.c.stream.in_(streams))
                .group_by(events.c.stream)
            )
        ).all()
    )
    now = utcnow()
    rows = []
    for event, actor_id in recorded:
        sequence = last.get(event.stream, 0) + 1
        last[event.stream] = sequence
        rows.append(
            {
                "stream": event.stream,
                "sequence": sequence,
                "type": event.action,
                "actor_id": actor_id,
                "payload": event.payload(),
                "occurred_at": now,
            }
        )
    await session.execute(insert(events), rows)
