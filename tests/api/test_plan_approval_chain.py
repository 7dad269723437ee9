"""Approval chains through the API: steps move one at a time, rejections go back to the author."""

from tests.api.plans_helpers import plan_id, snapshot, transition

DECEMBER = "status = 'DRAFT' AND owner_kind = '{kind}'"


async def submit(client, pid, **extra):
    data = await client.execute(transition("Submit"), {"input": {"id": pid, **extra}})
    return data["salesPlanSubmit"]


async def test_a_big_company_plan_needs_the_vp_then_the_general_manager(demo, client_for):
    planner, vp, gm = await client_for("planner"), await client_for("vp"), await client_for("gm")
    pid = await plan_id(demo, DECEMBER.format(kind="COMPANY"))

    submitted = await submit(planner, pid)
    assert submitted["errors"] == []
    plan = submitted["salesPlan"]
    assert plan["status"] == "SUBMITTED"
    assert plan["currentStep"]["approver"]["login"] == "vp"
    assert [(s["name"], s["state"]) for s in plan["steps"]] == [
        ("VP in charge", "PENDING"),
        ("General manager", "WAITING"),
    ]

    after_vp = (await vp.execute(transition("Approve"), {"input": {"id": pid}}))["salesPlanApprove"]
    assert after_vp["errors"] == []
    assert after_vp["salesPlan"]["status"] == "SUBMITTED"
    assert after_vp["salesPlan"]["currentStep"]["name"] == "General manager"
    assert after_vp["salesPlan"]["currentStep"]["approver"]["login"] == "gm"

    after_gm = (await gm.execute(transition("Approve"), {"input": {"id": pid}}))["salesPlanApprove"]
    assert after_gm["errors"] == []
    final = after_gm["salesPlan"]
    assert final["status"] == "APPROVED"
    assert final["currentStep"] is None
    assert [s["state"] for s in final["steps"]] == ["APPROVED", "APPROVED"]
    assert [h["action"] for h in final["historyConnection"]["nodes"]] == [
        "CREATED",
        "SUBMITTED",
        "STEP_APPROVED",
        "APPROVED",
    ]
    assert [h["actor"]["login"] for h in final["historyConnection"]["nodes"][1:]] == [
        "planner",
        "vp",
        "gm",
    ]


async def test_a_department_plan_needs_only_the_vp(demo, client_for):
    planner, vp = await client_for("planner"), await client_for("vp")
    pid = await plan_id(demo, DECEMBER.format(kind="DEPARTMENT"))
    plan = (await submit(planner, pid))["salesPlan"]
    assert [(s["name"], s["state"]) for s in plan["steps"]] == [
        ("VP in charge", "PENDING"),
        ("General manager", "NOT_APPLICABLE"),
    ]
    approved = (await vp.execute(transition("Approve"), {"input": {"id": pid}}))["salesPlanApprove"]
    assert approved["salesPlan"]["status"] == "APPROVED"


async def test_a_company_plan_under_the_limit_needs_only_the_vp(demo, client_for):
    admin, planner, vp = (
        await client_for("admin"),
        await client_for("planner"),
        await client_for("vp"),
    )
    pid = await plan_id(demo, DECEMBER.format(kind="COMPANY"))
    total = await planner.execute(
        "query($id: ID!) { salesPlan(id: $id) { totalAmount } }", {"id": pid}
    )
    limit = str(int(float(total["salesPlan"]["totalAmount"])) + 1)
    result = await admin.execute(
        """mutation($input: ApprovalPolicySetInput!) { approvalPolicySet(input: $input) {
             approvalPolicy { steps { name minAmount levels } } errors { code } } }""",
        {
            "input": {
                "documentType": "SALES_PLAN",
                "steps": [
                    {"name": "VP in charge", "approverKind": "VP_IN_CHARGE"},
                    {
                        "name": "General manager",
                        "approverKind": "GENERAL_MANAGER",
                        "minAmount": limit,
                        "levels": ["COMPANY"],
                    },
                ],
            }
        },
    )
    assert result["approvalPolicySet"]["errors"] == []
    plan = (await submit(planner, pid))["salesPlan"]
    assert [s["state"] for s in plan["steps"]] == ["PENDING", "NOT_APPLICABLE"]
    approved = (await vp.execute(transition("Approve"), {"input": {"id": pid}}))["salesPlanApprove"]
    assert approved["salesPlan"]["status"] == "APPROVED"


