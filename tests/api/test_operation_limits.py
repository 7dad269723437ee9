"""Operations over the limits are refused before they run, with a code and the reason: nothing
but the authentication lookups reaches the database. The cost is reported to authenticated
callers only, with requested and actual nodes."""

import pytest
from sqlalchemy import text

MAX_DEPTH = 14  # api.limits.document.DocumentBounds.max_depth

DEEP_AND_WIDE = """
{ companies(first: 100) { nodes { departments(first: 100) { nodes { salespeople(first: 100) {
    nodes { salesPlans(first: 100) { nodes { lines(first: 100) { nodes { quantity } } } } } } } } } } }
"""

# The flagship report (companies → departments → salespeople → plans → lines → product), written
# as Relay clients write it and with the `nodes` shortcut.
FLAGSHIP_RELAY = """
{ companies(first: 1) { edges { cursor node { code
    departments(first: 10) { pageInfo { hasNextPage } edges { node { code
      salespeople(first: 10) { edges { node { code
        salesPlans(first: 12) { edges { node { title
          lines(first: 50) { edges { node { quantity amount
            product { code name } } } } } } } } } } } } } } } } }
"""
FLAGSHIP_NODES = """
{ companies(first: 1) { nodes { code
    departments(first: 10) { pageInfo { hasNextPage } nodes { code
      salespeople(first: 10) { nodes { code
        salesPlans(first: 12) { nodes { title
          lines(first: 50) { nodes { quantity amount product { code name } } } } } } } } } } } }
"""


def nested(levels: int) -> str:
    """A query exactly `levels` deep, connection wrappers not counted: viewer → department →
    company → departments → company → ... → code."""
    path, next_field = ["viewer", "department"], "company"
    while len(path) < levels - 1:
        path.append(next_field)
        next_field = "departments(first: 1) { nodes" if next_field == "company" else "company"
    query = "{ " + " { ".join(path[: levels - 1]) + " { code"
    return query + " }" * query.count("{")


@pytest.fixture
async def refused_before_sql(demo_readonly, client_for, count_statements):
    """post(query) → the body, asserting that the query sent no SQL beyond authentication."""
    vp = await client_for("vp")
    with count_statements() as baseline:
        assert (await vp.post("{ __typename }")).status_code == 200

    async def post(query: str, variables: dict | None = None) -> dict:
        with count_statements() as counter:
            response = await vp.post(query, variables)
        body = response.json()
        assert body["data"] is None, body
        assert counter.statements == baseline.statements
        return body

    return post


def codes_of(body: dict) -> list[str]:
    return [e["extensions"]["code"] for e in body["errors"]]


async def test_a_query_reports_requested_and_actual_nodes_and_its_cost(demo_readonly, client_for):
    vp = await client_for("vp")
    response = await vp.post(
        "{ companies(first: 2) { nodes { departments(first: 3) { nodes { code } } } } }"
    )
    body = response.json()
    assert "errors" not in body
    cost = body["extensions"]["cost"]
    # Up to 2 companies, then up to 3 departments each; the demo has 1 company of 3 departments.
    assert cost["requestedNodes"] == 2 + 2 * 3
    assert cost["actualNodes"] == 1 + 3
    assert cost["maxNodes"] == 1_000_000
    assert (cost["requestedQueryCost"], cost["actualQueryCost"]) == (2, 2)
    assert set(cost["throttleStatus"]) == {"maximumAvailable", "currentlyAvailable", "restoreRate"}


async def test_page_sizes_given_as_variables_count_too(demo_readonly, client_for):
    vp = await client_for("vp")
    response = await vp.post(
        "query($n: Int) { salesPlans(first: $n) { nodes { lines { nodes { quantity } } } } }",
        {"n": 7},
    )
    # lines default to 100 per plan.
    assert response.json()["extensions"]["cost"]["requestedNodes"] == 7 + 7 * 100


