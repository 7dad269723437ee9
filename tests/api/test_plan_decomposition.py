"""Target decomposition and roll-up: exact splits, gaps after edits, and the submit guard."""

from decimal import Decimal

from tests.api.plans_helpers import PLAN_FIELDS, snapshot, transition

DECOMPOSE = """
mutation($input: SalesPlanDecomposeInput!) {
  salesPlanDecompose(input: $input) {
    salesPlan { PLAN_FIELDS }
    children { id title status owner { ... on Department { code } ... on Salesperson { code } }
               lines(first: 200) { nodes { product { code } period quantity amount } } }
    errors { code field message }
  }
}
""".replace("PLAN_FIELDS", PLAN_FIELDS)

CREATE = """
mutation($input: SalesPlanCreateInput!) {
  salesPlanCreate(input: $input) { salesPlan { id status totalAmount } errors { code field message } }
}
"""

UPDATE_LINES = """
mutation($input: SalesPlanUpdateLinesInput!) {
  salesPlanUpdateLines(input: $input) { salesPlan { PLAN_FIELDS } errors { code field message } }
}
""".replace("PLAN_FIELDS", PLAN_FIELDS)


async def org_ids(client) -> dict:
    data = await client.execute(
        "{ companies { nodes { id departments { nodes { id code } } } } products { nodes { id code listPrice } } }"
    )
    company = data["companies"]["nodes"][0]
    return {
        "company": company["id"],
        "departments": {d["code"]: d["id"] for d in company["departments"]["nodes"]},
        "products": {
            p["code"]: (p["id"], Decimal(p["listPrice"])) for p in data["products"]["nodes"]
        },
    }


async def new_company_plan(planner, ids, lines) -> str:
    result = await planner.execute(
        CREATE,
        {
            "input": {
                "ownerId": ids["company"],
                "granularity": "QUARTER",
                "periodStart": "2027-01-01",
                "title": "Company plan 2027 Q1",
                "lines": lines,
            }
        },
    )
    assert result["salesPlanCreate"]["errors"] == []
    return result["salesPlanCreate"]["salesPlan"]["id"]


async def test_an_exact_split_leaves_no_gap_and_an_edit_opens_one(demo, client_for):
    planner = await client_for("planner")
    ids = await org_ids(planner)
    pump, _ = ids["products"]["P0001"]
    valve, _ = ids["products"]["P0003"]
    lines = [
        {"productId": pump, "period": "2027-01-01", "quantity": "100", "amount": "185000.00"},
        {"productId": pump, "period": "2027-02-01", "quantity": "7", "amount": "12950.01"},
        {"productId": valve, "period": "2027-03-01", "quantity": "10.5", "amount": "3260.25"},
    ]
    parent = await new_company_plan(planner, ids, lines)
    departments = ids["departments"]
    result = (
        await planner.execute(
            DECOMPOSE,
            {
                "input": {
                    "id": parent,
                    "children": [
                        {"ownerId": departments["D001"], "share": "50"},
                        {"ownerId": departments["D002"], "share": "30"},
                        {"ownerId": departments["D003"], "share": "20"},
                    ],
                }
            },
        )
    )["salesPlanDecompose"]
    assert result["errors"] == []
    children = result["children"]
    assert [c["owner"]["code"] for c in children] == ["D001", "D002", "D003"]
    assert all(c["status"] == "DRAFT" for c in children)
    first_child = {
        (line["product"]["code"], line["period"]): line for line in children[0]["lines"]["nodes"]
    }
    assert first_child[("P0001", "2027-01-01")]["quantity"] == "50.000"
    assert first_child[("P0001", "2027-01-01")]["amount"] == "92500.00"
    # 7 whole units split 50/30/20 by largest remainder: 4 (3.5), 2 (2.1), 1 (1.4).
    sevens = [
        next(line["quantity"] for line in c["lines"]["nodes"] if line["period"] == "2027-02-01")
        for c in children
    ]
    assert sevens == ["4.000", "2.000", "1.000"]
    plan = result["salesPlan"]
    assert plan["allocationGap"] == []
    rolled = {
        (r["product"]["code"], r["period"]): (r["quantity"], r["amount"]) for r in plan["rollup"]
    }
    assert rolled == {
        ("P0001", "2027-01-01"): ("100.000", "185000.00"),
        ("P0001", "2027-02-01"): ("7.000", "12950.01"),
        ("P0003", "2027-03-01"): ("10.500", "3260.25"),
    }
    assert plan["historyConnection"]["nodes"][-1]["action"] == "DECOMPOSED"

    # A department changes its target: the company plan now shows the gap.
    edited = await planner.execute(
        UPDATE_LINES,
        {
            "input": {
                "id": children[1]["id"],
                "upsert": [
                    {
                        "productId": pump,
                        "period": "2027-01-01",
                        "quantity": "40",
                        "amount": "74000.00",
                    }
                ],
            }
        },
    )
    assert edited["salesPlanUpdateLines"]["errors"] == []
    company = await planner.execute(
        "query($id: ID!) { salesPlan(id: $id) { allocationGap { product { code } period quantity amount } } }",
        {"id": parent},
    )
    assert company["salesPlan"]["allocationGap"] == [
        {
            "product": {"code": "P0001"},
            "period": "2027-01-01",
            "quantity": "-10.000",
            "amount": "-18500.00",
        }
    ]