async def test_a_rejected_plan_returns_to_draft_with_the_reason_and_resubmits_from_step_one(
    demo, client_for
):
    planner, vp, gm = await client_for("planner"), await client_for("vp"), await client_for("gm")
    pid = await plan_id(demo, DECEMBER.format(kind="COMPANY"))
    await submit(planner, pid)
    await vp.execute(transition("Approve"), {"input": {"id": pid}})
    rejected = (
        await gm.execute(
            transition("Reject"), {"input": {"id": pid, "reason": "Q4 export targets too low"}}
        )
    )["salesPlanReject"]
    assert rejected["errors"] == []
    plan = rejected["salesPlan"]
    assert plan["status"] == "DRAFT"
    assert plan["currentStep"] is None
    assert [s["state"] for s in plan["steps"]] == ["APPROVED", "REJECTED"]
    last = plan["historyConnection"]["nodes"][-1]
    assert (last["action"], last["fromStatus"], last["toStatus"]) == (
        "REJECTED",
        "SUBMITTED",
        "DRAFT",
    )
    assert last["comment"] == "Q4 export targets too low"
    assert last["actor"]["login"] == "gm"

    again = (await submit(planner, pid))["salesPlan"]
    assert again["status"] == "SUBMITTED"
    assert [s["state"] for s in again["steps"]] == ["PENDING", "WAITING"]
    assert again["currentStep"]["approver"]["login"] == "vp"


async def test_the_author_withdraws_before_a_decision_but_not_after(demo, client_for):
    planner, vp = await client_for("planner"), await client_for("vp")
    first = await plan_id(demo, DECEMBER.format(kind="COMPANY"))
    await submit(planner, first)
    withdrawn = (await planner.execute(transition("Withdraw"), {"input": {"id": first}}))[
        "salesPlanWithdraw"
    ]
    assert withdrawn["errors"] == []
    assert withdrawn["salesPlan"]["status"] == "DRAFT"
    assert [s["state"] for s in withdrawn["salesPlan"]["steps"]] == ["CANCELLED", "CANCELLED"]

    await submit(planner, first)
    await vp.execute(transition("Approve"), {"input": {"id": first}})
    before = await snapshot(demo)
    late = (await planner.execute(transition("Withdraw"), {"input": {"id": first}}))[
        "salesPlanWithdraw"
    ]
    assert [e["code"] for e in late["errors"]] == ["INVALID_TRANSITION"]
    assert await snapshot(demo) == before


async def test_an_approved_revision_supersedes_the_plan_it_revises(demo, client_for):
    planner, vp = await client_for("planner"), await client_for("vp")
    original = await plan_id(demo, "status = 'APPROVED' AND owner_kind = 'DEPARTMENT'")
    revised = (await planner.execute(transition("Revise"), {"input": {"id": original}}))[
        "salesPlanRevise"
    ]
    assert revised["errors"] == []
    revision = revised["salesPlan"]
    assert (revision["status"], revision["revision"]) == ("DRAFT", 2)
    assert revision["id"] != original

    second = (await planner.execute(transition("Revise"), {"input": {"id": original}}))[
        "salesPlanRevise"
    ]
    assert [e["code"] for e in second["errors"]] == ["CONFLICT"]

    await planner.execute(
        transition("Submit"), {"input": {"id": revision["id"], "acceptAllocationGap": True}}
    )
    await vp.execute(transition("Approve"), {"input": {"id": revision["id"]}})
    old = await planner.execute(
        "query($id: ID!) { salesPlan(id: $id) { status historyConnection { nodes { action } } } }",
        {"id": original},
    )
    assert old["salesPlan"]["status"] == "SUPERSEDED"
    assert old["salesPlan"]["historyConnection"]["nodes"][-2:] == [
        {"action": "REVISED"},
        {"action": "SUPERSEDED"},
    ]
