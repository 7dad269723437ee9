"""Generated GraphQL operations over the served schema (hypothesis-graphql), and the verdict on
what the server answered.

Four kinds of operation: valid queries, valid single-field mutations, operations with one schema
violation (hypothesis-graphql's negative mode), and valid operations whose root arguments are
sent as variables, either as generated or replaced by random JSON. Ids are drawn from the real
objects of the demo (every type, every customer) and from made-up ones; decimals, dates and
times include out-of-range and malformed values.
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import graphql
from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableDefinitionNode,
    VariableNode,
    parse_type,
    print_ast,
    value_from_ast_untyped,
)
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries
from sqlalchemy import text

from api.ids import to_global_id

# Global id type → its table, for the pool of ids operations use.
ID_TABLES = {
    "Company": "company",
    "Department": "department",
    "Salesperson": "salesperson",
    "User": "app_user",
    "Product": "product",
    "SalesPlan": "sales_plan",
    "SalesPlanLine": "sales_plan_line",
    "Customer": "customer",
    "SalesOrder": "sales_order",
    "SalesOrderLine": "sales_order_line",
    "Shipment": "shipment",
    "SalesReturn": "sales_return",
    "StockIn": "stock_in",
    "ApprovalStep": "approval_step",
}
MADE_UP_IDS = [
    to_global_id("SalesOrder", 999_999),
    to_global_id("Customer", 2**70),
    to_global_id("Nope", 1),
    "not-an-id",
    "",
]
DECIMALS = [
    "0",
    "1",
    "12.5",
    "0.001",
    "-1",
    "1e20",
    "NaN",
    "Infinity",
    "ten",
    "",
    "999999999.999",
    "9999999999999.99",
    "1.0005",
]


async def id_pool(engine) -> list[str]:
    """Global ids of the demo's objects (at most 40 per type), for generated arguments."""
    ids = []
    async with engine.connect() as conn:
        for type_name, table in ID_TABLES.items():
            rows = await conn.execute(text(f"SELECT id FROM {table} ORDER BY id LIMIT 40"))
            ids += [to_global_id(type_name, pk) for (pk,) in rows]
    return ids + MADE_UP_IDS


def custom_scalars(ids: list[str]) -> dict:
    days = st.dates(date(2020, 1, 1), date(2030, 12, 31)).map(date.isoformat)
    moments = st.datetimes(datetime(2020, 1, 1), datetime(2030, 1, 1), timezones=st.just(UTC))
    return {
        "ID": st.sampled_from(ids).map(nodes.String),
        "Decimal": st.one_of(
            st.sampled_from(DECIMALS),
            st.decimals(min_value=0, max_value=10**6, places=3).map(str),
        ).map(nodes.String),
        "Date": st.one_of(days, st.sampled_from(["2027-02-30", "27-01-01", "x"])).map(nodes.String),
        "DateTime": st.one_of(
            moments.map(datetime.isoformat), st.sampled_from(["2027-01-01T00:00:00", "soon"])
        ).map(nodes.String),
    }


def _field(root: FieldNode, **changes) -> FieldNode:
    """A copy of a field node with some parts changed (AST nodes are immutable)."""
    parts = {
        "alias": root.alias,
        "name": root.name,
        "arguments": root.arguments,
        "directives": root.directives,
        "selection_set": root.selection_set,
    }
    return FieldNode(**{**parts, **changes})


def _operation(definition: OperationDefinitionNode, roots, variables=None):
    return OperationDefinitionNode(
        operation=definition.operation,
        name=definition.name,
        variable_definitions=tuple(variables or definition.variable_definitions or ()),
        directives=definition.directives,
        selection_set=SelectionSetNode(selections=tuple(roots)),
    )


ERRORS = FieldNode(
    name=NameNode(value="errors"),
    selection_set=SelectionSetNode(selections=(FieldNode(name=NameNode(value="code")),)),
)


def with_errors_selected(document: DocumentNode) -> DocumentNode:
    """Every mutation payload selects `errors { code }`, so a refusal can be told apart."""
    definitions = []
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode) or (
            definition.operation is not graphql.OperationType.MUTATION
        ):
            definitions.append(definition)
            continue
        roots = []
        for root in definition.selection_set.selections:
            selected = root.selection_set.selections if root.selection_set else ()
            if root.selection_set is None or any(
                isinstance(s, FieldNode) and s.name.value == "errors" for s in selected
            ):
                roots.append(root)
            else:
                roots.append(
                    _field(root, selection_set=SelectionSetNode(selections=(*selected, ERRORS)))
                )
        definitions.append(_operation(definition, roots))
    return DocumentNode(definitions=tuple(definitions))


PAGING = frozenset({"first", "last", "after", "before"})


