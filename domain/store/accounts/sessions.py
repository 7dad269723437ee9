"""Sign-in sessions and refresh tokens in the database."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.accounts.sessions import (
    RevokedBecause,
    new_refresh_token,
    refresh_token_expiry,
    token_digest,
)
from domain.store.tables import RefreshToken, SignInSession


async def open_session(
    s: AsyncSession,
    user_id: int,
    now: datetime,
    max_age: timedelta,
    refresh_ttl: timedelta,
    address: str | None,
    user_agent: str | None,
) -> tuple[SignInSession, str, datetime]:
    """A new session for the user, with its first refresh token (returned in clear, once)."""
    sign_in = SignInSession(
        user_id=user_id,
        created_at=now,
        expires_at=now + max_age,
        address=(address or "")[:64] or None,
        user_agent=(user_agent or "")[:200] or None,
    )
    s.add(sign_in)
    await s.flush()
    token, expires_at = await issue_refresh_token(s, sign_in, now, refresh_ttl)
    return sign_in, token, expires_at


async def issue_refresh_token(
    s: AsyncSession, sign_in: SignInSession, now: datetime, ttl: timedelta
) -> tuple[str, datetime]:
    token = new_refresh_token()
    expires_at = refresh_token_expiry(now, ttl, sign_in.expires_at)
    s.add(
        RefreshToken(
            session_id=sign_in.id,
            token_digest=token_digest(token),
            issued_at=now,
            expires_at=expires_at,
        )
    )
    await s.flush()
    return token, expires_at


async def find_refresh_token(
    s: AsyncSession, token: str
) -> tuple[RefreshToken, SignInSession] | None:
    """The stored token and its session, both locked; None for a token never issued."""
    row = (
        await s.execute(
            select(RefreshToken, SignInSession)
            .join(SignInSession, SignInSession.id == RefreshToken.session_id)
            .where(RefreshToken.token_digest == token_digest(token))
            .with_for_update()
        )
    ).one_or_none()
    return None if row is None else (row[0], row[1])


async def mark_used(s: AsyncSession, token: RefreshToken, now: datetime) -> bool:
    """Mark the token used, unless a concurrent refresh did first (then False: a reuse)."""
    result = await s.execute(
        update(RefreshToken)
        .where(RefreshToken.id == token.id, RefreshToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def revoke(
    s: AsyncSession,
    user_id: int,
    because: RevokedBecause,
    now: datetime,
    *,
    only: int | None = None,
    keep: int | None = None,
) -> list[int]:
    """End the user's live sessions (or only session `only`, or all but `keep`); the ids of
    those that ended now, in order."""
    conditions = [SignInSession.user_id == user_id, SignInSession.revoked_at.is_(None)]
    if only is not None:
        conditions.append(SignInSession.id == only)
    if keep is not None:
        conditions.append(SignInSession.id != keep)
    ids = sorted((await s.execute(select(SignInSession.id).where(*conditions))).scalars())
    if ids:
        await s.execute(
            update(SignInSession)
            .where(SignInSession.id.in_(ids))
            .values(revoked_at=now, revoked_because=because.value)
            .execution_options(synchronize_session=False)
        )
    return ids


async def ended_sessions(s: AsyncSession, session_ids: Iterable[int], now: datetime) -> set[int]:
    """Which of these sessions are revoked, expired or unknown."""
    wanted = set(session_ids)
    if not wanted:
        return set()
    live = (
        await s.execute(
            select(SignInSession.id).where(
                SignInSession.id.in_(wanted),
                SignInSession.revoked_at.is_(None),
                SignInSession.expires_at > now,
            )
        )
    ).scalars()
    return wanted - set(live)
