"""Authenticating websocket connections in batches.

A connection is authenticated once, in connection_init, against the current rows (never a
cache: a user deactivated a moment ago must be refused, however it was done). Reading the user,
their place in the organisation and their sign-in session is four or five SQL statements; a
thousand clients reconnecting at once (a deploy, a network blip) would send them a thousand
times. So the connections waiting to be authenticated are read together: one database session
reads every user and sign-in session they name (domain.store.actors.load_actors, at most four
statements for any number of users), and each connection gets its answer from it.

A read only serves the connections that were waiting before it started, so each connection is
judged on rows read after its connection_init arrived, exactly as one read of its own would.
The checks are those of api.auth.identify: a valid signature and expiry, a sign-in session not
ended, an active user. Tokens of an identity provider go through api.auth.identify itself.
"""

import asyncio
import contextlib
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from api.auth import INVALID, AuthenticationFailed, Identity, identify
from api.oidc import issued_by_provider
from domain.access import Actor
from domain.config import Settings
from domain.store.accounts.sessions import ended_sessions
from domain.store.actors import load_actors
from domain.store.db import create_sessionmaker
from domain.store.types import utcnow
from domain.tokens import InvalidToken, read_claims

MISSING_TOKEN = "Authentication required: send 'Authorization: Bearer <token>'."


@dataclass
class Round:
    """The connections one database read answers: who they name, and their answers."""

    users: set[int] = field(default_factory=set)
    sessions: set[int] = field(default_factory=set)
    done: asyncio.Future | None = None  # (actors by user id, ended session ids)


class ConnectionSignIn:
    def __init__(self, engine: AsyncEngine, settings: Settings) -> None:
        self._engine = engine
        self._settings = settings
        self._sessions = create_sessionmaker(engine)
        self._waiting: Round | None = None  # the next read's connections
        self._reader: asyncio.Task | None = None
        self.reads = 0  # database reads made (tests and the benchmark look)

    async def identify(self, token: str | None) -> Identity:
        if token is None:
            raise AuthenticationFailed(MISSING_TOKEN)
        if issued_by_provider(token, self._settings):
            return await identify(self._engine, self._settings, token)
        try:
            claims = read_claims(token, self._settings.secret_key)
        except InvalidToken as e:
            raise AuthenticationFailed(INVALID) from e
        actors, ended = await self._read(claims.user_id, claims.session_id)
        actor: Actor | None = actors.get(claims.user_id)
        if actor is None or (claims.session_id is not None and claims.session_id in ended):
            raise AuthenticationFailed(INVALID)
        return Identity(actor, claims.expires_at, claims.session_id)

    async def _read(self, user_id: int, session_id: int | None) -> tuple[dict, set[int]]:
        """The rows of `user_id` and `session_id`, read after this call, with whoever else
        waits for the same read."""
        waiting = self._waiting
        if waiting is None:
            waiting = self._waiting = Round(done=asyncio.get_running_loop().create_future())
            # A failed read that nobody waits for any more is no unhandled error.
            waiting.done.add_done_callback(lambda done: done.cancelled() or done.exception())
        waiting.users.add(user_id)
        if session_id is not None:
            waiting.sessions.add(session_id)
        if self._reader is None or self._reader.done():
            self._reader = asyncio.get_running_loop().create_task(self._read_rounds())
        # Shielded: one connection leaving must not cancel the read the others wait for.
        return await asyncio.shield(waiting.done)

    async def _read_rounds(self) -> None:
        """Read round after round while connections wait; those arriving during a read wait
        for the next one."""
        while self._waiting is not None:
            await asyncio.sleep(0)  # connections arriving in this turn of the loop join in
            this, self._waiting = self._waiting, None
            try:
                async with self._sessions() as session:
                    ended = await ended_sessions(session, this.sessions, utcnow())
                    actors = await load_actors(session, this.users)
                self.reads += 1
            except Exception as error:  # each waiting connection is refused with the error
                with contextlib.suppress(asyncio.InvalidStateError):
                    this.done.set_exception(error)
                continue
            with contextlib.suppress(asyncio.InvalidStateError):
                this.done.set_result((actors, ended))
