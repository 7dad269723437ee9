"""Signing in (authLogin), refreshing (authRefresh), signing out (authLogout) and changing one's
own password (viewerPasswordChange).

A sign-in checks the password outside any write transaction (argon2 takes a fraction of a second
on purpose, and on SQLite a write transaction holds the one write lock), then records the
outcome through the pipeline: a failure counts against the account and the address, a success
opens a session. Refusals that must leave a trace (a failure counted, a reused token's session
revoked) are committed and returned as a `Turned away` value rather than raised, since a raised
refusal rolls everything back.

The access token itself is minted by the API from the session (it needs the server's secret).
These commands act only on the caller's own sign-in (ACTS_ON_OWN_ACCOUNT), so roles that may
change nothing else (reporting) may still sign in and out and change their password.
"""

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from sqlalchemy import select

from domain.access import Actor
from domain.accounts.events import UserEvent
from domain.accounts.lifecycle import status_of
from domain.accounts.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    stand_in_hash,
    verify_password,
)
from domain.accounts.sessions import RevokedBecause
from domain.accounts.throttle import PER_ACCOUNT, PER_ADDRESS, Allowance
from domain.errors import DomainError, DomainRefusal, ErrorCode, refuse
from domain.services.pipeline import Result, UseCases, handles
from domain.store.accounts import sessions, throttle
from domain.store.db import create_sessionmaker
from domain.store.tables import AppUser, UserCredential
from domain.store.types import utcnow
from domain.store.uow import UnitOfWork

MAX_LOGIN = 64
WRONG_CREDENTIALS = "wrong login or password"
SESSION_ENDED = "this sign-in has ended; sign in again"


@dataclass(frozen=True)
class SessionTerms:
    """How long what a sign-in hands out lasts (from the settings)."""

    refresh_ttl: timedelta
    max_age: timedelta


@dataclass(frozen=True)
class AuthLogin:
    ACTS_ON_OWN_ACCOUNT: ClassVar[bool] = True

    login: str
    password: str
    terms: SessionTerms
    address: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True)
class SignInRecord:
    """The outcome of a password check, to record: internal to authLogin."""

    ACTS_ON_OWN_ACCOUNT: ClassVar[bool] = True

    login: str
    user_id: int | None
    password_ok: bool
    checked_hash: str | None  # the hash the password was checked against
    rehashed: str | None  # a stronger hash of the same password, when due
    terms: SessionTerms
    address: str | None
    user_agent: str | None


@dataclass(frozen=True)
class AuthRefresh:
    ACTS_ON_OWN_ACCOUNT: ClassVar[bool] = True

    refresh_token: str
    terms: SessionTerms


@dataclass(frozen=True)
class AuthLogout:
    """End the session of `refresh_token`, or else the session the caller's token names."""

    ACTS_ON_OWN_ACCOUNT: ClassVar[bool] = True

    refresh_token: str | None = None
    session_id: int | None = None


@dataclass(frozen=True)
class ViewerPasswordChange:
    ACTS_ON_OWN_ACCOUNT: ClassVar[bool] = True

    current_password: str
    new_password: str
    session_id: int | None = None  # the caller's own session stays signed in


@dataclass(frozen=True)
class SignedIn:
    """A session's new pair of tokens (the access token is minted by the API)."""

    user: AppUser
    session_id: int
    refresh_token: str
    refresh_token_expires_at: datetime


@dataclass(frozen=True)
class TurnedAway:
    """A refusal whose trace was committed."""

    error: DomainError


@dataclass(frozen=True)
class SignedOut:
    ended: bool  # False: the session had already ended


def _account_keys(login: str, address: str | None) -> list[tuple[Allowance, str]]:
    keys = [(PER_ACCOUNT, login.casefold())]
    if address:
        keys.append((PER_ADDRESS, address))
    return keys


def _too_many(seconds: int) -> DomainError:
    return DomainError(
        ErrorCode.TOO_MANY_ATTEMPTS,
        f"too many failed sign-ins; try again in {seconds} s",
        ("input",),
    )


