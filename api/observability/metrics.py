"""Prometheus figures, served at /metrics.

One process: the figures of this process. Several worker processes of one `salesplan serve
--workers N`: set PROMETHEUS_MULTIPROC_DIR to an empty directory writable by all of them and
every scrape adds up the figures of all of them (prometheus-client's multiprocess mode).
"""

import hmac
import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as prometheus_multiprocess
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response

# Job durations are observed where jobs run (domain.jobs.runner); named here with the rest.
from domain.jobs.timing import JOB_DURATION, timed_job  # noqa: F401

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

HTTP_REQUESTS = Counter(
    "salesplan_http_requests",
    "HTTP requests answered, by route, method and status code.",
    ["route", "method", "status"],
)
HTTP_DURATION = Histogram(
    "salesplan_http_request_duration_seconds",
    "Time from a request's arrival to the end of its response, by route.",
    ["route"],
    buckets=LATENCY_BUCKETS,
)
OPERATIONS = Counter(
    "salesplan_graphql_operations",
    "GraphQL operations finished, by operation name, type and outcome: ok, refused (a "
    "mutation's payload carried errors) or error (the response carried top-level errors).",
    ["operation", "type", "outcome"],
)
OPERATION_DURATION = Histogram(
    "salesplan_graphql_operation_duration_seconds",
    "Time to parse, validate and execute a query or mutation (not subscriptions), by type.",
    ["type"],
    buckets=LATENCY_BUCKETS,
)
ERRORS = Counter(
    "salesplan_graphql_errors",
    "Errors answered, by code and where: 'response' (top-level errors) or 'payload' (a "
    "mutation refused as data).",
    ["code", "where"],
)
WEBSOCKETS = Gauge(
    "salesplan_websockets_active",
    "Open websocket connections.",
    multiprocess_mode="livesum",
)
SUBSCRIPTIONS = Gauge(
    "salesplan_subscriptions_active",
    "Running subscriptions (several may share one websocket).",
    multiprocess_mode="livesum",
)
EVENT_LAG = Histogram(
    "salesplan_event_delivery_lag_seconds",
    "Time from an event's recording in its transaction to its delivery to one subscriber.",
    buckets=LATENCY_BUCKETS,
)
BROKER_UP = Gauge(
    "salesplan_event_broker_up",
    "1 while the event broker (EVENT_BROKER_URL) answers (always 1 without one), 0 during "
    "an outage.",
    multiprocess_mode="livemin",
)
POOL_SIZE = Gauge(
    "salesplan_db_pool_size",
    "Database connections the pool may open (pool size plus overflow).",
    multiprocess_mode="livesum",
)
POOL_CHECKED_OUT = Gauge(
    "salesplan_db_pool_checked_out",
    "Database connections in use now.",
    multiprocess_mode="livesum",
)

# Operation names come from clients: past this many distinct ones, the rest count as "(other)"
# so that a client making up names cannot grow the metrics without bound.
MAX_OPERATION_NAMES = 200
_operation_names: set[str] = set()


def operation_label(name: str | None) -> str:
    if not name:
        return "(anonymous)"
    if name in _operation_names:
        return name
    if len(_operation_names) >= MAX_OPERATION_NAMES or len(name) > 100:
        return "(other)"
    _operation_names.add(name)
    return name


def watch_pool(engine: AsyncEngine) -> None:
    """Count the engine's connections in use (pool check-outs minus check-ins)."""
    pool = engine.sync_engine.pool
    if getattr(pool, "_salesplan_watched", False):  # one app per engine in production; tests share
        return
    pool._salesplan_watched = True
    size = getattr(pool, "size", None)
    overflow = getattr(pool, "_max_overflow", 0)
    if callable(size):
        POOL_SIZE.inc(size() + max(overflow, 0))
    event.listen(pool, "checkout", lambda *_: POOL_CHECKED_OUT.inc())
    event.listen(pool, "checkin", lambda *_: POOL_CHECKED_OUT.dec())


def registry() -> CollectorRegistry:
    """This process's figures, or those of every worker in multiprocess mode."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return REGISTRY
    combined = CollectorRegistry()
    prometheus_multiprocess.MultiProcessCollector(combined, path=directory)
    return combined


def metrics_endpoint(token: str | None):
    """GET /metrics in Prometheus' text format; with a token, only for scrapes that send it."""
    expected = f"Bearer {token}".encode() if token else None

    async def metrics(request: Request) -> Response:
        if expected is not None:
            sent = request.headers.get("authorization", "").encode()
            if not hmac.compare_digest(sent, expected):
                return Response("metrics need the metrics token\n", 401, media_type="text/plain")
        return Response(generate_latest(registry()), media_type=CONTENT_TYPE_LATEST)

    return metrics
