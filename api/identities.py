"""Who a bearer token stands for, remembered per process for a few seconds.

Checking a token's signature and expiry is cheap and happens on every request; reading the user,
their place in the organisation and their sign-in session is four or five SQL statements, and a
client sends the same token with every request. So the Actor found for a (user, sign-in session)
is kept for at most IDENTITY_SECONDS, and forgotten as soon as something may have changed it:

- in this process, by the commit that changed it: the use-case pipeline hands every commit's
  events to `committed` before the response of the request that made the change is written;
- in every other process, when its event hub reads the change (woken by the event broker within
  milliseconds of the commit, see docs/operations.md);
- after IDENTITY_SECONDS in any case (a change made straight in the database, without events).

Events of a user's stream (deactivated, roles or links changed, signed out, sessions revoked,
password changed or reset) forget that user; Department and Salesperson events may move anyone's
company or department, so they forget everyone.

The cache is not used at all, every request then reading the database as before, while this
process could miss such news: before its hub follows the events, and while the broker is
unreachable (the hubs then poll once a second). A read that raced with a change is not kept.
"""

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable

from domain.access import Actor

IDENTITY_SECONDS = 10.0
MAX_IDENTITIES = 10_000
ACCESS_STREAMS = frozenset({"User", "Department", "Salesperson"})
log = logging.getLogger(__name__)


class IdentityCache:
    """Actors by key ((user id, sign-in session id), or an identity provider's login)."""

    def __init__(
        self,
        seconds: float = IDENTITY_SECONDS,
        max_entries: int = MAX_IDENTITIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[Hashable, tuple[Actor, float]] = OrderedDict()
        # Raised by every forgetting: a database read that started before it is not kept.
        self.generation = 0
        self._hub = None
        self._task: asyncio.Task | None = None

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def in_use(self) -> bool:
        """True while this process hears of every change (see the module docstring)."""
        if self._task is None or self._task.done():
            return False
        outage = getattr(getattr(self._hub, "broker", None), "outage", None)
        return getattr(outage, "since", None) is None

    def get(self, key: Hashable) -> Actor | None:
        if not self.in_use:
            return None
        found = self._entries.get(key)
        if found is None:
            return None
        actor, until = found
        if self._clock() >= until:
            del self._entries[key]
            return None
        return actor

    def put(self, key: Hashable, actor: Actor, generation: int) -> None:
        """Keep `actor`, read from the database when `generation` was current."""
        if generation != self.generation or not self.in_use:
            return
        self._entries[key] = (actor, self._clock() + self.seconds)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def forget_user(self, user_id: int) -> None:
        self.generation += 1
        for key in [k for k, (actor, _) in self._entries.items() if actor.user_id == user_id]:
            del self._entries[key]

    def forget_all(self) -> None:
        self.generation += 1
        self._entries.clear()

    def changed(self, stream_type: str, document_id: int) -> None:
        """A committed event on a stream of that type and document."""
        if stream_type == "User":
            self.forget_user(document_id)
        elif stream_type in ACCESS_STREAMS:
            self.forget_all()

    def committed(self, events: Iterable) -> None:
        """The events a unit of work of this process has just committed."""
        for event in events:
            self.changed(event.STREAM, event.document_id)

    async def start(self, hub) -> None:
        """Follow the access events of every process through this process's hub."""
        from api.live.hub import Interest, SubscriberTooSlow

        self._hub = hub
        interest = Interest(lambda _record: True, ACCESS_STREAMS)

        async def follow() -> None:
            subscriber = hub.subscribe(interest)
            try:
                while True:
                    try:
                        record = await subscriber.next()
                    except SubscriberTooSlow:
                        self.forget_all()
                        hub.unsubscribe(subscriber)
                        subscriber = hub.subscribe(interest)
                        continue
                    self.changed(record.stream_type, record.event.document_id)
            finally:
                hub.unsubscribe(subscriber)

        self._task = asyncio.create_task(follow(), name="identity-cache")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.forget_all()