async def test_submit_refuses_an_unbalanced_plan_until_the_gap_is_accepted_or_fixed(
    demo, client_for
):
    planner = await client_for("planner")
    ids = await org_ids(planner)
    pump, _ = ids["products"]["P0001"]
    parent = await new_company_plan(
        planner,
        ids,
        [{"productId": pump, "period": "2027-01-01", "quantity": "90", "amount": "900.00"}],
    )
    departments = ids["departments"]
    children = (
        await planner.execute(
            DECOMPOSE,
            {
                "input": {
                    "id": parent,
                    "children": [
                        {"ownerId": departments["D001"], "share": "1"},
                        {"ownerId": departments["D002"], "share": "2"},
                    ],
                }
            },
        )
    )["salesPlanDecompose"]["children"]
    await planner.execute(
        UPDATE_LINES,
        {
            "input": {
                "id": children[0]["id"],
                "upsert": [
                    {
                        "productId": pump,
                        "period": "2027-01-01",
                        "quantity": "31",
                        "amount": "310.00",
                    }
                ],
            }
        },
    )

    before = await snapshot(demo)
    refused = (await planner.execute(transition("Submit"), {"input": {"id": parent}}))[
        "salesPlanSubmit"
    ]
    assert refused["salesPlan"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("ALLOCATION_UNBALANCED", ["input", "acceptAllocationGap"])
    ]
    assert await snapshot(demo) == before

    accepted = (
        await planner.execute(
            transition("Submit"),
            {"input": {"id": parent, "acceptAllocationGap": True, "comment": "D001 stretch"}},
        )
    )["salesPlanSubmit"]
    assert accepted["errors"] == []
    entry = accepted["salesPlan"]["historyConnection"]["nodes"][-1]
    assert (entry["action"], entry["acceptedAllocationGap"], entry["comment"]) == (
        "SUBMITTED",
        True,
        "D001 stretch",
    )

    # Fixing instead: withdraw, restore the child's target, and submit without accepting.
    await planner.execute(transition("Withdraw"), {"input": {"id": parent}})
    await planner.execute(
        UPDATE_LINES,
        {
            "input": {
                "id": children[0]["id"],
                "upsert": [
                    {
                        "productId": pump,
                        "period": "2027-01-01",
                        "quantity": "30",
                        "amount": "300.00",
                    }
                ],
            }
        },
    )
    fixed = (await planner.execute(transition("Submit"), {"input": {"id": parent}}))[
        "salesPlanSubmit"
    ]
    assert fixed["errors"] == []
    assert fixed["salesPlan"]["historyConnection"]["nodes"][-1]["acceptedAllocationGap"] is False


async def test_decomposing_again_replaces_draft_children_but_not_submitted_ones(demo, client_for):
    planner = await client_for("planner")
    ids = await org_ids(planner)
    pump, _ = ids["products"]["P0001"]
    parent = await new_company_plan(
        planner,
        ids,
        [{"productId": pump, "period": "2027-01-01", "quantity": "10", "amount": "100.00"}],
    )
    d1 = ids["departments"]["D001"]
    first = (
        await planner.execute(
            DECOMPOSE, {"input": {"id": parent, "children": [{"ownerId": d1, "share": "1"}]}}
        )
    )["salesPlanDecompose"]["children"][0]
    again = (
        await planner.execute(
            DECOMPOSE, {"input": {"id": parent, "children": [{"ownerId": d1, "share": "1"}]}}
        )
    )["salesPlanDecompose"]
    assert again["errors"] == []
    assert again["children"][0]["id"] == first["id"]

    await planner.execute(transition("Submit"), {"input": {"id": first["id"]}})
    before = await snapshot(demo)
    refused = (
        await planner.execute(
            DECOMPOSE, {"input": {"id": parent, "children": [{"ownerId": d1, "share": "1"}]}}
        )
    )["salesPlanDecompose"]
    assert [e["code"] for e in refused["errors"]] == ["INVALID_TRANSITION"]
    assert await snapshot(demo) == before


async def test_a_child_owner_id_that_names_no_department_or_salesperson_is_not_found(
    demo, client_for
):
    # The use case's own refusals of bad decompositions are tested in
    # tests/services/plans/test_plan_decomposition_refused.py.
    planner = await client_for("planner")
    ids = await org_ids(planner)
    pump, _ = ids["products"]["P0001"]
    parent = await new_company_plan(
        planner,
        ids,
        [{"productId": pump, "period": "2027-01-01", "quantity": "10", "amount": "100.00"}],
    )
    before = await snapshot(demo)
    variables = {"id": parent, "children": [{"ownerId": ids["company"], "share": "1"}]}
    result = (await planner.execute(DECOMPOSE, {"input": variables}))["salesPlanDecompose"]
    assert [(e["code"], e["field"]) for e in result["errors"]] == [
        ("NOT_FOUND", ["input", "children", "0", "ownerId"])
    ]
    assert await snapshot(demo) == before
