"""Bearer tokens from an external identity provider (OpenID Connect).

When OIDC_ISSUER is set, a bearer token whose `iss` is that issuer is checked against the
provider's public keys (OIDC_JWKS_URL, through PyJWT's PyJWKClient: the key set is cached for
KEYS_LIFESPAN seconds, and fetched again when a token names a key it does not hold, so the
provider can rotate keys; such forced fetches are at most one per REFETCH_COOLDOWN seconds, so
tokens with made-up key ids cannot flood the provider), its audience (OIDC_AUDIENCE) and its expiry. The user is the one
whose login equals the token's OIDC_LOGIN_CLAIM claim; the provider proves who the person is,
this server still decides what they may do.
"""

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

import jwt
from jwt import PyJWKClient

from domain.config import Settings

KEYS_LIFESPAN = 300  # seconds the key set is trusted before it is fetched again
FETCH_TIMEOUT = 5  # seconds
REFETCH_COOLDOWN = 10.0  # seconds between fetches forced by an unknown key id
CLOCK_SKEW = 30  # seconds of leeway on exp/iat/nbf between the provider's clock and ours
log = logging.getLogger(__name__)


class ExternalTokenRefused(Exception):
    """Not a valid token of the configured provider (the reason is for the log only)."""


@dataclass(frozen=True)
class ExternalIdentity:
    login: str
    expires_at: datetime


def issued_by_provider(token: str, settings: Settings) -> bool:
    """The token says the configured provider issued it (not verified yet)."""
    if not settings.oidc_issuer:
        return False
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return False
    return claims.get("iss") == settings.oidc_issuer


@cache
def key_client(jwks_url: str, cooldown: float) -> PyJWKClient:
    """One client per key-set URL for the whole process, so its cache is shared."""
    return PyJWKClient(
        jwks_url,
        cache_keys=True,
        lifespan=KEYS_LIFESPAN,
        timeout=FETCH_TIMEOUT,
        cooldown_duration=cooldown,
    )


async def verify_external_token(token: str, settings: Settings) -> ExternalIdentity:
    client = key_client(settings.oidc_jwks_url, REFETCH_COOLDOWN)
    try:
        # The client fetches over blocking HTTP: off the event loop.
        signing_key = await asyncio.to_thread(client.get_signing_key_from_jwt, token)
        claims = jwt.decode(
            token,
            signing_key.key,
            algorithms=[a.strip() for a in settings.oidc_algorithms.split(",") if a.strip()],
            audience=settings.oidc_audience,
            issuer=settings.oidc_issuer,
            leeway=CLOCK_SKEW,
            options={"require": ["exp", "iss", "aud", "sub"]},
        )
    except jwt.PyJWKClientConnectionError as e:
        log.warning("identity provider keys unreachable at %s: %s", settings.oidc_jwks_url, e)
        raise ExternalTokenRefused("keys unreachable") from e
    except jwt.PyJWTError as e:
        raise ExternalTokenRefused(str(e)) from e
    login = claims.get(settings.oidc_login_claim)
    if not isinstance(login, str) or not login:
        raise ExternalTokenRefused(f"no {settings.oidc_login_claim} claim")
    return ExternalIdentity(login, datetime.fromtimestamp(claims["exp"], UTC))
