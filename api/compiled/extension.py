"""The schema extension that answers query operations on the compiled path (see api.compiled).

Listed last, so its on_execute runs after the limits (cost estimate, rate budget, returned-node
counting), the authentication check and the websocket reads: it answers only what they let
through, and the standard executor is skipped because the result is already there.
"""

import logging

from graphql import ExecutionResult
from graphql.execution.executor import Executor
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from api.compiled.execute import Abandon, Runner, plans_of
from api.compiled.plan import Unsupported
from api.limits.returned import returned_so_far, set_returned

log = logging.getLogger(__name__)


def wraps_resolvers(schema) -> bool:
    """True when a schema extension runs around every resolver (tracing's spans): the compiled
    path does not call them field by field, so such a schema keeps the standard executor."""
    for extension in schema.extensions:
        implements = getattr(extension, "_implements_resolve", None)
        if implements is None or implements():
            return True
    return False


class CompiledReads(SchemaExtension):
    async def on_execute(self):
        if self._applies():
            await self._answer()
        yield

    def _applies(self) -> bool:
        context = self.execution_context
        if context.result is not None or context.graphql_document is None:
            return False
        if not getattr(context.context, "compiled_reads", False):
            return False
        try:
            if context.operation_type is not OperationType.QUERY:
                return False
        except Exception:  # an unknown operation name: the standard executor says so
            return False
        return not wraps_resolvers(context.schema)

    async def _answer(self) -> None:
        context = self.execution_context
        executor = Executor.build(
            context.schema._schema,
            context.graphql_document,
            context.root_value,
            context.context,
            context.variables,
            context.operation_name,
        )
        if isinstance(executor, list):  # variables that do not coerce: the standard errors
            return
        counted = returned_so_far()
        try:
            runner = Runner(executor, plans_of(context.graphql_document), context.schema)
            data = await runner.run(context.root_value)
        except (Abandon, Unsupported) as e:
            log.debug("compiled read answered by the standard executor: %s", e)
            set_returned(counted)
            return
        except Exception as e:  # a resolver's own error: the standard executor reports it
            log.debug("compiled read answered by the standard executor: %r", e)
            set_returned(counted)
            return
        context.result = ExecutionResult(data=data, errors=None)
