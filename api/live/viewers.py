"""Open websockets keep their viewer's access current.

A connection is authenticated once, at connection_init, and its subscriptions check each event
against the Actor read then. A user deactivated, moved to another department or given other
roles afterwards would keep that old reach for as long as the socket stays open. So the
viewers of open connections are read again every RECHECK_SECONDS (at most four statements for
all of them); a connection whose viewer is gone or changed, or whose sign-in session was
revoked (authLogout, a reused refresh token, a password change, an admin), is closed with 4403
and reconnects with its new reach (and `after`, so it misses nothing).

The period is the upper bound: events that can change someone's reach (of users, departments
and salespeople, from any process) make every process re-read at once.
"""

import asyncio
import contextlib
import logging
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from api.live.hub import BACKGROUND, EventHub, Interest, SubscriberTooSlow
from domain.access import Actor
from domain.store.accounts.sessions import ended_sessions
from domain.store.actors import load_actors
from domain.store.db import create_sessionmaker
from domain.store.types import utcnow

RECHECK_SECONDS = 60.0
# Streams whose events may change what someone may reach or end their sign-in.
ACCESS_STREAMS = frozenset({"User", "Department", "Salesperson"})
log = logging.getLogger(__name__)


class WatchedConnection(Protocol):
    def viewer(self) -> Actor | None: ...

    def session_id(self) -> int | None: ...

    async def access_changed(self) -> None: ...


class ViewerWatch:
    def __init__(self, engine: AsyncEngine, hub: EventHub | None = None) -> None:
        self._sessions = create_sessionmaker(engine.execution_options(**{BACKGROUND: True}))
        self._hub = hub
        self._connections: set[WatchedConnection] = set()
        self._tasks: list[asyncio.Task] = []

    def watch(self, connection: WatchedConnection) -> None:
        self._connections.add(connection)

    def forget(self, connection: WatchedConnection) -> None:
        self._connections.discard(connection)

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._every_period(), name="viewer-watch")]
        if self._hub is not None:
            self._tasks.append(
                asyncio.create_task(self._on_access_events(), name="viewer-watch-events")
            )

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def recheck(self) -> int:
        """Read every open connection's viewer again; close those whose access changed. Returns
        how many were closed."""
        viewers = {c: c.viewer() for c in self._connections}
        viewers = {c: actor for c, actor in viewers.items() if actor is not None}
        signed_in = {c: c.session_id() for c in viewers}
        async with self._sessions() as session:
            current = await load_actors(session, {actor.user_id for actor in viewers.values()})
            ended = await ended_sessions(
                session, {s for s in signed_in.values() if s is not None}, utcnow()
            )
        changed = [
            c
            for c, actor in viewers.items()
            if current[actor.user_id] != actor or signed_in[c] in ended
        ]
        for connection in changed:
            self.forget(connection)
            await connection.access_changed()
        return len(changed)

    async def _every_period(self) -> None:
        while True:
            await asyncio.sleep(RECHECK_SECONDS)
            try:
                await self.recheck()
            except Exception:  # the database hiccuped: the next period tries again
                log.exception("re-reading websocket viewers failed")

    async def _on_access_events(self) -> None:
        """Re-read at once after events that may change someone's access (several in a row:
        one re-read)."""
        interest = Interest(lambda _record: True, ACCESS_STREAMS)
        subscriber = self._hub.subscribe(interest)
        try:
            while True:
                try:
                    await subscriber.next()
                except SubscriberTooSlow:
                    self._hub.unsubscribe(subscriber)
                    subscriber = self._hub.subscribe(interest)
                while not subscriber.queue.empty():
                    subscriber.queue.get_nowait()
                try:
                    await self.recheck()
                except Exception:  # the database hiccuped: the period's re-read catches up
                    log.exception("re-reading websocket viewers failed")
        finally:
            self._hub.unsubscribe(subscriber)
