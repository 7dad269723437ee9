"""Operation limits checked before anything runs: tokens, depth, aliases and the number of nodes
a query may ask for (connection page sizes multiplied along each path, as GitHub counts them).
The estimate is reported in the response's `extensions.cost`.
"""

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    VariableNode,
    get_named_type,
    get_operation_ast,
)
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

MAX_TOKENS = 5000
MAX_DEPTH = 14
MAX_ALIASES = 30
MAX_NODES = 1_000_000
# Page sizes when a connection is asked for without first/last (see each field's description).
DEFAULT_PAGE = 50
DEFAULT_PAGE_BY_FIELD = {"lines": 100}

# Built once: strawberry's limiters make their validation rules in __init__.
_VALIDATION_RULES = (
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
)


def page_size(field: FieldNode, variables: dict) -> int:
    """first/last as asked (a literal or a variable), else the field's default page size."""
    for argument in field.arguments or ():
        if argument.name.value in ("first", "last"):
            value = argument.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode) and isinstance(variables.get(value.name.value), int):
                return variables[value.name.value]
    return DEFAULT_PAGE_BY_FIELD.get(field.name.value, DEFAULT_PAGE)


def requested_nodes(
    schema: GraphQLSchema, document, operation_name: str | None, variables: dict
) -> int:
    """How many nodes the operation may return at most."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    total = 0

    def walk(selection_set, parent_type, multiplier: int) -> None:
        nonlocal total
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                fields = getattr(parent_type, "fields", {})
                definition = fields.get(selection.name.value)
                if definition is None:
                    continue
                field_type = get_named_type(definition.type)
                inner = multiplier
                if field_type.name.endswith("Connection"):
                    inner = multiplier * page_size(selection, variables)
                    total += inner
                if selection.selection_set is not None:
                    walk(selection.selection_set, field_type, inner)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                walk(
                    selection.selection_set,
                    schema.get_type(condition.name.value) if condition else parent_type,
                    multiplier,
                )
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments.get(selection.name.value)
                if fragment is not None:
                    walk(
                        fragment.selection_set,
                        schema.get_type(fragment.type_condition.name.value),
                        multiplier,
                    )

    walk(operation.selection_set, schema.get_root_type(operation.operation), 1)
    return total


class OperationLimits(SchemaExtension):
    """One extension for every limit (each extension costs a little on every subscription event)."""

    def on_operation(self):
        context = self.execution_context
        context.parse_options["max_tokens"] = MAX_TOKENS
        context.validation_rules = context.validation_rules + _VALIDATION_RULES
        yield

    def on_execute(self):
        context = self.execution_context
        if context.result is None and context.graphql_document is not None:
            nodes = requested_nodes(
                context.schema._schema,
                context.graphql_document,
                context.operation_name,
                context.variables or {},
            )
            # Read by get_results; subscriptions would repeat the figure in every event, so
            # they get it nowhere (decided here once, not on every event).
            if context.operation_type is not OperationType.SUBSCRIPTION:
                context.context_cost = nodes
            if nodes > MAX_NODES:
                context.result = ExecutionResult(
                    data=None,
                    errors=[
                        GraphQLError(
                            f"This query could return {nodes:,} nodes; the limit is {MAX_NODES:,}. "
                            "Ask for smaller pages (first/last) or fewer levels.",
                            extensions={"code": "QUERY_TOO_COSTLY"},
                        )
                    ],
                )
        yield

    def get_results(self) -> dict:
        nodes = getattr(self.execution_context, "context_cost", None)
        if nodes is None:
            return {}
        return {"cost": {"requestedNodes": nodes, "maxNodes": MAX_NODES}}