def _without_paging(selection_set: SelectionSetNode | None) -> SelectionSetNode | None:
    if selection_set is None:
        return None
    selections = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            arguments = tuple(a for a in selection.arguments or () if a.name.value not in PAGING)
            selection = _field(
                selection,
                arguments=arguments,
                selection_set=_without_paging(selection.selection_set),
            )
        elif isinstance(selection, graphql.InlineFragmentNode):
            selection = graphql.InlineFragmentNode(
                type_condition=selection.type_condition,
                directives=selection.directives,
                selection_set=_without_paging(selection.selection_set),
            )
        selections.append(selection)
    return SelectionSetNode(selections=tuple(selections))


def default_pages(document: DocumentNode) -> DocumentNode:
    """The document with every first/last/after/before dropped: lists answer their default
    page, so the answer holds data rather than a refused page size."""
    definitions = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            selected = _without_paging(definition.selection_set).selections
            definition = _operation(definition, selected)
        definitions.append(definition)
    return DocumentNode(definitions=tuple(definitions))


def as_variables(schema: graphql.GraphQLSchema, document: DocumentNode) -> tuple[str, dict]:
    """The document with its root fields' arguments sent as variables: (query, variables)."""
    values: dict = {}
    definitions = []
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            definitions.append(definition)
            continue
        root_type = schema.get_root_type(definition.operation)
        variables, roots = [], []
        for root in definition.selection_set.selections:
            field_def = root_type.fields[root.name.value]
            arguments = []
            for argument in root.arguments or ():
                name = f"v{len(values)}"
                values[name] = value_from_ast_untyped(argument.value)
                variable = VariableNode(name=NameNode(value=name))
                type_text = str(field_def.args[argument.name.value].type)
                variables.append(
                    VariableDefinitionNode(variable=variable, type=parse_type(type_text))
                )
                arguments.append(ArgumentNode(name=argument.name, value=variable))
            roots.append(_field(root, arguments=tuple(arguments)))
        definitions.append(_operation(definition, roots, variables))
    return print_ast(DocumentNode(definitions=tuple(definitions))), values


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@dataclass(frozen=True)
class Operation:
    kind: str  # one of KINDS
    query: str
    variables: dict = field(default_factory=dict)

    @property
    def is_mutation(self) -> bool:
        return self.query.lstrip().startswith("mutation")


KINDS = (
    "query",
    "default-pages",
    "deep-read",
    "mutation",
    "negative",
    "variables",
    "random-variables",
)


def operations(
    schema: graphql.GraphQLSchema, ids: list[str]
) -> dict[str, st.SearchStrategy[Operation]]:
    """One strategy per kind of operation."""
    scalars = custom_scalars(ids)
    keep = {"print_ast": lambda document: document, "custom_scalars": scalars}
    positive_queries = queries(schema, **keep)
    # One root field a query, so that each of them is asked for on its own as often.
    single_queries = st.sampled_from(sorted(schema.query_type.fields)).flatmap(
        lambda name: queries(schema, fields=[name], **keep)
    )
    single_mutations = st.sampled_from(sorted(schema.mutation_type.fields)).flatmap(
        lambda name: mutations(schema, fields=[name], **keep)
    )
    valid = st.one_of(positive_queries, single_mutations)

    def lifted(document: DocumentNode) -> Operation:
        query, variables = as_variables(schema, with_errors_selected(document))
        return Operation("variables", query, variables)

    def scrambled(pair: tuple[Operation, list]) -> Operation:
        operation, values = pair
        random = dict(zip(sorted(operation.variables), values, strict=False))
        return Operation("random-variables", operation.query, {**operation.variables, **random})

    negative = {"mode": Mode.NEGATIVE, "custom_scalars": scalars}
    return {
        "query": positive_queries.map(lambda d: Operation("query", print_ast(d))),
        "default-pages": single_queries.map(
            lambda d: Operation("default-pages", print_ast(default_pages(d)))
        ),
        "deep-read": deep_reads(schema, ids),
        "mutation": single_mutations.map(
            lambda d: Operation("mutation", print_ast(with_errors_selected(d)))
        ),
        "negative": st.one_of(queries(schema, **negative), mutations(schema, **negative)).map(
            lambda q: Operation("negative", q)
        ),
        "variables": valid.map(lifted),
        "random-variables": st.tuples(valid.map(lifted), st.lists(JSON, max_size=3)).map(scrambled),
    }


