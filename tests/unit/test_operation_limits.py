"""api.limits: the cost estimate (page sizes checked against what each field states, list
arguments multiplying, fragments counted once each) and the document's depth (connection
wrappers not counted)."""

import pytest
from graphql import GraphQLError, get_operation_ast, parse

from api.limits.cost import estimate, is_paging, page_limits, states_page_limits
from api.limits.document import DocumentBounds, check_document
from api.limits.settings import Limits, LimitSettings, points
from api.schema import schema
from domain.access import Actor, Role

SCHEMA = schema._schema


def nodes(query: str, variables: dict | None = None) -> int:
    document = parse(query)
    return estimate(SCHEMA, document, get_operation_ast(document), variables).nodes


def test_every_paging_field_states_its_default_and_maximum_page():
    """The estimate reads the caps from the descriptions: a paging field must state them."""
    paging = [
        f"{type_name}.{field_name}"
        for type_name, named in SCHEMA.type_map.items()
        if not type_name.startswith("__")
        for field_name, field in (getattr(named, "fields", None) or {}).items()
        if hasattr(field, "args") and is_paging(field)
    ]
    assert "Query.companies" in paging and "SalesPlan.lines" in paging
    silent = [
        name
        for name in paging
        if not states_page_limits(SCHEMA.type_map[name.split(".")[0]].fields[name.split(".")[1]])
    ]
    assert silent == []
    lines = page_limits(SCHEMA.type_map["SalesPlan"].fields["lines"])
    assert (lines.default, lines.maximum) == (100, 500)
    report = page_limits(SCHEMA.query_type.fields["orderExecutionReport"])
    assert (report.default, report.maximum) == (100, 500)


def test_page_sizes_multiply_along_each_path_and_defaults_apply():
    assert (
        nodes("{ companies(first: 2) { nodes { departments { nodes { code } } } } }") == 2 + 2 * 50
    )
    relay = "{ companies(first: 2) { edges { node { departments(last: 3) { edges { node { code } } } } } } }"
    assert nodes(relay) == 2 + 2 * 3


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("{ products(first: -1) { nodes { code } } }", None),
        ("{ products(first: 101) { nodes { code } } }", None),
        ("query($n: Int) { products(last: $n) { nodes { code } } }", {"n": -2_000_000_000}),
        (
            "{ orderExecutionReport(groupBy: ORDER, first: 501) { total { orderedQuantity } } }",
            None,
        ),
        ("{ nodes(ids: [" + ", ".join(['"x"'] * 101) + "]) { id } }", None),
        ("query($n: Int!) { products(first: $n) { nodes { code } } }", {}),
    ],
)
def test_bad_page_sizes_and_variables_are_refused_by_the_estimate(query, variables):
    with pytest.raises(GraphQLError) as refused:
        nodes(query, variables)
    assert refused.value.extensions["code"] == "BAD_USER_INPUT"


def test_list_arguments_multiply_like_page_sizes():
    query = """query($ids: [ID!]!) { nodes(ids: $ids) { ... on Company {
        departments(first: 10) { nodes { code } } } } }"""
    assert nodes(query, {"ids": ["a"] * 100}) == 100 * (1 + 10)
    assert nodes(query, {"ids": []}) == 0


def test_a_fragment_is_counted_once_per_spread_without_walking_every_copy():
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(60))
    query = (
        "{ ...F0 } " + chain + " fragment F60 on Query { products(first: 1) { nodes { code } } }"
    )
    assert nodes(query) == 2**60


def depth_refusal(query: str, max_depth: int) -> str | None:
    error = check_document(SCHEMA, parse(query), DocumentBounds(max_depth=max_depth))
    return None if error is None else error.extensions["code"]


def test_connection_wrappers_add_no_depth():
    relay = "{ companies { edges { node { departments { edges { node { code } } } } } } }"
    short = "{ companies { nodes { departments { nodes { code } } } } }"
    page_info = "{ companies { pageInfo { hasNextPage } } }"
    for query in (relay, short):
        assert depth_refusal(query, 3) is None
        assert depth_refusal(query, 2) == "QUERY_TOO_DEEP"
    assert depth_refusal(page_info, 2) is None


def test_fragments_count_their_depth_where_they_are_spread():
    query = """{ companies { nodes { ...C } } }
        fragment C on Company { departments { nodes { company { code } } } }"""
    assert depth_refusal(query, 4) is None
    assert depth_refusal(query, 3) == "QUERY_TOO_DEEP"


def test_fragments_aliases_and_long_strings_are_bounded():
    bounds = DocumentBounds(max_aliases=2, max_fragments=2, max_string_chars=5)

    def refusal(query: str) -> str | None:
        error = check_document(SCHEMA, parse(query), bounds)
        return None if error is None else error.extensions["code"]

    three = " ".join(f"fragment F{i} on Query {{ __typename }}" for i in range(3))
    assert refusal("{ ...F0 ...F1 ...F2 } " + three) == "TOO_MANY_FRAGMENTS"
    assert refusal("{ a: __typename b: __typename c: __typename }") == "TOO_MANY_ALIASES"
    assert refusal('{ salesOrders(where: {number: "123456"}) { nodes { id } } }') == (
        "REQUEST_TOO_LARGE"
    )
    assert refusal('{ salesOrders(where: {number: "12345"}) { nodes { id } } }') is None


def test_points_count_hundreds_of_nodes_and_mutation_fields():
    assert points(0) == 1
    assert points(100) == 2
    assert points(101) == 3
    assert points(0, mutation_fields=2) == 21


def test_a_reporting_role_gets_five_times_the_limits():
    limits = Limits(LimitSettings(_env_file=None))
    staff = limits.for_actor(Actor(1, "vp", frozenset({Role.VP})))
    reporting = limits.for_actor(Actor(2, "r", frozenset({Role.REPORTING, Role.VP})))
    assert reporting.max_nodes == 5 * staff.max_nodes == 5_000_000
    assert reporting.budget.capacity == 5 * staff.budget.capacity
    assert reporting.budget.restore_rate == 5 * staff.budget.restore_rate
