"""Resolve a subscription event once for all subscribers who would get the same answer.

A thousand subscribers of one query would otherwise each execute it for every event. Results are
shared between subscriptions whose document and variables are equal and whose viewers have the
same reading scope (domain.access.Actor.reading_scope), i.e. who would see the same rows, so a
shared result never shows anyone what they could not read themselves.
"""

import asyncio
import json
from typing import Any

from graphql import print_ast
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class SharedEvent:
    """Mixed into subscription payloads by api.live.follow: the per-event cache and the key of
    what its subscriber may read."""

    shared_results: dict
    scope_key: tuple


class AlreadyExecuted:
    """Stands in for a per-event executor when another subscriber's execution is reused."""

    def __init__(self, result) -> None:
        self._result = result

    def execute_operation(self, serially: bool | None = None):
        return self._result


class SharedEventExecutionContext(StrawberryGraphQLCoreExecutionContext):
    _operation_key: str | None = None

    def build_per_event_executor(self, payload: Any):
        cache = getattr(payload, "shared_results", None)
        if cache is not None:
            if self._operation_key is None:
                fragments = sorted(print_ast(f) for f in self.fragment_definitions.values())
                variables = json.dumps(self.variable_values.coerced, sort_keys=True, default=str)
                self._operation_key = "\n".join([print_ast(self.operation), *fragments, variables])
            shared = cache.get((self._operation_key, payload.scope_key))
            if shared is not None:
                return AlreadyExecuted(shared)  # no copy of the executor, no execution
        return super().build_per_event_executor(payload)

    def execute_operation(self, serially: bool | None = None):
        payload = self.root_value
        cache = getattr(payload, "shared_results", None)
        if cache is None or self._operation_key is None:
            return super().execute_operation(serially)
        key = (self._operation_key, payload.scope_key)
        if key in cache:
            return cache[key]
        result = super().execute_operation(serially)
        if self.is_awaitable(result):
            # Later subscribers await the same future instead of executing again.
            result = asyncio.ensure_future(result)
        cache[key] = result
        return result
