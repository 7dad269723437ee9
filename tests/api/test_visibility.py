"""Row scoping on the server: each role sees exactly its plans; not-yours looks like not-found."""

import pytest

from api.ids import from_global_id, to_global_id
from tests.api.lookups import all_plan_ids, global_id, plan_global_id, user_global_id

ALL_VISIBLE = """
query($after: String) {
  salesPlans(first: 100, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id ownerKind
      owner {
        __typename
        ... on Company { code }
        ... on Department { code }
        ... on Salesperson { code department { code } }
      }
    }
  }
}
"""

HIERARCHY = """
{
  companies(first: 5) {
    totalCount
    nodes {
      code
      salesPlans(first: 12) { totalCount }
      departments(first: 10) {
        nodes {
          code
          salesPlans(first: 12) { totalCount }
          salespeople(first: 10) {
            nodes { code salesPlans(first: 12) { totalCount nodes { title } } }
          }
        }
      }
    }
  }
}
"""


async def visible_plans(client) -> tuple[int, list[dict]]:
    """totalCount and every plan of the top-level salesPlans list, page by page."""
    plans, after = [], None
    while True:
        data = (await client.execute(ALL_VISIBLE, {"after": after}))["salesPlans"]
        plans += data["nodes"]
        if not data["pageInfo"]["hasNextPage"]:
            return data["totalCount"], plans
        after = data["pageInfo"]["endCursor"]


async def test_the_salesperson_sees_only_their_own_twelve_plans(demo_readonly, client_for):
    sales = await client_for("sales")
    total, plans = await visible_plans(sales)
    assert total == 12
    assert len(plans) == 12
    assert {(p["ownerKind"], p["owner"]["code"]) for p in plans} == {("SALESPERSON", "S0001")}


@pytest.mark.parametrize("login", ["vp", "admin", "gm", "finance", "planner"])
async def test_approvers_and_planners_see_all_168_plans(demo_readonly, client_for, login):
    client = await client_for(login)
    total, plans = await visible_plans(client)
    assert total == 168
    assert {p["id"] for p in plans} == await all_plan_ids(demo_readonly)


async def test_the_manager_sees_the_plans_of_their_department_and_its_salespeople_only(
    demo_readonly, client_for
):
    manager = await client_for("manager")
    total, plans = await visible_plans(manager)
    assert total == 48
    departments = {
        p["owner"]["code"] if p["ownerKind"] == "DEPARTMENT" else p["owner"]["department"]["code"]
        for p in plans
    }
    assert departments == {"D001"}
    kinds = sorted({p["ownerKind"] for p in plans})
    assert kinds == ["DEPARTMENT", "SALESPERSON"]
    _, department_pk = from_global_id(await global_id(demo_readonly, "Department", "D001"))
    expected = await all_plan_ids(demo_readonly, f"department_id = {department_pk}")
    assert {p["id"] for p in plans} == expected


@pytest.mark.parametrize("login", ["partner", "partner2"])
async def test_a_partner_sees_no_company_and_no_plan(demo_readonly, client_for, login):
    partner = await client_for(login)
    data = await partner.execute(HIERARCHY)
    assert data == {"companies": {"totalCount": 0, "nodes": []}}
    total, plans = await visible_plans(partner)
    assert (total, plans) == (0, [])


async def test_a_partner_gets_for_a_real_plan_id_exactly_what_a_random_id_gets(
    demo_readonly, client_for
):
    real = await plan_global_id(demo_readonly, "Salesperson", "S0001", 1)
    random = to_global_id("SalesPlan", 424_242)
    partner = await client_for("partner")
    query = "query($id: ID!) { node(id: $id) { id } salesPlan(id: $id) { id title } }"
    for_real = await partner.post(query, {"id": real})
    for_random = await partner.post(query, {"id": random})
    assert for_real.status_code == for_random.status_code == 200
    # The whole responses are alike, not only their data.
    assert for_real.json() == for_random.json()
    assert for_real.json()["data"] == {"node": None, "salesPlan": None}
    assert "errors" not in for_real.json()


