"""Automatic persisted queries (Apollo's APQ) by POST and GET, queries by GET with cache headers,
and mutations never by GET."""

import hashlib
import json

from api.persisted_queries import DocumentStore
from tests.api.plans_helpers import plan_id

VIEWER = "query Viewer { viewer { roles } }"


def apq(document: str) -> dict:
    digest = hashlib.sha256(document.encode()).hexdigest()
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


def auth(client) -> dict:
    return {"Authorization": f"Bearer {client.token}"}


async def test_a_hash_alone_is_unknown_until_the_document_is_sent_with_it(
    demo_readonly, server, http, client_for
):
    vp = await client_for("vp")
    document = VIEWER + " # apq-post"
    unknown = await http.post(server.url, json={"extensions": apq(document)}, headers=auth(vp))
    assert unknown.status_code == 200
    assert unknown.json()["errors"] == [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
    registered = await http.post(
        server.url, json={"query": document, "extensions": apq(document)}, headers=auth(vp)
    )
    assert registered.json()["data"] == {"viewer": {"roles": ["VP"]}}
    again = await http.post(server.url, json={"extensions": apq(document)}, headers=auth(vp))
    assert again.json()["data"] == {"viewer": {"roles": ["VP"]}}


async def test_a_document_that_does_not_match_its_hash_is_refused(server, http, client_for):
    vp = await client_for("vp")
    response = await http.post(
        server.url, json={"query": VIEWER, "extensions": apq(VIEWER + " ")}, headers=auth(vp)
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"


async def test_a_query_by_get_with_only_its_hash_and_private_cache_headers(
    demo_readonly, server, http, client_for
):
    vp = await client_for("vp")
    document = VIEWER + " # apq-get"
    params = {"extensions": json.dumps(apq(document))}
    first = await http.get(server.url, params=params, headers=auth(vp))
    assert first.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    register = await http.get(server.url, params={**params, "query": document}, headers=auth(vp))
    assert register.json()["data"] == {"viewer": {"roles": ["VP"]}}
    response = await http.get(server.url, params=params, headers=auth(vp))
    assert response.status_code == 200
    assert response.json()["data"] == {"viewer": {"roles": ["VP"]}}
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["vary"] == "Authorization"


async def test_an_anonymous_introspection_by_get_may_be_cached_by_shared_caches(server, http):
    response = await http.get(server.url, params={"query": "{ __schema { queryType { name } } }"})
    assert response.status_code == 200
    assert response.json()["data"] == {"__schema": {"queryType": {"name": "Query"}}}
    assert response.headers["cache-control"] == "public, max-age=300"


async def test_a_mutation_by_get_is_refused_and_changes_nothing(demo, server, http, client_for):
    planner = await client_for("planner")
    pid = await plan_id(demo, "status = 'DRAFT' AND owner_kind = 'DEPARTMENT'")
    mutation = (
        f'mutation {{ salesPlanSubmit(input: {{id: "{pid}"}}) {{ salesPlan {{ status }} }} }}'
    )
    response = await http.get(server.url, params={"query": mutation}, headers=auth(planner))
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "mutations are not allowed when using GET"
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    status = await planner.execute("query($id: ID!) { salesPlan(id: $id) { status } }", {"id": pid})
    assert status["salesPlan"]["status"] == "DRAFT"
    # The same mutation by APQ over GET is refused as well.
    params = {"query": mutation, "extensions": json.dumps(apq(mutation))}
    by_hash = await http.get(server.url, params=params, headers=auth(planner))
    assert by_hash.status_code == 400
    assert by_hash.json()["errors"][0]["message"] == "mutations are not allowed when using GET"


def test_the_store_keeps_the_most_recently_used_documents():
    store = DocumentStore(limit=2)
    store.put("a" * 64, "{ a }")
    store.put("b" * 64, "{ b }")
    assert store.get("a" * 64) == "{ a }"  # now the most recent
    store.put("c" * 64, "{ c }")
    assert store.get("b" * 64) is None
    assert (store.get("a" * 64), store.get("c" * 64)) == ("{ a }", "{ c }")
