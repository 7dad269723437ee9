"""Rate limiting per user by query cost: a leaky bucket (Shopify's model).

Each user has a bucket of `capacity` points that leaks `restore_rate` points a second. An
operation pours its requested cost in before it runs, and is refused (HTTP 429, `RATE_LIMITED`,
`Retry-After`) when that would overflow; once it ran, the difference between requested and
actual cost is taken back out. One process keeps buckets in memory; several share them in
Redis (one Lua script per step, timed by the Redis server's clock, so the processes agree).
If Redis cannot be reached, operations pass (a warning is logged once per outage): an outage
of the limiter must not become an outage of the API.
"""

import logging
import math
import time
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Budget:
    """A bucket's size and how fast it empties."""

    capacity: float
    restore_rate: float  # points per second

    def __post_init__(self) -> None:
        if self.capacity <= 0 or self.restore_rate <= 0:
            raise ValueError("a rate budget needs a positive capacity and restore rate")


@dataclass(frozen=True)
class Throttle:
    """The bucket after an operation poured in (or was refused)."""

    allowed: bool
    level: float  # points in the bucket
    budget: Budget
    cost: float

    @property
    def available(self) -> float:
        return max(0.0, self.budget.capacity - self.level)

    @property
    def retry_after(self) -> float:
        """Seconds until `cost` fits (0 when it was allowed)."""
        if self.allowed:
            return 0.0
        return max(0.0, (self.level + self.cost - self.budget.capacity) / self.budget.restore_rate)

    def status(self) -> dict:
        """Shopify's `throttleStatus`."""
        return {
            "maximumAvailable": _plain(self.budget.capacity),
            "currentlyAvailable": math.floor(self.available),
            "restoreRate": _plain(self.budget.restore_rate),
        }


def _plain(number: float) -> int | float:
    """20000.0 → 20000 (figures read by people and by JSON clients alike)."""
    return int(number) if float(number).is_integer() else number


class MemoryBuckets:
    """Buckets of this process only."""

    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (level, at)

    def _level(self, key: str, budget: Budget, now: float) -> float:
        level, at = self._buckets.get(key, (0.0, now))
        return max(0.0, level - (now - at) * budget.restore_rate)

    async def pour(self, key: str, cost: float, budget: Budget) -> Throttle:
        now = self._clock()
        level = self._level(key, budget, now)
        allowed = level + cost <= budget.capacity
        if allowed:
            level += cost
        self._buckets[key] = (level, now)
        if len(self._buckets) > 100_000:
            self._forget_empty(budget, now)
        return Throttle(allowed, level, budget, cost)

    async def take_back(self, key: str, points: float, budget: Budget) -> Throttle:
        now = self._clock()
        level = max(0.0, self._level(key, budget, now) - points)
        self._buckets[key] = (level, now)
        return Throttle(True, level, budget, 0.0)

    def _forget_empty(self, budget: Budget, now: float) -> None:
        """Drop buckets that have leaked empty (they would start at zero anyway). Judged at the
        rate of the budget at hand: a bucket of a slower one may go a little early."""
        for key, (level, at) in list(self._buckets.items()):
            if level - (now - at) * budget.restore_rate <= 0:
                del self._buckets[key]

    async def close(self) -> None:
        pass


# KEYS[1]: the bucket; ARGV: capacity, restore rate, points to pour (negative: take back).
# Returns {allowed (0/1), level as a string} (Lua numbers would be truncated to integers).
_POUR = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'level', 'at')
local level = tonumber(state[1]) or 0
local at = tonumber(state[2]) or now
level = math.max(0, level - math.max(0, now - at) * rate)
local allowed = 0
if cost <= 0 or level + cost <= capacity then
  level = math.max(0, level + cost)
  allowed = 1
end
redis.call('HSET', KEYS[1], 'level', tostring(level), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 1)
return {allowed, tostring(level)}
"""


class RedisBuckets:
    """Buckets shared by every process using the same Redis (and the same key prefix)."""

    def __init__(self, url: str, prefix: str = "salesplan:rate:") -> None:
        import redis.asyncio as redis

        self.prefix = prefix
        self._client = redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self._script = self._client.register_script(_POUR)
        self._down = False

    async def _run(self, key: str, points: float, budget: Budget) -> Throttle:
        try:
            allowed, level = await self._script(
                keys=[self.prefix + key], args=[budget.capacity, budget.restore_rate, points]
            )
        except Exception as e:  # any Redis failure: let the operation pass
            if not self._down:
                self._down = True
                log.warning(
                    "rate limiter: Redis unavailable (%s); not limiting until it is back", e
                )
            return Throttle(True, 0.0, budget, max(points, 0.0))
        if self._down:
            self._down = False
            log.warning("rate limiter: Redis is back; limiting again")
        return Throttle(bool(int(allowed)), float(level), budget, max(points, 0.0))

    async def pour(self, key: str, cost: float, budget: Budget) -> Throttle:
        return await self._run(key, cost, budget)

    async def take_back(self, key: str, points: float, budget: Budget) -> Throttle:
        return await self._run(key, -points, budget)

    async def close(self) -> None:
        await self._client.aclose()


def buckets_for(redis_url: str | None, prefix: str) -> MemoryBuckets | RedisBuckets:
    return RedisBuckets(redis_url, prefix) if redis_url else MemoryBuckets()
