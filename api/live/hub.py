"""The event hub of one server process.

Two loops. The sequencer gives positions to newly committed events (after a local commit, or
every poll interval for commits made elsewhere) and publishes the highest position on the broker.
The reader, woken by the broker (or the poll), reads the events after the last position it
dispatched, in order, once for all subscribers, and hands each to the subscribers it concerns:

- the candidates come from an index of what subscribers filter by (api.live.index), so an event
  costs nothing for subscribers of other documents, customers or approvers;
- each candidate's `accepts` decides (the viewer's scope); candidates whose interests have equal
  `verdict` keys share one answer, so a thousand dashboards of one scope cost one check;
- a subscriber that is still replaying its history gets the event in its queue; one that has
  caught up (over our websocket transport) is served by the fan-out (api.live.fanout): one
  resolution per group of subscribers who see the same answer, written to each socket.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from api.live.brokers import Broker
from api.live.fanout import Fanout, LiveStats
from api.live.index import SubscriberIndex
from api.live.outbox import Outbox
from domain.store.events.reader import EventRecord, read_after
from domain.store.events.sequencer import assign_positions, last_position

POLL_SECONDS = 1.0
BACKGROUND = "event_hub"  # execution option on the hub's statements
READ_BATCH = 500
QUEUE_LIMIT = 10_000  # a subscriber this far behind is cut off and told to resume from its cursor
FLUSH_CHUNK = 256  # sockets written between two turns of the event loop
log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class Interest:
    """What a subscriber wants.

    What the hub's index serves (api.live.index), so that an event costs nothing for the
    subscribers it does not concern:
    - `stream_types`: kinds of document (their stream's type, e.g. "SalesOrder"); None: all;
    - `stream`: one document's stream ("SalesOrder:42");
    - `keys`: (event field, value) pairs of which the event must carry at least one, e.g.
      ("customer_id", 7), or ("assignees", 12) for a field holding a tuple of user ids (with a
      `stream`, the event must be of that stream and carry one of them).
    Then `accepts` decides (typically the viewer's read scope). Interests with equal `verdict`
    keys must accept exactly the same events: the hub asks `accepts` once per event for all
    of them (a verdict built from the viewer's reading scope, not from the user)."""

    accepts: Callable[[EventRecord], bool]
    stream_types: frozenset[str] | None = None
    stream: str | None = None
    keys: frozenset[tuple[str, Hashable]] = frozenset()
    verdict: Hashable | None = None

    def concerns(self, record: EventRecord) -> bool:
        """What the index would find, for events read from the table (replays)."""
        if self.stream is not None:
            if record.stream != self.stream:
                return False
        elif self.stream_types is not None and record.stream_type not in self.stream_types:
            return False
        if not self.keys:
            return True
        event = record.event
        for field, value in self.keys:
            held = getattr(event, field, None)
            if held == value or (
                isinstance(held, tuple | list | frozenset | set) and value in held
            ):
                return True
        return False

    def matches(self, record: EventRecord) -> bool:
        return self.concerns(record) and self.accepts(record)


class SubscriberTooSlow(Exception):
    """The subscriber's queue overflowed; it must resubscribe with its last cursor."""


class Subscriber:
    """One subscription as the hub sees it: its interest, and either a queue of events (while
    it replays, or outside our websocket transport) or its place in the fan-out (`member`)."""

    __slots__ = ("interest", "member", "overflowed", "queue")

    def __init__(self, interest: Interest) -> None:
        self.interest = interest
        # Made when first needed: a subscription that goes live at once never needs one.
        self.queue: asyncio.Queue | None = None
        self.overflowed = False
        self.member = None  # api.live.fanout.Member once live

    async def next(self) -> EventRecord:
        if self.queue is None:
            self.queue = asyncio.Queue(QUEUE_LIMIT)
        record = await self.queue.get()
        if record is None:
            raise SubscriberTooSlow(
                "too many events pending; resubscribe with `after` set to your last cursor"
            )
        return record

    def pending(self) -> EventRecord | None:
        """The next queued event without waiting, or None when there is none."""
        if self.queue is None or self.queue.empty():
            return None
        record = self.queue.get_nowait()
        if record is None:
            raise SubscriberTooSlow(
                "too many events pending; resubscribe with `after` set to your last cursor"
            )
        return record

    def offer(self, record: EventRecord) -> None:
        if self.overflowed:
            return
        if self.queue is None:
            self.queue = asyncio.Queue(QUEUE_LIMIT)
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
        self.stats = LiveStats()
        self.fanout = Fanout(self.stats)
        self._index = SubscriberIndex()
        # The last position dispatched, per stream type (api.live.sign_in watches access events).
        self.latest: dict[str, int] = {}
        self._cursor = 0  # the last position dispatched to subscribers
        self._announced = 0  # the highest position known to exist
        self._commits = asyncio.Event()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def subscriber_count(self) -> int:
        return self._index.count

    @property
    def cursor(self) -> int:
        """The last position dispatched to subscribers."""
        return self._cursor

    @property
    def known(self) -> int:
        """The last position this process knows to exist: events up to it are history to a
        subscription starting now (without `after`)."""
        return max(self._cursor, self._announced)

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
        """A subscriber whose matching events queue up until it takes them (or goes live)."""
        subscriber = Subscriber(interest)
        self._index.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self._index.remove(subscriber)
        member = subscriber.member
        if member is not None:
            subscriber.member = None
            self.fanout.leave(member)

    def go_live(self, subscriber: Subscriber, member) -> None:
        """From now on `subscriber`'s events go to the fan-out as `member` (api.live.fanout),
        not to its queue, which must be empty."""
        assert subscriber.queue is None or subscriber.queue.empty()
        member.subscriber = subscriber
        subscriber.member = member
        subscriber.queue = None

    def leave(self, member) -> None:
        """A live subscription ended."""
        if member.subscriber is not None:
            self.unsubscribe(member.subscriber)

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
                ready = self._dispatch(record)
                self._cursor = record.position
                if ready:
                    await self._flush(ready)
            if len(records) < READ_BATCH:
                return

    def _dispatch(self, record: EventRecord) -> Collection[Outbox]:
        """Hand `record` to the subscribers it concerns; the outboxes with frames ready."""
        stats = self.stats
        stats.events += 1
        self.latest[record.stream_type] = record.position
        candidates = self._index.candidates(record.event)
        if not candidates:
            return ()
        stats.candidates += len(candidates)
        verdicts: dict[Hashable, bool] = {}
        live = []
        for subscriber in candidates:
            interest = subscriber.interest
            if interest.stream is not None and interest.keys and not interest.concerns(record):
                continue  # filed under its document only: its other keys are checked here
            accepted = verdicts.get(interest.verdict) if interest.verdict is not None else None
            if accepted is None:
                stats.checks += 1
                try:
                    accepted = bool(interest.accepts(record))
                except Exception:  # a bug in one subscription must not stop the others
                    log.exception("checking event %s for a subscriber failed", record.position)
                    accepted = False
                if interest.verdict is not None:
                    verdicts[interest.verdict] = accepted
            if not accepted:
                continue
            member = subscriber.member
            if member is None:
                subscriber.offer(record)
            elif record.position > member.after:  # not delivered in its replay, not history
                live.append(member)
        if not live:
            return ()
        return self.fanout.deliver(record, live)

    async def _flush(self, outboxes: Collection[Outbox]) -> None:
        """Write the frames of one event, letting other work in between every few hundred
        sockets (a broadcast to thousands would otherwise hold the loop)."""
        for written, outbox in enumerate(outboxes, 1):
            outbox.flush()
            if written % FLUSH_CHUNK == 0:
                await asyncio.sleep(0)
