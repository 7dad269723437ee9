"""How many nodes an operation may return, estimated before it runs (GitHub's way: connection
page sizes multiplied along each path), and how many it did return.

Page sizes are checked here, against the default and maximum each paging field states in its
description ("`first`/`last` default to 50 and may be at most 100"), so a negative or oversized
page is refused before any resolver (and any SQL) runs. A list field taking a list argument
(`nodes(ids:)`) returns one item per element: its length multiplies like a page size.
Variables are coerced first, as execution would, so a page size given as a variable is the
number the resolver will see.
"""

import re
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from graphql.execution.values import get_argument_values, get_variable_values

from api.limits import codes
from api.pagination import PageLimits

# "Companies: `first`/`last` default to 50 and may be at most 100." on a connection field, or
# "Rows per page; default 100, at most 500." on a `first` argument.
PAGE_LIMITS_TEXT = re.compile(r"default(?: to)? ([\d,]+)(?:,| and may be) at most ([\d,]+)")
LIST_CAP_TEXT = re.compile(r"at most ([\d,]+)")
PAGING_ARGUMENTS = ("first", "last")
FALLBACK_PAGES = PageLimits()


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def page_limits(field: GraphQLField) -> PageLimits:
    """The default and maximum page size a paging field states."""
    texts = [field.description or ""]
    texts += [field.args[a].description or "" for a in PAGING_ARGUMENTS if a in field.args]
    for text in texts:
        if match := PAGE_LIMITS_TEXT.search(text):
            return PageLimits(_number(match.group(1)), _number(match.group(2)))
    return FALLBACK_PAGES


def states_page_limits(field: GraphQLField) -> bool:
    """True when the field (or its `first`) says its default and maximum page size."""
    texts = [field.description or ""]
    texts += [field.args[a].description or "" for a in PAGING_ARGUMENTS if a in field.args]
    return any(PAGE_LIMITS_TEXT.search(t) for t in texts)


def is_paging(field: GraphQLField) -> bool:
    return any(a in field.args for a in PAGING_ARGUMENTS)


def list_arguments(field: GraphQLField) -> list[str]:
    """Arguments of a list-returning field whose elements each give one item (nodes(ids:))."""
    if not is_list_type(get_nullable_type(field.type)):
        return []
    return [n for n, a in field.args.items() if is_list_type(get_nullable_type(a.type))]


@dataclass(frozen=True)
class Estimate:
    nodes: int


class _Walk:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: dict) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        # Nodes per fragment for one parent: the count is linear in the multiplier, so each
        # fragment is counted once however often (and however deeply) it is spread.
        self.fragment_nodes: dict[str, int] = {}
        self.in_progress: set[str] = set()

    def selection_nodes(
        self, selection_set: SelectionSetNode | None, parent_type, path: tuple = ()
    ) -> int:
        """Nodes one object of `parent_type` may return through this selection; `path` is the
        response keys leading here (for the errors)."""
        if selection_set is None or parent_type is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field_nodes(selection, parent_type, path)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent_type
                total += self.selection_nodes(selection.selection_set, inner, path)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.spread_nodes(selection.name.value, path)
        return total

    def spread_nodes(self, name: str, path: tuple) -> int:
        if name in self.fragment_nodes:
            return self.fragment_nodes[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.in_progress:  # validation reports these
            return 0
        self.in_progress.add(name)
        nodes = self.selection_nodes(
            fragment.selection_set, self.schema.get_type(fragment.type_condition.name.value), path
        )
        self.in_progress.discard(name)
        self.fragment_nodes[name] = nodes
        return nodes

    def field_nodes(self, node: FieldNode, parent_type, path: tuple) -> int:
        definition = getattr(parent_type, "fields", {}).get(node.name.value)
        if definition is None:  # __typename, introspection, or unknown (validation's job)
            return 0
        path = (*path, (node.alias or node.name).value)
        inner = self.selection_nodes(node.selection_set, get_named_type(definition.type), path)
        size = self.items(node, definition, path)
        if size is None:
            return inner
        return size * (1 + inner)

    def items(self, node: FieldNode, definition: GraphQLField, path: tuple) -> int | None:
        """How many items this field may return per parent; None: it is no list we count."""
        listed = list_arguments(definition)
        if not is_paging(definition) and not listed:
            return None
        arguments = get_argument_values(definition, node, self.variables)
        if is_paging(definition):
            limits = page_limits(definition)
            first, last = arguments.get("first"), arguments.get("last")
            # The messages the resolvers gave before the estimate checked pages (PageRequest.of).
            if first is not None and last is not None:
                raise bad_input("Give `first` or `last`, not both.", node, path)
            size = first if first is not None else last if last is not None else limits.default
            if not 0 <= size <= limits.maximum:
                raise bad_input(
                    f"`first`/`last` must be between 0 and {limits.maximum}.", node, path
                )
            return size
        size = 0
        for name in listed:
            values = arguments.get(name) or []
            cap = LIST_CAP_TEXT.search(definition.description or "")
            if cap and len(values) > _number(cap.group(1)):
                raise bad_input(f"at most {cap.group(1)} {name} per call", node, path)
            size = max(size, len(values))
        return size


def bad_input(message: str, node, path: tuple) -> GraphQLError:
    """Refused before anything ran: the path holds the response keys down to the field, without
    the list positions a resolver's error would have."""
    return GraphQLError(message, node, path=list(path), extensions={"code": codes.BAD_USER_INPUT})


def estimate(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    raw_variables: dict | None,
) -> Estimate:
    """The most nodes `operation` may return; a coded GraphQLError for a bad page size or
    variables that do not coerce."""
    variables = get_variable_values(
        schema, operation.variable_definitions or (), raw_variables or {}, max_errors=5
    )
    if isinstance(variables, list):
        for error in variables:
            error.extensions = {**(error.extensions or {}), "code": codes.BAD_USER_INPUT}
        raise variables[0]
    walk = _Walk(schema, document, variables)
    root = schema.get_root_type(operation.operation)
    return Estimate(walk.selection_nodes(operation.selection_set, root))
