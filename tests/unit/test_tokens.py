"""domain.tokens: bearer JWTs are read back only when issued by us, unexpired and complete."""

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from domain.tokens import ALGORITHM, ISSUER, InvalidToken, issue_token, read_token, token_expiry

SECRET = "unit-test-secret-0123456789abcdef0123456789"
OTHER_SECRET = "another-secret-0123456789abcdef0123456789ab"


def claims(**changes) -> dict:
    now = datetime.now(UTC)
    base = {"sub": "42", "login": "vp", "iss": ISSUER, "iat": now, "exp": now + timedelta(hours=1)}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def b64(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_an_issued_token_reads_back_as_its_user_id():
    token = issue_token(42, "vp", SECRET, timedelta(minutes=5))
    assert read_token(token, SECRET) == 42


def test_a_token_tells_when_it_expires_and_an_invalid_one_tells_nothing():
    before = datetime.now(UTC)
    token = issue_token(42, "vp", SECRET, timedelta(minutes=5))
    expires = token_expiry(token, SECRET)
    assert before + timedelta(minutes=5) - timedelta(seconds=1) <= expires
    assert expires <= datetime.now(UTC) + timedelta(minutes=5)
    with pytest.raises(InvalidToken):
        token_expiry(token, "another-secret-0123456789abcdef0123456789")


def test_an_issued_token_is_an_hs256_jwt_with_issuer_login_and_lifetime():
    token = issue_token(7, "sales", SECRET, timedelta(minutes=30))
    header = jwt.get_unverified_header(token)
    body = jwt.decode(token, options={"verify_signature": False})
    assert header["alg"] == ALGORITHM == "HS256"
    assert body["sub"] == "7"
    assert body["login"] == "sales"
    assert body["iss"] == "salesplan"
    assert body["exp"] - body["iat"] == 30 * 60


def test_an_expired_token_is_refused():
    token = issue_token(42, "vp", SECRET, timedelta(seconds=-1))
    with pytest.raises(InvalidToken, match="expired"):
        read_token(token, SECRET)


def test_a_token_signed_with_another_secret_is_refused():
    token = issue_token(42, "vp", OTHER_SECRET, timedelta(minutes=5))
    with pytest.raises(InvalidToken, match="Signature verification failed"):
        read_token(token, SECRET)


def test_a_token_whose_claims_were_changed_after_signing_is_refused():
    token = issue_token(42, "sales", SECRET, timedelta(minutes=5))
    header, _, signature = token.split(".")
    forged = f"{header}.{b64(claims(sub='1', login='admin'))}.{signature}"
    with pytest.raises(InvalidToken):
        read_token(forged, SECRET)


def test_a_token_whose_signature_was_changed_is_refused():
    token = issue_token(42, "vp", SECRET, timedelta(minutes=5))
    header, body, signature = token.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    with pytest.raises(InvalidToken):
        read_token(f"{header}.{body}.{flipped}", SECRET)


def test_an_unsigned_token_with_algorithm_none_is_refused():
    unsigned = jwt.encode(claims(), None, algorithm="none")
    assert unsigned.endswith(".")  # no signature at all
    with pytest.raises(InvalidToken):
        read_token(unsigned, SECRET)


def test_a_hand_made_none_token_with_an_empty_signature_is_refused():
    forged = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims())}."
    with pytest.raises(InvalidToken):
        read_token(forged, SECRET)


@pytest.mark.parametrize("algorithm", ["HS384", "HS512"])
def test_a_token_signed_with_another_hmac_algorithm_and_the_right_secret_is_refused(algorithm):
    long_secret = SECRET * 2  # long enough for SHA-512, so only the algorithm is wrong
    token = jwt.encode(claims(), long_secret, algorithm=algorithm)
    with pytest.raises(InvalidToken, match="alg value is not allowed"):
        read_token(token, long_secret)


@pytest.mark.parametrize("missing", ["exp", "iat", "sub", "iss"])
def test_a_token_missing_a_required_claim_is_refused(missing):
    token = jwt.encode(claims(**{missing: None}), SECRET, algorithm=ALGORITHM)
    with pytest.raises(InvalidToken, match=missing):
        read_token(token, SECRET)


def test_a_token_from_another_issuer_is_refused():
    token = jwt.encode(claims(iss="someone-else"), SECRET, algorithm=ALGORITHM)
    with pytest.raises(InvalidToken, match="issuer"):
        read_token(token, SECRET)


def test_a_token_whose_subject_is_not_a_user_id_is_refused():
    token = jwt.encode(claims(sub="vp"), SECRET, algorithm=ALGORITHM)
    with pytest.raises(InvalidToken):
        read_token(token, SECRET)


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "Bearer x", "eyJ.eyJ.sig"])
def test_garbage_is_refused(garbage):
    with pytest.raises(InvalidToken):
        read_token(garbage, SECRET)
