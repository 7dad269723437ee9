"""Signing in, refreshing and signing out through the use cases: sessions are stored hashed,
rotate, and a reused refresh token ends its session; failed sign-ins are slowed per account and
per address."""

from datetime import timedelta

from domain.accounts.passwords import DEMO_PASSWORD
from domain.accounts.sessions import token_digest
from domain.accounts.throttle import PER_ADDRESS
from domain.services.accounts.sign_in import (
    AuthLogin,
    AuthLogout,
    AuthRefresh,
    SessionTerms,
    SignedIn,
    TurnedAway,
    ViewerPasswordChange,
    sign_in,
)
from domain.store.accounts.throttle import count_failure
from domain.store.db import create_sessionmaker
from domain.store.types import utcnow

TERMS = SessionTerms(refresh_ttl=timedelta(days=14), max_age=timedelta(days=90))


def login(name: str, password: str = DEMO_PASSWORD, address: str = "10.0.0.1") -> AuthLogin:
    return AuthLogin(name, password, TERMS, address=address, user_agent="pytest")


async def signed_in(services, name: str = "vp", **kw) -> SignedIn:
    result = await sign_in(services.use_cases, login(name, **kw))
    assert result.ok and isinstance(result.value, SignedIn), result
    return result.value


async def turned_away(result) -> tuple[str, str]:
    assert result.ok and isinstance(result.value, TurnedAway), result
    return result.value.error.code.value, result.value.error.message


async def test_a_sign_in_opens_a_session_and_stores_only_the_digest_of_its_token(demo, services):
    done = await signed_in(services, "planner")
    assert done.user.login == "planner" and done.refresh_token.startswith("rt_")
    rows = await services.rows(
        "SELECT t.token_digest, s.user_id, s.address, s.user_agent, s.revoked_at "
        "FROM refresh_token t JOIN sign_in_session s ON s.id = t.session_id"
    )
    user_id = await services.user("planner")
    assert rows == [(token_digest(done.refresh_token), user_id, "10.0.0.1", "pytest", None)]


async def test_a_wrong_password_and_an_unknown_login_get_the_same_answer(demo, services):
    wrong = await sign_in(services.use_cases, login("vp", "not the password"))
    unknown = await sign_in(services.use_cases, login("nobody-here", "not the password"))
    expected = ("INVALID_CREDENTIALS", "wrong login or password")
    assert await turned_away(wrong) == expected
    assert await turned_away(unknown) == expected
    assert await services.scalar("SELECT count(*) FROM sign_in_session") == 0


async def test_a_deactivated_user_cannot_sign_in(demo, services):
    async with demo.begin() as conn:
        from sqlalchemy import text

        await conn.execute(text("UPDATE app_user SET active = false WHERE login = 'gm'"))
    result = await sign_in(services.use_cases, login("gm"))
    assert (await turned_away(result))[0] == "INVALID_CREDENTIALS"


async def test_after_five_failures_even_the_right_password_must_wait(demo, services):
    for _ in range(5):
        await turned_away(await sign_in(services.use_cases, login("finance", "wrong-guess-1")))
    result = await sign_in(services.use_cases, login("finance"))
    assert not result.ok
    (error,) = result.errors
    assert error.code.value == "TOO_MANY_ATTEMPTS"
    assert error.message == "too many failed sign-ins; try again in 1 s"
    counted = await services.rows("SELECT key, failures FROM sign_in_throttle ORDER BY key")
    assert counted == [("address:10.0.0.1", 5), ("login:finance", 5)]


async def test_a_success_clears_the_account_count_but_not_the_address_one(demo, services):
    for _ in range(2):
        await turned_away(await sign_in(services.use_cases, login("manager", "wrong-guess-2")))
    await signed_in(services, "manager")
    counted = await services.rows("SELECT key, failures FROM sign_in_throttle ORDER BY key")
    assert counted == [("address:10.0.0.1", 2)]


