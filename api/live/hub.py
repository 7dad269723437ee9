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

from sqlalchemy.ext.asyncio import AsyncEngine

from api.live.brokers import Broker
from domain.store.events.reader import EventRecord, read_after
from domain.store.events.sequencer import assign_positions, last_position

POLL_SECONDS = 1.0
BACKGROUND = "event_hub"  # execution option on the hub's statements
READ_BATCH = 500
QUEUE_LIMIT = 10_000  # a subscriber this far behind is cut off and told to resume from its cursor
log = logging.getLogger(__name__)


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
        self._cursor = 0  # the last position dispatched to subscribers
        self._announced = 0  # the highest position known to exist
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
        self._announced = self._cursor
        await self.broker.start(self.wake)
        self._tasks = [
            asyncio.create_task(self._sequencer(), name="event-sequencer"),
            asyncio.create_task(self._reader(), name="event-reader"),
        ]

    async def stop(self) -> None:
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
        self._cursor = self._announced = await last_position(self.engine)

    def committed(self) -> None:
        """A local unit of work committed events: sequence them now. (Passed to the use-case
        pipeline as its on-commit hook when the app is built.)"""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._commits.set)

    def wake(self, position: int | None = None) -> None:
        """Events up to `position` exist (None: look anyway). A position this process already
        knows of is its own publication coming back from the broker: ignored, so a commit wakes
        the reader once."""
        if self._loop is None:
            return
        if position is not None and position <= self._announced:
            return
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
                    self._announced = max(self._announced, highest)
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
