"""Sign-in: password hashes, sign-in sessions with their rotating refresh tokens, and the
counters that slow down password guessing.

Secrets never sit on `app_user`, which every read of the organisation touches: the password hash
has its own table, and refresh tokens are stored only as SHA-256 digests.
"""

from datetime import datetime
from typing import ClassVar

from sqlalchemy import String
from sqlmodel import Field, SQLModel

import domain.store.tables.base  # noqa: F401  (constraint naming first)
from domain.store.types import UtcDateTime, utcnow


class UserCredential(SQLModel, table=True):
    """A user's password, as an argon2id hash (the algorithm's own encoded string)."""

    __tablename__ = "user_credential"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    password_hash: str = Field(sa_type=String(200))
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class SignInSession(SQLModel, table=True):
    """One sign-in (a device, a browser tab): the family of refresh tokens rotated from it.

    Access tokens name their session (`sid`), so revoking the session ends them too, and the
    websockets opened with them.
    """

    __tablename__ = "sign_in_session"
    NOUN: ClassVar[str] = "session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    refreshed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # The session ends then whatever happens: refreshing does not extend it past this.
    expires_at: datetime = Field(sa_type=UtcDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # domain.accounts.sessions.RevokedBecause, by name
    revoked_because: str | None = Field(default=None, sa_type=String(24))
    address: str | None = Field(default=None, sa_type=String(64))
    user_agent: str | None = Field(default=None, sa_type=String(200))


class RefreshToken(SQLModel, table=True):
    """One refresh token of a session, by its digest. Each is good for one refresh: using it
    marks it used and hands out the next; a used token presented again revokes the session."""

    __tablename__ = "refresh_token"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="sign_in_session.id", index=True)
    token_digest: str = Field(sa_type=String(64), unique=True)
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class SignInThrottle(SQLModel, table=True):
    """Failed sign-ins counted per key ("login:<login>" or "address:<ip>") over a window."""

    __tablename__ = "sign_in_throttle"

    key: str = Field(sa_type=String(120), primary_key=True)
    failures: int = 0
    window_started_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    last_failure_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
