"""Passwords (argon2id), refresh tokens (random, stored as digests) and access tokens that name
their sign-in session."""

from datetime import UTC, datetime, timedelta

import pytest

from domain.accounts.lifecycle import USER_LIFECYCLE, UserAction, UserStatus
from domain.accounts.passwords import (
    DEMO_PASSWORD,
    demo_password_hash,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from domain.accounts.sessions import new_refresh_token, refresh_token_expiry, token_digest
from domain.errors import DomainRefusal, ErrorCode
from domain.tokens import InvalidToken, issue_token, read_claims

SECRET = "unit-test-secret-0123456789abcdef0123456789"


def test_a_password_verifies_against_its_hash_and_nothing_else():
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "correct horse batterY")
    assert not verify_password("not a hash", "correct horse battery")
    assert not needs_rehash(stored)


def test_two_hashes_of_one_password_differ_by_their_salt():
    assert hash_password("same password!") != hash_password("same password!")


def test_the_demo_password_hash_is_made_once_and_verifies():
    assert demo_password_hash() is demo_password_hash()
    assert verify_password(demo_password_hash(), DEMO_PASSWORD)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "at least 10 characters"),
        ("x" * 201, "at most 200 characters"),
        ("          ", "not only blanks"),
        ("Planner.One", "must differ from the login"),
        ("a good long passphrase", None),
    ],
)
def test_new_passwords_are_checked(password, problem):
    assert password_problem(password, "planner.one") == problem


def test_refresh_tokens_are_random_and_stored_as_their_digest():
    first, second = new_refresh_token(), new_refresh_token()
    assert first != second and first.startswith("rt_") and len(first) > 40
    assert token_digest(first) == token_digest(first)
    assert len(token_digest(first)) == 64 and first not in token_digest(first)


def test_a_refresh_token_never_outlives_its_session():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert refresh_token_expiry(now, timedelta(days=14), now + timedelta(days=90)) == now + (
        timedelta(days=14)
    )
    assert refresh_token_expiry(now, timedelta(days=14), now + timedelta(days=3)) == now + (
        timedelta(days=3)
    )


def test_an_access_token_names_its_session_and_a_cli_token_none():
    with_session = issue_token(7, "vp", SECRET, timedelta(minutes=15), session_id=42)
    claims = read_claims(with_session, SECRET)
    assert (claims.user_id, claims.session_id) == (7, 42)
    remaining = claims.expires_at - datetime.now(UTC)
    assert timedelta(minutes=14) < remaining <= timedelta(minutes=15)
    assert (
        read_claims(issue_token(7, "vp", SECRET, timedelta(minutes=1)), SECRET).session_id is None
    )


def test_an_access_token_with_a_bad_session_claim_is_refused():
    import jwt

    now = datetime.now(UTC)
    claims = {"sub": "7", "iss": "salesplan", "iat": now, "exp": now + timedelta(minutes=1)}
    forged = jwt.encode({**claims, "sid": "not-a-number"}, SECRET, algorithm="HS256")
    with pytest.raises(InvalidToken):
        read_claims(forged, SECRET)


def test_a_user_moves_between_active_and_inactive_only():
    assert USER_LIFECYCLE.check(UserAction.DEACTIVATE, UserStatus.ACTIVE) is UserStatus.INACTIVE
    assert USER_LIFECYCLE.check(UserAction.REACTIVATE, UserStatus.INACTIVE) is UserStatus.ACTIVE
    assert USER_LIFECYCLE.check(UserAction.EDIT, UserStatus.INACTIVE) is UserStatus.INACTIVE
    for action, status in (
        (UserAction.DEACTIVATE, UserStatus.INACTIVE),
        (UserAction.REACTIVATE, UserStatus.ACTIVE),
    ):
        with pytest.raises(DomainRefusal) as refused:
            USER_LIFECYCLE.check(action, status)
        assert refused.value.errors[0].code is ErrorCode.INVALID_TRANSITION