@dataclass
class Tally:
    """What one role's run found."""

    operations: int = 0
    by_kind: dict = field(default_factory=dict)
    server_errors: list = field(default_factory=list)  # 5xx
    uncoded: list = field(default_factory=list)  # an error without extensions.code
    internal: list = field(default_factory=list)  # INTERNAL_ERROR: a bug, even if coded
    violations: list = field(default_factory=list)  # a denied call changed the database

    def figures(self) -> dict:
        return {
            "operations": self.operations,
            "by_kind": dict(sorted(self.by_kind.items())),
            "5xx": len(self.server_errors),
            "uncoded": len(self.uncoded),
            "internal": len(self.internal),
            "violations": len(self.violations),
        }


def judge(tally: Tally, operation: Operation, status: int, body: object) -> bool | None:
    """Record what is wrong with one answer; for a mutation, True when it was refused."""
    tally.operations += 1
    tally.by_kind[operation.kind] = tally.by_kind.get(operation.kind, 0) + 1
    if status >= 500:
        tally.server_errors.append((operation, status, body))
    if not isinstance(body, dict):
        tally.uncoded.append((operation, status, body))
        return None
    for error in body.get("errors") or ():
        code = (error.get("extensions") or {}).get("code")
        if not code:
            tally.uncoded.append((operation, status, error))
        elif code == "INTERNAL_ERROR":
            tally.internal.append((operation, status, error))
    if not operation.is_mutation:
        return None
    data = body.get("data")
    if not data:
        return True
    payloads = list(data.values())
    return all(p is None or (p.get("errors") or []) for p in payloads)


def full_selection(schema: graphql.GraphQLSchema, type_, levels: int, rng) -> str:
    """Every field without required arguments, `levels` object levels down (connection
    wrappers not counted; `nodes` rather than `edges`); behind an interface or a union, one of
    its types, picked by `rng` (all of them at once would clash on fields of the same name)."""
    named = graphql.get_named_type(type_)
    if isinstance(named, graphql.GraphQLScalarType | graphql.GraphQLEnumType):
        return ""
    if isinstance(named, graphql.GraphQLInterfaceType | graphql.GraphQLUnionType):
        possible = rng.choice(sorted(schema.get_possible_types(named), key=lambda t: t.name))
        inner = full_selection(schema, possible, levels, rng)
        return f"{{ __typename ... on {possible.name} {inner} }}" if inner else "{ __typename }"
    parts = []
    for name, field_def in named.fields.items():
        if any(graphql.is_required_argument(a) for a in field_def.args.values()):
            continue
        if name == "edges" and named.name.endswith("Connection"):
            continue  # `nodes` holds the same objects
        inner_type = graphql.get_named_type(field_def.type)
        if isinstance(inner_type, graphql.GraphQLScalarType | graphql.GraphQLEnumType):
            parts.append(name)
            continue
        wrapper = named.name.endswith(("Connection", "Edge"))
        if levels <= 0 and not wrapper:
            continue
        inner = full_selection(schema, inner_type, levels if wrapper else levels - 1, rng)
        if inner:
            parts.append(f"{name} {inner}")
    return "{ " + " ".join(parts) + " }" if parts else ""


# Deep reads stay well under the node limit, so they run rather than being refused.
DEEP_READ_NODES = 100_000


def deep_reads(schema: graphql.GraphQLSchema, ids: list[str]) -> st.SearchStrategy[Operation]:
    """Queries of one root field with every field one or two levels down: root fields that take
    ids get ids from the pool, the others their defaults."""
    from api.limits.cost import estimate

    query_type = schema.query_type
    roots = []
    for name, field_def in sorted(query_type.fields.items()):
        required = [n for n, a in field_def.args.items() if graphql.is_required_argument(a)]
        id_arguments = [
            n for n in required if graphql.get_named_type(field_def.args[n].type).name == "ID"
        ]
        if len(required) == len(id_arguments):  # others are left to the generated operations
            roots.append((name, id_arguments))

    def build(root, picked: list[str], rng) -> Operation:
        name, id_arguments = root
        field_def = query_type.fields[name]
        arguments = []
        for argument in id_arguments:
            argument_type = graphql.get_nullable_type(field_def.args[argument].type)
            many = graphql.is_list_type(argument_type)
            arguments.append(f"{argument}: {json.dumps(picked if many else picked[0])}")
        call = f"{name}({', '.join(arguments)})" if arguments else name
        for levels in (2, 1, 0):
            query = f"{{ {call} {full_selection(schema, field_def.type, levels, rng)} }}"
            document = graphql.parse(query)
            if graphql.validate(schema, document):
                continue
            operation = graphql.get_operation_ast(document)
            if estimate(schema, document, operation, {}).nodes <= DEEP_READ_NODES:
                break
        return Operation("deep-read", query)

    return st.builds(
        build,
        st.sampled_from(roots),
        st.lists(st.sampled_from(ids), min_size=1, max_size=5),
        st.randoms(use_true_random=False),
    )
