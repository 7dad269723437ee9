"""Open websockets keep their viewer's access current.

A connection is authenticated once, at connection_init, and its subscriptions check each event
against the Actor read then. A user deactivated, moved to another department or given other
roles afterwards would keep that old reach for as long as the socket stays open. So the
viewers of open connections are read again every RECHECK_SECONDS (at most four statements for
all of them); a connection whose viewer is gone or changed is closed with 4403 and reconnects
with its new reach (and `after`, so it misses nothing).
"""

import asyncio
import contextlib
import logging
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from api.live.hub import BACKGROUND
from domain.access import Actor
from domain.store.actors import load_actors
from domain.store.db import create_sessionmaker

RECHECK_SECONDS = 60.0
log = logging.getLogger(__name__)


class WatchedConnection(Protocol):
    def viewer(self) -> Actor | None: ...

    async def access_changed(self) -> None: ...


class ViewerWatch:
    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = create_sessionmaker(engine.execution_options(**{BACKGROUND: True}))
        self._connections: set[WatchedConnection] = set()
        self._task: asyncio.Task | None = None

    def watch(self, connection: WatchedConnection) -> None:
        self._connections.add(connection)

    def forget(self, connection: WatchedConnection) -> None:
        self._connections.discard(connection)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._every_period(), name="viewer-watch")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def recheck(self) -> int:
        """Read every open connection's viewer again; close those whose access changed. Returns
        how many were closed."""
        viewers = {c: c.viewer() for c in self._connections}
        viewers = {c: actor for c, actor in viewers.items() if actor is not None}
        async with self._sessions() as session:
            current = await load_actors(session, {actor.user_id for actor in viewers.values()})
        changed = [c for c, actor in viewers.items() if current[actor.user_id] != actor]
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
