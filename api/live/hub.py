"""The event hub of one server process.

Two loops. The sequencer gives positions to newly committed events (after a local commit, or
every poll interval for commits made elsewhere) and publishes the highest position on the broker.
The reader, woken by the broker (or the poll), reads the events after the last position it
dispatched, in order, once for all subscribers, and puts each into the queue of every subscriber
whose interest matches. Subscribers then resolve and send them on their own.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from api.live.brokers import Broker
from domain.store import outbox
from domain.store.sequencer import assign_positions, last_position
from domain.store.tables import Event

POLL_SECONDS = 1.0
BACKGROUND = "event_hub"  # execution option on the hub's statements
READ_BATCH = 500
QUEUE_LIMIT = 10_000  # a subscriber this far behind is cut off and told to resume from its cursor
events = Event.__table__
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EventRecord:
    """A committed, positioned event as subscribers see it."""

    position: int
    stream: str
    sequence: int
    type: str
    actor_id: int | None
    payload: dict
    occurred_at: datetime
    # The encoded answer to this event of each group of subscribers (api.live.shared_answers).
    shared_payloads: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def stream_type(self) -> str:
        return self.stream.partition(":")[0]

    @property
    def document_id(self) -> int:
        return int(self.stream.partition(":")[2])

    @classmethod
    def from_row(cls, row) -> "EventRecord":
        return cls(
            row.position,
            row.stream,
            row.sequence,
            row.type,
            row.actor_id,
            row.payload or {},
            row.occurred_at,
        )


@dataclass(frozen=True)
class Interest:
    """What a subscriber wants: events of one stream, or of some stream types (every type when
    None), that pass `accepts` (which also applies the subscriber's read scope)."""

    accepts: Callable[[EventRecord], bool]
    stream_types: frozenset[str] | None = None
    stream: str | None = None

    def matches(self, record: EventRecord) -> bool:
        if self.stream is not None:
            if record.stream != self.stream:
                return False
        elif self.stream_types is not None and record.stream_type not in self.stream_types:
            return False
        return self.accepts(record)


class SubscriberTooSlow(Exception):
    """The subscriber's queue overflowed; it must resubscribe with its last cursor."""


@dataclass(eq=False)
class Subscriber:
    interest: Interest
    queue: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(QUEUE_LIMIT))
    overflowed: bool = False

    async def next(self) -> EventRecord:
        record = await self.queue.get()
        if record is None:
            raise SubscriberTooSlow(
                "too many events pending; resubscribe with `after` set to your last cursor"
            )
        return record

    def offer(self, record: EventRecord) -> None:
        if self.overflowed:
            return
        try:
            self.queue.put_nowait(record)
        except asyncio.QueueFull:
            # Drop what is pending and leave the end-of-feed marker that next() turns into an error.
            self.overflowed = True
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(None)


class EventHub:
    def __init__(self, engine: AsyncEngine, broker: Broker) -> None:
        # Marked, so statement counts of requests can leave the hub's background work out.
        self.engine = engine.execution_options(**{BACKGROUND: True})
        self.broker = broker
        self._subscribers: set[Subscriber] = set()
        self._cursor = 0
        self._commits = asyncio.Event()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        # Events already committed before this process started are history, not live news.
        await assign_positions(self.engine)
        self._cursor = await last_position(self.engine)
        await self.broker.start(self.wake)
        outbox.commit_listeners.append(self.committed)
        self._tasks = [
            asyncio.create_task(self._sequencer(), name="event-sequencer"),
            asyncio.create_task(self._reader(), name="event-reader"),
        ]

    async def stop(self) -> None:
        with contextlib.suppress(ValueError):
            outbox.commit_listeners.remove(self.committed)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.broker.close()

    async def resync(self) -> None:
        """Follow from the current end of the table, as at start. For when the event table was
        rewritten under a running server (a restore; tests reloading their data)."""
        await assign_positions(self.engine)
        self._cursor = await last_position(self.engine)

    def committed(self) -> None:
        """A local unit of work committed events: sequence them now."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._commits.set)

    def wake(self) -> None:
        """New positions exist (here or in another process): read them."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    def subscribe(self, interest: Interest) -> Subscriber:
        subscriber = Subscriber(interest)
        self._subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.discard(subscriber)

    async def _sequencer(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._commits.wait(), POLL_SECONDS)
            self._commits.clear()
            try:
                highest = await assign_positions(self.engine)
                if highest is not None:
                    self._wake.set()
                    await self.broker.publish(highest)
            except asyncio.CancelledError:
                raise
            except Exception:  # the database or broker hiccuped; the next round retries
                log.exception("event sequencer failed; retrying")
                await asyncio.sleep(POLL_SECONDS)

    async def _reader(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
            self._wake.clear()
            try:
                await self._dispatch_new()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("event reader failed; retrying")
                await asyncio.sleep(POLL_SECONDS)

    async def _dispatch_new(self) -> None:
        while True:
            records = await read_after(self.engine, self._cursor, READ_BATCH)
            for record in records:
                for subscriber in list(self._subscribers):
                    if subscriber.interest.matches(record):
                        subscriber.offer(record)
                self._cursor = record.position
            if len(records) < READ_BATCH:
                return


async def read_after(
    engine: AsyncEngine, position: int, limit: int, interest: Interest | None = None
) -> list[EventRecord]:
    """Positioned events after `position`, in order (of one stream type or stream, if given)."""
    stmt = select(events).where(events.c.position > position)
    if interest is not None:
        if interest.stream is not None:
            stmt = stmt.where(events.c.stream == interest.stream)
        elif interest.stream_types is not None:
            stmt = stmt.where(or_(*(events.c.stream.like(f"{t}:%") for t in interest.stream_types)))
    stmt = stmt.order_by(events.c.position).limit(limit)
    async with engine.connect() as conn:
        return [EventRecord.from_row(row) for row in await conn.execute(stmt)]
