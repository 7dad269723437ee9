"""OpenTelemetry traces, only when OTEL_EXPORTER_OTLP_ENDPOINT is set (OTLP over HTTP).

A trace per request: a server span (continuing the caller's `traceparent`), strawberry's
operation, parsing and validation spans and one span per root field, and a span per SQL
statement (SQLAlchemy instrumentation). Without the variable nothing here is imported by the
request path and nothing runs per request. Arguments and query text are never recorded: they
may hold passwords or personal data.
"""

import contextlib
import os
from collections.abc import Iterator
from inspect import isawaitable

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import Scope

ENDPOINT_VARIABLE = "OTEL_EXPORTER_OTLP_ENDPOINT"
_provider = None  # this process's TracerProvider, made once


def tracing_requested() -> bool:
    return bool(os.environ.get(ENDPOINT_VARIABLE))


class Tracing:
    """What the request middleware needs: a server span around each request."""

    def __init__(self, provider) -> None:
        from opentelemetry import propagate, trace

        self._provider = provider
        self._tracer = trace.get_tracer("salesplan", tracer_provider=provider)
        self._propagate = propagate
        self._kind = trace.SpanKind.SERVER

    @contextlib.contextmanager
    def server_span(self, scope: Scope) -> Iterator[object]:
        carrier = {
            name.decode("latin-1"): value.decode("latin-1")
            for name, value in scope.get("headers") or ()
        }
        method = scope.get("method", "WEBSOCKET")
        from api.observability.requests import route_of  # a cycle at import time otherwise

        with self._tracer.start_as_current_span(
            f"{method} {route_of(scope['path'])}",
            context=self._propagate.extract(carrier),
            kind=self._kind,
            attributes={"http.request.method": method, "url.path": scope["path"]},
        ) as span:
            yield span

    def flush(self) -> None:
        self._provider.force_flush()

    def shutdown(self) -> None:
        self._provider.shutdown()


def _make_provider():
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.sdk.trace.sampling import (
        Decision,
        ParentBased,
        Sampler,
        SamplingResult,
    )

    class RequestsOnly(Sampler):
        """Traces start at requests (or jobs): the event hub's polling every second would
        otherwise send a trace of its own SQL each time."""

        def should_sample(
            self, parent_context, trace_id, name, kind=None, attributes=None, *a, **k
        ):
            keep = kind in (trace.SpanKind.SERVER, trace.SpanKind.CONSUMER)
            return SamplingResult(Decision.RECORD_AND_SAMPLE if keep else Decision.DROP, attributes)

        def get_description(self) -> str:
            return "RequestsOnly"

    service = os.environ.get("OTEL_SERVICE_NAME") or "salesplan"
    provider = TracerProvider(
        resource=Resource.create({"service.name": service}),
        sampler=ParentBased(root=RequestsOnly()),
    )
    # The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT (and _HEADERS, _TIMEOUT) itself.
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    return provider


def graphql_tracing_extension():
    """Strawberry's OpenTelemetry extension without arguments or query text, with spans for
    root fields only (a span per nested field would be thousands for one large read)."""
    from strawberry.extensions.tracing import OpenTelemetryExtension

    class GraphQLTracing(OpenTelemetryExtension):
        def __init__(self, *, execution_context=None) -> None:
            super().__init__(execution_context=execution_context, arg_filter=lambda _a, _i: {})

        def on_operation(self):
            # As strawberry's, less the "query" attribute (inline literals may be secrets).
            name = self.execution_context.operation_name
            span = self._tracer.start_span(f"GraphQL operation {name or ''}".strip())
            span.set_attribute("component", "graphql")
            self._span_holder[_operation_step()] = span
            yield
            final = self.execution_context.operation_name
            if final and not name:
                span.update_name(f"GraphQL operation {final}")
            span.end()

        async def resolve(self, _next, root, info, *args, **kwargs):
            if info.path.prev is None:
                return await super().resolve(_next, root, info, *args, **kwargs)
            result = _next(root, info, *args, **kwargs)
            return await result if isawaitable(result) else result

    return GraphQLTracing


def _operation_step():
    from strawberry.extensions.tracing.opentelemetry import LifecycleStep

    return LifecycleStep.OPERATION


def setup_tracing(engine: AsyncEngine, schema) -> Tracing | None:
    """Turn traces on for this process if OTEL_EXPORTER_OTLP_ENDPOINT is set."""
    global _provider
    if not tracing_requested():
        return None
    if _provider is None:
        _provider = _make_provider()
        schema.extensions = (*schema.extensions, graphql_tracing_extension())
        # A server process has one engine: its statements become spans of the request's trace.
        from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

        # Its declared range stops below SQLAlchemy 2.1 (ours) although its event hooks work
        # there: tests/integration/test_serving_process.py checks the statement spans arrive.
        SQLAlchemyInstrumentor().instrument(
            engine=engine.sync_engine, tracer_provider=_provider, skip_dep_check=True
        )
    return Tracing(_provider)
