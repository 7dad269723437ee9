"""The limits of the open-internet face, read from the environment (or `.env`), and the object
the app keeps them in (`app.state.limits`): bounds, per-role cost limits and the rate buckets.

| variable | default | meaning |
|---|---|---|
| MAX_BODY_BYTES | 1,000,000 | largest HTTP request body (413 above) |
| BODY_TIMEOUT_SECONDS | 10 | time a client has to send its whole body (408 after) |
| MAX_QUERY_CHARS | 100,000 | largest GraphQL document |
| MAX_STRING_CHARS | 10,000 | longest string, in the document or in variables |
| MAX_VARIABLES_DEPTH | 16 | deepest nesting of lists and objects in variables |
| MAX_VARIABLES_VALUES | 50,000 | most values (every list item, field and scalar) in variables |
| MAX_WEBSOCKET_MESSAGE_BYTES | 1,000,000 | largest websocket message (closed with 1009 above) |
| MAX_NODES | 1,000,000 | most nodes one operation may ask for (REPORTING: 5×) |
| RATE_LIMIT_CAPACITY | 20,000 | points in a user's bucket (REPORTING: 5×) |
| RATE_LIMIT_RESTORE_RATE | 100 | points the bucket leaks per second (REPORTING: 5×) |
| RATE_LIMIT_REDIS_URL | unset | share buckets between processes; default: the broker's Redis |
| RATE_LIMIT_KEY_PREFIX | salesplan:rate: | Redis keys of the buckets (one prefix per deployment) |
"""

import math
from dataclasses import dataclass

from pydantic_settings import BaseSettings, SettingsConfigDict

from api.limits.document import DocumentBounds
from api.limits.rate import Budget, buckets_for
from domain.access import Actor, Role


class LimitSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    max_body_bytes: int = 1_000_000
    body_timeout_seconds: float = 10.0
    max_query_chars: int = 100_000
    max_string_chars: int = 10_000
    max_variables_depth: int = 16
    max_variables_values: int = 50_000
    max_websocket_message_bytes: int = 1_000_000
    max_nodes: int = 1_000_000
    rate_limit_capacity: float = 20_000
    rate_limit_restore_rate: float = 100
    rate_limit_redis_url: str | None = None
    rate_limit_key_prefix: str = "salesplan:rate:"


# Roles whose work is large reads: their limits are this many times the default.
ROLE_FACTORS = {Role.REPORTING: 5}

# Cost in points (the unit of the rate buckets), as GitHub counts: one point per 100 nodes
# requested, at least one per operation; a mutation's actions cost more than reads (Shopify
# charges 10 per mutation field).
NODES_PER_POINT = 100
POINTS_PER_MUTATION_FIELD = 10


def points(nodes: int, mutation_fields: int = 0) -> int:
    return 1 + math.ceil(nodes / NODES_PER_POINT) + POINTS_PER_MUTATION_FIELD * mutation_fields


@dataclass(frozen=True)
class RoleLimits:
    max_nodes: int
    budget: Budget


class Limits:
    """What the operation extension and the transport read; one per app."""

    def __init__(self, settings: LimitSettings, broker_url: str | None = None) -> None:
        self.settings = settings
        self.document = DocumentBounds(max_string_chars=settings.max_string_chars)
        redis_url = settings.rate_limit_redis_url
        if redis_url is None and broker_url and broker_url.startswith(("redis://", "rediss://")):
            redis_url = broker_url
        self.buckets = buckets_for(redis_url, settings.rate_limit_key_prefix)
        self.shared = redis_url is not None

    def for_actor(self, actor: Actor) -> RoleLimits:
        """The limits of the actor's most generous role."""
        factor = max((ROLE_FACTORS.get(r, 1) for r in actor.roles), default=1)
        s = self.settings
        return RoleLimits(
            s.max_nodes * factor,
            Budget(s.rate_limit_capacity * factor, s.rate_limit_restore_rate * factor),
        )

    async def close(self) -> None:
        await self.buckets.close()
