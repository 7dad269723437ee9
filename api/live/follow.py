"""Following the event feed for one subscription: replay after a cursor, then live, no gap and no
duplicate at the seam, each event resolved with fresh loaders."""

import contextlib
import time
from collections.abc import AsyncGenerator, Callable
from typing import Any

from graphql import GraphQLError
from strawberry.types import Info

from api.context import event_loaders
from api.ids import parse_key
from api.live.hub import Interest, Subscriber, SubscriberTooSlow
from api.live.shared_answers import current_operation
from api.loaders import Loaders, ReadDB
from api.observability.metrics import EVENT_LAG
from domain.store.events.reader import EventRecord, read_after
from domain.store.events.sequencer import last_position

REPLAY_BATCH = 500


BAD_CURSOR = {"code": "BAD_CURSOR"}


async def parse_cursor(context, after: str | None) -> int | None:
    """The event position `after` names; refused unless this server could have sent it."""
    if after is None:
        return None
    try:
        position = parse_key(after)
    except ValueError as e:
        raise GraphQLError(
            "`after` must be a cursor received from this subscription", extensions=BAD_CURSOR
        ) from e
    if position > await last_position(context.engine):
        # Never sent by this server (or its event table was restored to an earlier state):
        # following from there would skip every live event until positions caught up.
        raise GraphQLError(
            "`after` is beyond the last event: subscribe without it and reload what you show",
            extensions=BAD_CURSOR,
        )
    return position


async def follow(
    info: Info, interest: Interest, after: str | None, make: Callable[[EventRecord], Any]
) -> AsyncGenerator[Any, None]:
    """Yield `make(record)` for every matching event after `after` (stored ones first), then live.

    Over our websocket transport, an event whose answer another subscriber of the same group
    has already made is sent from here instead (api.live.shared_answers)."""
    context = info.context
    last = await parse_cursor(context, after)
    sharing = current_operation.get()
    # The loaders this operation got for its setup (api.context.OperationReads) are not used
    # again: each event brings its own. Let them go rather than keep them as long as it lives.
    event_loaders.set(None)
    # Register before replaying: anything committed meanwhile is queued, and feed() drops what
    # the replay already delivered.
    subscriber = context.hub.subscribe(interest)
    since = time.time()
    try:
        async for record in feed(context, subscriber, interest, last):
            if sharing is not None and await sharing.send_shared(record):
                observe_lag(record, since)
                continue
            reads = None
            try:
                reads = EventReads(context)
                yield make(record)
                observe_lag(record, since)  # resumed once the answer was sent
            finally:
                if sharing is not None:
                    sharing.led(None)  # if our answer was not sent, the waiters resolve their own
                if reads is not None:
                    await reads.close()
    finally:
        context.hub.unsubscribe(subscriber)


def observe_lag(record: EventRecord, since: float) -> None:
    """Commit-to-delivery time of a live event; replays of older events are left out."""
    recorded = record.occurred_at.timestamp()
    if recorded >= since:
        EVENT_LAG.observe(time.time() - recorded)


async def feed(
    context, subscriber: Subscriber, interest: Interest, last: int | None
) -> AsyncGenerator[EventRecord, None]:
    """The stored events after `last` that `interest` accepts, then the live ones after them."""
    if last is not None:
        while True:
            stored = await read_after(
                context.engine,
                last,
                REPLAY_BATCH,
                stream=interest.stream,
                stream_types=interest.stream_types,
            )
            for record in stored:
                last = record.position
                if interest.accepts(record):
                    yield record
            if len(stored) < REPLAY_BATCH:
                break
    while True:
        try:
            record = await subscriber.next()
        except SubscriberTooSlow as e:
            raise GraphQLError(str(e), extensions={"code": "SUBSCRIBER_TOO_SLOW"}) from e
        if last is not None and record.position <= last:
            continue
        last = record.position
        yield record


class EventReads:
    """Fresh loaders, with their own connection, for resolving one event; closed after it."""

    def __init__(self, context) -> None:
        self._db = ReadDB(context.engine)
        self._token = event_loaders.set(Loaders(self._db, context.viewer))

    async def close(self) -> None:
        # A subscription ended from outside (client gone) may close us in another context.
        with contextlib.suppress(ValueError):
            event_loaders.reset(self._token)
        await self._db.close()
