"""node(id:) and nodes(ids:): every object type by its opaque global id; unknown ids are null."""

import pytest

from api.ids import to_global_id
from tests.api.lookups import global_id, plan_global_id, user_global_id

NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Company { code name }
    ... on Department { code }
    ... on Salesperson { code }
    ... on Product { code listPrice }
    ... on User { login }
    ... on SalesPlan { title ownerKind }
    ... on SalesPlanLine { period }
  }
}
"""

NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"


async def demo_ids(engine) -> dict[str, str]:
    return {
        "Company": await global_id(engine, "Company", "HD"),
        "Department": await global_id(engine, "Department", "D002"),
        "Salesperson": await global_id(engine, "Salesperson", "S0004"),
        "Product": await global_id(engine, "Product", "P0003"),
        "User": await user_global_id(engine, "planner"),
        "SalesPlan": await plan_global_id(engine, "Salesperson", "S0004", 3),
    }


@pytest.mark.parametrize(
    ("type_name", "expected"),
    [
        ("Company", {"code": "HD", "name": "Hengda Machinery Co."}),
        ("Department", {"code": "D002"}),
        ("Salesperson", {"code": "S0004"}),
        ("Product", {"code": "P0003", "listPrice": "310.50"}),
        ("User", {"login": "planner"}),
        ("SalesPlan", {"title": "Sales plan 2026-03", "ownerKind": "SALESPERSON"}),
    ],
)
async def test_node_fetches_each_type_by_its_global_id(
    demo_readonly, client_for, type_name, expected
):
    ids = await demo_ids(demo_readonly)
    vp = await client_for("vp")
    data = await vp.execute(NODE, {"id": ids[type_name]})
    assert data["node"] == {"__typename": type_name, "id": ids[type_name], **expected}


async def test_the_id_a_list_returns_fetches_the_same_object_through_node(
    demo_readonly, client_for
):
    vp = await client_for("vp")
    listed = await vp.execute(
        "{ salesPlans(first: 1, where: {statusIn: [DRAFT]}) { nodes { id title version } } }"
    )
    plan = listed["salesPlans"]["nodes"][0]
    again = await vp.execute(
        "query($id: ID!) { salesPlan(id: $id) { id title version } }", {"id": plan["id"]}
    )
    assert again["salesPlan"] == plan


async def test_node_fetches_a_plan_line_by_the_id_the_plan_gives_it(demo_readonly, client_for):
    vp = await client_for("vp")
    data = await vp.execute(
        "{ salesPlans(first: 1) { nodes { lines(first: 1) { nodes { id period } } } } }"
    )
    line = data["salesPlans"]["nodes"][0]["lines"]["nodes"][0]
    fetched = await vp.execute(NODE, {"id": line["id"]})
    assert fetched["node"] == {
        "__typename": "SalesPlanLine",
        "id": line["id"],
        "period": line["period"],
    }


async def test_nodes_returns_every_type_in_the_order_asked_with_null_for_unknown_ids(
    demo_readonly, client_for
):
    ids = await demo_ids(demo_readonly)
    order = ["SalesPlan", "User", "Product", "Salesperson", "Department", "Company"]
    asked = [ids[t] for t in order]
    asked.insert(2, to_global_id("SalesPlan", 999_999))
    asked.append("not-an-id")
    vp = await client_for("vp")
    data = await vp.execute(NODES, {"ids": asked})
    expected = [{"__typename": t, "id": ids[t]} for t in order]
    expected.insert(2, None)
    expected.append(None)
    assert data["nodes"] == expected


@pytest.mark.parametrize(
    "unknown",
    [
        to_global_id("SalesPlan", 999_999),
        to_global_id("Company", 0),
        to_global_id("Invoice", 1),
        "not-an-id",
        "",
    ],
)
async def test_node_is_null_for_an_id_that_names_nothing(demo_readonly, client_for, unknown):
    vp = await client_for("vp")
    response = await vp.post(NODE, {"id": unknown})
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body
    assert body["data"] == {"node": None}


async def test_nodes_refuses_more_than_one_hundred_ids(demo_readonly, client_for):
    vp = await client_for("vp")
    response = await vp.post(NODES, {"ids": [to_global_id("Company", 1)] * 101})
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["message"] == "at most 100 ids per call"


async def test_nodes_accepts_exactly_one_hundred_ids(demo_readonly, client_for):
    company = await global_id(demo_readonly, "Company", "HD")
    vp = await client_for("vp")
    data = await vp.execute(NODES, {"ids": [company] * 100})
    assert data["nodes"] == [{"__typename": "Company", "id": company}] * 100


async def test_an_id_of_one_type_does_not_fetch_another_type_through_sales_plan(
    demo_readonly, client_for
):
    company = await global_id(demo_readonly, "Company", "HD")
    vp = await client_for("vp")
    data = await vp.execute("query($id: ID!) { salesPlan(id: $id) { id } }", {"id": company})
    assert data == {"salesPlan": None}


async def test_the_viewer_is_the_user_behind_the_token(demo_readonly, client_for):
    sales = await client_for("sales")
    data = await sales.execute(
        "{ viewer { roles user { login } salesperson { code } department { code } } }"
    )
    assert data["viewer"] == {
        "roles": ["SALESPERSON"],
        "user": {"login": "sales"},
        "salesperson": {"code": "S0001"},
        "department": {"code": "D001"},
    }