async def test_an_address_with_many_failures_waits_whatever_the_login(demo, services):
    async with create_sessionmaker(demo)() as s:
        for _ in range(PER_ADDRESS.free_failures):
            await count_failure(s, PER_ADDRESS.key("10.9.9.9"), utcnow())
        await s.commit()
    result = await sign_in(services.use_cases, login("admin", address="10.9.9.9"))
    assert [e.code.value for e in result.errors] == ["TOO_MANY_ATTEMPTS"]
    # Another address is not held up.
    await signed_in(services, "admin", address="10.9.9.10")


async def test_a_refresh_token_works_once_and_its_reuse_ends_the_session(demo, services):
    first = await signed_in(services, "sales")
    second = await services.use_cases.handle(AuthRefresh(first.refresh_token, TERMS), None)
    assert isinstance(second.value, SignedIn)
    assert second.value.session_id == first.session_id
    assert second.value.refresh_token != first.refresh_token

    reused = await services.use_cases.handle(AuthRefresh(first.refresh_token, TERMS), None)
    assert await turned_away(reused) == (
        "INVALID_CREDENTIALS",
        "this refresh token was already used: its sign-in is revoked; sign in again",
    )
    # The whole family is gone: the token handed out by the rotation no longer works either.
    after = await services.use_cases.handle(AuthRefresh(second.value.refresh_token, TERMS), None)
    assert await turned_away(after) == (
        "INVALID_CREDENTIALS",
        "this sign-in has ended; sign in again",
    )
    revoked = await services.rows("SELECT revoked_because FROM sign_in_session")
    assert revoked == [("TOKEN_REUSED",)]
    events = await services.rows(
        "SELECT stream, type FROM event WHERE stream LIKE 'User:%' ORDER BY id"
    )
    assert events == [(f"User:{await services.user('sales')}", "SESSIONS_REVOKED")]


async def test_an_unknown_refresh_token_is_refused(demo, services):
    result = await services.use_cases.handle(AuthRefresh("rt_made-up", TERMS), None)
    assert (await turned_away(result))[0] == "INVALID_CREDENTIALS"


async def test_signing_out_ends_one_session_and_says_so_once(demo, services):
    kept = await signed_in(services, "vp")
    ended = await signed_in(services, "vp")
    first = await services.use_cases.handle(AuthLogout(ended.refresh_token), None)
    again = await services.use_cases.handle(AuthLogout(ended.refresh_token), None)
    assert (first.value.ended, again.value.ended) == (True, False)
    states = await services.rows("SELECT id, revoked_because FROM sign_in_session ORDER BY id")
    assert states == [(kept.session_id, None), (ended.session_id, "SIGNED_OUT")]


async def test_signing_out_needs_a_refresh_token_or_a_session(demo, services):
    assert await services.refused_codes(AuthLogout(), "vp") == ["REQUIRED"]
    assert await services.refused_codes(AuthLogout("rt_never-issued"), "vp") == [
        "INVALID_CREDENTIALS"
    ]


async def test_changing_ones_password_ends_the_other_sessions_only(demo, services):
    here = await signed_in(services, "planner")
    elsewhere = await signed_in(services, "planner")
    wrong = await services.handle(
        ViewerPasswordChange("not-my-password", "a brand new passphrase", here.session_id),
        "planner",
    )
    assert (await turned_away(wrong))[0] == "INVALID_CREDENTIALS"
    weak = await services.refused(
        ViewerPasswordChange(DEMO_PASSWORD, "short", here.session_id), "planner"
    )
    assert [(e.code.value, e.field) for e in weak] == [("INVALID", ("input", "newPassword"))]

    changed = await services.ok(
        ViewerPasswordChange(DEMO_PASSWORD, "a brand new passphrase", here.session_id), "planner"
    )
    assert changed.login == "planner"
    states = await services.rows("SELECT id, revoked_because FROM sign_in_session ORDER BY id")
    assert states == [(here.session_id, None), (elsewhere.session_id, "PASSWORD_CHANGED")]
    assert isinstance((await sign_in(services.use_cases, login("planner"))).value, TurnedAway)
    await signed_in(services, "planner", password="a brand new passphrase")
