"""Bounds of a parsed document, checked before graphql-core validates it: fragments, string
literals, aliases and depth.

Depth counts the levels a client asks for, not the connection wrappers around them: `edges`,
`nodes` and `pageInfo` of a connection and `node` of an edge add nothing, so the Relay form
(`departments { edges { node { code } } }`) and the short form (`departments { nodes { code } }`)
are equally deep. Fragments are measured once each (memoised), so spreading one fragment many
times, or nesting spreads, costs the check no more than writing the fields out.
"""

import weakref
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    Visitor,
    get_named_type,
    visit,
)

from api.limits import codes


@dataclass(frozen=True)
class DocumentBounds:
    max_depth: int = 14
    max_aliases: int = 30
    max_fragments: int = 100
    max_string_chars: int = 10_000


CONNECTION_WRAPPERS = frozenset({"edges", "nodes", "pageInfo"})


def adds_depth(parent_type_name: str, field_name: str) -> bool:
    """False for the wrapper levels of a connection (see the module docstring)."""
    if parent_type_name.endswith("Connection") and field_name in CONNECTION_WRAPPERS:
        return False
    return not (parent_type_name.endswith("Edge") and field_name == "node")


class _LongStrings(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.longest = 0

    def enter_string_value(self, node: StringValueNode, *_args) -> None:
        self.longest = max(self.longest, len(node.value))


class _Shape:
    """Depth and aliases of the operations, each fragment measured once."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode) -> None:
        self.schema = schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.fragment_depth: dict[str, int] = {}
        self.in_progress: set[str] = set()

    def depth(self, selection_set: SelectionSetNode | None, parent_type) -> int:
        if selection_set is None:
            return 0
        deepest = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                if name.startswith("__"):  # introspection: as deep as the schema, no deeper
                    continue
                parent_name = getattr(parent_type, "name", "")
                definition = getattr(parent_type, "fields", {}).get(name)
                inner_type = get_named_type(definition.type) if definition else None
                own = 1 if adds_depth(parent_name, name) else 0
                deepest = max(deepest, own + self.depth(selection.selection_set, inner_type))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner_type = self.schema.get_type(condition.name.value) if condition else None
                deepest = max(
                    deepest, self.depth(selection.selection_set, inner_type or parent_type)
                )
            elif isinstance(selection, FragmentSpreadNode):
                deepest = max(deepest, self.spread_depth(selection.name.value))
        return deepest

    def spread_depth(self, name: str) -> int:
        if name in self.fragment_depth:
            return self.fragment_depth[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.in_progress:  # unknown or a cycle: validation's job
            return 0
        self.in_progress.add(name)
        depth = self.depth(
            fragment.selection_set, self.schema.get_type(fragment.type_condition.name.value)
        )
        self.in_progress.discard(name)
        self.fragment_depth[name] = depth
        return depth


def count_aliases(document: DocumentNode) -> int:
    """Aliased fields as written (each fragment once)."""
    count = 0

    class Aliases(Visitor):
        def enter_field(self, node: FieldNode, *_args) -> None:
            nonlocal count
            if node.alias is not None:
                count += 1

    visit(document, Aliases())
    return count


# Documents found within bounds, by identity (a node's own hash walks the whole tree): a parsed
# document is kept and sent again (api.document_cache), and keeps the same bounds every time.
_within: dict[int, set] = {}


def check_document(
    schema: GraphQLSchema, document: DocumentNode, bounds: DocumentBounds
) -> GraphQLError | None:
    """The first bound the document breaks, as a coded error; None when it keeps them all."""
    key = (id(schema), bounds)
    checked = _within.get(id(document))
    if checked is not None and key in checked:
        return None
    refusal = _first_refusal(schema, document, bounds)
    if refusal is None:
        if checked is None:
            checked = _within[id(document)] = set()
            weakref.finalize(document, _within.pop, id(document), None)
        checked.add(key)
    return refusal


def _first_refusal(
    schema: GraphQLSchema, document: DocumentNode, bounds: DocumentBounds
) -> GraphQLError | None:
    fragments = sum(isinstance(d, FragmentDefinitionNode) for d in document.definitions)
    if fragments > bounds.max_fragments:
        return codes.coded(
            f"The document defines {fragments} fragments; the limit is {bounds.max_fragments}.",
            codes.TOO_MANY_FRAGMENTS,
        )
    strings = _LongStrings()
    visit(document, strings)
    if strings.longest > bounds.max_string_chars:
        return codes.coded(
            f"A string in the document has {strings.longest:,} characters; the limit is "
            f"{bounds.max_string_chars:,}. Send long values as variables.",
            codes.REQUEST_TOO_LARGE,
        )
    aliases = count_aliases(document)
    if aliases > bounds.max_aliases:
        return codes.coded(
            f"The document has {aliases} aliases; the limit is {bounds.max_aliases}.",
            codes.TOO_MANY_ALIASES,
        )
    shape = _Shape(schema, document)
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        root = schema.get_root_type(definition.operation)  # None: validation says so
        depth = shape.depth(definition.selection_set, root)
        if depth > bounds.max_depth:
            name = definition.name.value if definition.name else "The operation"
            return codes.coded(
                f"{name} is {depth} levels deep; the limit is {bounds.max_depth} (connection "
                "wrappers such as edges, node and nodes are not counted).",
                codes.QUERY_TOO_DEEP,
            )
    return None