async def test_anonymous_callers_get_no_cost_figures(demo_readonly, client_for):
    anonymous = await client_for(None)
    refused = (await anonymous.post("{ products(first: 5) { nodes { code } } }")).json()
    assert codes_of(refused) == ["UNAUTHENTICATED"]
    assert "extensions" not in refused
    introspection = (await anonymous.post("{ __schema { queryType { name } } }")).json()
    assert introspection["data"]["__schema"]["queryType"]["name"] == "Query"
    assert "extensions" not in introspection


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("{ products(first: -5) { nodes { code } } }", None),
        ("{ products(last: 101) { nodes { code } } }", None),
        ("{ salesPlans(first: 1) { nodes { lines(first: 501) { nodes { quantity } } } } }", None),
        ("{ orderExecutionReport(groupBy: ORDER, first: -1) { total { orderedQuantity } } }", None),
        ("query($n: Int) { products(first: $n) { nodes { code } } }", {"n": -1}),
        # Refused as a 32-bit Int by coercion, not echoed back (once a 500 while encoding).
        ("query($n: Int) { products(first: $n) { nodes { code } } }", {"n": 2**64}),
        ("{ products(first: 1, last: 1) { nodes { code } } }", None),
    ],
)
async def test_a_bad_page_size_is_refused_before_any_sql(refused_before_sql, query, variables):
    body = await refused_before_sql(query, variables)
    assert codes_of(body) == ["BAD_USER_INPUT"]


async def test_a_negative_page_does_not_offset_an_oversized_query(refused_before_sql):
    """Once, `children(first: -2000000000)` in a second root field made the estimate negative
    and the oversized query ran."""
    query = (
        DEEP_AND_WIDE.strip()[:-1] + " other: companies(first: -2000000000) { nodes { code } } }"
    )
    body = await refused_before_sql(query)
    assert codes_of(body) == ["BAD_USER_INPUT"]
    assert "between 0 and 100" in body["errors"][0]["message"]


async def test_a_query_that_could_return_too_many_nodes_is_refused_before_any_sql(
    refused_before_sql,
):
    body = await refused_before_sql(DEEP_AND_WIDE)
    assert codes_of(body) == ["QUERY_TOO_COSTLY"]
    assert "10,101,010,100 nodes" in body["errors"][0]["message"]
    assert body["extensions"]["cost"]["requestedNodes"] == 10_101_010_100


async def test_a_thousand_by_a_thousand_nodes_is_refused_before_any_sql(refused_before_sql):
    query = """{ products(first: 1000) { nodes { code } }
                 companies(first: 100) { nodes { salesPlans(first: 100) { nodes {
                   lines(first: 500) { nodes { quantity } } children(first: 100) { nodes {
                   lines(first: 500) { nodes { quantity } } } } } } } } }"""
    body = await refused_before_sql(query)
    assert codes_of(body) == ["BAD_USER_INPUT"]  # products(first: 1000): over its cap of 100
    body = await refused_before_sql(query.replace("first: 1000", "first: 10"))
    assert codes_of(body) == ["QUERY_TOO_COSTLY"]


async def test_repeated_ids_in_nodes_multiply_the_estimate(refused_before_sql, demo_readonly):
    """100 copies of one company id with a nested selection: the estimate once stayed at
    102,110 while the server returned 96,000 lines."""
    company = "Q29tcGFueTox"  # Company:1
    query = """query($ids: [ID!]!) { nodes(ids: $ids) { ... on Company {
        salesPlans(first: 100) { nodes { lines(first: 500) { nodes { quantity } } } } } } }"""
    body = await refused_before_sql(query, {"ids": [company] * 100})
    assert codes_of(body) == ["QUERY_TOO_COSTLY"]
    assert body["extensions"]["cost"]["requestedNodes"] == 100 * (1 + 100 * (1 + 500))
    body = await refused_before_sql(query, {"ids": [company] * 101})
    assert codes_of(body) == ["BAD_USER_INPUT"]


async def test_nodes_counts_its_ids(demo_readonly, client_for):
    vp = await client_for("vp")
    body = (await vp.post('{ nodes(ids: ["Q29tcGFueTox", "Q29tcGFueTox"]) { id } }')).json()
    assert [n["id"] for n in body["data"]["nodes"]] == ["Q29tcGFueTox"] * 2
    assert body["extensions"]["cost"]["requestedNodes"] == 2
    assert body["extensions"]["cost"]["actualNodes"] == 2


