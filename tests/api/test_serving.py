"""What the server serves besides queries: the schema, GraphiQL, health and readiness."""

from pathlib import Path

from graphql import (
    build_client_schema,
    build_schema,
    get_introspection_query,
    lexicographic_sort_schema,
    print_schema,
)

from api.schema import schema_sdl

COMMITTED = Path(__file__).parents[2] / "schema.graphql"


async def test_the_committed_schema_graphql_is_what_the_code_exports():
    assert COMMITTED.read_text() == schema_sdl()


async def test_the_schema_served_by_introspection_equals_the_committed_schema_graphql(
    demo_readonly, client_for
):
    anonymous = await client_for(None)
    # specifiedByURL too: the committed schema gives Date, DateTime and Decimal an @specifiedBy.
    query = get_introspection_query(descriptions=True, specified_by_url=True)
    response = await anonymous.post(query)
    assert response.status_code == 200
    served = lexicographic_sort_schema(build_client_schema(response.json()["data"]))
    committed = lexicographic_sort_schema(build_schema(COMMITTED.read_text()))
    assert print_schema(served) == print_schema(committed)


async def test_the_served_schema_has_the_node_interface_and_the_entry_points(
    demo_readonly, client_for
):
    anonymous = await client_for(None)
    response = await anonymous.post(get_introspection_query())
    served = build_client_schema(response.json()["data"])
    query_fields = set(served.query_type.fields)
    assert {"node", "nodes", "viewer", "companies", "products", "salesPlan", "salesPlans"} <= (
        query_fields
    )
    assert {"salesPlanCreate", "salesPlanUpdateLines"} <= set(served.mutation_type.fields)
    node_types = {t.name for t in served.get_possible_types(served.get_type("Node"))}
    assert {"Company", "Department", "Salesperson", "User", "Product", "SalesPlan"} <= node_types


async def test_a_browser_get_on_graphql_serves_graphiql(server, http):
    response = await http.get(server.url, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()
    assert "<html" in response.text.lower()


async def test_mutations_are_not_accepted_over_get(demo_readonly, server, http):
    """Queries may come by GET (tests/api/test_persisted_queries.py), mutations never."""
    response = await http.get(
        server.url,
        params={"query": 'mutation { salesPlanSubmit(input: {id: "x"}) { errors { code } } }'},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "message": "mutations are not allowed when using GET",
            "extensions": {"code": "BAD_REQUEST"},
        }
    ]


async def test_healthz_answers_while_the_process_lives(server, http):
    base = server.url.removesuffix("/graphql")
    response = await http.get(f"{base}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_answers_when_the_database_answers(server, http):
    base = server.url.removesuffix("/graphql")
    response = await http.get(f"{base}/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


async def test_a_malformed_query_is_a_request_error_without_internals(demo_readonly, client_for):
    vp = await client_for("vp")
    response = await vp.post("{ companies { nodes { nope } } }")
    body = response.json()
    assert body.get("data") is None
    assert body["errors"][0]["message"].startswith("Cannot query field 'nope' on type 'Company'.")
    assert "Traceback" not in response.text
