"""The GraphQL side of the figures and logs: each operation's name, type, outcome, error codes,
user and cost.

Over HTTP these go into the request's RequestRecord and its one log line. A websocket carries
many operations at once, so each of its operations writes a line of its own. Subscriptions are
counted while they run; their duration is their lifetime, so no latency is measured for them.
"""

import logging
import time

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from api.observability import metrics
from api.observability.requests import RequestRecord, current_request

log = logging.getLogger("salesplan.operations")

# Errors without a code of their own: a query that does not parse or validate, or a failure
# nobody planned for (whose message the schema masks).
BAD_REQUEST = "BAD_REQUEST"
INTERNAL = "INTERNAL_ERROR"


def error_code(error: GraphQLError) -> str:
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):
        return code
    original = error.original_error
    if error.path is not None and original is not None and not isinstance(original, GraphQLError):
        return INTERNAL
    return BAD_REQUEST


def count_refusals(codes: list[str]) -> None:
    """A mutation answered with errors in its payload (called by api.mutations.payloads)."""
    for code in codes:
        metrics.ERRORS.labels(code, "payload").inc()
    record = current_request.get()
    if record is not None and record.transport == "http":
        record.refused_codes.extend(codes)


class OperationObservation(SchemaExtension):
    """Counts and describes each operation; costs nothing per subscription event."""

    _counted_subscription = False

    def on_operation(self):
        started = time.perf_counter()
        record = current_request.get()
        try:
            yield
        finally:
            self._finish(record, started)
            if self._counted_subscription:
                metrics.SUBSCRIPTIONS.dec()

    def on_execute(self):
        # Reached once per operation, after parsing and validation; a subscription's lifetime
        # starts here and ends when on_operation resumes.
        if self._operation_type() == "subscription":
            metrics.SUBSCRIPTIONS.inc()
            self._counted_subscription = True
        yield

    def _operation_type(self) -> str | None:
        context = self.execution_context
        if context.graphql_document is None:
            return None
        try:
            kind = context.operation_type
        except Exception:  # no such operation in the document: a request error
            return None
        return {
            OperationType.QUERY: "query",
            OperationType.MUTATION: "mutation",
            OperationType.SUBSCRIPTION: "subscription",
        }[kind]

    def _finish(self, record: RequestRecord | None, started: float) -> None:
        context = self.execution_context
        duration = time.perf_counter() - started
        kind = self._operation_type() or "invalid"
        name = context.operation_name
        result = context.result
        errors = list(getattr(result, "errors", None) or context.pre_execution_errors or ())
        codes = [error_code(e) for e in errors]
        for code in codes:
            metrics.ERRORS.labels(code, "response").inc()
        viewer = getattr(context.context, "actor", None)
        user_id = getattr(viewer, "user_id", None)
        cost = getattr(context, "context_cost", None)
        label = metrics.operation_label(name)
        on_http = record is not None and record.transport == "http"
        refused = bool(record.refused_codes) if on_http else False
        outcome = "error" if codes else "refused" if refused else "ok"
        metrics.OPERATIONS.labels(label, kind, outcome).inc()
        if kind in ("query", "mutation"):
            metrics.OPERATION_DURATION.labels(kind).observe(duration)
        if on_http:
            record.operation = name
            record.operation_type = kind
            record.user_id = user_id
            record.cost = cost
            record.outcome = outcome
            record.error_codes = codes
        else:
            if record is not None and user_id is not None:
                record.user_id = user_id  # the connection's line names its user
            log.info(
                "%s %s",
                kind,
                name or "(anonymous)",
                extra={
                    "fields": {
                        "operation": name,
                        "operation_type": kind,
                        "user_id": user_id,
                        "cost": cost,
                        "outcome": outcome,
                        "errors": codes or None,
                        "duration_ms": round(duration * 1000, 1),
                    }
                },
            )