async def test_a_thousand_aliases_are_refused_before_any_sql(refused_before_sql):
    aliases = "{ " + " ".join(f"a{i}: __typename" for i in range(1000)) + " }"
    body = await refused_before_sql(aliases)
    assert codes_of(body) == ["TOO_MANY_ALIASES"]
    assert "1000 aliases" in body["errors"][0]["message"]


async def test_one_level_deeper_than_allowed_is_refused_before_any_sql(
    refused_before_sql, client_for
):
    body = await refused_before_sql(nested(MAX_DEPTH + 1))
    assert codes_of(body) == ["QUERY_TOO_DEEP"]
    assert f"{MAX_DEPTH + 1} levels deep" in body["errors"][0]["message"]
    vp = await client_for("vp")
    at_the_limit = (await vp.post(nested(MAX_DEPTH))).json()
    assert "errors" not in at_the_limit, at_the_limit


async def test_the_flagship_report_passes_in_the_relay_form_and_the_nodes_form(
    demo_readonly, client_for
):
    vp = await client_for("vp")
    relay = await vp.execute(FLAGSHIP_RELAY)
    short = await vp.execute(FLAGSHIP_NODES)
    relay_lines = [
        line["node"]["product"]["code"]
        for company in relay["companies"]["edges"]
        for department in company["node"]["departments"]["edges"]
        for person in department["node"]["salespeople"]["edges"]
        for plan in person["node"]["salesPlans"]["edges"]
        for line in plan["node"]["lines"]["edges"]
    ]
    short_lines = [
        line["product"]["code"]
        for company in short["companies"]["nodes"]
        for department in company["departments"]["nodes"]
        for person in department["salespeople"]["nodes"]
        for plan in person["salesPlans"]["nodes"]
        for line in plan["lines"]["nodes"]
    ]
    assert len(relay_lines) > 500
    assert relay_lines == short_lines


async def test_a_chain_of_400_fragment_spreads_is_refused_with_a_code(refused_before_sql):
    """Once answered with "maximum recursion depth exceeded in __instancecheck__"."""
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(400))
    body = await refused_before_sql("{ ...F0 } " + chain + " fragment F400 on Query { __typename }")
    assert codes_of(body) == ["TOO_MANY_FRAGMENTS"]
    assert "recursion" not in body["errors"][0]["message"]


async def test_a_fragment_spread_many_times_is_counted_once_per_spread(demo_readonly, client_for):
    """Each fragment spreads the next twice: 2^40 paths if the estimate walked every copy."""
    vp = await client_for("vp")

    def doubling(levels: int, last: str) -> str:
        chain = " ".join(
            f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
        )
        return "{ ...F0 } " + chain + f" fragment F{levels} on Query {{ {last} }}"

    body = (await vp.post(doubling(40, "viewer { user { login } }"))).json()
    assert body["data"]["viewer"]["user"]["login"] == "vp"
    body = (await vp.post(doubling(10, "products(first: 1) { nodes { code } }"))).json()
    assert body["data"]["products"]["nodes"][0]["code"] == "P0001"
    # graphql-core merges the spreads into one field; the estimate counts each spread.
    assert body["extensions"]["cost"]["requestedNodes"] == 2**10


async def test_a_reporting_role_has_a_higher_node_limit(demo, client_for):
    # 100 + 100 × 100 + 100 × 100 × 200 = 2,010,100 nodes: over 1,000,000, under 5,000,000.
    query = """{ companies(first: 100) { nodes { salesPlans(first: 100) { nodes {
        lines(first: 200) { nodes { quantity } } } } } } }"""
    async with demo.begin() as conn:
        await conn.execute(text("UPDATE app_user SET roles = 'REPORTING' WHERE login = 'gm'"))
    vp, reporting = await client_for("vp"), await client_for("gm")
    refused = (await vp.post(query)).json()
    assert codes_of(refused) == ["QUERY_TOO_COSTLY"]
    allowed = (await reporting.post(query)).json()
    assert "errors" not in allowed, allowed
    assert allowed["extensions"]["cost"]["maxNodes"] == 5_000_000
