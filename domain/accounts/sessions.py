"""Sign-in sessions and their refresh tokens.

A sign-in opens a session and hands out a short-lived access token (a JWT naming the session)
and a refresh token. A refresh token is good for one refresh: it is exchanged for a new pair and
marked used. A used token presented again means it was copied (or a client retried with a stale
one): the whole session is revoked, so whoever holds any of its tokens must sign in again.
Tokens are random and stored only as SHA-256 digests.
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import Enum

REFRESH_TOKEN_PREFIX = "rt_"


class RevokedBecause(Enum):
    """Why a session ended before it expired."""

    SIGNED_OUT = "SIGNED_OUT"
    TOKEN_REUSED = "TOKEN_REUSED"
    PASSWORD_CHANGED = "PASSWORD_CHANGED"
    PASSWORD_RESET = "PASSWORD_RESET"
    USER_DEACTIVATED = "USER_DEACTIVATED"
    REVOKED_BY_ADMIN = "REVOKED_BY_ADMIN"


def new_refresh_token() -> str:
    """256 random bits, URL-safe."""
    return REFRESH_TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What is stored of a refresh token. A plain hash is enough: the token is random, not a
    password, so there is nothing to guess from its digest."""
    return hashlib.sha256(token.encode()).hexdigest()


def refresh_token_expiry(now: datetime, ttl: timedelta, session_expires_at: datetime) -> datetime:
    """A refresh token lives `ttl`, and never past the end of its session."""
    return min(now + ttl, session_expires_at)