async def sign_in(use_cases: UseCases, cmd: AuthLogin) -> Result:
    """authLogin: check the password, then record the outcome (see the module's docstring).
    The result's value is SignedIn or TurnedAway; errors are refusals that changed nothing."""
    login = cmd.login.strip()
    if not login or len(login) > MAX_LOGIN or len(cmd.password) > 1000:
        return Result(errors=(DomainError(ErrorCode.INVALID_CREDENTIALS, WRONG_CREDENTIALS),))
    keys = _account_keys(login, cmd.address)
    async with create_sessionmaker(use_cases.engine)() as s:
        wait = await throttle.seconds_to_wait(s, keys, utcnow())
        if wait:
            return Result(errors=(_too_many(wait),))
        row = (
            await s.execute(
                select(AppUser.id, UserCredential.password_hash)
                .join(UserCredential, UserCredential.user_id == AppUser.id)
                .where(AppUser.login == login, AppUser.active)
            )
        ).one_or_none()
    checked = row.password_hash if row else stand_in_hash()
    ok = await asyncio.to_thread(verify_password, checked, cmd.password)
    ok = ok and row is not None
    rehashed = None
    if ok and needs_rehash(checked):
        rehashed = await asyncio.to_thread(hash_password, cmd.password)
    record = SignInRecord(
        login=login,
        user_id=row.id if row else None,
        password_ok=ok,
        checked_hash=checked if row else None,
        rehashed=rehashed,
        terms=cmd.terms,
        address=cmd.address,
        user_agent=cmd.user_agent,
    )
    return await use_cases.handle(record, None)


@handles(SignInRecord)
async def record_sign_in(cmd: SignInRecord, _actor: None, uow: UnitOfWork):
    s = uow.session
    now = utcnow()
    keys = _account_keys(cmd.login, cmd.address)
    # Checked again here: attempts made at the same moment all saw "no wait" before.
    wait = await throttle.seconds_to_wait(s, keys, now)
    if wait and cmd.password_ok:
        # Another attempt failed meanwhile and started a wait: this one waits too.
        return TurnedAway(_too_many(wait))
    if not cmd.password_ok:
        for allowance, value in keys:
            await throttle.count_failure(s, allowance.key(value), now)
        return TurnedAway(DomainError(ErrorCode.INVALID_CREDENTIALS, WRONG_CREDENTIALS))
    user = await s.get(AppUser, cmd.user_id)
    credential = await s.get(UserCredential, cmd.user_id, with_for_update=True)
    if (
        user is None
        or not user.active
        or credential is None
        or credential.password_hash != cmd.checked_hash
    ):
        # Deactivated, or the password changed, while the password was being checked.
        return TurnedAway(DomainError(ErrorCode.INVALID_CREDENTIALS, WRONG_CREDENTIALS))
    await throttle.clear_failures(s, PER_ACCOUNT.key(cmd.login.casefold()))
    if cmd.rehashed:
        credential.password_hash = cmd.rehashed
    session, token, expires_at = await sessions.open_session(
        s, user.id, now, cmd.terms.max_age, cmd.terms.refresh_ttl, cmd.address, cmd.user_agent
    )
    return SignedIn(user, session.id, token, expires_at)


@handles(AuthRefresh)
async def refresh(cmd: AuthRefresh, _actor: None, uow: UnitOfWork):
    """A new pair for a refresh token used once; a token used twice revokes its session."""
    s = uow.session
    now = utcnow()
    found = await sessions.find_refresh_token(s, cmd.refresh_token)
    ended = TurnedAway(DomainError(ErrorCode.INVALID_CREDENTIALS, SESSION_ENDED))
    if found is None:
        return ended
    token, sign_in = found
    if sign_in.revoked_at is not None or sign_in.expires_at <= now:
        return ended
    user = await s.get(AppUser, sign_in.user_id)
    reused = token.used_at is not None
    if not reused and (token.expires_at <= now or not user.active):
        return ended
    if reused or not await sessions.mark_used(s, token, now):
        revoked = await sessions.revoke(
            s, sign_in.user_id, RevokedBecause.TOKEN_REUSED, now, only=sign_in.id
        )
        _record_sessions_ended(uow, user, revoked, RevokedBecause.TOKEN_REUSED, None)
        return TurnedAway(
            DomainError(
                ErrorCode.INVALID_CREDENTIALS,
                "this refresh token was already used: its sign-in is revoked; sign in again",
            )
        )
    sign_in.refreshed_at = now
    new_token, expires_at = await sessions.issue_refresh_token(
        s, sign_in, now, cmd.terms.refresh_ttl
    )
    return SignedIn(user, sign_in.id, new_token, expires_at)


