"""The limits every operation passes, in order: tokens (while parsing), the document's bounds
(api.limits.document, before validation), then, for an authenticated caller only, the cost
estimate with its page-size checks (api.limits.cost), the caller's role limit and their rate
budget (api.limits.rate). All of it runs before any resolver, so a refused operation sends no
SQL beyond authentication.

An authenticated caller gets `extensions.cost` (GitHub's node counts and Shopify's points with
`throttleStatus`); anonymous callers get no figures. Subscriptions are estimated and charged
once, when they start; their events carry no figures.
"""

import math

from graphql import GraphQLError, OperationDefinitionNode, OperationType, get_operation_ast
from strawberry.extensions import SchemaExtension

from api.limits import codes
from api.limits.cost import estimate
from api.limits.document import DocumentBounds, check_document
from api.limits.errors import mark_validation_errors
from api.limits.returned import start_counting, stop_counting
from api.limits.settings import Limits, LimitSettings, points

MAX_TOKENS = 5000
# For operations run without the app (schema.execute in tests): defaults, buckets in memory.
DEFAULT_LIMITS = Limits(LimitSettings(_env_file=None, rate_limit_redis_url=None))


def limits_of(context) -> Limits:
    """The app's limits (app.state.limits), or the defaults when run without an app (tests)."""
    request = getattr(context, "request", None)
    app = getattr(request, "app", None) if request is not None else None
    return getattr(getattr(app, "state", None), "limits", None) or DEFAULT_LIMITS


class OperationLimits(SchemaExtension):
    """One extension for every limit (each extension costs a little on every subscription event)."""

    def on_operation(self):
        context = self.execution_context
        context.parse_options["max_tokens"] = MAX_TOKENS
        yield

    def on_parse(self):
        yield
        for error in self.execution_context.pre_execution_errors or ():
            if not (error.extensions or {}).get("code"):
                error.extensions = {**(error.extensions or {}), "code": codes.GRAPHQL_PARSE_FAILED}

    def on_validate(self):
        context = self.execution_context
        bounds: DocumentBounds = limits_of(context.context).document
        refusal = check_document(context.schema._schema, context.graphql_document, bounds)
        if refusal is not None:
            # graphql-core's own validation is skipped when errors are already there.
            context.pre_execution_errors = [refusal]
            if refusal.extensions["code"] == codes.REQUEST_TOO_LARGE:
                set_status(context.context, 413)
        yield
        mark_validation_errors(context.pre_execution_errors)

    async def on_execute(self):
        context = self.execution_context
        actor = getattr(context.context, "actor", None)
        if context.result is not None or actor is None or context.graphql_document is None:
            yield  # refused already (e.g. unauthenticated): no estimate, no figures
            return
        limits = limits_of(context.context)
        role_limits = limits.for_actor(actor)
        operation = get_operation_ast(context.graphql_document, context.operation_name)
        if operation is None:
            yield  # execution reports the unknown operation name
            return
        subscription = operation.operation is OperationType.SUBSCRIPTION
        nodes = estimate(
            context.schema._schema, context.graphql_document, operation, context.variables
        ).nodes
        cost = points(nodes, mutation_fields(operation))
        figures = {"requestedNodes": nodes, "maxNodes": role_limits.max_nodes}
        if not subscription:
            context.cost_figures = figures  # read by get_results
            context.context_cost = nodes  # read by api.observability (the access log)
        if nodes > role_limits.max_nodes:
            raise codes.coded(
                f"This query could return {nodes:,} nodes; the limit is "
                f"{role_limits.max_nodes:,}. Ask for smaller pages (first/last) or fewer levels.",
                codes.QUERY_TOO_COSTLY,
            )
        key = str(actor.user_id)
        throttle = await limits.buckets.pour(key, cost, role_limits.budget)
        figures.update(requestedQueryCost=cost, throttleStatus=throttle.status())
        if not throttle.allowed:
            raise self._rate_limited(throttle)
        token = start_counting()
        try:
            yield
        finally:
            returned = stop_counting(token)
        if subscription:
            return
        actual = points(returned, mutation_fields(operation))
        figures.update(actualNodes=returned, actualQueryCost=actual)
        if actual < cost:
            throttle = await limits.buckets.take_back(key, cost - actual, role_limits.budget)
            figures["throttleStatus"] = throttle.status()

    def _rate_limited(self, throttle) -> GraphQLError:
        seconds = max(1, math.ceil(throttle.retry_after))
        set_status(self.execution_context.context, 429, {"Retry-After": str(seconds)})
        return codes.coded(
            f"Rate limit: this operation costs {throttle.cost:g} points and "
            f"{math.floor(throttle.available)} of {throttle.budget.capacity:g} are available "
            f"({throttle.budget.restore_rate:g} restored per second). Retry in {seconds} s.",
            codes.RATE_LIMITED,
            retryAfter=seconds,
        )

    def get_results(self) -> dict:
        figures = getattr(self.execution_context, "cost_figures", None)
        return {} if figures is None else {"cost": figures}


def set_status(context, status: int, headers: dict | None = None) -> None:
    """The HTTP status of the answer (nothing on websockets, which have none)."""
    response = getattr(context, "response", None)
    if response is not None and hasattr(response, "status_code"):
        response.status_code = status
        response.headers.update(headers or {})


def mutation_fields(operation: OperationDefinitionNode) -> int:
    """Root fields of a mutation (each is one business action)."""
    if operation.operation is not OperationType.MUTATION:
        return 0
    return len(operation.selection_set.selections)
