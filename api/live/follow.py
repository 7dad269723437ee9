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
from api.live.transport import current_operation
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
    info: Info,
    interest: Interest,
    after: str | None,
    make: Callable[[EventRecord], Any],
    *,
    shared: bool = False,
    final: Callable[[EventRecord], bool] | None = None,
) -> AsyncGenerator[Any, None]:
    """Yield `make(record)` for every matching event after `after` (stored ones first), then
    live; the subscription ends after the event `final` accepts, if one is given. Without
    `after`, live means committed after subscribing: events the hub knew of then are history.

    With `shared`, over our websocket transport, once the stored events are sent the
    subscription is handed to the hub's fan-out (api.live.transport, api.live.fanout): live
    events are resolved once per group of subscribers who see the same answer and written to
    the socket without coming through here, and this generator ends. The caller must then only
    pass on what it gets (`async for change in follow(...): yield change`); a subscription that
    acts on each event itself leaves `shared` off and sees every event."""
    context = info.context
    position = await parse_cursor(context, after)
    running = current_operation.get() if shared else None
    # The loaders this operation got for its setup (api.context.OperationReads) are not used
    # again: each event brings its own. Let them go rather than keep them as long as it lives.
    event_loaders.set(None)
    # Register before replaying: anything committed meanwhile is queued, and dropped below when
    # the replay already delivered it.
    subscriber = context.hub.subscribe(interest)
    known = context.hub.known
    go_live = None
    if running is not None:

        def go_live(delivered: int) -> bool:
            return running.go_live(subscriber, info, make, final, delivered)

    since = time.time()
    try:
        async for record in feed(context, subscriber, interest, position, known, go_live):
            reads = EventReads(context)
            try:
                yield make(record)
                observe_lag(record, since)  # resumed once the answer was sent
            finally:
                await reads.close()
            if final is not None and final(record):
                return
    finally:
        if running is None or not running.went_live:
            context.hub.unsubscribe(subscriber)


def observe_lag(record: EventRecord, since: float) -> None:
    """Commit-to-delivery time of a live event; replays of older events are left out."""
    recorded = record.occurred_at.timestamp()
    if recorded >= since:
        EVENT_LAG.observe(time.time() - recorded)


async def feed(
    context,
    subscriber: Subscriber,
    interest: Interest,
    after: int | None,
    known: int,
    go_live: Callable[[int], bool] | None,
) -> AsyncGenerator[EventRecord, None]:
    """The stored events after `after` that `interest` accepts, then the live ones after the
    last of them (without `after`: after `known`, the last position the hub knew of when the
    subscription registered). Ends when `go_live` takes the subscription over, which it is
    offered, with the last position delivered, whenever nothing is queued (with no await in
    between, so nothing queued is left behind)."""
    last = known
    if after is not None:
        last = after
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
                if interest.matches(record):
                    yield record
            if len(stored) < REPLAY_BATCH:
                break
    while True:
        try:
            record = subscriber.pending()
            if record is None:
                if go_live is not None and go_live(last):
                    return
                record = await subscriber.next()
        except SubscriberTooSlow as e:
            raise GraphQLError(str(e), extensions={"code": "SUBSCRIBER_TOO_SLOW"}) from e
        if record.position <= last:
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