async def test_a_partner_cannot_fetch_organisation_nodes_or_other_users(demo_readonly, client_for):
    ids = [
        await global_id(demo_readonly, "Company", "HD"),
        await global_id(demo_readonly, "Department", "D001"),
        await global_id(demo_readonly, "Salesperson", "S0001"),
        await user_global_id(demo_readonly, "vp"),
        await user_global_id(demo_readonly, "partner2"),
    ]
    partner = await client_for("partner")
    data = await partner.execute("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids})
    assert data["nodes"] == [None] * len(ids)


async def test_a_partner_sees_their_own_user_record(demo_readonly, client_for):
    own = await user_global_id(demo_readonly, "partner")
    partner = await client_for("partner")
    data = await partner.execute(
        "query($id: ID!) { node(id: $id) { ... on User { login roles } } viewer { roles } }",
        {"id": own},
    )
    assert data == {
        "node": {"login": "partner", "roles": ["PARTNER"]},
        "viewer": {"roles": ["PARTNER"]},
    }


async def test_the_salesperson_gets_null_for_a_colleagues_plan_as_for_a_random_id(
    demo_readonly, client_for
):
    colleague = await plan_global_id(demo_readonly, "Salesperson", "S0002", 1)
    department = await plan_global_id(demo_readonly, "Department", "D001", 1)
    company = await plan_global_id(demo_readonly, "Company", "HD", 1)
    own = await plan_global_id(demo_readonly, "Salesperson", "S0001", 1)
    sales = await client_for("sales")
    data = await sales.execute(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": [colleague, department, company, own]},
    )
    assert data["nodes"] == [None, None, None, {"id": own}]


async def test_the_manager_gets_null_for_another_departments_plans(demo_readonly, client_for):
    other_department = await plan_global_id(demo_readonly, "Department", "D002", 5)
    other_salesperson = await plan_global_id(demo_readonly, "Salesperson", "S0004", 5)
    company = await plan_global_id(demo_readonly, "Company", "HD", 5)
    own_department = await plan_global_id(demo_readonly, "Department", "D001", 5)
    own_salesperson = await plan_global_id(demo_readonly, "Salesperson", "S0002", 5)
    manager = await client_for("manager")
    data = await manager.execute(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": [other_department, other_salesperson, company, own_department, own_salesperson]},
    )
    assert data["nodes"] == [None, None, None, {"id": own_department}, {"id": own_salesperson}]


async def test_inside_the_hierarchy_the_salesperson_sees_colleagues_but_none_of_their_plans(
    demo_readonly, client_for
):
    sales = await client_for("sales")
    company = (await sales.execute(HIERARCHY))["companies"]["nodes"][0]
    assert company["salesPlans"]["totalCount"] == 0
    counts = {
        sp["code"]: sp["salesPlans"]["totalCount"]
        for d in company["departments"]["nodes"]
        for sp in d["salespeople"]["nodes"]
    }
    assert len(counts) == 10
    assert counts.pop("S0001") == 12
    assert set(counts.values()) == {0}
    assert {d["salesPlans"]["totalCount"] for d in company["departments"]["nodes"]} == {0}


async def test_inside_the_hierarchy_the_vp_sees_every_plan_of_every_node(demo_readonly, client_for):
    vp = await client_for("vp")
    company = (await vp.execute(HIERARCHY))["companies"]["nodes"][0]
    assert company["salesPlans"]["totalCount"] == 12
    departments = company["departments"]["nodes"]
    assert [d["salesPlans"]["totalCount"] for d in departments] == [12, 12, 12]
    per_salesperson = [
        sp["salesPlans"]["totalCount"] for d in departments for sp in d["salespeople"]["nodes"]
    ]
    assert per_salesperson == [12] * 10
    titles = [p["title"] for p in departments[0]["salespeople"]["nodes"][0]["salesPlans"]["nodes"]]
    assert titles == [f"Sales plan 2026-{m:02d}" for m in range(1, 13)]
