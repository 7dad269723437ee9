"""Bearer tokens: JWTs signed with SECRET_KEY using one pinned algorithm.

Tokens from `authLogin`/`authRefresh` name their sign-in session (`sid`): they stop working when
the session is revoked. Tokens printed by `salesplan token` (operators, scripts) have no session
and last until they expire.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

ALGORITHM = "HS256"  # pinned: a token naming another algorithm (or "none") is refused
ISSUER = "salesplan"


class InvalidToken(Exception):
    """The token is missing, malformed, unsigned, tampered with or expired."""


@dataclass(frozen=True)
class TokenClaims:
    """What a valid token of ours says."""

    user_id: int
    expires_at: datetime
    session_id: int | None = None


def issue_token(
    user_id: int, login: str, secret: str, ttl: timedelta, session_id: int | None = None
) -> str:
    now = datetime.now(UTC)
    claims = {"sub": str(user_id), "login": login, "iss": ISSUER, "iat": now, "exp": now + ttl}
    # Two tokens issued in the same second still differ (a refresh hands out a new one).
    claims["jti"] = secrets.token_urlsafe(12)
    if session_id is not None:
        claims["sid"] = str(session_id)
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_claims(token: str, secret: str) -> TokenClaims:
    """The user, session and expiry of a valid token."""
    claims = _claims(token, secret)
    return TokenClaims(
        user_id=int(claims["sub"]),
        expires_at=datetime.fromtimestamp(claims["exp"], UTC),
        session_id=int(claims["sid"]) if "sid" in claims else None,
    )


def read_token(token: str, secret: str) -> int:
    """The user id a valid token was issued for."""
    return read_claims(token, secret).user_id


def token_expiry(token: str, secret: str) -> datetime:
    """When a valid token stops being valid."""
    return read_claims(token, secret).expires_at


def _claims(token: str, secret: str) -> dict:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss"]},
        )
        int(claims["sub"])
        if "sid" in claims:
            int(claims["sid"])
        return claims
    except (jwt.PyJWTError, ValueError, TypeError) as e:
        raise InvalidToken(str(e)) from e
