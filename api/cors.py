"""CORS: browser apps served from the origins in ALLOWED_ORIGINS may call the API over HTTP.

Starlette's CORSMiddleware answers preflight requests (OPTIONS with
Access-Control-Request-Method) and adds Access-Control-* headers to the answers of allowed
origins; other origins get none, so browsers keep the answers from them. Credentials are allowed
(the allowed origin is echoed, never "*"), so an app may send cookies or use
`credentials: "include"`; bearer tokens travel in the Authorization header, which preflights
allow. Websockets check the same origins themselves (api.app).
"""

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from domain.config import Settings

ALLOWED_METHODS = ["GET", "POST", "OPTIONS"]
ALLOWED_HEADERS = [
    "Authorization",
    "Content-Type",
    "Accept",
    "Idempotency-Key",
    "X-Request-Id",
]
# Headers of our answers that browser code may read.
EXPOSED_HEADERS = [
    "Idempotent-Replayed",  # api.idempotency: this answer is the stored one of a retried request
    "X-Request-Id",
    "Retry-After",
    # Rate limits: the IETF draft's names and the older X- ones.
    "RateLimit",
    "RateLimit-Policy",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
]
PREFLIGHT_MAX_AGE = 600  # seconds a browser may reuse a preflight's answer


def cors_middleware(settings: Settings) -> list[Middleware]:
    """The CORS layer, or none when ALLOWED_ORIGINS is empty (same-origin use only)."""
    if not settings.origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=settings.origins,
            allow_methods=ALLOWED_METHODS,
            allow_headers=ALLOWED_HEADERS,
            expose_headers=EXPOSED_HEADERS,
            allow_credentials=True,
            max_age=PREFLIGHT_MAX_AGE,
        )
    ]
