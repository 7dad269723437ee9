"""Bearer tokens: JWTs signed with SECRET_KEY using one pinned algorithm."""

from datetime import UTC, datetime, timedelta

import jwt

ALGORITHM = "HS256"  # pinned: a token naming another algorithm (or "none") is refused
ISSUER = "salesplan"


class InvalidToken(Exception):
    """The token is missing, malformed, unsigned, tampered with or expired."""


def issue_token(user_id: int, login: str, secret: str, ttl: timedelta) -> str:
    now = datetime.now(UTC)
    claims = {"sub": str(user_id), "login": login, "iss": ISSUER, "iat": now, "exp": now + ttl}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_token(token: str, secret: str) -> int:
    """The user id a valid token was issued for."""
    return int(_claims(token, secret)["sub"])


def token_expiry(token: str, secret: str) -> datetime:
    """When a valid token stops being valid."""
    return datetime.fromtimestamp(_claims(token, secret)["exp"], UTC)


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
        return claims
    except (jwt.PyJWTError, ValueError) as e:
        raise InvalidToken(str(e)) from e