@handles(AuthLogout)
async def sign_out(cmd: AuthLogout, actor: Actor | None, uow: UnitOfWork) -> SignedOut:
    s = uow.session
    now = utcnow()
    if cmd.refresh_token is not None:
        found = await sessions.find_refresh_token(s, cmd.refresh_token)
        if found is None:
            raise refuse(
                ErrorCode.INVALID_CREDENTIALS, "unknown refresh token", "input", "refreshToken"
            )
        session_id, user_id = found[1].id, found[1].user_id
    elif cmd.session_id is not None and actor is not None:
        session_id, user_id = cmd.session_id, actor.user_id
    else:
        raise refuse(
            ErrorCode.REQUIRED,
            "give the refresh token, or sign out with an access token from authLogin",
            "input",
            "refreshToken",
        )
    ended = await sessions.revoke(s, user_id, RevokedBecause.SIGNED_OUT, now, only=session_id)
    if ended:
        user = await s.get(AppUser, user_id)
        _record_sessions_ended(uow, user, ended, RevokedBecause.SIGNED_OUT, actor)
    return SignedOut(ended=bool(ended))


@handles(ViewerPasswordChange)
async def change_password(cmd: ViewerPasswordChange, actor: Actor, uow: UnitOfWork):
    """Check the current password (a failure counts like a failed sign-in), store the new one,
    and end the user's other sessions. Unlike sign-in, the hashing happens inside the write
    transaction: it needs a signed-in user and is rare, so the lock it holds is short and seldom."""
    s = uow.session
    now = utcnow()
    user = await s.get(AppUser, actor.user_id)
    key = PER_ACCOUNT.key(user.login.casefold())
    wait = await throttle.seconds_to_wait(s, [(PER_ACCOUNT, user.login.casefold())], now)
    if wait:
        raise DomainRefusal(_too_many(wait))
    credential = await s.get(UserCredential, user.id, with_for_update=True)
    checked = credential.password_hash if credential else stand_in_hash()
    ok = await asyncio.to_thread(verify_password, checked, cmd.current_password)
    if not ok or credential is None:
        await throttle.count_failure(s, key, now)
        return TurnedAway(
            DomainError(
                ErrorCode.INVALID_CREDENTIALS,
                "the current password is wrong",
                ("input", "currentPassword"),
            )
        )
    problem = password_problem(cmd.new_password, user.login)
    if problem:
        raise refuse(ErrorCode.INVALID, f"the new password: {problem}", "input", "newPassword")
    credential.password_hash = await asyncio.to_thread(hash_password, cmd.new_password)
    credential.changed_at = now
    await throttle.clear_failures(s, key)
    ended = await sessions.revoke(
        s, user.id, RevokedBecause.PASSWORD_CHANGED, now, keep=cmd.session_id
    )
    because = RevokedBecause.PASSWORD_CHANGED.value if ended else None
    event = user_event(
        user, "PASSWORD_CHANGED", ended_sessions=tuple(ended), revoked_because=because
    )
    uow.record(event, actor.user_id)
    return user


def user_event(user: AppUser, action: str, **details) -> UserEvent:
    status = status_of(user.active)
    return UserEvent(
        document_id=user.id,
        action=action,
        from_status=status,
        to_status=status,
        login=user.login,
        **details,
    )


def _record_sessions_ended(
    uow: UnitOfWork,
    user: AppUser,
    ended: list[int],
    because: RevokedBecause,
    actor: Actor | None,
) -> None:
    if not ended:
        return
    action = "SIGNED_OUT" if because is RevokedBecause.SIGNED_OUT else "SESSIONS_REVOKED"
    event = user_event(user, action, ended_sessions=tuple(ended), revoked_because=because.value)
    uow.record(event, actor.user_id if actor else user.id)
