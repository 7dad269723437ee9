"""Plans of a document: for each object type and selection, its fields and how each is got.

A plan is made from graphql-core's own field collection (fragments, aliases, merged fields,
@skip/@include), so the fields and their order are exactly those the standard executor answers.
Plans are kept per document and operation when nothing in them depends on the variables (no
@skip/@include anywhere); arguments that name no variable are coerced once and kept too.
"""

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    VariableNode,
    get_named_type,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetails
from graphql.execution.values import get_argument_values
from graphql.language import Visitor, visit

# How a field's value is got.
TYPENAME = 0  # __typename: the object type's name
ATTRIBUTE = 1  # a strawberry field without resolver: the object's attribute
METHOD = 2  # a plain method: no arguments, no info, not async, no extensions
CALL = 3  # a resolver called as strawberry's wrapper would call it, arguments converted once
RESOLVER = 4  # anything else: the field's own resolver through strawberry's wrapper, with info


class Unsupported(Exception):
    """Something the compiled path does not answer: the standard executor does."""


STRAWBERRY_FIELD = "strawberry-definition"


@dataclass(eq=False)
class FieldPlan:
    key: str  # the response key (alias or name)
    field_details: list[FieldDetails]
    field_def: GraphQLField | None  # None for __typename
    mode: int
    attribute: str | None = None
    method: Any = None
    passes_self: bool = True
    info_parameter: str | None = None  # CALL: the resolver's parameter for the Info
    strawberry_field: Any = None
    constant_args: dict | None = None  # coerced arguments, when they name no variable
    children: dict[str, "SelectionPlan"] = field(default_factory=dict)  # by object type name

    @property
    def return_type(self) -> GraphQLOutputType:
        return self.field_def.type

    @property
    def named_type(self) -> GraphQLNamedType:
        return get_named_type(self.field_def.type)

    @property
    def nodes(self) -> list[FieldNode]:
        return [d.node for d in self.field_details]


@dataclass(eq=False)
class SelectionPlan:
    type: GraphQLObjectType
    fields: list[FieldPlan]


def field_plans(
    schema: GraphQLSchema, parent: GraphQLObjectType, grouped: dict, direct_calls: bool
) -> list[FieldPlan]:
    """The plans of a collected field set (graphql-core's grouped field set) of `parent`.
    `direct_calls`: the schema has no exception handlers, so a resolver without extensions may
    be called as strawberry's wrapper calls it (CALL) rather than through the wrapper."""
    plans = []
    for key, details in grouped.items():
        node = details[0].node
        name = node.name.value
        if name == "__typename":
            plans.append(FieldPlan(key, details, None, TYPENAME))
            continue
        if name.startswith("__"):
            raise Unsupported("introspection")
        field_def = schema.get_field(parent, name)
        if field_def is None:
            raise Unsupported(f"no field {parent.name}.{name}")
        plan = FieldPlan(key, details, field_def, RESOLVER)
        strawberry_field = (field_def.extensions or {}).get(STRAWBERRY_FIELD)
        if strawberry_field is not None and not strawberry_field.extensions:
            resolver = strawberry_field.base_resolver
            if resolver is None:
                plan.mode, plan.attribute = ATTRIBUTE, strawberry_field.python_name
            elif resolver.root_parameter is None and resolver.parent_parameter is None:
                plan.method = resolver.wrapped_func
                plan.passes_self = resolver.self_parameter is not None
                plan.strawberry_field = strawberry_field
                if (
                    not resolver.is_async
                    and not resolver.arguments
                    and resolver.info_parameter is None
                ):
                    plan.mode = METHOD
                elif direct_calls:
                    plan.mode = CALL
                    info = resolver.info_parameter
                    plan.info_parameter = info.name if info is not None else None
        if plan.mode in (CALL, RESOLVER) and not names_variables(details):
            plan.constant_args = arguments(field_def, details, None)
        plans.append(plan)
    return plans


def arguments(field_def: GraphQLField, details: list[FieldDetails], variable_values) -> dict:
    """The field's coerced arguments, as graphql-core gives them to the resolver."""
    first = details[0]
    return get_argument_values(
        field_def, first.node, variable_values, first.fragment_variable_values
    )


def names_variables(details: list[FieldDetails]) -> bool:
    first = details[0]
    if first.fragment_variable_values is not None:
        return True
    found = False

    class Variables(Visitor):
        def enter_variable(self, _node: VariableNode, *_args) -> None:
            nonlocal found
            found = True

    for argument in first.node.arguments or ():
        visit(argument, Variables())
    return found


def is_leaf(plan: FieldPlan) -> bool:
    return plan.field_def is None or is_leaf_type(plan.named_type)


class DocumentPlans:
    """The root plan of one operation of one document, and whether it may be kept."""

    def __init__(self, document: DocumentNode) -> None:
        self.reusable = not uses_skip_or_include(document)
        self.roots: dict[str | None, SelectionPlan] = {}


def uses_skip_or_include(document: DocumentNode) -> bool:
    found = False

    class Directives(Visitor):
        def enter_directive(self, node, *_args) -> None:
            nonlocal found
            if node.name.value in ("skip", "include"):
                found = True

    visit(document, Directives())
    return found
